"""``deepcomposer play``: send a MIDI file to a MIDI output port, on time, until done or Ctrl-C.

Ctrl-C, SIGTERM, the end and a vanished device all silence every channel used.
"""

import argparse
import signal
import sys
import threading


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="MIDI file to play")
    parser.add_argument(
        "--output",
        metavar="PORT",
        help="output port (see `deepcomposer devices`); default: a virtual port "
        "'DeepComposer Desktop' that other programs can connect to",
    )
    parser.add_argument("--loop", action="store_true", help="repeat until Ctrl-C")
    parser.add_argument(
        "--from-bar", type=int, default=0, metavar="N", help="start at bar N (0=first)"
    )


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.core.errors import DeviceGoneError, MidiFileError
    from deepcomposer_desktop.core.midifile import read_midi
    from deepcomposer_desktop.midi import ports
    from deepcomposer_desktop.midi.hotplug import PortWatcher
    from deepcomposer_desktop.midi.player import Player
    from deepcomposer_desktop.midi.timeline import bar_start_beat

    composition = read_midi(args.file)
    if not any(t.notes for t in composition.tracks):
        raise MidiFileError(f"{args.file} has no notes to play")
    if args.from_bar < 0 or args.from_bar >= composition.bar_count:
        raise MidiFileError(
            f"bar {args.from_bar} is outside the piece (bars 0-{composition.bar_count - 1})"
        )
    sink = ports.open_output(args.output) if args.output else ports.open_virtual_output()
    done = threading.Event()
    gone: list[str] = []

    def on_gone(name: str) -> None:
        gone.append(name)
        done.set()

    watcher = None
    if args.output:
        watcher = PortWatcher(sink.name, ports.list_outputs, on_gone=on_gone)
        watcher.start()
    player = Player(sink, on_finished=done.set, on_error=lambda err: done.set())
    loop = None
    if args.loop:
        start = bar_start_beat(composition.time_signatures, args.from_bar)
        end = bar_start_beat(composition.time_signatures, composition.bar_count)
        loop = (start, end)
    stopped: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopped.append(signum)
        done.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(
            f"playing {args.file} to {sink.name}"
            + (f" from bar {args.from_bar}" if args.from_bar else "")
            + ("; looping, Ctrl-C to stop" if loop else ""),
            file=sys.stderr,
        )
        player.play(composition, from_bar=args.from_bar, loop=loop)
        while not done.wait(0.1):
            pass
    finally:
        player.stop()
        if watcher is not None:
            watcher.stop()
        sink.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if gone:
        raise DeviceGoneError(f"MIDI output {gone[0]!r} disappeared during playback")
    if player.error is not None:
        raise DeviceGoneError(f"playback stopped: {player.error}")
    return 0
