from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from deepcomposer_desktop.app.import_dialog import ImportDialog, note_name
from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.midifile import choose_melody_track, read_midi, write_midi

pytestmark = pytest.mark.qt


@pytest.fixture
def midi_file(tmp_path: Path) -> Path:
    tune = Track("Flute", tuple(Note(float(b), 72 + b % 5, 1.0) for b in range(8)), program=73)
    chords = Track("Strings", tuple(Note(0.0, p, 8.0) for p in (48, 52, 55)), program=48)
    drums = Track("Kit", (Note(0.0, 36, 0.5), Note(1.0, 38, 0.5)), is_drum=True)
    path = tmp_path / "three_parts.mid"
    write_midi(Composition(tracks=(chords, tune, drums), melody_index=None), path)
    return path


def _when_modal(action) -> None:
    """Run ``action(widget)`` on the modal dialog as soon as it is open."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, poll)
        else:
            action(widget)

    QTimer.singleShot(0, poll)


def test_dialog_lists_tracks_and_preselects_core_guess(qtbot, midi_file: Path) -> None:
    composition = read_midi(midi_file)
    dialog = ImportDialog(composition, midi_file.name)
    qtbot.addWidget(dialog)
    table = dialog.table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert rows == [
        ["Strings", "48: String Ensemble 1", "3", "C3-G3"],
        ["Flute", "73: Flute", "8", "C5-E5"],
        ["Kit", "Drums", "2", "C2-D2"],
    ]
    assert dialog.melody_index == choose_melody_track(composition) == 1


def test_choose_returns_the_composition_with_the_picked_melody(qtbot, midi_file) -> None:
    def pick_strings(dialog: ImportDialog) -> None:
        dialog.table.selectRow(0)
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

    _when_modal(pick_strings)
    result = ImportDialog.choose(None, midi_file)
    assert result is not None
    assert result.melody_index == 0
    assert result.tracks == read_midi(midi_file).tracks
    assert result.title == "three parts"


def test_cancel_returns_none(qtbot, midi_file: Path) -> None:
    _when_modal(lambda dialog: dialog.reject())
    assert ImportDialog.choose(None, midi_file) is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"MThd\x00\x00\x00\x06\x00\x01", "three_parts.mid"), (None, "does not exist")],
)
def test_a_broken_file_shows_one_line_and_returns_none(qtbot, tmp_path, content, expected):
    path = tmp_path / "three_parts.mid"
    if content is not None:
        path.write_bytes(content)
    shown: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        shown.append(box.text())
        box.accept()

    _when_modal(read_and_close)
    assert ImportDialog.choose(None, path) is None
    [message] = shown
    assert expected in message
    assert "\n" not in message


def test_note_names_use_middle_c_as_c4() -> None:
    assert [note_name(p) for p in (60, 61, 21, 127)] == ["C4", "C#4", "A0", "G9"]
