"""Helpers for the live-MIDI command tests: run the real CLI, play a timed performance."""

import subprocess
import sys
import time
from collections.abc import Sequence

import mido

from deepcomposer_desktop.midi import ports


def start_cli(*args: str) -> subprocess.Popen:
    """The real ``deepcomposer`` in a child process (inherits MIDO_BACKEND from the fixture)."""
    return subprocess.Popen(
        [sys.executable, "-m", "deepcomposer_desktop", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, timeout_s: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"command ended early ({proc.returncode}): {out}{err}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def at(target_s: float) -> None:
    """Sleep, then spin: the performance must be more exact than what it tests."""
    remaining = target_s - time.monotonic()
    if remaining > 0.002:
        time.sleep(remaining - 0.002)
    while time.monotonic() < target_s:
        time.sleep(0)  # releases the GIL: our JACK callback thread must never wait for it


def perform(
    port: ports.OutputPort,
    zero_s: float,
    tempo_bpm: float,
    notes: Sequence[tuple[float, int, float]],
) -> None:
    """Play ``(start_beat, pitch, duration_beats)`` with beat 0 at monotonic ``zero_s``."""
    beat_s = 60.0 / tempo_bpm
    events = []
    for start, pitch, length in notes:
        events.append((zero_s + start * beat_s, 1, pitch))
        events.append((zero_s + (start + length) * beat_s, 0, pitch))
    for when, on, pitch in sorted(events):
        at(when)
        kind = "note_on" if on else "note_off"
        port.send(mido.Message(kind, note=pitch, velocity=90 if on else 0))
