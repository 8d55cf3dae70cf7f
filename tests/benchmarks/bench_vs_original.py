"""Speed of our shipped generator against the original AWS DeepComposer GAN, in one run.

The original's generator is rebuilt here with random weights (speed does not depend on them):
a U-Net over a 2-bar melody piano roll (1 x 32 steps x 128 pitches) with 64 filters, 4 down
blocks (conv k4 s2 + LeakyReLU + BatchNorm), noise 512 x 2 x 8 joined at the bottleneck,
3 up blocks (upsample x2 + conv k4 + BatchNorm + ReLU, with skip connections) and a final
upsample + conv to 4 tracks with tanh: 8.3 M parameters, 3.8 GMAC per 8 bars (4 two-bar
windows, run as one batch). It is exported to ONNX with torch and timed with onnxruntime on
the given thread count. Then our model's whole 8-bar generation (encoding, network, sampling
and decoding to notes, i.e. what the user waits for) is timed through ``engine.Generator``
with the same thread count, taking turns with the original run by run so both see the same
machine load. Both print median and p95; the ratio is original median / ours median.

    python tests/benchmarks/bench_vs_original.py [--model bach-chorale] [--runs 30] [--threads 1]

torch is allowed here (benchmarks are not the app); runs in well under two minutes.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

BARS = 8
WINDOW_BARS = 2
STEPS_PER_BAR = 16
PITCHES = 128
FILTERS = 64
NOISE_SHAPE = (512, 2, 8)  # channels x steps x pitches at the U-Net bottleneck


def build_original_generator():
    """The original DeepComposer GAN generator (random weights), NCHW, as a torch module."""
    import torch
    from torch import nn

    def down(cin: int, cout: int) -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(cin, cout, 4, stride=2, padding=1), nn.LeakyReLU(0.2), nn.BatchNorm2d(cout)
        )

    def up(cin: int, cout: int, last: bool = False) -> nn.Module:
        layers = [
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.ZeroPad2d((1, 2, 1, 2)),  # "same" padding for an even kernel
            nn.Conv2d(cin, cout, 4),
        ]
        layers += [nn.Tanh()] if last else [nn.BatchNorm2d(cout), nn.ReLU()]
        return nn.Sequential(*layers)

    class OriginalGenerator(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            f = FILTERS
            self.down = nn.ModuleList(
                [down(1, f), down(f, 2 * f), down(2 * f, 4 * f), down(4 * f, 8 * f)]
            )
            self.up1 = up(16 * f, 4 * f)  # bottleneck 8f + noise 8f
            self.up2 = up(8 * f, 2 * f)  # + skip 4f
            self.up3 = up(4 * f, f)  # + skip 2f
            self.final = up(2 * f, 4, last=True)  # + skip f -> 4 tracks

        def forward(self, melody: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
            skips = []
            x = melody
            for block in self.down:
                x = block(x)
                skips.append(x)
            x = torch.cat([x, noise], dim=1)
            x = torch.cat([self.up1(x), skips[2]], dim=1)
            x = torch.cat([self.up2(x), skips[1]], dim=1)
            x = torch.cat([self.up3(x), skips[0]], dim=1)
            return self.final(x)

    torch.manual_seed(0)
    return OriginalGenerator().eval()


def count_macs(model, inputs) -> int:
    """Multiply-accumulates of every convolution for one forward pass on ``inputs``."""
    from torch import nn

    total = 0

    def hook(module: nn.Conv2d, _inp: object, out) -> None:
        nonlocal total
        kh, kw = module.kernel_size
        total += out.numel() * module.in_channels * kh * kw // module.groups

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    import torch

    with torch.no_grad():
        model(*inputs)
    for h in handles:
        h.remove()
    return total


def export_original(path: Path) -> tuple[int, int]:
    """Write the ONNX file; return (parameters, MACs per 8 bars)."""
    import torch

    model = build_original_generator()
    windows = BARS // WINDOW_BARS
    melody = torch.zeros(windows, 1, WINDOW_BARS * STEPS_PER_BAR, PITCHES)
    noise = torch.randn(windows, *NOISE_SHAPE)
    params = sum(p.numel() for p in model.parameters())
    macs = count_macs(model, (melody, noise))
    with warnings.catch_warnings():  # the TorchScript exporter's deprecation chatter
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (melody, noise),
            str(path),
            input_names=["melody", "noise"],
            output_names=["tracks"],
            opset_version=17,
            dynamo=False,
        )
    return params, macs


def timed_interleaved(
    fns: dict[str, Callable[[], object]], runs: int, warmup: int = 3
) -> dict[str, list[float]]:
    """Milliseconds per call of each function, taking turns so that both see the same load
    (this machine is shared; interleaving keeps the ratio fair even when it is busy)."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000.0)
    return times


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def original_runner(path: Path, threads: int) -> Callable[[], object]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    windows = BARS // WINDOW_BARS
    melody = (rng.random((windows, 1, WINDOW_BARS * STEPS_PER_BAR, PITCHES)) > 0.98).astype(
        np.float32
    )
    noise = rng.standard_normal((windows, *NOISE_SHAPE)).astype(np.float32)

    def run() -> object:
        # the original then thresholds the tanh output to a binary roll
        return session.run(None, {"melody": melody, "noise": noise})[0] > 0

    return run


def eight_bar_melody():
    """An 8-bar 4/4 melody in quarter and eighth notes, C major, soprano range."""
    from deepcomposer_desktop.core.composition import Composition
    from deepcomposer_desktop.core.note import Note
    from deepcomposer_desktop.core.track import Track

    line = [72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 74, 76, 74, 72, 72]
    notes, beat = [], 0.0
    while beat < BARS * 4:
        pitch = line[int(beat * 2) % len(line)]
        length = 0.5 if int(beat) % 4 == 2 else 1.0
        notes.append(Note(beat, pitch, length, 90))
        beat += length
    return Composition(tracks=(Track("melody", tuple(notes)),), melody_index=0)


def our_runner(model: str, threads: int) -> tuple[Callable[[], object], str]:
    from deepcomposer_desktop.engine import Generator

    generator = Generator.load(model, threads=threads)
    melody = eight_bar_melody()
    seeds = iter(range(10**9))
    return lambda: generator.generate(melody, seed=next(seeds)), generator.manifest.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="bach-chorale", help="our model: name or directory")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    print(f"machine: {machine}; threads: {args.threads}; runs: {args.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "original_generator.onnx"
        params, macs = export_original(path)
        print(
            f"original: {params / 1e6:.2f} M parameters, {path.stat().st_size / 1e6:.1f} MB, "
            f"{macs / 1e9:.2f} GMAC per {BARS} bars ({BARS // WINDOW_BARS} windows)"
        )
        runners = {"original": original_runner(path, args.threads)}
        try:
            runners["ours"], name = our_runner(args.model, args.threads)
        except Exception as err:  # still report the original's numbers
            print(f"error: cannot load our model {args.model!r}: {err}", file=sys.stderr)
            name = ""
        times = timed_interleaved(runners, args.runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"1-minute load average during the run: {load:.1f}")
    original = times["original"]
    print(
        f"original {BARS} bars (network + threshold): median {statistics.median(original):.1f} ms"
        f", p95 {p95(original):.1f} ms"
    )
    if "ours" not in times:
        return 2
    ours = times["ours"]
    print(
        f"ours ({name}) whole {BARS}-bar generation: median {statistics.median(ours):.1f} ms, "
        f"p95 {p95(ours):.1f} ms"
    )
    ratio = statistics.median(original) / statistics.median(ours)
    verdict = "faster" if ratio >= 1 else "slower"
    print(f"speed ratio (original median / ours median): {ratio:.2f}x ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
