"""The bundled public-domain melodies (``resources/melodies/*.mid``) offered as starting points.

The files live at the repository root in a checkout and inside the package (or the
environment's ``share`` folder) in an installed app, so several places are searched; the first
folder that has any ``.mid`` files wins. Titles come from the file's title meta event, else a
meaningful track name, else the file name.
"""

import logging
import os
import sys
from pathlib import Path

from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.midifile import read_midi

log = logging.getLogger(__name__)

ENV_VAR = "DEEPCOMPOSER_MELODIES"
_GENERIC_TRACK_NAMES = {"", "melody", "track", "untitled"}


def melody_dirs() -> list[Path]:
    """Where bundled melodies may be, in the order they are tried."""
    package = Path(__file__).resolve().parent.parent  # deepcomposer_desktop/
    dirs = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    dirs += [
        package / "resources" / "melodies",  # installed: shipped as package data
        package.parent / "resources" / "melodies",  # repository checkout
        Path(sys.prefix) / "share" / "deepcomposer-desktop" / "melodies",  # data_files
    ]
    return dirs


def _title_for(path: Path) -> str:
    try:
        composition = read_midi(path)
    except DeepComposerError as err:
        raise DeepComposerError(f"bundled melody {path.name} is unreadable: {err}") from err
    if composition.title.strip():
        return composition.title.strip()
    for track in composition.tracks:
        name = track.name.strip()
        if name.lower().rstrip(" 0123456789") not in _GENERIC_TRACK_NAMES:
            return name
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize()


def bundled_melodies(dirs: list[Path] | None = None) -> list[tuple[str, Path]]:
    """``(title, path)`` of every readable bundled melody, sorted by title; broken files are
    skipped with a warning so one bad file never hides the others."""
    for folder in melody_dirs() if dirs is None else dirs:
        files = sorted(folder.glob("*.mid")) + sorted(folder.glob("*.midi"))
        if not files:
            continue
        found = []
        for path in files:
            try:
                found.append((_title_for(path), path))
            except DeepComposerError as err:
                log.warning("%s", err)
        return sorted(found, key=lambda item: item[0].casefold())
    return []
