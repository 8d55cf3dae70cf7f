"""Desktop app timings: cold start to a usable window, and Generate click to tracks shown.

    python tests/benchmarks/bench_app.py [--runs 7] [--generate-runs 10]

Cold start: a fresh ``python -m deepcomposer_desktop app`` process per run, timed from spawn
until the window's event loop prints "usable" (window shown and painted; devices, SoundFont
and models load after that, off the GUI thread). Target: median <= 1.5 s. Qt uses the
offscreen platform unless DISPLAY is set.

Generate: in one process, the real window with the real model (models/bach-chorale) when one
is installed, else the rule-based baseline standing in (said in the output); timed from the
Generate action to the new tracks painted in the piano roll. The first run includes loading
the model and is reported apart.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET_START_S = 1.5


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.3f} s, p95 {p95:.3f} s, n={len(ordered)}"


def cold_start_once(profile: Path) -> float:
    env = dict(
        os.environ,
        DEEPCOMPOSER_STARTUP_PROBE="1",
        XDG_CONFIG_HOME=str(profile / "config"),
        XDG_DATA_HOME=str(profile / "data"),
    )
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "deepcomposer_desktop", "app", "--quit-after", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert proc.stdout is not None
    usable_s = None
    for line in proc.stdout:
        if line.startswith("usable"):
            usable_s = time.perf_counter() - started
            break
    proc.wait(timeout=60)
    if usable_s is None:
        raise SystemExit(f"the app did not start (exit {proc.returncode})")
    return usable_s


def bench_generate(runs: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO / "tests" / "app"))
    from PySide6.QtCore import QEventLoop, QTimer

    from deepcomposer_desktop.app.generation import _load_real, list_model_names
    from deepcomposer_desktop.app.main import create_application
    from deepcomposer_desktop.app.mainwindow import MainWindow, Services

    app = create_application(["bench"])
    if "bach-chorale" in list_model_names():
        which, loader = "real engine, models/bach-chorale", _load_real
    else:
        from screenshot_app import BaselineGenerator

        which, baseline = "baseline stand-in (no model installed)", BaselineGenerator()

        def loader(_name: str, _threads: int) -> object:
            return baseline

    window = MainWindow(
        Services(
            open_devices=False,
            model_loader=loader,
            list_models=lambda: ["bach-chorale"],
            autosave=False,
        )
    )
    window.resize(1400, 900)
    window.show()
    window.files.open_file(REPO / "resources" / "melodies" / "ode_to_joy.mid")
    settle = QEventLoop()
    QTimer.singleShot(1500, settle.quit)  # let the deferred metrics panel load first
    settle.exec()
    window.generate_panel.random_seed.setChecked(False)
    window.generate_panel.variations.setValue(1)
    times = []
    for run in range(runs + 1):
        window.generate_panel.seed.setValue(run)
        window.controller.load(
            window.controller.composition.with_tracks([window.controller.composition.melody]),
            title="bench",
        )
        loop = QEventLoop()
        window.generation.generated.connect(loop.quit)
        window.generation.failed.connect(loop.quit)
        QTimer.singleShot(30000, loop.quit)
        started = time.perf_counter()
        window.actions.generate.trigger()
        loop.exec()
        window.roll.viewport().repaint()  # the tracks are on screen
        times.append(time.perf_counter() - started)
        window.generation.generated.disconnect(loop.quit)
        window.generation.failed.disconnect(loop.quit)
        if len(window.controller.composition.tracks) < 2:
            raise SystemExit(f"generation failed: {window.problems[-1:]}")
    print(f"generate ({which}), 8-bar Ode to Joy, 1 variation:")
    print(f"  first click (loads the model): {times[0]:.3f} s")
    print(f"  later clicks: {summary(times[1:])}")
    window.close()
    app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--generate-runs", type=int, default=10)
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"threads: inference 1 (Settings.inference_threads), Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as profile:
        cold_start_once(Path(profile))  # warm the OS file cache once; not counted
        starts = [cold_start_once(Path(profile)) for _ in range(args.runs)]
    verdict = "meets" if statistics.median(starts) <= TARGET_START_S else "misses"
    print(
        f"cold start to usable window: {summary(starts)} ({verdict} the {TARGET_START_S} s target)"
    )
    bench_generate(args.generate_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
