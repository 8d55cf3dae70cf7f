"""The window with APP-B's library, autosave and preferences wired in."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from windowkit import make_window, melody_composition

from deepcomposer_desktop.app.library import Library

pytestmark = [pytest.mark.qt, pytest.mark.integration]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    library = Library(tmp_path / "library.sqlite3")
    w = make_window(qtbot, tmp_path, monkeypatch, library=library)
    w.controller.load(melody_composition(), title="Ode")
    return w


def test_save_then_reopen_from_the_library(qtbot, window):
    window.actions.save.trigger()
    entry_id = window.controller.library_id
    assert entry_id is not None
    assert "•" not in window.windowTitle()  # saved = clean
    window.actions.new.trigger()
    window.files.open_library_entry(entry_id)
    assert window.controller.composition.melody.notes == melody_composition().melody.notes
    assert window.controller.title == "Ode"


def test_edits_mark_the_title_until_saved(qtbot, window):
    window.roll.select_all()
    window.actions.quantize.trigger()
    window.actions.octave_up.trigger()
    assert "•" in window.windowTitle()
    window.actions.save.trigger()
    assert "•" not in window.windowTitle()


def test_library_dialog_opens_an_entry(qtbot, window):
    window.actions.save.trigger()
    window.actions.new.trigger()
    window.actions.library.trigger()
    from deepcomposer_desktop.app.library_dialog import LibraryDialog

    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, LibraryDialog) and w.isVisible()
    )
    dialog.refresh()
    dialog.openRequested.emit(window.files.w.services.library.entries()[0].id)
    assert window.controller.title == "Ode"
    dialog.close()


def test_autosave_keeps_edits_in_the_library(qtbot, tmp_path, monkeypatch):
    library = Library(tmp_path / "auto.sqlite3")
    w = make_window(qtbot, tmp_path, monkeypatch, library=library, autosave=True)
    assert w.files.autosaver is not None
    w.controller.apply(melody_composition(), "record")
    assert w.files.autosaver.save_now()
    assert [e.title for e in library.entries()]
    w.close()


def test_preferences_change_applies_to_the_window(qtbot, window):
    from dataclasses import replace

    window.files.apply_settings(replace(window.settings, quantize_grid=8, metronome=False))
    assert window.settings.quantize_grid == 8
    window.files.preferences_dialog()
    from deepcomposer_desktop.app.preferences_dialog import PreferencesDialog

    dialog = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, PreferencesDialog) and w.isVisible()
    )
    assert dialog.chosen_settings().quantize_grid == 8
    dialog.close()


def test_a_recording_in_progress_is_snapshotted_for_crash_recovery(qtbot, tmp_path, monkeypatch):
    from deepcomposer_desktop.core import Note

    library = Library(tmp_path / "take.sqlite3")
    w = make_window(qtbot, tmp_path, monkeypatch, library=library, autosave=True)
    w.files._snapshot_take(1.0, [Note(0.0, 62, 1.0)])
    assert w.files.autosaver.save_now()
    take = library.session_take(w.files.autosaver.session_id)
    assert [n.pitch for n in take.tracks[0].notes] == [62]


def test_after_a_crash_the_next_start_restores_the_open_piece(qtbot, tmp_path, monkeypatch):
    import subprocess
    import sys

    from PySide6.QtWidgets import QDialog

    from deepcomposer_desktop.app import library_dialog
    from deepcomposer_desktop.app.main import offer_restore

    db = tmp_path / "crash.sqlite3"
    crashing = (
        "import os, sys\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication([])\n"
        "from windowkit import melody_composition\n"
        "from deepcomposer_desktop.app.autosave import Autosaver\n"
        "from deepcomposer_desktop.app.controller import CompositionController\n"
        "from deepcomposer_desktop.app.library import Library\n"
        "c = CompositionController()\n"
        "saver = Autosaver(Library(sys.argv[1]), c)\n"
        "c.load(melody_composition(), title='Before the crash')\n"
        "c.apply(melody_composition(title='x'), 'edit')\n"
        "assert saver.save_now()\n"
        "os._exit(9)  # killed: no clean exit mark\n"
    )
    env = dict(__import__("os").environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", crashing, str(db), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 9, result.stderr
    monkeypatch.setattr(
        library_dialog.RestoreDialog, "exec", lambda self: QDialog.DialogCode.Accepted
    )
    w = make_window(qtbot, tmp_path, monkeypatch, library=Library(db))
    offer_restore(w)
    assert w.controller.title == "Before the crash"
    assert w.controller.composition.melody.notes == melody_composition().melody.notes
