"""Each layer imports only what the layers above it allow, checked in a fresh interpreter."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "deepcomposer_desktop"

FORBIDDEN = {
    "core": ["onnxruntime", "PySide6", "pyqtgraph", "torch", "rtmidi", "fluidsynth", "sounddevice"],
    "engine": ["PySide6", "pyqtgraph", "torch", "rtmidi", "fluidsynth", "sounddevice"],
    "midi": ["PySide6", "pyqtgraph", "torch", "onnxruntime", "fluidsynth", "sounddevice"],
    "audio": ["PySide6", "pyqtgraph", "torch", "onnxruntime", "rtmidi"],
    "app": ["torch"],
    "commands": ["PySide6", "pyqtgraph", "torch", "onnxruntime", "rtmidi", "fluidsynth"],
}


def _modules(layer: str) -> list[str]:
    root = PACKAGE / layer
    names = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_loads_no_forbidden_package(layer: str) -> None:
    modules = _modules(layer)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = [m for m in {FORBIDDEN[layer]!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{layer} loaded {result.stdout.strip()}"


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_qt_appears_only_in_app() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "app"
        and _imported_roots(p) & {"PySide6", "pyqtgraph", "shiboken6"}
    ]
    assert offenders == []


def test_torch_appears_only_in_training() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "training" and "torch" in _imported_roots(p)
    ]
    assert offenders == []


def test_training_is_imported_only_by_its_commands() -> None:
    allowed = {"training", "commands"}
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        top = p.relative_to(PACKAGE).parts[0]
        if top in allowed:
            continue
        text = p.read_text(encoding="utf-8")
        if "deepcomposer_desktop.training" in text:
            offenders.append(str(p.relative_to(PACKAGE)))
    assert offenders == []
