"""A training set from a folder of the user's own MIDI files: the path to custom genres.

Every ``.mid``/``.midi`` file under the folder (sub-folders included) is read with
``core.read_midi``. A name filter keeps files whose path, title or a track name contains a
tag; the melody is the given track index or ``choose_melody_track``'s pick; a track map says
which source tracks (by name, any case, or by index as a string) become which of the model's
accompaniment tracks, several sources merging into one. Files that cannot be used are skipped
with one clear reason each, and the summary says what was kept.

Each kept composition has the melody first (``melody_index`` 0) and then the accompaniment
tracks: the track map's targets in their order (empty where a file lacks them), or without a
map every other pitched track as it is.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError, DeepComposerError
from deepcomposer_desktop.core.track import Track

MIDI_SUFFIXES = (".mid", ".midi")


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str  # relative to the folder
    reason: str


@dataclass(frozen=True, slots=True)
class MidiFolderSummary:
    """What ``build_midi_folder_dataset`` did with each file."""

    folder: str
    kept: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    filtered_out: tuple[str, ...] = ()  # did not match the name filter
    bars: int = 0
    tracks: tuple[str, ...] = ()  # accompaniment track names, in output order
    notes_per_track: dict[str, int] = field(default_factory=dict)
    unused_map_keys: tuple[str, ...] = ()  # track-map sources no kept file had

    @property
    def files_seen(self) -> int:
        return len(self.kept) + len(self.skipped) + len(self.filtered_out)

    def lines(self) -> list[str]:
        """A short human-readable report, one fact per line."""
        out = [
            f"{self.folder}: {self.files_seen} MIDI files, {len(self.kept)} kept, "
            f"{len(self.skipped)} skipped, {len(self.filtered_out)} filtered out by name",
            f"{self.bars} bars; accompaniment tracks: "
            + (", ".join(f"{t} ({self.notes_per_track.get(t, 0)} notes)" for t in self.tracks)
               or "none"),
        ]  # fmt: skip
        out += [f"skipped {s.path}: {s.reason}" for s in self.skipped]
        if self.unused_map_keys:
            out.append("track map entries matching no track: " + ", ".join(self.unused_map_keys))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "files_seen": self.files_seen,
            "kept": list(self.kept),
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "filtered_out": list(self.filtered_out),
            "bars": self.bars,
            "tracks": list(self.tracks),
            "notes_per_track": dict(self.notes_per_track),
            "unused_map_keys": list(self.unused_map_keys),
        }


def midi_files(folder: Path) -> list[Path]:
    """Every MIDI file under ``folder``, sorted, so datasets build the same way every time."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MIDI_SUFFIXES)


def _matches(filter_text: str, relative: str, composition: Composition) -> bool:
    needle = filter_text.lower()
    names = [relative, composition.title, *(t.name for t in composition.tracks)]
    return any(needle in name.lower() for name in names)


def _normalize_map(track_map: Mapping[str, str]) -> dict[str, str]:
    normalized = {}
    for source, target in track_map.items():
        if not str(source).strip() or not str(target).strip():
            raise DatasetError(f"track map entry {source!r}: {target!r} has an empty name")
        normalized[str(source).strip().lower()] = str(target).strip()
    return normalized


def _targets(track_map: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(track_map.values()))


def map_tracks(
    composition: Composition, track_map: Mapping[str, str] | None
) -> tuple[tuple[Track, ...], set[str]]:
    """The accompaniment tracks of a composition whose melody is set, and the map keys used.

    ``track_map`` keys are lower-case source names or indices; several sources of one target
    are merged (notes sorted), taking the first source's program.
    """
    melody_index = composition.melody_index
    others = [(i, t) for i, t in enumerate(composition.tracks) if i != melody_index]
    if track_map is None:
        return tuple(t for _, t in others if t.notes and not t.is_drum), set()
    merged: dict[str, list[Track]] = {target: [] for target in _targets(track_map)}
    used = set()
    for index, track in others:
        for key in (track.name.strip().lower(), str(index)):
            if key in track_map:
                merged[track_map[key]].append(track)
                used.add(key)
                break
    tracks = []
    for target, sources in merged.items():
        notes = tuple(n for s in sources for n in s.notes)
        first = sources[0] if sources else None
        tracks.append(
            Track(
                name=target,
                notes=notes,
                program=first.program if first else 0,
                is_drum=first.is_drum if first else False,
            )
        )
    return tuple(tracks), used


def build_midi_folder_dataset(
    folder: str | Path,
    *,
    name_filter: str | None = None,
    melody_track: int | None = None,
    track_map: Mapping[str, str] | None = None,
) -> tuple[list[Composition], MidiFolderSummary]:
    """Read, filter and map every MIDI file under ``folder`` (see the module docstring).

    Raises ``DatasetError`` when the folder does not exist, holds no MIDI file, or no file
    could be used (the message names the first reasons).
    """
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    paths = midi_files(root)
    if not paths:
        raise DatasetError(f"{root} holds no .mid or .midi files")
    mapping = _normalize_map(track_map) if track_map is not None else None
    compositions: list[Composition] = []
    kept: list[str] = []
    skipped: list[SkippedFile] = []
    filtered: list[str] = []
    used_keys: set[str] = set()
    for path in paths:
        relative = path.relative_to(root).as_posix()
        try:
            composition = _read(path, melody_track)
        except DeepComposerError as err:
            skipped.append(SkippedFile(relative, str(err)))
            continue
        if name_filter and not _matches(name_filter, relative, composition):
            filtered.append(relative)
            continue
        melody = composition.melody
        if melody is None or not melody.notes:
            which = "" if melody_track is None else f" (track {melody_track} is empty)"
            skipped.append(SkippedFile(relative, f"no melody with notes{which}"))
            continue
        accompaniment, used = map_tracks(composition, mapping)
        if not any(t.notes for t in accompaniment):
            names = ", ".join(t.name for t in composition.tracks) or "none"
            reason = (
                f"no track matches the track map (tracks: {names})"
                if mapping is not None
                else "no accompaniment track besides the melody"
            )
            skipped.append(SkippedFile(relative, reason))
            continue
        used_keys |= used
        title = composition.title or path.stem
        compositions.append(
            replace(composition, tracks=(melody, *accompaniment), melody_index=0, title=title)
        )
        kept.append(relative)
    summary = _summarize(root, compositions, kept, skipped, filtered, mapping, used_keys)
    if not compositions:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3])
        detail = f" ({reasons})" if reasons else ""
        raise DatasetError(
            f"no usable MIDI file in {root}: {len(skipped)} skipped, "
            f"{len(filtered)} filtered out by name{detail}"
        )
    return compositions, summary


def _read(path: Path, melody_track: int | None) -> Composition:
    from deepcomposer_desktop.core.midifile import read_midi

    return read_midi(path, melody_track=melody_track)


def _summarize(
    root: Path,
    compositions: Iterable[Composition],
    kept: list[str],
    skipped: list[SkippedFile],
    filtered: list[str],
    mapping: Mapping[str, str] | None,
    used_keys: set[str],
) -> MidiFolderSummary:
    names: dict[str, int] = {}
    if mapping is not None:
        names = dict.fromkeys(_targets(mapping), 0)
    bars = 0
    for composition in compositions:
        bars += composition.bar_count
        for track in composition.tracks[1:]:
            names[track.name] = names.get(track.name, 0) + len(track.notes)
    unused = tuple(k for k in (mapping or {}) if k not in used_keys)
    return MidiFolderSummary(
        folder=str(root),
        kept=tuple(kept),
        skipped=tuple(skipped),
        filtered_out=tuple(filtered),
        bars=bars,
        tracks=tuple(names),
        notes_per_track=names,
        unused_map_keys=unused,
    )
