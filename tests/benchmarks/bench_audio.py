"""Audio benchmark: offline render speed and live note-on-to-audio latency.

    python tests/benchmarks/bench_audio.py [--runs 15] [--no-jack]

1. Render speed (target >= 50x real time on one core): a 4-track, 32-bar piece at 120 BPM
   (melody, chords, bass, drums; 64 s) rendered by ``render_composition`` with a loaded synth
   set up as it sets one up, pinned to one CPU. Speed by wall clock and by CPU time: on a
   shared machine the wall clock measures the neighbours too. Also the SoundFont load time.
2. Live latency, simulated clock (target <= 10 ms, 256 frames at 48 kHz): a thread plays
   the sound card, calling ``AudioOutput``'s callback every 5.33 ms on a deadline clock;
   note-ons are sent at random moments. Latency = (end of the callback whose buffer holds
   the note - send time) + position of the onset inside that buffer + one buffer period,
   the least time a callback's buffer waits before the DAC plays it. Device and driver
   latency beyond that one period is not included: it is the sound card's, not ours.
3. Live latency through JACK (when a JACK server runs, e.g. ``jackd -d dummy -r 48000 -p
   64``): the real PortAudio stream is looped back into a PortAudio input stream; latency is
   from ``send`` to the first non-silent input sample. This includes the JACK graph, the
   input side and PortAudio's buffer adaptation: the time at which our input callback holds
   the onset, an upper bound of the output path.
   On the dummy driver JACK's clock is a timer, not a sound card.

Prints median and p95 of each, with the machine and thread count.
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import mido
import numpy as np

from deepcomposer_desktop.audio.output import AudioOutput, audio_available, rescan_devices
from deepcomposer_desktop.audio.render import RENDER_SYNTH_OPTIONS, render_composition
from deepcomposer_desktop.audio.synth import Synth
from deepcomposer_desktop.core import Composition, Note, TempoChange, Track

FINE = SimpleNamespace(output_underflow=False)


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def summary(name: str, values: list[float], unit: str) -> None:
    print(
        f"{name}: median {statistics.median(values):.2f} {unit}, p95 {p95(values):.2f} {unit}, "
        f"min {min(values):.2f}, max {max(values):.2f} (n={len(values)})"
    )


def piece(bars: int = 32) -> Composition:
    """Melody in eighths, four-note chords per bar, bass in quarters, drums in eighths."""
    rng = random.Random(7)
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    melody, chords, bass, drums = [], [], [], []
    for bar in range(bars):
        root = [0, 5, 7, 9][bar % 4]
        for step in range(8):
            beat = bar * 4 + step * 0.5
            melody.append(Note(beat, rng.choice(scale) + 12, 0.5, rng.randint(70, 110)))
            drums.append(Note(beat, 42, 0.25, 80))
            if step % 4 == 0:
                drums.append(Note(beat, 36 if step == 0 else 38, 0.25, 110))
        for offset in (0, 4, 7, 12):
            chords.append(Note(bar * 4.0, 48 + root + offset, 4.0, 70))
        for q in range(4):
            bass.append(Note(bar * 4.0 + q, 36 + root, 1.0, 90))
    return Composition(
        (
            Track("melody", tuple(melody), program=73),
            Track("chords", tuple(chords), program=48),
            Track("bass", tuple(bass), program=33),
            Track("drums", tuple(drums), is_drum=True),
        ),
        tempo_map=(TempoChange(0, 120),),
    )


def bench_render(runs: int) -> None:
    comp = piece()
    loads = []
    for dynamic in (True, False):
        started = time.perf_counter()
        Synth(sample_rate=44100, dynamic_loading=dynamic).close()
        loads.append((dynamic, time.perf_counter() - started))
    for dynamic, seconds in loads:
        kind = "samples on demand (render)" if dynamic else "all samples (live)"
        print(f"SoundFont load, {kind}: {seconds:.2f} s")
    synth = Synth(sample_rate=44100, **RENDER_SYNTH_OPTIONS)  # as render_composition builds it
    render_composition(comp, synth=synth)  # warm: loads the programs' samples
    speeds, cpu_speeds, length_s = [], [], 0.0
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        audio = render_composition(comp, synth=synth)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        length_s = audio.shape[0] / 44100
        speeds.append(length_s / elapsed)
        cpu_speeds.append(length_s / cpu)
    synth.close()
    print(f"render of a {length_s:.1f} s, 4-track piece at 44.1 kHz, reverb on")
    summary("render speed, wall clock", speeds, "x real time")
    summary("render speed, CPU time (the core's own speed when shared)", cpu_speeds, "x")
    cold = time.perf_counter()
    audio = render_composition(comp, sample_rate=44100)
    cold = time.perf_counter() - cold
    print(f"cold render incl. SoundFont load: {audio.shape[0] / 44100 / cold:.1f}x real time")


def bench_simulated_latency(notes: int, buffer_frames: int = 256, rate: int = 48000) -> None:
    synth = Synth(sample_rate=rate)  # live settings: all samples loaded
    out = AudioOutput(synth, buffer_frames=buffer_frames)
    period_s = buffer_frames / rate
    buffer = np.zeros((buffer_frames, 2), dtype=np.float32)
    pending: list[float] = []  # send times of notes not yet heard
    latencies_ms: list[float] = []
    callback_ms: list[float] = []
    stop = threading.Event()

    def sound_card() -> None:
        deadline = time.perf_counter()
        while not stop.is_set():
            deadline += period_s
            delay = deadline - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started = time.perf_counter()
            sent = list(pending)
            out._callback(buffer, buffer_frames, None, FINE)
            done = time.perf_counter()
            callback_ms.append((done - started) * 1e3)
            if sent:
                loud = np.flatnonzero(np.abs(buffer[:, 0]) > 1e-4)
                if loud.size:
                    onset_s = loud[0] / rate
                    latencies_ms.append((done - sent[0] + onset_s + period_s) * 1e3)
                    pending.clear()

    card = threading.Thread(target=sound_card, daemon=True)
    card.start()
    rng = random.Random(1)
    for i in range(notes):
        time.sleep(0.05 + rng.random() * 0.03)
        pending.append(time.perf_counter())
        synth.send(mido.Message("note_on", note=60 + i % 12, velocity=100))
        time.sleep(0.05)
        synth.send(mido.Message("note_off", note=60 + i % 12))
        time.sleep(0.25)  # let it die away so the next onset is clean
    stop.set()
    card.join()
    synth.close()
    print(
        f"live path, simulated {buffer_frames}-frame callbacks at {rate} Hz "
        f"({period_s * 1e3:.2f} ms)"
    )
    summary("note-on to audio latency (send -> buffer + 1 period)", latencies_ms, "ms")
    summary("callback render time per buffer", callback_ms, "ms")


def bench_jack_latency(notes: int) -> None:
    import sounddevice as sd

    rescan_devices()
    if not audio_available():
        print("JACK latency: skipped, no PortAudio output device (start jackd)")
        return
    rate = 48000
    synth = Synth(sample_rate=rate)
    heard: list[tuple[float, np.ndarray]] = []

    def mic(indata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        heard.append((time.perf_counter(), indata[:, 0].copy()))

    before = set(subprocess.run(["jack_lsp"], capture_output=True, text=True).stdout.split())
    latencies_ms = []
    with AudioOutput(synth, buffer_frames=256) as out:
        stream = sd.InputStream(samplerate=rate, channels=1, dtype="float32", callback=mic)
        stream.start()
        ports = set(subprocess.run(["jack_lsp"], capture_output=True, text=True).stdout.split())
        new = ports - before
        outs = sorted(p for p in new if ":out_" in p)
        ins = sorted(p for p in new if ":in_" in p)
        subprocess.run(["jack_disconnect", "system:capture_1", ins[0]], check=False)
        subprocess.run(["jack_connect", outs[0], ins[0]], check=True)
        time.sleep(0.3)
        for i in range(notes):
            synth.reset()  # cut the last note; then wait for the reverb tail to die away
            quiet_since = time.perf_counter()
            while time.perf_counter() - quiet_since < 0.1:
                time.sleep(0.01)
                if heard and np.abs(heard[-1][1]).max() > 1e-4:
                    quiet_since = time.perf_counter()
            heard.clear()
            sent = time.perf_counter()
            synth.send(mido.Message("note_on", note=60 + i % 12, velocity=100))
            time.sleep(0.05)
            for stamp, block in list(heard):
                if np.abs(block).max() > 1e-3:  # the input callback ran at `stamp`
                    latencies_ms.append((stamp - sent) * 1e3)
                    break
        stream.stop()
        stream.close()
        print(f"JACK: PortAudio output latency reported {out.latency_s * 1e3:.2f} ms")
    synth.close()
    if latencies_ms:
        summary("note-on to JACK loopback input (upper bound)", latencies_ms, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--notes", type=int, default=60)
    parser.add_argument("--no-jack", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else "?"
    print(
        f"machine: {platform.machine()} {platform.processor() or platform.platform()}, "
        f"{os.cpu_count()} CPUs, pinned to {cpus}, 1 synth thread, Python {sys.version.split()[0]}"
    )
    bench_render(args.runs)
    bench_simulated_latency(args.notes)
    bench_simulated_latency(args.notes, buffer_frames=128)
    if not args.no_jack:
        bench_jack_latency(min(args.notes, 30))


if __name__ == "__main__":
    main()
