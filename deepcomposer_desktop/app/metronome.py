"""Clicks for the count-in and the take, sent to the current sink (GM drums, channel 10).

A precise Qt timer is accurate to a millisecond or two, fine for a click the player follows;
the timestamps that matter (the notes) come from the MIDI thread, not from here.
"""

import time

import mido
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

CLICK_CHANNEL = 9
ACCENT_PITCH = 76  # hi wood block
BEAT_PITCH = 77  # low wood block


class Metronome(QObject):
    beat = Signal(int)  # beat number from the start (count-in beats included)

    def __init__(self, sink: object, parent: QObject | None = None):
        super().__init__(parent)
        self._sink = sink
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._origin_s = 0.0
        self._beat_s = 0.5
        self._beats_per_bar = 4
        self._next = 0
        self.audible = True

    def start(self, origin_s: float, tempo_bpm: float, beats_per_bar: int) -> None:
        """Click on every beat from the monotonic time ``origin_s``."""
        self._origin_s = origin_s
        self._beat_s = 60.0 / tempo_bpm
        self._beats_per_bar = max(1, beats_per_bar)
        self._next = 0
        self._schedule()

    def stop(self) -> None:
        self._timer.stop()

    def _schedule(self) -> None:
        due = self._origin_s + self._next * self._beat_s
        self._timer.start(max(0, int((due - time.monotonic()) * 1000)))

    @Slot()
    def _tick(self) -> None:
        if self.audible:
            pitch = ACCENT_PITCH if self._next % self._beats_per_bar == 0 else BEAT_PITCH
            try:
                self._sink.send(
                    mido.Message("note_on", channel=CLICK_CHANNEL, note=pitch, velocity=100)
                )
                self._sink.send(mido.Message("note_off", channel=CLICK_CHANNEL, note=pitch))
            except Exception:  # a lost output must not stop the take
                self.audible = False
        self.beat.emit(self._next)
        self._next += 1
        self._schedule()
