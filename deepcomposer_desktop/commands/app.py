"""``deepcomposer app [FILE.mid]``: open the desktop app (Qt is imported only here, in run)."""

import argparse
from pathlib import Path

from deepcomposer_desktop.core.errors import MidiFileError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", type=Path, help="a MIDI file to open")
    parser.add_argument(
        "--quit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help=argparse.SUPPRESS,  # start-up benchmarks: close the window after this long
    )


def run(args: argparse.Namespace) -> int:
    path = getattr(args, "file", None)
    if path is not None and not path.is_file():
        raise MidiFileError(f"{path} does not exist or is not a file")
    from deepcomposer_desktop.app.main import launch

    quit_after = getattr(args, "quit_after", None)
    return launch(path, quit_after_ms=None if quit_after is None else int(quit_after * 1000))
