"""Where beats and pitches land on screen in the piano roll, and back.

Kept free of painting and events so hit-testing and zoom can be tested with plain numbers.
Pixel x grows with beats; pixel y grows downwards, so high pitches are at the top.
"""

from dataclasses import dataclass, replace

from PySide6.QtCore import QRectF

from deepcomposer_desktop.core import Note

PITCH_COUNT = 128
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
BLACK_PITCH_CLASSES = frozenset((1, 3, 6, 8, 10))


def note_name(pitch: int) -> str:
    """Scientific pitch notation with middle C (60) as C4."""
    return f"{NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def is_black_key(pitch: int) -> bool:
    return pitch % 12 in BLACK_PITCH_CLASSES


@dataclass(frozen=True, slots=True)
class RollGeometry:
    pixels_per_beat: float = 48.0
    row_height_px: float = 12.0
    ruler_width_px: float = 56.0
    header_height_px: float = 22.0
    scroll_x_px: float = 0.0
    scroll_y_px: float = 0.0

    def beat_to_x(self, beat: float) -> float:
        return self.ruler_width_px + beat * self.pixels_per_beat - self.scroll_x_px

    def x_to_beat(self, x: float) -> float:
        return (x - self.ruler_width_px + self.scroll_x_px) / self.pixels_per_beat

    def pitch_to_y(self, pitch: int) -> float:
        """Top edge of the row of ``pitch``."""
        return (
            self.header_height_px
            + (PITCH_COUNT - 1 - pitch) * self.row_height_px
            - (self.scroll_y_px)
        )

    def y_to_pitch(self, y: float) -> int:
        row = int((y - self.header_height_px + self.scroll_y_px) // self.row_height_px)
        return max(0, min(PITCH_COUNT - 1, PITCH_COUNT - 1 - row))

    def note_rect(self, note: Note) -> QRectF:
        x = self.beat_to_x(note.start_beat)
        width = max(note.duration_beats * self.pixels_per_beat, 3.0)
        return QRectF(x, self.pitch_to_y(note.pitch) + 1, width, self.row_height_px - 2)

    @property
    def content_height_px(self) -> float:
        return PITCH_COUNT * self.row_height_px

    def scrolled(self, x_px: float, y_px: float) -> "RollGeometry":
        return replace(self, scroll_x_px=x_px, scroll_y_px=y_px)

    def zoomed(self, *, x_factor: float = 1.0, y_factor: float = 1.0) -> "RollGeometry":
        return replace(
            self,
            pixels_per_beat=min(max(self.pixels_per_beat * x_factor, 6.0), 400.0),
            row_height_px=min(max(self.row_height_px * y_factor, 5.0), 40.0),
        )
