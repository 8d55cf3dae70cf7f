"""On-screen piano geometry and the QWERTY mapping, without a window."""

import pytest
from PySide6.QtCore import Qt

from deepcomposer_desktop.app.keyboard_widget import PianoKeyboardWidget, QwertyKeyboard

pytestmark = pytest.mark.qt


def test_every_key_is_hit_at_its_own_centre(qtbot):
    piano = PianoKeyboardWidget(48, 72)
    piano.resize(700, 80)
    qtbot.addWidget(piano)
    for pitch in range(48, 73):
        rect = piano.key_rect(pitch)
        y = rect.top() + rect.height() * (0.3 if pitch % 12 in (1, 3, 6, 8, 10) else 0.85)
        assert piano.pitch_at(rect.center().x(), y) == pitch


def test_mouse_press_and_release_emit_note_on_and_off(qtbot):
    piano = PianoKeyboardWidget(60, 72)
    piano.resize(400, 80)
    qtbot.addWidget(piano)
    events = []
    piano.noteOn.connect(lambda p, v: events.append(("on", p, v)))
    piano.noteOff.connect(lambda p: events.append(("off", p)))
    rect = piano.key_rect(64)
    pos = rect.center().toPoint()
    pos.setY(int(rect.bottom() - 5))
    qtbot.mousePress(piano, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(piano, Qt.MouseButton.LeftButton, pos=pos)
    assert events[0][:2] == ("on", 64) and events[0][2] > 100  # low on the key = loud
    assert events[1] == ("off", 64)


def test_qwerty_rows_octaves_and_no_repeats():
    keys = QwertyKeyboard()
    played = []
    keys.noteOn.connect(lambda p, v: played.append(p))
    keys.noteOff.connect(lambda p: played.append(-p))
    keys.handle_key(Qt.Key.Key_A, pressed=True)
    keys.handle_key(Qt.Key.Key_A, pressed=True, auto_repeat=True)
    keys.handle_key(Qt.Key.Key_Z, pressed=True)  # octave down while A is held
    keys.handle_key(Qt.Key.Key_A, pressed=False)  # releases the pitch it started
    keys.handle_key(Qt.Key.Key_K, pressed=True)
    keys.release_all()
    assert played == [60, -60, 60, -60]
    assert keys.base_pitch == 48
