from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from deepcomposer_desktop.app.autosave import recoverable_sessions
from deepcomposer_desktop.app.library import Library
from deepcomposer_desktop.app.library_dialog import LibraryDialog, RestoreDialog
from deepcomposer_desktop.core import Composition, Note, Track

pytestmark = pytest.mark.qt


def _piece(n: int) -> Composition:
    return Composition(tracks=(Track("Melody", tuple(Note(float(i), 60, 1.0) for i in range(n))),))


def _when_modal(action) -> None:
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible():
            QTimer.singleShot(10, poll)
        else:
            action(widget)

    QTimer.singleShot(0, poll)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library(tmp_path / "lib.sqlite3")
    library.save(_piece(4), title="Older")
    library.save(_piece(9), title="Newer")
    return library


@pytest.fixture
def dialog(qtbot, library: Library) -> LibraryDialog:
    widget = LibraryDialog(library)
    qtbot.addWidget(widget)
    return widget


def _rows(dialog: LibraryDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in (0, 2, 3)] for r in range(table.rowCount())]


def test_lists_entries_newest_first_with_bars_and_tracks(dialog: LibraryDialog) -> None:
    assert _rows(dialog) == [["Newer", "3", "1"], ["Older", "1", "1"]]
    assert not dialog.empty_label.isVisibleTo(dialog)


def test_open_emits_the_selected_entry(qtbot, dialog: LibraryDialog, library) -> None:
    older = library.entries()[1].id
    dialog.table.selectRow(1)
    with qtbot.waitSignal(dialog.openRequested) as opened:
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [older]


def test_rename_asks_for_a_title_and_stores_it(qtbot, dialog, library) -> None:
    def type_title(box: QInputDialog) -> None:
        box.setTextValue("  Renamed tune ")
        box.accept()

    _when_modal(type_title)
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert _rows(dialog)[0][0] == "Renamed tune"
    assert library.entries()[0].title == "Renamed tune"


def test_duplicate_adds_a_selected_copy(qtbot, dialog: LibraryDialog, library) -> None:
    qtbot.mouseClick(dialog.duplicate_button, Qt.MouseButton.LeftButton)
    assert len(library.entries()) == 3
    copy_id = dialog.selected_id()
    assert library.entry(copy_id).title == "Newer copy"
    assert library.load(copy_id) == _piece(9)


@pytest.mark.parametrize("answer", ["cancel", "delete"])
def test_delete_asks_first(qtbot, dialog: LibraryDialog, library, answer: str) -> None:
    questions: list[str] = []

    def respond(box: QMessageBox) -> None:
        questions.append(box.text())
        [button] = [b for b in box.buttons() if b.text() == answer.capitalize()]
        button.click()

    _when_modal(respond)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "Newer" in questions[0]
    titles = [e.title for e in library.entries()]
    assert titles == (["Older"] if answer == "delete" else ["Newer", "Older"])
    assert [r[0] for r in _rows(dialog)] == titles


def test_an_empty_library_says_so_and_disables_actions(qtbot, tmp_path: Path) -> None:
    dialog = LibraryDialog(Library(tmp_path / "empty.sqlite3"))
    qtbot.addWidget(dialog)
    assert dialog.empty_label.isVisibleTo(dialog)
    assert not dialog.open_button.isEnabled()
    assert not dialog.delete_button.isEnabled()


def _crashed_session(library: Library) -> int:
    """What a killed run leaves: an autosaved entry plus a recording in progress."""
    session = library.begin_session()
    entry = library.autosave(session, _piece(5), entry_id=None, title="Crashed tune")
    library.save_take(session, _piece(3))
    return entry


@pytest.mark.parametrize("accept", [True, False])
def test_restore_offers_the_open_piece_and_keeps_the_recording(qtbot, tmp_path, accept) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    entry = _crashed_session(library)
    offered: list[str] = []

    def respond(box: RestoreDialog) -> None:
        offered.extend(box.list.item(i).text() for i in range(box.list.count()))
        box.accept() if accept else box.reject()

    _when_modal(respond)
    restored = RestoreDialog.ask(library)
    assert len(offered) == 1
    assert "Crashed tune" in offered[0] and "unfinished recording" in offered[0]
    titles = {e.title for e in library.entries()}
    assert "Crashed tune" in titles
    assert any(t.startswith("Recovered recording") for t in titles)  # nothing lost
    assert recoverable_sessions(library) == []
    if accept:
        assert len(restored) == 2
        assert restored[0].entry_id == entry
        assert restored[0].composition == _piece(5)
        assert restored[1].composition == _piece(3)
        assert library.load(restored[1].entry_id) == _piece(3)
    else:
        assert restored == []


def test_no_crash_means_no_question(qtbot, tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    session = library.begin_session()
    library.end_session(session)
    assert RestoreDialog.ask(library) == []
