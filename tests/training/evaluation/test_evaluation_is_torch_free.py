"""The evaluation and the MIDI-folder dataset must run where torch is not installed."""

import subprocess
import sys

MODULES = [
    "deepcomposer_desktop.training.evaluation.counterpoint",
    "deepcomposer_desktop.training.evaluation.baseline",
    "deepcomposer_desktop.training.evaluation.melodies",
    "deepcomposer_desktop.training.evaluation.quality",
    "deepcomposer_desktop.training.evaluation.report",
    "deepcomposer_desktop.training.evaluation.__main__",
    "deepcomposer_desktop.training.midi_folder",
]


def test_importing_the_evaluation_loads_no_torch_or_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(','.join(m for m in ('torch', 'PySide6') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
