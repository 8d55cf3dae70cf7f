"""A click on its own thread: accented downbeat, count-in and take share one grid.

Clicks go to any sink (a MIDI output or the built-in synth) as General MIDI percussion:
channel 10 (9 from zero), high wood block (76) on the downbeat, low wood block (77) after.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import mido

from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.core.track import DRUM_CHANNEL
from deepcomposer_desktop.midi import ports
from deepcomposer_desktop.midi.sink import Sink
from deepcomposer_desktop.midi.timeline import try_realtime_priority, wait_until

CLICK_LENGTH_S = 0.03


@dataclass(frozen=True, slots=True)
class ClickSound:
    channel: int = DRUM_CHANNEL
    accent_note: int = 76
    beat_note: int = 77
    accent_velocity: int = 127
    beat_velocity: int = 90


def click_times(
    start_s: float, tempo_bpm: float, time_signature: TimeSignature
) -> Iterator[tuple[float, int, int]]:
    """Endless ``(time_s, bar, beat_in_bar)``; one click per denominator unit (6/8: six)."""
    interval_s = 60.0 / tempo_bpm * 4.0 / time_signature.denominator
    k = 0
    while True:
        bar, beat = divmod(k, time_signature.numerator)
        yield start_s + k * interval_s, bar, beat
        k += 1


class Metronome:
    """``start(start_s)`` clicks from ``start_s`` (monotonic) until ``stop`` or ``end_s``.

    ``on_beat(bar, beat)`` runs on the metronome thread (bar counted from 0 at ``start_s``,
    so with a one-bar count-in bar 0 is the count-in): only enqueue from it.
    """

    def __init__(
        self,
        sink: Sink,
        *,
        tempo_bpm: float,
        time_signature: TimeSignature = TimeSignature(4, 4),  # noqa: B008 (frozen value)
        sound: ClickSound | None = None,
        on_beat: Callable[[int, int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sink = sink
        self.tempo_bpm = tempo_bpm
        self.time_signature = time_signature
        self.sound = sound or ClickSound()
        self.on_beat = on_beat
        self._clock = clock
        self._sleep = sleep
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, start_s: float | None = None, *, end_s: float | None = None) -> None:
        self.stop()
        self._stop.clear()
        first = self._clock() if start_s is None else start_s
        self._thread = threading.Thread(
            target=self._run, args=(first, end_s), name="metronome", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
            self._thread = None

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _wait(self, target_s: float) -> bool:
        while target_s - self._clock() > 0.02:
            if self._stop.is_set():
                return False
            self._sleep(0.01)
        wait_until(target_s, clock=self._clock, sleep=self._sleep)
        return not self._stop.is_set()

    def _run(self, start_s: float, end_s: float | None) -> None:
        if self._clock is time.monotonic and ports.realtime_wanted():
            try_realtime_priority()
        s = self.sound
        note = None
        try:
            for when_s, bar, beat in click_times(start_s, self.tempo_bpm, self.time_signature):
                if end_s is not None and when_s >= end_s - 1e-6:
                    break
                if not self._wait(when_s):
                    break
                note = s.accent_note if beat == 0 else s.beat_note
                vel = s.accent_velocity if beat == 0 else s.beat_velocity
                self.sink.send(mido.Message("note_on", channel=s.channel, note=note, velocity=vel))
                if self.on_beat:
                    self.on_beat(bar, beat)
                ended = not self._wait(when_s + CLICK_LENGTH_S)
                self.sink.send(mido.Message("note_off", channel=s.channel, note=note))
                note = None
                if ended:
                    break
        except Exception:  # a dead click output must not take the recording down with it
            note = None
        finally:
            if note is not None:
                self.sink.send(mido.Message("note_off", channel=s.channel, note=note))
