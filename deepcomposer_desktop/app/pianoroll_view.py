"""The piano roll: every track on one grid, the melody editable with the mouse.

The view only reads the composition. Mouse gestures become calls on the controller (through
``edits``); while a drag is in progress the view shows a preview and commits one undo step on
release. Selection, zoom, scroll, playhead and live notes are view state, not data.
"""

from dataclasses import replace

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QRubberBand, QWidget

from deepcomposer_desktop.core import Composition, Note

from . import edits, pianoroll_painter, theme
from .controller import CompositionController
from .pianoroll_geometry import RollGeometry

EDGE_GRAB_PX = 6
EMPTY_HINT = (
    "Play a melody: press R and play your MIDI keyboard, click the keys below,\n"
    "or turn on Computer Keys (Ctrl+K). Double-click here to draw notes,\n"
    "or open a tune from File ▸ Sample Melodies. Then press G to generate."
)


class PianoRollView(QAbstractScrollArea):
    selectionChanged = Signal(object)  # list[Note]
    positionClicked = Signal(float)  # beat

    def __init__(self, controller: CompositionController, parent: QWidget | None = None):
        super().__init__(parent)
        self._controller = controller
        self._geometry = RollGeometry()
        self._selection: list[Note] = []
        self._preview: list[Note] | None = None
        self._drag: dict | None = None
        self._playhead_beat: float | None = None
        self._live_notes: list[Note] = []
        self._loop: tuple[float, float] | None = None
        self._cursor_beat = 0.0
        self.steps_per_beat = 4
        self.draw_mode = False
        self.new_note_beats = 1.0
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        self.viewport().setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(QSize(400, 220))
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        controller.compositionChanged.connect(self._composition_changed)
        controller.loaded.connect(self.fit_to_composition)
        self._update_scroll_ranges()
        self.center_on_pitch(67)

    # ----- state from outside -------------------------------------------------------------
    @property
    def geometry_model(self) -> RollGeometry:
        return self._geometry

    def selected_notes(self) -> list[Note]:
        return list(self._selection)

    def set_selection(self, notes: list[Note]) -> None:
        self._selection = list(notes)
        self.selectionChanged.emit(self.selected_notes())
        self.viewport().update()

    @Slot()
    def select_all(self) -> None:
        self.set_selection(list(edits.melody_notes(self._controller.composition)))

    def set_playhead(self, beat: float | None) -> None:
        self._playhead_beat = beat
        if beat is not None:
            self._follow(beat)
        self.viewport().update()

    def set_live_notes(self, notes: list[Note]) -> None:
        self._live_notes = list(notes)
        self.viewport().update()

    def set_cursor(self, beat: float) -> None:
        """Where Play starts (a click on the bar ruler moves it)."""
        self._cursor_beat = beat
        self.viewport().update()

    def set_loop(self, loop: tuple[float, float] | None) -> None:
        self._loop = loop
        self.viewport().update()

    def zoom(self, x_factor: float = 1.0, y_factor: float = 1.0, anchor_x: float | None = None):
        anchor = self.viewport().width() / 2 if anchor_x is None else anchor_x
        beat = self._geometry.x_to_beat(anchor)
        self._geometry = self._geometry.zoomed(x_factor=x_factor, y_factor=y_factor)
        self._update_scroll_ranges()
        x = beat * self._geometry.pixels_per_beat - (anchor - self._geometry.ruler_width_px)
        self.horizontalScrollBar().setValue(int(x))
        self.viewport().update()

    @Slot()
    def fit_to_composition(self, _composition: object = None) -> None:
        """Show the whole piece across the width, centred on the pitches it uses."""
        c = self._controller.composition
        pitches = [n.pitch for t in c.tracks for n in t.notes]
        width = self.viewport().width() - self._geometry.ruler_width_px - 16
        beats = max(c.bar_count * c.beats_per_bar, 4 * c.beats_per_bar)
        height = self.viewport().height() - self._geometry.header_height_px
        span = (max(pitches) - min(pitches) + 8) if pitches else 36
        self._geometry = replace(
            self._geometry,
            pixels_per_beat=min(max(width / beats, 6.0), 120.0),
            row_height_px=min(max(height / span, 5.0), 18.0),
        )
        self._update_scroll_ranges()
        self.horizontalScrollBar().setValue(0)
        self.center_on_pitch((max(pitches) + min(pitches)) // 2 if pitches else 64)
        self._scrolled()

    def center_on_pitch(self, pitch: int) -> None:
        g = self._geometry
        y = (127 - pitch + 0.5) * g.row_height_px - (
            self.viewport().height() - g.header_height_px
        ) / 2
        self.verticalScrollBar().setValue(int(y))

    # ----- reacting to data ---------------------------------------------------------------
    @Slot(object)
    def _composition_changed(self, composition: Composition) -> None:
        present = list(edits.melody_notes(composition))
        kept = [n for n in self._selection if n in present]
        if kept != self._selection:
            self._selection = kept
            self.selectionChanged.emit(self.selected_notes())
        self._update_scroll_ranges()
        self.viewport().update()

    def _update_scroll_ranges(self) -> None:
        g = self._geometry
        c = self._controller.composition
        beats = max(c.end_beat + 4 * c.beats_per_bar, 16 * c.beats_per_bar)
        view_w = self.viewport().width() - g.ruler_width_px
        view_h = self.viewport().height() - g.header_height_px
        self.horizontalScrollBar().setRange(0, max(0, int(beats * g.pixels_per_beat - view_w)))
        self.horizontalScrollBar().setPageStep(max(1, int(view_w)))
        self.verticalScrollBar().setRange(0, max(0, int(g.content_height_px - view_h)))
        self.verticalScrollBar().setPageStep(max(1, int(view_h)))
        self.verticalScrollBar().setSingleStep(int(g.row_height_px))

    def _scrolled(self) -> None:
        self._geometry = self._geometry.scrolled(
            self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        )
        self.viewport().update()

    def _follow(self, beat: float) -> None:
        x = self._geometry.beat_to_x(beat)
        if x > self.viewport().width() - 40 or x < self._geometry.ruler_width_px:
            page = self.viewport().width() - self._geometry.ruler_width_px
            self.horizontalScrollBar().setValue(
                int(beat * self._geometry.pixels_per_beat - page * 0.1)
            )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scroll_ranges()

    # ----- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        c = self._controller.composition
        g = self._geometry
        w, h = self.viewport().width(), self.viewport().height()
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        grid = QRectF(g.ruler_width_px, g.header_height_px, w - g.ruler_width_px, h)
        p.save()
        p.setClipRect(grid)
        pianoroll_painter.paint_grid(p, g, grid, c, self.steps_per_beat)
        soloed = any(t.solo for t in c.tracks)
        for index, track in enumerate(c.tracks):
            if index == c.melody_index:
                continue
            silent = track.muted or (soloed and not track.solo)
            colour = theme.track_colour(index, c.melody_index)
            pianoroll_painter.paint_notes(p, g, track.notes, colour, dimmed=silent)
        if c.melody is not None:
            melody = self._melody_for_display(c)
            colour = theme.track_colour(c.melody_index or 0, c.melody_index)
            selected = self._preview if self._preview is not None else self._selection
            pianoroll_painter.paint_notes(p, g, melody, colour, selected=selected)
        if self._live_notes:
            pianoroll_painter.paint_notes(p, g, self._live_notes, QColor("white"), outlined=True)
        p.restore()
        if not any(t.notes for t in c.tracks) and not self._live_notes and self._preview is None:
            pianoroll_painter.paint_hint(p, grid, EMPTY_HINT)
        pianoroll_painter.paint_ruler(p, g, h)
        pianoroll_painter.paint_header(p, g, w, c, self._loop)
        pianoroll_painter.paint_cursor(p, g, self._cursor_beat)
        if self._playhead_beat is not None:
            p.setClipRect(QRectF(g.ruler_width_px, 0, w, h))
            pianoroll_painter.paint_playhead(p, g, self._playhead_beat, h)
        p.end()

    def _melody_for_display(self, c: Composition) -> list[Note]:
        notes = list(edits.melody_notes(c))
        if self._preview is None or self._drag is None:
            return notes
        return [*edits._without(notes, self._drag["notes"]), *self._preview]

    # ----- hit testing --------------------------------------------------------------------
    def melody_note_at(self, point: QPointF) -> Note | None:
        for note in reversed(edits.melody_notes(self._controller.composition)):
            if self._geometry.note_rect(note).adjusted(0, -1, 0, 1).contains(point):
                return note
        return None

    def _on_right_edge(self, note: Note, point: QPointF) -> bool:
        rect = self._geometry.note_rect(note)
        return rect.right() - point.x() <= min(EDGE_GRAB_PX, rect.width() / 3)

    def _snap(self, beat: float) -> float:
        return edits.snap_beat(beat, self.steps_per_beat)

    def _in_grid(self, point: QPointF) -> bool:
        g = self._geometry
        return point.x() >= g.ruler_width_px and point.y() >= g.header_height_px

    # ----- mouse --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        g = self._geometry
        if point.y() < g.header_height_px and point.x() >= g.ruler_width_px:
            self.positionClicked.emit(max(0.0, self._snap(g.x_to_beat(point.x()))))
            return
        if not self._in_grid(point):
            return
        note = self.melody_note_at(point)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if event.button() == Qt.MouseButton.RightButton:
            if note is not None:
                targets = self._selection if note in self._selection else [note]
                self._commit_delete(targets)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if note is None:
            if self.draw_mode:
                start = max(0.0, self._snap(g.x_to_beat(point.x()) - 0.5 / self.steps_per_beat))
                drawn = Note(start, g.y_to_pitch(point.y()), 1.0 / self.steps_per_beat, 100)
                self._drag = {"kind": "draw", "origin": point, "notes": [], "start": drawn}
                self._preview = [drawn]
            else:
                if not shift:
                    self.set_selection([])
                self._drag = {"kind": "band", "origin": point, "notes": []}
                self._band.setGeometry(QRect(point.toPoint(), QSize()))
                self._band.show()
            return
        if shift:
            chosen = (
                [n for n in self._selection if n != note]
                if note in self._selection
                else [*self._selection, note]
            )
            self.set_selection(chosen)
            return
        if note not in self._selection:
            self.set_selection([note])
        kind = "resize" if self._on_right_edge(note, point) else "move"
        self._drag = {"kind": kind, "origin": point, "notes": list(self._selection), "anchor": note}
        self._preview = list(self._selection)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        if self._drag is None:
            note = self.melody_note_at(point)
            edge = note is not None and self._on_right_edge(note, point)
            self.viewport().setCursor(
                Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor
            )
            return
        kind = self._drag["kind"]
        if kind == "band":
            self._band.setGeometry(
                QRect(self._drag["origin"].toPoint(), point.toPoint()).normalized()
            )
            return
        self._preview = self._dragged(point)
        self.viewport().update()

    def _dragged(self, point: QPointF) -> list[Note]:
        g = self._geometry
        drag = self._drag or {}
        origin: QPointF = drag["origin"]
        delta_beats = (point.x() - origin.x()) / g.pixels_per_beat
        if drag["kind"] == "draw":
            start: Note = drag["start"]
            end = max(
                self._snap(g.x_to_beat(point.x())), start.start_beat + 1 / self.steps_per_beat
            )
            return [replace(start, duration_beats=end - start.start_beat)]
        notes: list[Note] = drag["notes"]
        anchor: Note = drag["anchor"]
        if drag["kind"] == "resize":
            new_end = self._snap(anchor.end_beat + delta_beats)
            delta = max(new_end, anchor.start_beat + 1 / self.steps_per_beat) - anchor.end_beat
            return edits.resize_notes(self._controller.composition, notes, delta_beats=delta)[1]
        snapped = self._snap(anchor.start_beat + delta_beats) - anchor.start_beat
        semitones = g.y_to_pitch(point.y()) - g.y_to_pitch(origin.y())
        return edits.move_notes(
            self._controller.composition, notes, beats=snapped, semitones=semitones
        )[1]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        preview, self._preview = self._preview, None
        if drag is None:
            return
        c = self._controller.composition
        if drag["kind"] == "band":
            self._band.hide()
            rect = QRectF(self._band.geometry())
            hit = [n for n in edits.melody_notes(c) if rect.intersects(self._geometry.note_rect(n))]
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.set_selection([*self._selection, *hit] if shift else hit)
            return
        if not preview or preview == drag["notes"]:
            self.viewport().update()
            return
        if drag["kind"] == "draw":
            self.new_note_beats = preview[0].duration_beats
            self._controller.apply(edits.add_notes(c, preview), "Draw note")
        else:
            kept = edits._without(edits.melody_notes(c), drag["notes"])
            new = edits._with_melody_notes(c, [*kept, *preview])
            self._controller.apply(
                new, "Resize notes" if drag["kind"] == "resize" else "Move notes"
            )
        self.set_selection(preview)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        if not self._in_grid(point) or event.button() != Qt.MouseButton.LeftButton:
            return
        note = self.melody_note_at(point)
        if note is not None:
            self._commit_delete([note])
            return
        g = self._geometry
        start = max(0.0, self._snap(g.x_to_beat(point.x()) - 0.5 / self.steps_per_beat))
        new = Note(start, g.y_to_pitch(point.y()), self.new_note_beats, 100)
        self._controller.apply(edits.add_notes(self._controller.composition, [new]), "Add note")
        self.set_selection([new])

    def _commit_delete(self, notes: list[Note]) -> None:
        c = self._controller.composition
        self._controller.apply(edits.delete_notes(c, notes), "Delete notes")

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if ctrl and shift:
            self.zoom(y_factor=1.15**steps)
        elif ctrl:
            self.zoom(x_factor=1.2**steps, anchor_x=event.position().x())
        elif shift:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - int(steps * 60))
        else:
            super().wheelEvent(event)
            return
        event.accept()
