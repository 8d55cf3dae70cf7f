from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QPushButton

from deepcomposer_desktop.app.preferences_dialog import PreferencesDialog
from deepcomposer_desktop.core.settings import Settings

pytestmark = pytest.mark.qt

INPUTS = ["USB Keys", "Virtual Keyboard"]
OUTPUTS = ["Synth Out"]
MODELS = ["bach-chorale", "pop-band"]


def _soundfont(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.sf2"
    path.write_bytes(b"RIFF" + (100).to_bytes(4, "little") + b"sfbk" + bytes(100))
    return path


def _dialog(qtbot, settings: Settings) -> PreferencesDialog:
    dialog = PreferencesDialog(settings, inputs=INPUTS, outputs=OUTPUTS, models=MODELS)
    qtbot.addWidget(dialog)
    return dialog


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(
            midi_input="Virtual Keyboard",
            midi_output="Synth Out",
            default_model="pop-band",
            audio_buffer_frames=1024,
            sample_rate=44100,
            tempo_bpm=87.5,
            count_in_bars=2,
            metronome=False,
            quantize_grid=12,
            quantize_strength=0.55,
            inference_threads=1,
            theme="system",
        ),
    ],
)
def test_untouched_dialog_gives_back_the_same_settings(qtbot, settings: Settings) -> None:
    assert _dialog(qtbot, settings).chosen_settings() == settings


def test_edited_widgets_become_the_chosen_settings(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, Settings())
    dialog.midi_input.setCurrentIndex(dialog.midi_input.findData("USB Keys"))
    dialog.midi_output.setCurrentIndex(dialog.midi_output.findData("Synth Out"))
    dialog.soundfont.setText(str(_soundfont(tmp_path)))
    dialog.buffer.setCurrentIndex(dialog.buffer.findData(128))
    dialog.tempo.setValue(142.0)
    dialog.count_in.setValue(0)
    dialog.metronome.setChecked(False)
    dialog.quantize.setCurrentIndex(dialog.quantize.findData(0))
    dialog.strength.setValue(40)
    dialog.model.setCurrentIndex(dialog.model.findData("pop-band"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    assert dialog.chosen_settings() == Settings(
        midi_input="USB Keys",
        midi_output="Synth Out",
        soundfont_path=str(tmp_path / "tiny.sf2"),
        default_model="pop-band",
        audio_buffer_frames=128,
        tempo_bpm=142.0,
        count_in_bars=0,
        metronome=False,
        quantize_grid=0,
        quantize_strength=0.4,
        theme="light",
    )
    assert "2.7 ms" in dialog.latency.text()  # 128 frames at 48 kHz


def test_a_disconnected_device_and_missing_model_stay_chosen(qtbot) -> None:
    settings = Settings(midi_input="Old Keys", midi_output="Gone Out", default_model="mine")
    dialog = _dialog(qtbot, settings)
    assert dialog.midi_input.currentText() == "Old Keys (not connected)"
    assert dialog.midi_output.currentText() == "Gone Out (not connected)"
    assert dialog.model.currentText() == "mine"
    assert dialog.chosen_settings() == settings
    labels = [dialog.midi_input.itemText(i) for i in range(dialog.midi_input.count())]
    assert labels[:3] == ["Automatic (best keyboard)", "USB Keys", "Virtual Keyboard"]


def test_a_bad_soundfont_is_explained_and_blocks_ok(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, Settings())
    assert dialog.soundfont_ok
    not_sf = tmp_path / "notes.txt"
    not_sf.write_text("hello")
    dialog.soundfont.setText(str(not_sf))
    assert not dialog.soundfont_ok
    assert "is not a SoundFont" in dialog.soundfont_status.text()
    dialog.soundfont.setText(str(tmp_path / "missing.sf2"))
    assert "does not exist" in dialog.soundfont_status.text()
    dialog.soundfont.setText(str(_soundfont(tmp_path)))
    assert dialog.soundfont_ok


def test_browse_fills_in_the_picked_file(qtbot, tmp_path: Path, monkeypatch) -> None:
    picked = _soundfont(tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(picked), ""))
    )
    dialog = _dialog(qtbot, Settings())
    [browse] = [b for b in dialog.findChildren(QPushButton) if "Browse" in b.text()]
    browse.click()
    assert dialog.soundfont.text() == str(picked)
    assert dialog.soundfont_ok
