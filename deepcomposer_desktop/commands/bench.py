"""``deepcomposer bench``: time what the user waits for, a whole generation incl. decoding."""

import argparse
import json
import platform
import time

from deepcomposer_desktop.commands.generate import DEFAULT_MODEL


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=DEFAULT_MODEL, help="model name or directory")
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--variations", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print JSON")


def bench_melody(bars: int):  # type: ignore[no-untyped-def]
    """A stepwise 4/4 test tune of ``bars`` bars with quarters and eighths, in C major."""
    from deepcomposer_desktop.core.composition import Composition
    from deepcomposer_desktop.core.note import Note
    from deepcomposer_desktop.core.track import Track

    scale = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62]
    notes = []
    beat = 0.0
    i = 0
    while beat < bars * 4:
        length = 0.5 if i % 5 in (1, 2) else 1.0
        notes.append(Note(beat, scale[i % len(scale)], length, 90))
        beat += length
        i += 1
    return Composition(tracks=(Track("melody", tuple(notes), program=0),), melody_index=0)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from deepcomposer_desktop.core.errors import CompositionError
    from deepcomposer_desktop.engine import Generator

    if args.bars < 1 or args.runs < 1 or args.threads < 1:
        raise CompositionError("--bars, --runs and --threads must be positive")
    generator = Generator.load(args.model, threads=args.threads)
    melody = bench_melody(args.bars)
    generator.generate(melody, seed=0, variations=args.variations)
    times = []
    for run_index in range(args.runs):
        started = time.perf_counter()
        generator.generate(melody, seed=run_index, variations=args.variations)
        times.append((time.perf_counter() - started) * 1000)
    result = {
        "model": generator.manifest.name,
        "bars": args.bars,
        "threads": args.threads,
        "runs": args.runs,
        "variations": args.variations,
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "machine": platform.processor() or platform.machine(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['model']}: {args.bars} bars, {args.threads} thread(s), {args.runs} runs: "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"
        )
    return 0
