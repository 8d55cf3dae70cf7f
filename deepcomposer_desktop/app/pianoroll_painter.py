"""Painting the piano roll: grid, tracks' notes, keyboard ruler, bar header, playhead.

Pure drawing from values; the view decides what to draw (selection, drag preview, live notes).
"""

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from deepcomposer_desktop.core import Composition, Note

from . import theme
from .pianoroll_geometry import PITCH_COUNT, RollGeometry, is_black_key, note_name


def paint_grid(p: QPainter, g: RollGeometry, area: QRectF, c: Composition, steps: int) -> None:
    p.fillRect(area, QColor(theme.GRID_BACKGROUND))
    top_pitch = g.y_to_pitch(area.top())
    bottom_pitch = g.y_to_pitch(area.bottom())
    for pitch in range(bottom_pitch, top_pitch + 1):
        y = g.pitch_to_y(pitch)
        if is_black_key(pitch):
            p.fillRect(
                QRectF(area.left(), y, area.width(), g.row_height_px),
                QColor(theme.GRID_BLACK_KEY_ROW),
            )
        if pitch % 12 == 0:
            p.setPen(QPen(QColor(theme.GRID_C_LINE), 1))
            p.drawLine(
                QPointF(area.left(), y + g.row_height_px),
                QPointF(area.right(), y + g.row_height_px),
            )
    beats_per_bar = c.beats_per_bar
    first_beat = max(0.0, g.x_to_beat(area.left()))
    last_beat = g.x_to_beat(area.right())
    step = 1.0 / steps if g.pixels_per_beat / steps >= 10 else 1.0
    beat = int(first_beat / step) * step
    while beat <= last_beat:
        x = g.beat_to_x(beat)
        on_bar = abs(beat / beats_per_bar - round(beat / beats_per_bar)) < 1e-6
        on_beat = abs(beat - round(beat)) < 1e-6
        colour = theme.GRID_BAR_LINE if on_bar else theme.GRID_BEAT_LINE
        pen = QPen(QColor(colour), 1)
        if not on_beat:
            pen.setStyle(Qt.PenStyle.DotLine)
        p.setPen(pen)
        p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        beat += step


def paint_notes(
    p: QPainter,
    g: RollGeometry,
    notes: Iterable[Note],
    colour: QColor,
    *,
    selected: Iterable[Note] = (),
    dimmed: bool = False,
    outlined: bool = False,
) -> None:
    chosen = set(selected)
    fill = QColor(colour)
    if dimmed:
        fill.setAlpha(70)
    border = fill.darker(170)
    for note in notes:
        rect = g.note_rect(note)
        if outlined:
            p.setPen(QPen(QColor(theme.LIVE_NOTE), 1.5))
            p.setBrush(QColor(255, 255, 255, 60))
        elif note in chosen:
            p.setPen(QPen(QColor("white"), 1.5))
            p.setBrush(fill.lighter(140))
        else:
            shade = QColor(fill)
            shade.setAlpha(int(fill.alpha() * (0.55 + 0.45 * note.velocity / 127)))
            p.setPen(QPen(border, 1))
            p.setBrush(shade)
        p.drawRoundedRect(rect, 2, 2)


def paint_ruler(p: QPainter, g: RollGeometry, height: float) -> None:
    ruler = QRectF(0, g.header_height_px, g.ruler_width_px, height - g.header_height_px)
    p.fillRect(ruler, QColor("#d9d9d9"))
    font = QFont(p.font())
    font.setPixelSize(max(7, min(11, int(g.row_height_px - 2))))
    p.setFont(font)
    top_pitch = g.y_to_pitch(ruler.top())
    bottom_pitch = g.y_to_pitch(ruler.bottom())
    for pitch in range(bottom_pitch, top_pitch + 1):
        y = g.pitch_to_y(pitch)
        row = QRectF(0, y, g.ruler_width_px, g.row_height_px)
        if is_black_key(pitch):
            p.fillRect(QRectF(0, y, g.ruler_width_px * 0.6, g.row_height_px), QColor("#1f1f1f"))
        else:
            p.setPen(QPen(QColor("#b0b0b0"), 1))
            p.drawLine(
                QPointF(0, y + g.row_height_px), QPointF(g.ruler_width_px, y + g.row_height_px)
            )
        if pitch % 12 == 0 or (g.row_height_px >= 14 and not is_black_key(pitch)):
            p.setPen(QColor("#303030"))
            p.drawText(
                row.adjusted(0, 0, -4, 0),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                note_name(pitch),
            )
    p.setPen(QPen(QColor(theme.GRID_BAR_LINE), 1))
    p.drawLine(QPointF(g.ruler_width_px, ruler.top()), QPointF(g.ruler_width_px, height))


def paint_header(
    p: QPainter,
    g: RollGeometry,
    width: float,
    c: Composition,
    loop: tuple[float, float] | None,
) -> None:
    header = QRectF(g.ruler_width_px, 0, width - g.ruler_width_px, g.header_height_px)
    p.fillRect(QRectF(0, 0, width, g.header_height_px), QColor(theme.SURFACE))
    if loop is not None:
        x0, x1 = g.beat_to_x(loop[0]), g.beat_to_x(loop[1])
        p.fillRect(QRectF(x0, 2, x1 - x0, g.header_height_px - 4), QColor(242, 169, 59, 90))
    beats_per_bar = c.beats_per_bar
    first_bar = max(0, int(g.x_to_beat(header.left()) // beats_per_bar))
    last_bar = int(g.x_to_beat(header.right()) // beats_per_bar) + 1
    every = max(1, int(40 / (beats_per_bar * g.pixels_per_beat)) + 1)
    p.setPen(QColor(theme.TEXT_DIM))
    for bar in range(first_bar, last_bar + 1):
        x = g.beat_to_x(bar * beats_per_bar)
        if x < g.ruler_width_px:
            continue
        p.drawLine(QPointF(x, g.header_height_px - 6), QPointF(x, g.header_height_px))
        if bar % every == 0:
            p.drawText(QPointF(x + 3, g.header_height_px - 7), str(bar + 1))


def paint_playhead(p: QPainter, g: RollGeometry, beat: float, height: float) -> None:
    x = g.beat_to_x(beat)
    if x < g.ruler_width_px:
        return
    colour = QColor(theme.PLAYHEAD)
    p.setPen(QPen(colour, 1.5))
    p.drawLine(QPointF(x, g.header_height_px), QPointF(x, height))
    p.setBrush(colour)
    p.setPen(Qt.PenStyle.NoPen)
    h = g.header_height_px
    p.drawPolygon(QPolygonF([QPointF(x - 6, h - 10), QPointF(x + 6, h - 10), QPointF(x, h)]))


def paint_cursor(p: QPainter, g: RollGeometry, beat: float) -> None:
    """The play-from marker: a small accent triangle on the bar ruler."""
    x = g.beat_to_x(beat)
    if x < g.ruler_width_px:
        return
    h = g.header_height_px
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(theme.ACCENT))
    p.drawPolygon(QPolygonF([QPointF(x, h - 8), QPointF(x + 7, h - 4), QPointF(x, h)]))


def paint_hint(p: QPainter, area: QRectF, text: str) -> None:
    """The empty-piece hint, centred on the grid."""
    p.setPen(QColor(theme.TEXT_DIM))
    font = QFont(p.font())
    font.setPixelSize(15)
    p.setFont(font)
    p.drawText(area, Qt.AlignmentFlag.AlignCenter, text)


def visible_pitch_span(g: RollGeometry, height: float) -> tuple[int, int]:
    return g.y_to_pitch(height), g.y_to_pitch(g.header_height_px)


__all__ = [
    "PITCH_COUNT",
    "paint_grid",
    "paint_header",
    "paint_notes",
    "paint_playhead",
    "paint_ruler",
    "visible_pitch_span",
]
