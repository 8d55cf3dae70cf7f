"""Edit commands of the main window: each builds a new composition and applies it (undoable).

The selection lives in the piano roll; commands that need notes use the selection, or the
whole melody when nothing is selected (quantize, octave transpose), as musicians expect.
"""

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from deepcomposer_desktop.core import Note, TempoChange, TimeSignature

from . import edits

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class EditHandlers(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        a = window.actions
        stack = window.controller.undo_stack
        a.undo.triggered.connect(window.controller.undo)
        a.redo.triggered.connect(window.controller.redo)
        stack.canUndoChanged.connect(a.undo.setEnabled)
        stack.canRedoChanged.connect(a.redo.setEnabled)
        stack.undoTextChanged.connect(lambda t: a.undo.setText(f"&Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: a.redo.setText(f"&Redo {t}".strip()))
        a.undo.setEnabled(False)
        a.redo.setEnabled(False)
        a.select_all.triggered.connect(window.roll.select_all)
        a.copy.triggered.connect(self.copy)
        a.cut.triggered.connect(self.cut)
        a.paste.triggered.connect(self.paste)
        a.duplicate.triggered.connect(self.duplicate)
        a.zoom_fit.triggered.connect(window.roll.fit_to_composition)
        self.clipboard: list[Note] = []  # notes relative to the first one's start
        a.delete.triggered.connect(self.delete_selected)
        a.quantize.triggered.connect(self.quantize)
        a.move_left.triggered.connect(lambda: self.move(beats=-1))
        a.move_right.triggered.connect(lambda: self.move(beats=1))
        a.move_up.triggered.connect(lambda: self.move(semitones=1))
        a.move_down.triggered.connect(lambda: self.move(semitones=-1))
        a.octave_up.triggered.connect(lambda: self.transpose(12))
        a.octave_down.triggered.connect(lambda: self.transpose(-12))
        a.draw_mode.toggled.connect(self._draw_mode)
        a.zoom_in.triggered.connect(lambda: window.roll.zoom(x_factor=1.25))
        a.zoom_out.triggered.connect(lambda: window.roll.zoom(x_factor=0.8))
        window.tracks_panel.trackChanged.connect(self.change_track)
        window.tracks_panel.removeRequested.connect(self.remove_track)

    @property
    def _grid_steps(self) -> int:
        grid = self.w.settings.quantize_grid or 16
        return max(1, grid // 4)

    @Slot(bool)
    def _draw_mode(self, on: bool) -> None:
        self.w.roll.draw_mode = on
        self.w.show_message("Draw mode: drag on the grid to draw notes." if on else "")

    @Slot()
    def delete_selected(self) -> None:
        notes = self.w.roll.selected_notes()
        if not notes:
            self.w.show_message("Select notes first (click, or drag a box around them).")
            return
        c = self.w.controller.composition
        self.w.controller.apply(edits.delete_notes(c, notes), f"Delete {len(notes)} notes")

    @Slot()
    def copy(self) -> None:
        notes = sorted(self.w.roll.selected_notes())
        if not notes:
            return
        first = notes[0].start_beat
        self.clipboard = [replace(n, start_beat=n.start_beat - first) for n in notes]
        self.w.show_message(f"Copied {len(notes)} notes.")

    @Slot()
    def cut(self) -> None:
        self.copy()
        self.delete_selected()

    def _paste_at(self, beat: float, description: str) -> None:
        if not self.clipboard:
            self.w.show_message("Nothing copied yet.")
            return
        pasted = [replace(n, start_beat=n.start_beat + beat) for n in self.clipboard]
        self.add_melody_notes(pasted, description)
        self.w.roll.set_selection(pasted)

    @Slot()
    def paste(self) -> None:
        self._paste_at(self.w.transport_handlers.cursor_beat, "Paste notes")

    @Slot()
    def duplicate(self) -> None:
        notes = sorted(self.w.roll.selected_notes())
        if not notes:
            return
        self.copy()
        end = max(n.end_beat for n in notes)
        steps = self._grid_steps
        self._paste_at(edits.snap_beat(end, steps) if end > 0 else 0.0, "Duplicate notes")

    @Slot()
    def quantize(self) -> None:
        notes = self.w.roll.selected_notes() or None
        c = self.w.controller.composition
        if not edits.melody_notes(c):
            return
        steps = self._grid_steps
        new, chosen = edits.quantize_notes(
            c, notes, steps_per_beat=steps, strength=self.w.settings.quantize_strength
        )
        self.w.controller.apply(new, "Quantize")
        if notes:
            self.w.roll.set_selection(chosen)
        self.w.show_message(f"Quantized to 1/{steps * 4} notes.")

    def move(self, *, beats: int = 0, semitones: int = 0) -> None:
        notes = self.w.roll.selected_notes()
        if not notes:
            return
        c = self.w.controller.composition
        new, moved = edits.move_notes(c, notes, beats=beats / self._grid_steps, semitones=semitones)
        self.w.controller.apply(new, "Move notes" if beats else "Transpose notes")
        self.w.roll.set_selection(moved)

    def transpose(self, semitones: int) -> None:
        notes = self.w.roll.selected_notes() or None
        c = self.w.controller.composition
        if not edits.melody_notes(c):
            return
        new, moved = edits.transpose_notes(c, notes, semitones)
        self.w.controller.apply(new, "Transpose octave")
        if notes:
            self.w.roll.set_selection(moved)

    @Slot(int, object)
    def change_track(self, index: int, changes: dict) -> None:
        c = self.w.controller.composition
        if index >= len(c.tracks):
            return
        what = ", ".join(sorted(changes))
        self.w.controller.apply(edits.set_track(c, index, **changes), f"Change {what}")

    @Slot(int)
    def remove_track(self, index: int) -> None:
        c = self.w.controller.composition
        name = c.tracks[index].name
        self.w.controller.apply(edits.remove_track(c, index), f"Remove {name}")

    def set_tempo(self, tempo_bpm: float) -> None:
        c = self.w.controller.composition
        if abs(c.tempo_bpm - tempo_bpm) < 1e-6:
            return
        tempo_map = (TempoChange(0.0, tempo_bpm), *c.tempo_map[1:])
        self.w.controller.apply(replace(c, tempo_map=tempo_map), "Change tempo")

    def set_time_signature(self, numerator: int, denominator: int) -> None:
        c = self.w.controller.composition
        first = c.time_signature
        if (first.numerator, first.denominator) == (numerator, denominator):
            return
        signatures = (TimeSignature(numerator, denominator, 0.0), *c.time_signatures[1:])
        self.w.controller.apply(replace(c, time_signatures=signatures), "Change meter")

    def add_melody_notes(self, notes: list[Note], description: str) -> None:
        c = self.w.controller.composition
        self.w.controller.apply(edits.add_notes(c, notes), description)
