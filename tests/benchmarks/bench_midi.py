"""Live-MIDI timing through a real JACK server: input latency and playback timing error.

    python tests/benchmarks/bench_midi.py [--messages 500] [--notes 300]

Input latency: a virtual keyboard port sends; we measure send -> our callback's stamp (the
message is on our queue) and send -> the dispatcher thread handing it to the recorder.
Playback error: the Player's scheduled time vs when it actually called ``send`` (our
scheduler), and vs when a virtual synth port received it (scheduler + JACK transport).
Targets (issue 4): input <= 2 ms p99, playback <= 1 ms p99.

Playback is measured twice: scheduler thread at normal priority and with SCHED_FIFO
(``DEEPCOMPOSER_MIDI_REALTIME=0/1``; by default the app asks for it except on a JACK server
that is not real-time itself, where it would starve the server and lose MIDI).

Starts ``jackd --no-realtime -d dummy -r 48000 -p 64`` if no JACK server runs (as the tests
do). Numbers depend heavily on machine load: say what else was running when you quote them.
"""

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time

os.environ.setdefault("MIDO_BACKEND", "mido.backends.rtmidi/UNIX_JACK")

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.midi import ports
from deepcomposer_desktop.midi.listener import LiveInput
from deepcomposer_desktop.midi.player import Player


def jack_running() -> bool:
    lsp = shutil.which("jack_lsp")
    return lsp is not None and subprocess.run([lsp], capture_output=True).returncode == 0


def ensure_jack(private_realtime: bool) -> subprocess.Popen | None:
    """Use the running server, or start the test suite's one; or a private real-time one."""
    command = ["jackd", "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "64"]
    if private_realtime:
        os.environ["JACK_DEFAULT_SERVER"] = "deepcomposer-bench"
        command = ["jackd", "-n", "deepcomposer-bench", "-R", "-P", "70", *command[2:]]
    elif jack_running():
        return None
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, JACK_NO_AUDIO_RESERVATION="1"),
    )
    deadline = time.monotonic() + 15
    while not jack_running():
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit("jackd did not start")
        time.sleep(0.1)
    return proc


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(label: str, seconds: list[float], target_ms: float | None = None) -> None:
    ms = [v * 1000 for v in seconds]
    line = (
        f"{label:<44} n={len(ms):4d}  median {statistics.median(ms):6.3f} ms  "
        f"p95 {pct(ms, 95):6.3f}  p99 {pct(ms, 99):6.3f}  max {max(ms):7.3f}"
    )
    if target_ms is not None:
        line += (
            f"  [target p99 <= {target_ms:g} ms: {'met' if pct(ms, 99) <= target_ms else 'MISSED'}]"
        )
    print(line)


def machine(private_realtime: bool) -> None:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print(f"machine: {platform.platform()}, {cpu}, {os.cpu_count()} CPUs, load {load}")
    print(f"python {platform.python_version()}, backend {ports.backend_name()}")
    mode = "a private server, real-time (-R)" if private_realtime else "--no-realtime"
    print(f"JACK: dummy driver, 48 kHz, 64-frame periods (1.33 ms), {mode}")


def bench_input(count: int) -> None:
    keyboard = ports.open_virtual_output("bench-keys", client_name="bench-keyboard")
    sent: dict[int, float] = {}
    stamped: list[float] = []
    dispatched: list[float] = []
    done = threading.Event()

    def handler(msg: mido.Message, stamp_s: float) -> None:
        now = time.monotonic()
        key = msg.note * 128 + msg.velocity
        if key in sent:
            stamped.append(stamp_s - sent[key])
            dispatched.append(now - sent[key])
        if len(dispatched) >= count:
            done.set()

    live = LiveInput(keyboard.name, handlers=[handler], watch=False)
    live.start()
    time.sleep(0.2)
    try:
        for i in range(count):
            note, velocity = divmod(i % (128 * 127), 127)
            msg = mido.Message("note_on", note=note % 128, velocity=velocity + 1)
            time.sleep(0.003 + random.random() * 0.002)  # random phase against the period
            sent[msg.note * 128 + msg.velocity] = time.monotonic()
            keyboard.send(msg)
        done.wait(5)
    finally:
        live.close()
        keyboard.close()
    lost = count - len(dispatched)
    report("input: send -> callback stamp (queued)", stamped)
    report("input: send -> dispatcher delivers", dispatched, 2.0)
    if lost:
        print(f"  ({lost} of {count} messages never arrived: JACK xruns on a loaded machine)")


def bench_playback(count: int, *, realtime: bool) -> None:
    arrived: list[tuple[mido.Message, float]] = []
    synth = ports.open_virtual_input(
        "bench-synth", lambda m, s: arrived.append((m, s)), client_name="bench-synth"
    )
    out = ports.open_output(synth.name)
    # 32nds at 240 BPM; (pitch, velocity) is unique per note so arrivals pair up exactly
    notes = tuple(Note(i / 8, 48 + i % 36, 1 / 16, 1 + i // 36 % 127) for i in range(count))
    comp = Composition(tracks=(Track("melody", notes),), tempo_map=(TempoChange(0, 240),))
    os.environ["DEEPCOMPOSER_MIDI_REALTIME"] = "1" if realtime else "0"
    player = Player(out)
    player.sent_log = []
    player.play(comp)
    player.wait(120)
    out.close()
    time.sleep(0.1)
    synth.close()
    log = [
        (sched, actual, msg)
        for sched, actual, msg in player.sent_log
        if msg.type.startswith("note")
    ]
    mode = "SCHED_FIFO" if realtime else "normal priority"
    report(f"playback ({mode}): scheduled -> send()", [abs(a - s) for s, a, _ in log], 1.0)
    late = [a - s for s, a, _ in log]
    print(f"  signed error: median {statistics.median(late) * 1000:+.3f} ms (positive = late)")
    # arrival through JACK, for note-ons (unique by pitch and velocity)
    arrivals = {(m.note, m.velocity): stamp for m, stamp in arrived if m.type == "note_on"}
    ons = [(sched, msg) for sched, _, msg in log if msg.type == "note_on"]
    delays = [
        arrivals[(m.note, m.velocity)] - s for s, m in ons if (m.note, m.velocity) in arrivals
    ]
    report("  scheduled -> synth port received (JACK)", delays)
    if len(delays) < len(ons):
        print(f"  {len(ons) - len(delays)} of {len(ons)} note-ons never arrived (JACK xruns)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument(
        "--private-realtime-jack",
        action="store_true",
        help="start a private jackd -R (SCHED_FIFO) instead of the shared --no-realtime one",
    )
    args = parser.parse_args()
    jack = ensure_jack(args.private_realtime_jack)
    try:
        machine(args.private_realtime_jack)
        print(f"threads in this process at start: {threading.active_count()}")
        bench_input(args.messages)
        bench_playback(args.notes, realtime=False)
        bench_playback(args.notes, realtime=True)
        print(f"threads in this process at end: {threading.active_count()}")
    finally:
        ports.reset_backend()
        if jack is not None:
            jack.terminate()


if __name__ == "__main__":
    main()
