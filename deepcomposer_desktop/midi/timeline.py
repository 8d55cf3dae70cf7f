"""Beats <-> seconds along a tempo map, bar positions, and a precise wait for schedulers.

Kept apart from the threads that use them so they can be tested with plain numbers.
"""

from __future__ import annotations

import bisect
import logging
import os
import time
from collections.abc import Callable, Sequence

from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.units import beats_to_seconds, seconds_to_beats

log = logging.getLogger(__name__)

SPIN_S = 0.0015  # wake this long before an event, then spin: OS sleeps overshoot ~0.1-1 ms


class TempoTimeline:
    """Piecewise-constant tempo: ``seconds_at(beat)`` and its inverse ``beat_at(seconds)``."""

    def __init__(self, tempo_map: Sequence[TempoChange]) -> None:
        changes = sorted(tempo_map, key=lambda t: t.start_beat) or [TempoChange(0.0, 120.0)]
        self._beats = [c.start_beat for c in changes]
        self._tempi = [c.tempo_bpm for c in changes]
        self._seconds = [0.0]
        for i in range(1, len(changes)):
            span = self._beats[i] - self._beats[i - 1]
            self._seconds.append(self._seconds[-1] + beats_to_seconds(span, self._tempi[i - 1]))

    def seconds_at(self, beat: float) -> float:
        i = max(bisect.bisect_right(self._beats, beat) - 1, 0)
        return self._seconds[i] + beats_to_seconds(beat - self._beats[i], self._tempi[i])

    def beat_at(self, seconds: float) -> float:
        i = max(bisect.bisect_right(self._seconds, seconds) - 1, 0)
        return self._beats[i] + seconds_to_beats(seconds - self._seconds[i], self._tempi[i])

    def tempo_at(self, beat: float) -> float:
        return self._tempi[max(bisect.bisect_right(self._beats, beat) - 1, 0)]


def bar_start_beat(time_signatures: Sequence[TimeSignature], bar: int) -> float:
    """The beat where ``bar`` (counted from 0) starts, following meter changes.

    A meter change is assumed to fall on a bar line, as MIDI files nearly always have it.
    """
    if bar <= 0:
        return 0.0
    sigs = sorted(time_signatures, key=lambda t: t.start_beat) or [TimeSignature()]
    beat = 0.0
    remaining = bar
    for i, sig in enumerate(sigs):
        per_bar = sig.beats_per_bar
        next_start = sigs[i + 1].start_beat if i + 1 < len(sigs) else None
        if next_start is None:
            return beat + remaining * per_bar
        bars_here = round((next_start - sig.start_beat) / per_bar)
        if remaining <= bars_here:
            return beat + remaining * per_bar
        remaining -= bars_here
        beat = next_start
    return beat


def wait_until(
    target_s: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    spin_s: float = SPIN_S,
) -> float:
    """Block until ``clock() >= target_s``; returns the clock when done.

    Sleeps until ``spin_s`` before the target, then spins with zero-length sleeps: coarse
    sleeps alone overshoot by up to a millisecond on a loaded machine.
    """
    now = clock()
    remaining = target_s - now
    if remaining > spin_s:
        sleep(remaining - spin_s)
        now = clock()
    # sleep(0), not a bare loop: a bare loop holds the GIL, and the backend's callback
    # thread (JACK's process cycle!) would wait for it and drop events.
    while now < target_s:
        sleep(0)
        now = clock()
    return now


def try_realtime_priority(priority: int = 10) -> bool:
    """Ask for SCHED_FIFO for the calling thread (Linux, where rtprio allows it).

    A scheduler thread with normal priority can lose the CPU for several milliseconds on a
    busy machine. Refusal is normal on desktops without rtprio limits and is not an error.
    """
    setter = getattr(os, "sched_setscheduler", None)
    if setter is None:
        return False
    try:
        setter(0, os.SCHED_FIFO, os.sched_param(priority))
    except (OSError, ValueError) as err:
        log.info("real-time priority refused (%s); timing may jitter under load", err)
        return False
    return True
