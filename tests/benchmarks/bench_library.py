"""Library benchmark: how long one autosave blocks the GUI thread, and loading entries.

    python tests/benchmarks/bench_library.py [--runs 30]

Autosave runs on the GUI thread (debounced, every ~1.5 s while editing), so a save must stay
far below a frame budget. Measures ``Library.autosave`` (JSON encode + one WAL transaction with
``synchronous=FULL``), ``save_take`` (the recording snapshot), ``load`` and ``entries`` with
100 entries, for an 8-bar 4-track piece and a long one. Prints median and p95, the machine and
thread count. Target: an 8-bar autosave under 16 ms at p95.
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from deepcomposer_desktop.app.library import Library
from deepcomposer_desktop.core import Composition, Note, Track


def piece(notes_per_track: int) -> Composition:
    tracks = tuple(
        Track(
            f"part {k}",
            tuple(Note(i / 4, 40 + (i * 7 + k) % 48, 0.25) for i in range(notes_per_track)),
        )
        for k in range(4)
    )
    return Composition(tracks)


def timed(label: str, runs: int, job: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{label:44s} median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.processor() or ''} {platform.system()}")
    print(f"python {platform.python_version()}, cpus {os.cpu_count()}, threads 1 (GUI thread)")
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "bench.sqlite3")
        session = library.begin_session()
        for i in range(100):
            library.save(piece(32), title=f"piece {i}")
        for label, notes in (("8 bars, 4 tracks x 32 notes", 32), ("long, 4 x 2000 notes", 2000)):
            composition = piece(notes)
            entry = library.save(composition, title=label)
            timed(
                f"autosave {label}",
                args.runs,
                lambda c=composition, e=entry: library.autosave(session, c, entry_id=e),
            )
            timed(
                f"save_take {label}", args.runs, lambda c=composition: library.save_take(session, c)
            )
            timed(f"load {label}", args.runs, lambda e=entry: library.load(e))
        timed("entries() with 102 entries", args.runs, library.entries)
        library.close()


if __name__ == "__main__":
    main()
