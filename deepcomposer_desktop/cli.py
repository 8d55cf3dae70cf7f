"""The ``deepcomposer`` command: one subcommand per user-visible job.

Subcommand modules live in ``deepcomposer_desktop.commands``; each offers
``add_arguments(parser)`` and ``run(args) -> int``. Only the chosen one is imported, so
``deepcomposer info`` never loads Qt, onnxruntime or torch.
"""

import argparse
import importlib
import sys
from collections.abc import Sequence

from deepcomposer_desktop import __version__
from deepcomposer_desktop.core.errors import DeepComposerError

COMMANDS: tuple[tuple[str, str], ...] = (
    ("app", "open the desktop app (the default when no command is given)"),
    ("info", "describe a MIDI file: tempo, meter, bars, key and tracks"),
    ("metrics", "the DeepComposer quality metrics of each track of a MIDI file"),
    ("generate", "add generated accompaniment to a melody MIDI file"),
    ("models", "list installed generator models"),
    ("bench", "time a whole 8-bar generation with a model"),
    ("devices", "list MIDI input and output ports"),
    ("record", "record a take from a MIDI keyboard into a MIDI file"),
    ("play", "play a MIDI file through a MIDI output port"),
    ("render", "render a MIDI file to WAV with the built-in SoundFont synth"),
    ("prepare-data", "build a training dataset from the Bach chorales or a MIDI folder"),
    ("train", "train a generator model (needs the 'train' extra)"),
    ("export", "export a trained checkpoint as an ONNX model directory"),
)


def _module_name(command: str) -> str:
    return "deepcomposer_desktop.commands." + command.replace("-", "_")


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deepcomposer",
        description="DeepComposer Desktop: play a melody, generate accompaniment offline, "
        "listen, judge and export MIDI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS:
        sub = subparsers.add_parser(name, help=summary, description=summary)
        if name == chosen:
            importlib.import_module(_module_name(name)).add_arguments(sub)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    names = {name for name, _ in COMMANDS}
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in names else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["app"]
    chosen = _chosen_command(argv)
    parser = build_parser(chosen)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(_module_name(args.command))
    try:
        return int(module.run(args) or 0)
    except DeepComposerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
