"""Core benchmark: MIDI file write/read, piano roll and metrics on a large piece.

    python tests/benchmarks/bench_core.py [--runs 7] [--notes 50000]

A 4-track piece of ``--notes`` random notes per track (16th-note grid, lengths of 1-8
sixteenths) is encoded with ``composition_to_bytes``, parsed with ``read_midi_bytes``, rolled
with ``to_piano_roll`` and measured with ``composition_metrics``; also the 8-bar case the app
meets on every generation. Prints median and p95 of each, with the machine and thread count.
Targets: an 8-bar piece reads, writes and measures in well under 50 ms each.
"""

import argparse
import os
import platform
import random
import statistics
import time
from collections.abc import Callable

from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.metrics import composition_metrics
from deepcomposer_desktop.core.midifile import composition_to_bytes, read_midi_bytes
from deepcomposer_desktop.core.pianoroll import to_piano_roll


def piece(notes_per_track: int, seed: int = 0) -> Composition:
    rng = random.Random(seed)
    tracks = tuple(
        Track(
            f"part {k}",
            tuple(
                Note(i / 4, rng.randrange(36, 96), rng.randint(1, 8) / 4, rng.randint(1, 127))
                for i in range(notes_per_track)
            ),
        )
        for k in range(4)
    )
    return Composition(tracks)


def timed(label: str, runs: int, job: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        job()
        times.append(time.perf_counter() - began)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<34} median {statistics.median(times) * 1000:9.1f} ms   p95 {p95 * 1000:9.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--notes", type=int, default=50000, help="notes per track (4 tracks)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.processor() or ''} {platform.system()}")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, 1 thread")
    for label, notes in (
        ("8 bars (128 notes/track)", 128),
        (f"{args.notes} notes/track", args.notes),
    ):
        composition = piece(notes)
        data = composition_to_bytes(composition)
        read = read_midi_bytes(data)
        print(f"-- {label}: {len(data)} bytes")
        timed(
            "write (composition_to_bytes)", args.runs, lambda c=composition: composition_to_bytes(c)
        )
        timed("read (read_midi_bytes)", args.runs, lambda d=data: read_midi_bytes(d))
        timed("piano roll (4 steps/beat)", args.runs, lambda c=read: to_piano_roll(c.tracks))
        timed("metrics (composition_metrics)", args.runs, lambda c=read: composition_metrics(c))


if __name__ == "__main__":
    main()
