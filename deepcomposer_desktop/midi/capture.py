"""Always-on capture: the last few minutes of playing, kept even when nobody pressed record.

A good idea played before pressing record is never lost: ``to_composition`` turns the
buffer into a take starting at the first note played in it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.midi.recorder import Recorder, Take

FOUR_FOUR = TimeSignature(4, 4)
_KEPT_TYPES = ("note_on", "note_off", "control_change")


class CaptureBuffer:
    """A ring of ``(stamp_s, msg)`` no older than ``minutes``; feed it from the dispatcher."""

    def __init__(
        self, minutes: float = 5.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_s = minutes * 60.0
        self._clock = clock
        self._lock = threading.Lock()
        self._events: deque[tuple[float, mido.Message]] = deque()

    def feed(self, msg: mido.Message, stamp_s: float) -> None:
        if msg.type not in _KEPT_TYPES:
            return
        with self._lock:
            self._events.append((stamp_s, msg))
            self._drop_older_than(stamp_s - self.window_s)

    def _drop_older_than(self, oldest_s: float) -> None:
        events = self._events
        while events and events[0][0] < oldest_s:
            events.popleft()

    def __len__(self) -> int:
        return len(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()

    def events(self, now_s: float | None = None) -> list[tuple[float, mido.Message]]:
        now = self._clock() if now_s is None else now_s
        with self._lock:
            self._drop_older_than(now - self.window_s)
            return list(self._events)

    def to_composition(
        self,
        tempo_bpm: float = 100.0,
        *,
        time_signature: TimeSignature = FOUR_FOUR,
        quantize_steps_per_beat: int = 0,
        now_s: float | None = None,
    ) -> Composition:
        """What was played, beat 0 at the first note; held notes end ``now``. Empty if silent."""
        now = self._clock() if now_s is None else now_s
        events = self.events(now)
        first = next((s for s, m in events if m.type == "note_on" and m.velocity > 0), None)
        take = Take(
            tempo_bpm=tempo_bpm,
            time_signature=time_signature,
            count_in_bars=0,
            quantize_steps_per_beat=quantize_steps_per_beat,
            metronome=False,
        )
        recorder = Recorder(take, clock=lambda: now)
        recorder.start(now if first is None else first)
        for stamp_s, msg in events:
            if first is not None and stamp_s >= first:
                recorder.feed(msg, stamp_s)
            elif msg.type == "control_change":  # pedal state before the first note counts
                recorder.feed(msg, first if first is not None else now)
        return recorder.stop(now)
