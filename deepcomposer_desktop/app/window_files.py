"""Files and the library: new, import, sample melodies, save, library, export, preferences.

APP-B's components are looked up through ``optional``; a missing one leaves its action greyed
with a reason, and plain fallbacks (read/write MIDI directly) keep the basics working.
"""

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMenu

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import DeepComposerError

from . import optional

if TYPE_CHECKING:
    from .mainwindow import MainWindow

log = logging.getLogger(__name__)
MIDI_FILTER = "MIDI files (*.mid *.midi *.kar);;All files (*)"


class FileHandlers(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.last_dir = str(Path.home())
        self.autosaver: Any = None
        a = window.actions
        a.new.triggered.connect(self.new)
        a.import_midi.triggered.connect(self.import_dialog)
        a.export_midi.triggered.connect(self.export_midi_dialog)
        a.export_wav.triggered.connect(self.export_wav_dialog)
        a.save.triggered.connect(self.save_to_library)
        a.library.triggered.connect(self.library_dialog)
        a.preferences.triggered.connect(self.preferences_dialog)
        a.quit.triggered.connect(window.close)
        self.exporting = optional.component("exporting")
        if self.exporting is None:
            a.disable_missing("export_wav", "WAV export is not available in this build")
        library = window.services.library
        if library is None:
            for name in ("save", "library"):
                a.disable_missing(name, "The library is not available")
        elif optional.component("library_dialog") is None:
            a.disable_missing("library", "The library browser is not available yet")
        if optional.component("preferences_dialog") is None:
            a.disable_missing("preferences", "Preferences are not available yet")
        self.drag_button = None
        if self.exporting is not None:
            self.drag_button = self.exporting.MidiDragButton()
            window.transport.addSeparator()
            window.transport.addWidget(self.drag_button)
        self._start_autosave()

    def _start_autosave(self) -> None:
        library = self.w.services.library
        autosave = optional.component("autosave")
        if library is None or autosave is None or not self.w.services.autosave:
            return
        try:
            self.autosaver = autosave.Autosaver(library, self.w.controller, parent=self)
            self.autosaver.saveFailed.connect(self.w.show_message)
            self.w.live.livePosition.connect(self._snapshot_take)
            self.w.live.recordingChanged.connect(self._recording_changed)
        except Exception as err:  # autosave is a safety net, not a blocker
            self.w.show_problem(f"Autosave is off: {err}")

    @Slot(float, object)
    def _snapshot_take(self, _beat: float, notes: list) -> None:
        """A recording in progress survives a crash: snapshots go to the library session."""
        if self.autosaver is None or not notes:
            return
        from deepcomposer_desktop.core import TempoChange, Track

        t = self.w.transport
        take = Composition(
            tracks=(Track("melody", tuple(notes)),),
            tempo_map=(TempoChange(0.0, float(t.tempo.value())),),
            title="Recording",
        )
        self.autosaver.save_take(take)

    @Slot(bool)
    def _recording_changed(self, recording: bool) -> None:
        if not recording and self.autosaver is not None:
            self.autosaver.save_take(None)  # the take is now part of the composition

    def composition_changed(self, composition: Composition) -> None:
        has_notes = any(t.notes for t in composition.tracks)
        for name in ("export_midi",):
            self.w.actions.by_name[name].setEnabled(has_notes)
        if self.exporting is not None:
            self.w.actions.export_wav.setEnabled(has_notes)
        if self.drag_button is not None:
            self.drag_button.set_composition(composition)

    # ----- opening ------------------------------------------------------------------------
    @Slot()
    def new(self) -> None:
        self.w.transport_handlers.stop()
        self.w.controller.load(Composition(), title="Untitled")

    @Slot()
    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Import MIDI", self.last_dir, MIDI_FILTER)
        if path:
            self.open_file(Path(path), ask=True)

    def open_file(self, path: Path, *, ask: bool = False) -> bool:
        """Open a MIDI file as the new composition; ``ask`` lets the user pick the melody."""
        self.last_dir = str(path.parent)
        dialog = optional.component("import_dialog") if ask else None
        try:
            if dialog is not None:
                composition = dialog.ImportDialog.choose(self.w, path)
                if composition is None:
                    return False
            else:
                from deepcomposer_desktop.core.midifile import read_midi

                composition = read_midi(path)
        except DeepComposerError as err:
            self.w.show_problem(f"Cannot open {path.name}: {err}")
            return False
        self.w.transport_handlers.stop()
        self.w.controller.load(composition, title=composition.title or path.stem)
        self._remember_recent(path)
        self.w.show_message(f"Opened {path.name}: {len(composition.tracks)} tracks.")
        return True

    def _remember_recent(self, path: Path) -> None:
        store = self.w.services.settings_store
        if store is not None and hasattr(store, "add_recent_file"):
            store.add_recent_file(str(path))

    def fill_recent_menu(self, menu: QMenu) -> None:
        """Recently opened MIDI files (kept by the settings store), newest first."""
        menu.clear()
        store = self.w.services.settings_store
        files = store.recent_files() if store is not None else []
        for name in files:
            action = menu.addAction(Path(name).name)
            action.setToolTip(name)
            action.triggered.connect(lambda _c=False, p=name: self.open_file(Path(p), ask=True))
        if not files:
            menu.addAction("(none yet)").setEnabled(False)

    def fill_melodies_menu(self, menu: QMenu) -> None:
        melodies = optional.component("melodies")
        found = melodies.bundled_melodies() if melodies is not None else []
        for title, path in found:
            action = menu.addAction(title)
            action.triggered.connect(lambda _c=False, p=path: self.open_file(Path(p)))
        if not found:
            menu.addAction("(none installed)").setEnabled(False)

    # ----- library ------------------------------------------------------------------------
    @Slot()
    def save_to_library(self) -> int | None:
        library = self.w.services.library
        c = self.w.controller
        if library is None:
            return None
        try:
            entry_id = library.save(c.composition, title=c.title, entry_id=c.library_id)
        except DeepComposerError as err:
            self.w.show_problem(f"Cannot save: {err}")
            return None
        c.library_id = entry_id
        c.undo_stack.setClean()
        self.w.show_message(f"Saved “{c.title}” in the library.")
        return entry_id

    @Slot()
    def library_dialog(self) -> None:
        module = optional.component("library_dialog")
        library = self.w.services.library
        if module is None or library is None:
            return
        dialog = module.LibraryDialog(library, self.w)
        dialog.openRequested.connect(self.open_library_entry)
        dialog.open()

    @Slot(int)
    def open_library_entry(self, entry_id: int) -> None:
        library = self.w.services.library
        try:
            composition = library.load(entry_id)
            title = library.entry(entry_id).title
        except DeepComposerError as err:
            self.w.show_problem(f"Cannot open that composition: {err}")
            return
        self.w.transport_handlers.stop()
        self.w.controller.load(composition, title=title, library_id=entry_id)

    # ----- export -------------------------------------------------------------------------
    def _default_name(self, suffix: str) -> str:
        title = "".join(ch for ch in self.w.controller.title if ch.isalnum() or ch in " -_")
        return os.path.join(self.last_dir, (title.strip() or "Untitled") + suffix)

    @Slot()
    def export_midi_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Export MIDI", self._default_name(".mid"), MIDI_FILTER
        )
        if path:
            self.export_midi_to(Path(path))

    def export_midi_to(self, path: Path) -> bool:
        c = self.w.controller.composition
        try:
            if self.exporting is not None:
                written = self.exporting.export_midi(c, path)
            else:
                from deepcomposer_desktop.core.midifile import write_midi

                write_midi(c, path)
                written = path
        except DeepComposerError as err:
            self.w.show_problem(f"Cannot export: {err}")
            return False
        self.last_dir = str(Path(written).parent)
        self.w.show_message(f"Exported {written}")
        return True

    @Slot()
    def export_wav_dialog(self) -> None:
        if self.exporting is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Export WAV", self._default_name(".wav"), "WAV audio (*.wav)"
        )
        if path:
            self.export_wav_to(Path(path))

    def export_wav_to(self, path: Path) -> Any:
        """Render on a pool thread; the window says when the file is written (or why not)."""
        if self.exporting is None:
            return None
        signals = self.exporting.start_wav_export(
            self.w.controller.composition,
            path,
            soundfont=self.w.settings.soundfont_path or None,
            on_finished=lambda p: self.w.show_message(f"Exported {p}"),
            on_failed=self.w.show_problem,
        )
        self.w.show_message("Rendering WAV…")
        return signals

    # ----- preferences --------------------------------------------------------------------
    @Slot()
    def preferences_dialog(self) -> None:
        module = optional.component("preferences_dialog")
        if module is None:
            return
        services = self.w.services
        dialog = module.PreferencesDialog(
            self.w.settings,
            inputs=self.w.transport.input.names(),
            outputs=self.w.transport.output.names(),
            models=services.list_models(),
            parent=self.w,
        )
        dialog.accepted.connect(lambda: self.apply_settings(dialog.chosen_settings()))
        dialog.open()

    def apply_settings(self, settings: Any) -> None:
        old = self.w.settings
        self.w.settings = settings
        self.w.services.settings = settings
        store = self.w.services.settings_store
        if store is not None:
            store.set_settings(settings)
        if settings.midi_input != old.midi_input:
            self.w.transport_handlers.choose_input(settings.midi_input, update_picker=True)
        if settings.midi_output != old.midi_output:
            self.w.transport_handlers.choose_output(settings.midi_output, update_picker=True)
        if settings.theme != old.theme:
            from PySide6.QtWidgets import QApplication

            from .theme import apply_theme

            apply_theme(QApplication.instance(), settings.theme)

    def close(self) -> None:
        if self.autosaver is not None:
            try:
                self.autosaver.save_now()
                self.autosaver.mark_clean_exit()
            except Exception:  # closing must finish anyway
                log.exception("autosave at exit failed")
