"""``deepcomposer generate IN.mid -o OUT.mid``: add generated accompaniment to a melody."""

import argparse
from pathlib import Path

DEFAULT_MODEL = "bach-chorale"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="MIDI file holding the melody")
    parser.add_argument("-o", "--out", type=Path, required=True, help="MIDI file to write")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="model name or directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variations", type=int, default=1, help="write OUT-1.mid ... OUT-K.mid")
    parser.add_argument("--melody-track", type=int, help="index of the melody track in IN")
    parser.add_argument("--threads", type=int, default=1)


def output_paths(out: Path, variations: int) -> list[Path]:
    """OUT.mid for one variation; OUT-1.mid ... OUT-K.mid for several."""
    if variations == 1:
        return [out]
    suffix = out.suffix or ".mid"
    return [out.with_name(f"{out.stem}-{i}{suffix}") for i in range(1, variations + 1)]


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.core.errors import CompositionError
    from deepcomposer_desktop.core.midifile import read_midi, write_midi
    from deepcomposer_desktop.engine import Generator

    if not 1 <= args.variations <= 64:
        raise CompositionError("--variations must be between 1 and 64")
    composition = read_midi(args.input, melody_track=args.melody_track)
    if composition.melody is None:
        raise CompositionError(f"{args.input} has no melody track (try --melody-track)")
    melody_only = composition.with_tracks([composition.melody])
    from dataclasses import replace

    melody_only = replace(melody_only, melody_index=0)
    generator = Generator.load(args.model, threads=args.threads)
    results = generator.generate(melody_only, seed=args.seed, variations=args.variations)
    for path, result in zip(output_paths(args.out, args.variations), results, strict=True):
        write_midi(result, path)
        names = ", ".join(t.name for t in result.tracks)
        print(f"wrote {path} ({names})")
    return 0
