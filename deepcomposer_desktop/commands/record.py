"""``deepcomposer record``: record a take from a MIDI keyboard into a MIDI file.

The take ends after ``--bars`` bars (after the count-in) or on Ctrl-C / SIGTERM; either way
the file is written, so an interrupted take is never lost. If the keyboard disappears the
take so far is kept, the user is told, and recording resumes if it comes back.
"""

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real inside run(): --help must not load the MIDI layer
    from deepcomposer_desktop.midi.ports import OutputPort
    from deepcomposer_desktop.midi.recorder import Take


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", metavar="PORT", help="input port (default: the keyboard found)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.mid", help="file to write")
    parser.add_argument("--bars", type=int, metavar="N", help="stop after N bars (default: Ctrl-C)")
    parser.add_argument("--tempo", type=float, default=100.0, metavar="BPM", help="default 100")
    parser.add_argument("--time-signature", default="4/4", metavar="N/D", help="default 4/4")
    parser.add_argument("--count-in", type=int, default=1, metavar="BARS", help="default 1 bar")
    parser.add_argument(
        "--quantize", default="16", choices=["32", "16", "8", "4", "off"], help="grid (default 16)"
    )
    parser.add_argument("--strength", type=float, default=1.0, help="quantize strength 0-1")
    parser.add_argument("--metronome", action="store_true", help="click during count-in and take")
    parser.add_argument("--thru", metavar="PORT", help="pass what is played to this output")
    parser.add_argument(
        "--click",
        metavar="PORT",
        help="metronome output (default: the --thru port, else a virtual port "
        "'DeepComposer Desktop')",
    )


def _check_writable(path: Path) -> None:
    from deepcomposer_desktop.core.errors import OutputFileError

    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputFileError(f"{path} is a folder")
    if not folder.is_dir():
        raise OutputFileError(f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OutputFileError(f"folder {folder} is not writable")


def _take_from_args(args: argparse.Namespace) -> "Take":
    from deepcomposer_desktop.core.errors import CompositionError
    from deepcomposer_desktop.core.timing import TimeSignature
    from deepcomposer_desktop.midi.recorder import Take

    try:
        numerator, denominator = (int(x) for x in args.time_signature.split("/"))
    except ValueError as err:
        raise CompositionError(f"time signature {args.time_signature!r} is not like 3/4") from err
    grid = 0 if args.quantize == "off" else int(args.quantize)
    return Take(
        tempo_bpm=args.tempo,
        time_signature=TimeSignature(numerator, denominator),
        count_in_bars=args.count_in,
        bars=args.bars,
        quantize_steps_per_beat=grid // 4 if grid >= 4 else 0,
        quantize_strength=args.strength,
        metronome=args.metronome,
    )


def _open_sinks(
    args: argparse.Namespace, ports: ModuleType
) -> tuple["OutputPort | None", "OutputPort | None", "list[OutputPort]"]:
    """The thru output and the click output (shared when the same); all to close after."""
    opened: list[OutputPort] = []
    thru = ports.open_output(args.thru) if args.thru else None
    if thru is not None:
        opened.append(thru)
    click = None
    if args.metronome:
        click = ports.open_output(args.click) if args.click else thru
        if click is None:
            click = ports.open_virtual_output()
            print(f"metronome clicks on virtual port {click.name!r}", file=sys.stderr)
        if click is not thru:
            opened.append(click)
    return thru, click, opened


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.core.errors import DeviceGoneError, PortNotFoundError
    from deepcomposer_desktop.core.midifile import write_midi
    from deepcomposer_desktop.midi import ports
    from deepcomposer_desktop.midi.listener import LiveInput
    from deepcomposer_desktop.midi.metronome import Metronome
    from deepcomposer_desktop.midi.recorder import Recorder

    out = Path(args.output)
    _check_writable(out)
    take = _take_from_args(args)
    name = args.input or ports.default_input()
    if name is None:
        raise PortNotFoundError("no MIDI keyboard found; connect one or name it with --input")
    recorder = Recorder(take)
    plug_events: list[str] = []

    def on_gone(port: str) -> None:
        plug_events.append("gone")
        bar = max(recorder.beat_at(time.monotonic()), 0.0) / take.beats_per_bar
        print(
            f"warning: MIDI input {port!r} disappeared in bar {int(bar) + 1}; the take so far "
            "is kept; waiting for it to return (Ctrl-C saves and stops)",
            file=sys.stderr,
            flush=True,
        )

    def on_back(port: str) -> None:
        plug_events.append("back")
        print(f"MIDI input {port!r} is back; recording goes on", file=sys.stderr, flush=True)

    thru, click, sinks = _open_sinks(args, ports)
    live = LiveInput(name, handlers=[recorder.feed], thru=thru, on_gone=on_gone, on_back=on_back)
    metronome = None
    if click is not None:
        metronome = Metronome(click, tempo_bpm=take.tempo_bpm, time_signature=take.time_signature)
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in signals}
    try:
        live.start()
        now = time.monotonic()
        recorder.start(now)
        if metronome is not None:
            metronome.start(now, end_s=recorder.end_s)
        length = f"{take.bars} bars" if take.bars else "until Ctrl-C"
        print(
            f"recording from {live.name!r} ({ports.backend_name()}): {take.tempo_bpm:g} BPM "
            f"{take.time_signature}, count-in {take.count_in_bars} bar(s), {length}",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.02) and not recorder.is_finished():
            pass
    finally:
        if recorder.started:  # whatever ended the take, what was played is written
            write_midi(recorder.stop(time.monotonic()), out)
        if metronome is not None:
            metronome.stop()
        live.close()
        for sink in sinks:
            sink.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    composition = recorder.composition()
    notes = len(composition.tracks[0].notes)
    print(f"wrote {out}: {notes} notes, {composition.bar_count} bars at {take.tempo_bpm:g} BPM")
    if plug_events and plug_events[-1] == "gone":
        raise DeviceGoneError(
            f"MIDI input {live.name!r} disappeared during the take; "
            f"the {notes} notes played before were saved to {out}"
        )
    return 0
