"""``deepcomposer render IN.mid -o OUT.wav``: offline render with the built-in synth."""

import argparse
import os
import time
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="MIDI file to render")
    parser.add_argument("-o", "--output", type=Path, required=True, help="WAV file to write")
    parser.add_argument(
        "--soundfont",
        type=Path,
        default=None,
        help="a .sf2/.sf3 file (default: $DEEPCOMPOSER_SOUNDFONT, bundled, then system GM)",
    )
    parser.add_argument(
        "--sample-rate", type=int, default=44100, help="samples per second (default 44100)"
    )
    parser.add_argument(
        "--tail",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="at most this long after the last note for releases and reverb (default 2)",
    )


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.audio.render import render_composition, write_wav
    from deepcomposer_desktop.audio.soundfont import find_soundfont
    from deepcomposer_desktop.core.errors import AudioError, OutputFileError
    from deepcomposer_desktop.core.midifile import read_midi

    if not 8000 <= args.sample_rate <= 192000:
        raise AudioError(f"sample rate {args.sample_rate} Hz is outside 8000-192000")
    if not 0 <= args.tail <= 60:
        raise AudioError(f"tail of {args.tail} s is outside 0-60")
    composition = read_midi(args.input)
    soundfont = find_soundfont(args.soundfont)
    folder = args.output.parent if str(args.output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputFileError(f"cannot write {args.output}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or args.output.is_dir():
        raise OutputFileError(f"cannot write {args.output}: not a writable file location")

    started = time.perf_counter()
    audio = render_composition(
        composition, soundfont=soundfont, sample_rate=args.sample_rate, tail_s=args.tail
    )
    elapsed = time.perf_counter() - started
    write_wav(args.output, audio, args.sample_rate)
    seconds = audio.shape[0] / args.sample_rate
    speed = seconds / elapsed if elapsed > 0 else float("inf")
    print(
        f"wrote {args.output}: {seconds:.1f} s, {args.sample_rate} Hz stereo 16-bit, "
        f"{len(composition.tracks)} tracks, SoundFont {soundfont.name}, "
        f"rendered in {elapsed:.2f} s ({speed:.0f}x real time)"
    )
    return 0
