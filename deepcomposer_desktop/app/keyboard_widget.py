"""Playing without a MIDI keyboard: an on-screen piano (mouse) and the computer keyboard.

Both only emit ``noteOn(pitch, velocity)`` / ``noteOff(pitch)``; the live-input session turns
them into timestamped MIDI messages exactly like a hardware keyboard's, so they are recorded
and heard the same way.

QWERTY layout (as in most DAWs): the home row A S D F G H J K L ; ' are white keys from C,
W E T Y U O P are the black keys between them, Z / X shift down / up an octave.
"""

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme
from .pianoroll_geometry import is_black_key, note_name

QWERTY_OFFSETS = {
    Qt.Key.Key_A: 0, Qt.Key.Key_W: 1, Qt.Key.Key_S: 2, Qt.Key.Key_E: 3, Qt.Key.Key_D: 4,
    Qt.Key.Key_F: 5, Qt.Key.Key_T: 6, Qt.Key.Key_G: 7, Qt.Key.Key_Y: 8, Qt.Key.Key_H: 9,
    Qt.Key.Key_U: 10, Qt.Key.Key_J: 11, Qt.Key.Key_K: 12, Qt.Key.Key_O: 13, Qt.Key.Key_L: 14,
    Qt.Key.Key_P: 15, Qt.Key.Key_Semicolon: 16, Qt.Key.Key_Apostrophe: 17,
}  # fmt: skip
QWERTY_VELOCITY = 100


class PianoKeyboardWidget(QWidget):
    """A clickable piano; held keys (from any source) are lit in the accent colour."""

    noteOn = Signal(int, int)  # pitch, velocity
    noteOff = Signal(int)

    def __init__(self, low_pitch: int = 36, high_pitch: int = 96, parent: QWidget | None = None):
        super().__init__(parent)
        self.low_pitch = low_pitch
        self.high_pitch = high_pitch
        self._held: set[int] = set()
        self._mouse_pitch: int | None = None
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Click to play; Ctrl+K lets the computer keyboard play notes")

    def sizeHint(self) -> QSize:
        return QSize(900, 72)

    def set_held(self, pitches: set[int]) -> None:
        self._held = set(pitches)
        self.update()

    def _white_pitches(self) -> list[int]:
        return [p for p in range(self.low_pitch, self.high_pitch + 1) if not is_black_key(p)]

    def key_rect(self, pitch: int) -> QRectF:
        whites = self._white_pitches()
        width = self.width() / max(len(whites), 1)
        if not is_black_key(pitch):
            return QRectF(whites.index(pitch) * width, 0, width, self.height())
        left = whites.index(pitch - 1)
        return QRectF((left + 0.68) * width, 0, width * 0.64, self.height() * 0.62)

    def pitch_at(self, x: float, y: float) -> int | None:
        for pitch in range(self.low_pitch, self.high_pitch + 1):
            if is_black_key(pitch) and self.key_rect(pitch).contains(x, y):
                return pitch
        for pitch in self._white_pitches():
            if self.key_rect(pitch).contains(x, y):
                return pitch
        return None

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        accent = QColor(theme.ACCENT)
        for pitch in self._white_pitches():
            rect = self.key_rect(pitch)
            p.setPen(QPen(QColor("#8a8a8a"), 1))
            p.setBrush(accent if pitch in self._held else QColor("#f4f4f4"))
            p.drawRect(rect.adjusted(0, 0, -1, -1))
            if pitch % 12 == 0:
                p.setPen(QColor("#555555"))
                p.drawText(
                    rect.adjusted(0, 0, 0, -3),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    note_name(pitch),
                )
        for pitch in range(self.low_pitch, self.high_pitch + 1):
            if is_black_key(pitch):
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(accent.darker(130) if pitch in self._held else QColor("#202020"))
                p.drawRoundedRect(self.key_rect(pitch), 2, 2)
        p.end()

    def _velocity_at(self, y: float, pitch: int) -> int:
        """Lower on the key plays louder, as on a real piano near the player."""
        rect = self.key_rect(pitch)
        return max(30, min(127, int(40 + 87 * (y - rect.top()) / max(rect.height(), 1))))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        pitch = self.pitch_at(pos.x(), pos.y())
        if pitch is not None and event.button() == Qt.MouseButton.LeftButton:
            self._mouse_pitch = pitch
            self.noteOn.emit(pitch, self._velocity_at(pos.y(), pitch))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._mouse_pitch is None:
            return
        pos = event.position()
        pitch = self.pitch_at(pos.x(), pos.y())
        if pitch is not None and pitch != self._mouse_pitch:  # glissando
            self.noteOff.emit(self._mouse_pitch)
            self._mouse_pitch = pitch
            self.noteOn.emit(pitch, self._velocity_at(pos.y(), pitch))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._mouse_pitch is not None:
            self.noteOff.emit(self._mouse_pitch)
            self._mouse_pitch = None


class QwertyKeyboard(QObject):
    """An application event filter that turns letter keys into notes while ``enabled``.

    It claims the keys at ShortcutOverride time, so single-letter shortcuts (R, G, Q...) do not
    fire while the computer keyboard is an instrument; modified keys and Space still work.
    """

    noteOn = Signal(int, int)
    noteOff = Signal(int)
    octaveChanged = Signal(int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.enabled = False
        self.base_pitch = 60
        self._sounding: dict[int, int] = {}  # key -> pitch it started

    def set_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.release_all()
        self.enabled = enabled

    def release_all(self) -> None:
        for pitch in self._sounding.values():
            self.noteOff.emit(pitch)
        self._sounding.clear()

    def shift_octave(self, octaves: int) -> None:
        self.base_pitch = max(12, min(108, self.base_pitch + 12 * octaves))
        self.octaveChanged.emit(self.base_pitch // 12 - 1)

    def _ours(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        return event.key() in QWERTY_OFFSETS or event.key() in (Qt.Key.Key_Z, Qt.Key.Key_X)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.enabled or kind not in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
        ):
            return False
        assert isinstance(event, QKeyEvent)
        if not self._ours(event):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if not isinstance(watched, QWidget):
            return False  # the QWindow sees keys first; act once, at the focused widget
        self.handle_key(
            event.key(), pressed=kind == QEvent.Type.KeyPress, auto_repeat=event.isAutoRepeat()
        )
        return True

    def handle_key(self, key: int, *, pressed: bool, auto_repeat: bool = False) -> None:
        if auto_repeat:
            return
        if pressed and key == Qt.Key.Key_Z:
            self.shift_octave(-1)
        elif pressed and key == Qt.Key.Key_X:
            self.shift_octave(1)
        elif key in QWERTY_OFFSETS:
            if pressed and key not in self._sounding:
                pitch = min(127, self.base_pitch + QWERTY_OFFSETS[key])
                self._sounding[key] = pitch
                self.noteOn.emit(pitch, QWERTY_VELOCITY)
            elif not pressed and key in self._sounding:
                self.noteOff.emit(self._sounding.pop(key))
