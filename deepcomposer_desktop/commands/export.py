"""``deepcomposer export CHECKPOINT -o models/NAME/``: ONNX model directory from a checkpoint."""

import argparse
from pathlib import Path

from deepcomposer_desktop.core.errors import ModelError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", type=Path, help="a .pt checkpoint written by train")
    parser.add_argument("-o", "--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--name", help="model name (default: the output folder's name)")
    parser.add_argument("--genre", default="Bach chorale")
    parser.add_argument("--description", default="")
    parser.add_argument(
        "--voice-order",
        default=None,
        help="engine passes, comma separated; 'tenor+alto' samples two voices from one run "
        "(default for chorales: bass,tenor,alto,bass)",
    )
    parser.add_argument("--pitch-temperature", type=float, default=1.0)
    parser.add_argument("--onset-temperature", type=float, default=1.0)
    parser.add_argument(
        "--offbeat-temperature",
        type=float,
        help="pitch temperature of notes starting off the beat (default: --pitch-temperature)",
    )
    parser.add_argument(
        "--beat-segments",
        action="store_true",
        help="choose each voice's pitch beat by beat (a held pitch stays one note)",
    )
    parser.add_argument(
        "--transpositions",
        default="0",
        help="semitone shifts the engine averages the network over, comma separated, "
        "with ';' between passes (e.g. -1,1: two copies in one batched run in every pass; "
        "-1,0,1;-1,1: three in the first pass, two in the next; default 0: one plain run)",
    )
    parser.add_argument(
        "--parallel-penalty",
        type=float,
        help="log-probability (nats) a pitch may lose to avoid parallel fifths/octaves "
        "(default: always avoid them)",
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the reference metrics (faster)"
    )


def _semitones(text: str) -> tuple[tuple[int, ...], ...]:
    try:
        passes = [tuple(int(v) for v in part.split(",") if v.strip()) for part in text.split(";")]
    except ValueError:
        passes = []
    if not passes or any(not p or any(abs(v) > 6 for v in p) for p in passes):
        raise ModelError(
            f"--transpositions {text!r}: give semitones -6..6, comma separated, ';' between passes"
        )
    return tuple(passes)


def run(args: argparse.Namespace) -> int:
    try:
        from deepcomposer_desktop.training.export import export_model
    except ImportError as err:
        raise ModelError(f"export needs the 'train' extra (pip install '.[train]'): {err}") from err
    manifest = export_model(
        args.checkpoint,
        args.out,
        name=args.name or args.out.resolve().name,
        genre=args.genre,
        description=args.description,
        voice_order=tuple(v.strip() for v in args.voice_order.split(",") if v.strip())
        if args.voice_order
        else None,
        pitch_temperature=args.pitch_temperature,
        onset_temperature=args.onset_temperature,
        offbeat_temperature=args.offbeat_temperature,
        beat_segments=args.beat_segments,
        transpositions=_semitones(args.transpositions),
        parallel_penalty=args.parallel_penalty,
        with_reference=not args.no_reference,
    )
    print(f"wrote {manifest.parent}")
    return 0
