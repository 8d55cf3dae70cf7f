"""Finding and vetting a General MIDI SoundFont, without touching the synth library.

The built-in synth must make sound on a fresh machine with no setup, so we look in a fixed
order: the user's explicit choice, ``$DEEPCOMPOSER_SOUNDFONT``, the SoundFonts shipped with
the app (``resources/soundfonts``), then where each platform's package manager puts them.
Debian's ``fluidr3mono-gm-soundfont`` (MIT, 23 MB, sf3) is the default we aim for.

A file is checked for the RIFF/``sfbk`` header here, before FluidSynth sees it: FluidSynth
answers a bad file with a log line and a -1, which would leave the user guessing.
"""

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from deepcomposer_desktop.core.errors import SoundFontError

SOUNDFONT_ENV = "DEEPCOMPOSER_SOUNDFONT"
SUFFIXES = (".sf2", ".sf3")
# Tried first inside any folder, best first: small MIT-licensed GM sets before huge ones.
PREFERRED_NAMES = (
    "FluidR3Mono_GM.sf3",
    "FluidR3_GM.sf3",
    "FluidR3_GM.sf2",
    "default-GM.sf3",
    "default-GM.sf2",
    "GeneralUser GS.sf2",
)
INSTALL_HINT = (
    "install one (Debian/Ubuntu: apt install fluidr3mono-gm-soundfont; macOS: put a GM "
    "SoundFont in $(brew --prefix)/share/soundfonts), set $DEEPCOMPOSER_SOUNDFONT, or choose "
    "a .sf2/.sf3 file in Preferences"
)


def bundled_soundfont_dirs() -> list[Path]:
    """``resources/soundfonts`` of the source tree and of a PyInstaller bundle."""
    dirs = [Path(__file__).resolve().parents[2] / "resources" / "soundfonts"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        dirs.insert(0, Path(frozen_root) / "resources" / "soundfonts")
    return dirs


def system_soundfont_dirs(platform: str = sys.platform) -> list[Path]:
    """Where package managers and users put SoundFonts on this platform, most likely first."""
    home = Path.home()
    if platform.startswith("linux") or "bsd" in platform:
        return [
            Path("/usr/share/sounds/sf3"),
            Path("/usr/share/sounds/sf2"),
            Path("/usr/share/soundfonts"),
            Path("/usr/local/share/soundfonts"),
            home / ".local/share/soundfonts",
        ]
    if platform == "darwin":
        return [
            Path("/opt/homebrew/share/soundfonts"),
            Path("/usr/local/share/soundfonts"),
            Path("/opt/homebrew/share/fluid-synth/sf2"),
            home / "Library/Audio/Sounds/Banks",
        ]
    if platform == "win32":
        roots = [os.environ.get(name, "") for name in ("LOCALAPPDATA", "PROGRAMDATA")]
        dirs = [Path(root) / "soundfonts" for root in roots if root]
        return [*dirs, Path("C:/soundfonts"), Path("C:/tools/fluidsynth/share/soundfonts")]
    return []


def check_soundfont(path: str | Path) -> Path:
    """Return ``path`` if it is a readable SoundFont 2/3 file, else raise SoundFontError.

    Only the 12-byte header is read: ``RIFF``, a size, then ``sfbk``.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise SoundFontError(f"SoundFont {path} does not exist")
    if path.is_dir():
        raise SoundFontError(f"SoundFont {path} is a folder, not a .sf2/.sf3 file")
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError as err:
        raise SoundFontError(f"cannot read SoundFont {path}: {err.strerror or err}") from err
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"sfbk":
        raise SoundFontError(f"{path} is not a SoundFont (.sf2/.sf3 files start with RIFF sfbk)")
    return path


def _candidates_in(folder: Path) -> list[Path]:
    try:
        files = [p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()]
    except OSError:
        return []
    by_name = {p.name: p for p in files}
    preferred = [by_name[name] for name in PREFERRED_NAMES if name in by_name]
    return preferred + sorted(p for p in files if p not in preferred)


def _first_valid(paths: Iterable[Path]) -> Path | None:
    for path in paths:
        try:
            return check_soundfont(path)
        except SoundFontError:
            continue
    return None


def find_soundfont(preferred: str | Path | None = None) -> Path:
    """The SoundFont to use: ``preferred`` if given, else the first good one found.

    An explicit choice (``Settings.soundfont_path``, ``--soundfont``) or an explicit
    ``$DEEPCOMPOSER_SOUNDFONT`` that is wrong raises instead of falling back, so the user
    learns that their choice was not used. Raises SoundFontError when nothing is found.
    """
    if preferred is not None and str(preferred) != "":
        return check_soundfont(preferred)
    from_env = os.environ.get(SOUNDFONT_ENV, "")
    if from_env:
        try:
            return check_soundfont(from_env)
        except SoundFontError as err:
            raise SoundFontError(f"${SOUNDFONT_ENV}: {err}") from err
    for folder in [*bundled_soundfont_dirs(), *system_soundfont_dirs()]:
        found = _first_valid(_candidates_in(folder))
        if found is not None:
            return found
    raise SoundFontError(f"no General MIDI SoundFont found: {INSTALL_HINT}")
