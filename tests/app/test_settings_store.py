from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from deepcomposer_desktop.app.settings_store import MAX_RECENT_FILES, SettingsStore
from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.settings import Settings

pytestmark = pytest.mark.qt


def _qsettings(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_a_fresh_store_holds_the_defaults(qapp, tmp_path: Path) -> None:
    assert SettingsStore(_qsettings(tmp_path / "s.ini")).settings == Settings()


def test_updates_are_signalled_and_survive_a_restart(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    store = SettingsStore(_qsettings(path))
    with qtbot.waitSignal(store.settingsChanged) as blocker:
        store.update(tempo_bpm=132.5, metronome=False, audio_buffer_frames=512, midi_input="Keys 1")
    expected = Settings(
        tempo_bpm=132.5, metronome=False, audio_buffer_frames=512, midi_input="Keys 1"
    )
    assert blocker.args == [expected]
    reopened = SettingsStore(_qsettings(path))
    assert reopened.settings == expected


def test_every_field_round_trips_through_the_file(qapp, tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    changed = Settings(
        midi_input="In",
        midi_output="Out",
        soundfont_path="/x/y.sf2",
        default_model="pop",
        audio_buffer_frames=1024,
        sample_rate=44100,
        tempo_bpm=90.0,
        count_in_bars=2,
        metronome=False,
        quantize_grid=8,
        quantize_strength=0.5,
        inference_threads=4,
        theme="light",
    )
    SettingsStore(_qsettings(path)).set_settings(changed)
    assert SettingsStore(_qsettings(path)).settings == changed


def test_bad_updates_are_refused_and_change_nothing(qtbot, tmp_path: Path) -> None:
    store = SettingsStore(_qsettings(tmp_path / "s.ini"))
    with qtbot.assertNotEmitted(store.settingsChanged):
        with pytest.raises(DeepComposerError):
            store.update(tempo_bpm=5000.0)
        with pytest.raises(DeepComposerError, match="unknown setting"):
            store.update(colour="red")
        with pytest.raises(DeepComposerError):
            store.update(tempo_bpm="fast")
    assert store.settings == Settings()


def test_a_hand_edited_file_falls_back_per_field(qapp, tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    path.write_text("[settings]\ntempo_bpm=9999\ntheme=light\naudio_buffer_frames=abc\nx=1\n")
    settings = SettingsStore(_qsettings(path)).settings
    assert settings == Settings(theme="light")


def test_midi_learn_bindings_round_trip(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    store = SettingsStore(_qsettings(path))
    assert store.midi_learn_bindings() == {}
    bindings = {"play": {"type": "control_change", "control": 64}, "record": [1, 2]}
    with qtbot.waitSignal(store.bindingsChanged):
        store.set_midi_learn_bindings(bindings)
    assert SettingsStore(_qsettings(path)).midi_learn_bindings() == bindings


def test_recent_files_are_most_recent_first_unique_and_capped(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    store = SettingsStore(_qsettings(path))
    for i in range(MAX_RECENT_FILES + 3):
        store.add_recent_file(f"/music/{i}.mid")
    store.add_recent_file("/music/5.mid")
    recent = SettingsStore(_qsettings(path)).recent_files()
    assert len(recent) == MAX_RECENT_FILES
    assert recent[0] == "/music/5.mid"
    assert recent[1] == f"/music/{MAX_RECENT_FILES + 2}.mid"
    assert recent.count("/music/5.mid") == 1
    assert store.remove_recent_file("/music/5.mid")[0] == f"/music/{MAX_RECENT_FILES + 2}.mid"
    assert store.clear_recent_files() == []


def test_default_store_is_an_ini_file_named_after_the_app(qapp, tmp_path: Path) -> None:
    ini, user = QSettings.Format.IniFormat, QSettings.Scope.UserScope
    QSettings.setPath(ini, user, str(tmp_path))
    try:
        store = SettingsStore()
        store.update(theme="light")
        assert store.file_name.startswith(str(tmp_path))
        assert store.file_name.endswith(".ini")
        assert Path(store.file_name).is_file()
        assert SettingsStore().settings.theme == "light"
    finally:  # back to Qt's default location for the rest of the session
        config = QStandardPaths.StandardLocation.GenericConfigLocation
        QSettings.setPath(ini, user, QStandardPaths.writableLocation(config))
