"""The window with APP-B's library, autosave and preferences wired in."""

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
