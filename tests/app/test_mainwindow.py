"""The main window driven like a user would: shortcuts, edits, undo, import, export, generate."""

import pytest
from PySide6.QtCore import Qt
from windowkit import FakeGenerator, make_window, melody_composition

from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.midifile import read_midi, write_midi

pytestmark = [pytest.mark.qt, pytest.mark.integration]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.controller.load(melody_composition(), title="Test tune")
    return w


def key(qtbot, window, k, mods=Qt.KeyboardModifier.NoModifier):
    window.roll.setFocus()
    qtbot.keyClick(window.roll, k, mods)


def test_shortcuts_edit_the_selection_and_undo_redo_reverts(qtbot, window):
    first = window.controller.composition.melody.notes[0]
    window.roll.set_selection([first])
    key(qtbot, window, Qt.Key.Key_Up)
    key(qtbot, window, Qt.Key.Key_Right)
    moved = Note(first.start_beat + 0.25, first.pitch + 1, first.duration_beats, first.velocity)
    assert moved in window.controller.composition.melody.notes
    key(qtbot, window, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)  # octave up
    assert window.roll.selected_notes()[0].pitch == first.pitch + 13
    key(qtbot, window, Qt.Key.Key_Delete)
    assert len(window.controller.composition.melody.notes) == 15
    for _ in range(4):
        key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.composition == melody_composition()
    key(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.controller.composition.melody.notes[0].pitch == first.pitch + 1


def test_q_quantizes_the_whole_melody_when_nothing_is_selected(qtbot, window):
    loose = Composition(tracks=(Track("melody", (Note(0.06, 60, 0.93), Note(1.11, 62, 0.8))),))
    window.controller.load(loose, title="loose")
    key(qtbot, window, Qt.Key.Key_Q)
    starts = [n.start_beat for n in window.controller.composition.melody.notes]
    assert starts == [0.0, 1.0]
    assert window.controller.undo_stack.count() == 1


def test_importing_a_midi_file_shows_its_tracks(qtbot, window, tmp_path):
    path = tmp_path / "song.mid"
    write_midi(FakeGenerator().generate(melody_composition(title=""), seed=1)[0], path)
    assert window.files.open_file(path)
    assert [t.name for t in window.controller.composition.tracks] == ["melody", "alto", "bass"]
    assert len(window.tracks_panel.rows) == 3
    assert window.controller.undo_stack.count() == 0
    assert "song" in window.windowTitle()


def test_a_broken_midi_file_gives_a_message_and_keeps_the_piece(qtbot, window, tmp_path):
    path = tmp_path / "broken.mid"
    path.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00")
    before = window.controller.composition
    assert not window.files.open_file(path)
    assert window.controller.composition is before
    assert window.problems and "broken.mid" in window.problems[-1]


def test_export_writes_a_type_1_file_with_every_track(qtbot, window, tmp_path):
    window.controller.apply(FakeGenerator().generate(melody_composition(), seed=3)[0], "gen")
    target = tmp_path / "out.mid"
    assert window.files.export_midi_to(target)
    back = read_midi(target)
    assert [t.name for t in back.tracks] == ["melody", "alto", "bass"]
    assert back.tracks[0].notes == window.controller.composition.tracks[0].notes


def test_export_to_a_missing_folder_is_a_message_not_a_crash(qtbot, window, tmp_path):
    assert not window.files.export_midi_to(tmp_path / "nope" / "out.mid")
    assert window.problems


def test_generate_adds_tracks_without_blocking_and_is_undoable(qtbot, window):
    window.generate_panel.random_seed.setChecked(False)
    window.generate_panel.seed.setValue(7)
    window.generate_panel.variations.setValue(2)
    with qtbot.waitSignal(window.generation.generated, timeout=10000):
        window.actions.generate.trigger()
    c = window.controller.composition
    assert [t.name for t in c.tracks] == ["melody", "alto", "bass"]
    assert window.fake_generator.calls[-1]["seed"] == 7
    assert len(window.tracks_panel.rows) == 3
    assert window.generate_panel.button.isEnabled()
    window.gen.choose_variation(1)
    assert window.controller.composition.tracks[2] != c.tracks[2]
    window.controller.undo()
    window.controller.undo()
    assert [t.name for t in window.controller.composition.tracks] == ["melody"]


def test_the_window_stays_responsive_while_the_model_runs(qtbot, window):
    window.fake_generator.release.clear()  # the model "thinks" until released
    window.actions.generate.trigger()
    qtbot.wait(50)
    assert window.generation.busy
    assert not window.generate_panel.button.isEnabled()
    key(qtbot, window, Qt.Key.Key_Q)  # the GUI thread still handles input
    assert window.controller.undo_stack.count() == 1
    with qtbot.waitSignal(window.generation.generated, timeout=10000):
        window.fake_generator.release.set()


def test_regenerate_one_track_keeps_the_others(qtbot, window):
    with qtbot.waitSignal(window.generation.generated, timeout=10000):
        window.actions.generate.trigger()
    alto = window.controller.composition.tracks[1]
    with qtbot.waitSignal(window.generation.generated, timeout=10000):
        window.tracks_panel.regenerateRequested.emit(2)
    assert window.fake_generator.calls[-1]["regenerate"] == ["bass"]
    assert window.controller.composition.tracks[1] == alto


def test_a_failing_model_is_reported_and_the_window_recovers(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch, generator=FakeGenerator(fail="weights broken"))
    w.controller.load(melody_composition(), title="x")
    with qtbot.waitSignal(w.generation.failed, timeout=10000):
        w.actions.generate.trigger()
    assert "weights broken" in w.problems[-1]
    assert w.generate_panel.button.isEnabled()
    assert len(w.controller.composition.tracks) == 1


def test_without_models_generate_is_disabled_with_a_reason(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch, list_models=lambda: [])
    assert not w.actions.generate.isEnabled()
    assert "No generator model" in w.generate_panel.status.text()


def test_generate_with_no_melody_says_what_to_do(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    with qtbot.waitSignal(w.generation.failed, timeout=2000):
        w.actions.generate.trigger()
    assert "no melody" in w.problems[-1]


def test_track_panel_changes_are_undoable_edits(qtbot, window):
    row = window.tracks_panel.rows[0]
    row["program"].setCurrentIndex(40)
    assert window.controller.composition.tracks[0].program == 40
    row = window.tracks_panel.rows[0]
    row["mute"].click()
    assert window.controller.composition.tracks[0].muted
    window.controller.undo()
    assert not window.controller.composition.tracks[0].muted


def test_tempo_and_meter_pickers_change_the_piece(qtbot, window):
    window.transport.tempo.setValue(90)
    assert window.controller.composition.tempo_bpm == 90
    window.transport.meter.setCurrentIndex(1)  # 3/4
    assert str(window.controller.composition.time_signature) == "3/4"


def test_new_clears_the_piece(qtbot, window):
    window.actions.new.trigger()
    assert window.controller.composition == Composition()
    assert window.tracks_panel.rows == []


def test_the_grid_picker_sets_snapping_and_quantize(qtbot, window):
    window.transport.grid.setCurrentIndex(window.transport.grid.findData(8))
    assert window.roll.steps_per_beat == 2
    loose = Composition(tracks=(Track("melody", (Note(0.3, 60, 0.4),)),))
    window.controller.load(loose, title="loose")
    window.actions.quantize.trigger()
    assert window.controller.composition.melody.notes[0].start_beat == 0.5
    assert window.settings.quantize_grid == 8


def test_export_wav_renders_off_the_gui_thread(qtbot, window, tmp_path):
    target = tmp_path / "tune.wav"
    signals = window.files.export_wav_to(target)
    with qtbot.waitSignal(signals.finished, timeout=60000):
        pass
    assert target.stat().st_size > 44 + 44100  # a header and more than a quarter second
    assert "Exported" in window.statusBar().currentMessage()


def test_copy_paste_and_duplicate_notes(qtbot, window):
    first_two = list(window.controller.composition.melody.notes[:2])  # beats 0 and 1
    window.roll.set_selection(first_two)
    key(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    notes = window.controller.composition.melody.notes
    assert len(notes) == 18
    assert sorted(window.roll.selected_notes())[0].start_beat == 2.0  # right after the copy
    window.roll.set_selection(first_two)
    key(qtbot, window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    window.transport_handlers.cursor_beat = 20.0
    key(qtbot, window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [n.start_beat for n in sorted(window.roll.selected_notes())] == [20.0, 21.0]
    key(qtbot, window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert len(window.controller.composition.melody.notes) == 18
