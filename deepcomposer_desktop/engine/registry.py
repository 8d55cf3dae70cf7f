"""Where models live and which are installed: env folders, the user folder, bundled models."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from deepcomposer_desktop.core.errors import ModelError
from deepcomposer_desktop.engine.manifest import MANIFEST_NAME, read_manifest

ENV_VAR = "DEEPCOMPOSER_MODELS"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    path: Path
    genre: str
    tracks: tuple[str, ...]
    size_bytes: int
    sha256: str
    source: str  # "bundled" | "user"


def user_models_dir() -> Path:
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "DeepComposer Desktop" / "models"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return base / "DeepComposer Desktop" / "models"
    base = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return base / "DeepComposer Desktop" / "models"


def bundled_models_dir() -> Path:
    """The repository's (or the frozen bundle's) ``models/`` folder."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "models"
    return Path(__file__).resolve().parents[2] / "models"


def models_dirs() -> list[Path]:
    """Search order: $DEEPCOMPOSER_MODELS (os.pathsep list), the user folder, bundled."""
    dirs = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    dirs.append(user_models_dir())
    dirs.append(bundled_models_dir())
    return dirs


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resolve_model(name_or_path: str | Path) -> Path:
    """A model directory from a path or an installed model's name; ModelError otherwise."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir():
        return candidate
    if candidate.is_file() and candidate.name == MANIFEST_NAME:
        return candidate.parent
    name = str(name_or_path)
    if os.sep not in name and "/" not in name:
        for folder in models_dirs():
            if (folder / name / MANIFEST_NAME).is_file():
                return folder / name
    installed = list_models()
    for info in installed:
        if info.name == name:
            return info.path
    known = ", ".join(sorted({m.name for m in installed})) or "none installed"
    raise ModelError(f"no model {name!r} (known: {known})")


def list_models() -> list[ModelInfo]:
    """Installed models, first found per name wins; broken ones are skipped."""
    seen: set[str] = set()
    found: list[ModelInfo] = []
    bundled = bundled_models_dir().resolve()
    for folder in models_dirs():
        if not folder.is_dir():
            continue
        for model_dir in sorted(p for p in folder.iterdir() if (p / MANIFEST_NAME).is_file()):
            try:
                manifest = read_manifest(model_dir)
            except ModelError:
                continue
            if manifest.name in seen:
                continue
            seen.add(manifest.name)
            onnx_path = model_dir / manifest.onnx_file
            size = onnx_path.stat().st_size if onnx_path.is_file() else 0
            found.append(
                ModelInfo(
                    name=manifest.name,
                    path=model_dir,
                    genre=manifest.genre,
                    tracks=manifest.track_names,
                    size_bytes=size,
                    sha256=manifest.sha256,
                    source="bundled" if folder.resolve() == bundled else "user",
                )
            )
    return found
