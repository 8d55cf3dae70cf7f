"""The K generated variations side by side as small piano rolls, to pick one by eye.

Each thumbnail paints every track's notes in the track's colour (the same colours as the main
piano roll) over the variation's bars. Click a thumbnail, or move with the arrow keys and press
Enter (or type its number), to choose it: ``variationChosen(index)``.
"""

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from deepcomposer_desktop.app import theme
from deepcomposer_desktop.core import Composition

THUMB_SIZE = QSize(220, 120)


def note_rects(composition: Composition, width: float, height: float) -> list[tuple[int, QRectF]]:
    """``(track_index, rectangle)`` of every note scaled into ``width`` x ``height``.

    Time runs left to right over the whole bars; pitch bottom to top over the used range
    padded by two semitones, so a narrow melody still fills the thumbnail.
    """
    pitches = [n.pitch for t in composition.tracks for n in t.notes]
    if not pitches:
        return []
    low, high = min(pitches) - 2, max(pitches) + 2
    total_beats = composition.bar_count * composition.beats_per_bar
    x_scale = width / total_beats
    row = height / (high - low + 1)
    rects = []
    for index, track in enumerate(composition.tracks):
        for note in track.notes:
            x = note.start_beat * x_scale
            y = (high - note.pitch) * row
            rects.append((index, QRectF(x, y, max(note.duration_beats * x_scale, 1.5), row)))
    return rects


class VariationThumbnail(QWidget):
    """One variation's mini piano roll; highlighted when current."""

    clicked = Signal()

    def __init__(self, composition: Composition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composition = composition
        self.current = False
        self.setMinimumSize(THUMB_SIZE / 2)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return THUMB_SIZE

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme.GRID_BACKGROUND))
        composition = self.composition
        bars = composition.bar_count
        painter.setPen(QPen(QColor(theme.GRID_BAR_LINE), 1))
        for bar in range(1, bars):
            x = round(bar * self.width() / bars)
            painter.drawLine(x, 0, x, self.height())
        painter.setPen(Qt.PenStyle.NoPen)
        for index, rect in note_rects(composition, self.width(), self.height()):
            painter.setBrush(theme.track_colour(index, composition.melody_index))
            painter.drawRect(rect)
        border = QColor(theme.ACCENT if self.current else theme.GRID_BEAT_LINE)
        painter.setPen(QPen(border, 3 if self.current else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class VariationsView(QWidget):
    """Thumbnails of the variations from one Generate click."""

    variationChosen = Signal(int)
    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._row = QHBoxLayout()
        self._row.setSpacing(8)
        self._hint = QLabel("Generate to see variations here.", self)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._hint)
        layout.addLayout(self._row, 1)
        self._thumbs: list[VariationThumbnail] = []
        self._captions: list[QLabel] = []
        self._current = -1

    @property
    def count(self) -> int:
        return len(self._thumbs)

    @property
    def current_index(self) -> int:
        """The highlighted variation (-1 when there are none)."""
        return self._current

    def thumbnail(self, index: int) -> VariationThumbnail:
        return self._thumbs[index]

    def set_variations(
        self, variations: list[Composition], captions: list[str] | None = None
    ) -> None:
        """Show ``variations`` (captions such as "Seed 42" under each, if given)."""
        for thumb, caption in zip(self._thumbs, self._captions, strict=True):
            thumb.setParent(None)
            caption.setParent(None)
            thumb.deleteLater()
            caption.deleteLater()
        while self._row.count():
            self._row.takeAt(0)
        self._thumbs, self._captions = [], []
        for index, composition in enumerate(variations):
            column = QVBoxLayout()
            thumb = VariationThumbnail(composition, self)
            thumb.clicked.connect(lambda i=index: self.choose(i))
            text = captions[index] if captions and index < len(captions) else "Variation"
            caption = QLabel(f"{index + 1}. {text}", self)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(thumb, 1)
            column.addWidget(caption)
            self._row.addLayout(column, 1)
            self._thumbs.append(thumb)
            self._captions.append(caption)
        self._hint.setVisible(not variations)
        self._set_current(0 if variations else -1)

    def _set_current(self, index: int) -> None:
        self._current = index
        for i, thumb in enumerate(self._thumbs):
            thumb.current = i == index
            thumb.update()
        self.currentChanged.emit(index)

    def choose(self, index: int) -> None:
        """Highlight and announce variation ``index``."""
        if not 0 <= index < len(self._thumbs):
            return
        self._set_current(index)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.variationChosen.emit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self._thumbs:
            return super().keyPressEvent(event)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._set_current(max(self._current - 1, 0))
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._set_current(min(self._current + 1, len(self._thumbs) - 1))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.choose(self._current)
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.choose(int(key) - int(Qt.Key.Key_1))
        else:
            return super().keyPressEvent(event)
        return None
