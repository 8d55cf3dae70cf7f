"""Training data: four voices on a grid, as compact integer arrays in one ``.npz`` file.

The model works on an eighth-note grid (``STEPS_PER_BEAT`` = 2). Each voice at each step is a
class index: ``0..N_PITCHES-1`` for MIDI pitch ``LOW_PITCH + index``, ``REST`` for silence,
plus an onset flag (a note starts in this step), so re-struck notes survive.

File layout (``save_dataset``/``load_dataset``):
- ``pitch``: (total_steps, 4) int16 class indices, pieces concatenated;
- ``onset``: (total_steps, 4) bool;
- ``bar_start``: (total_steps,) bool, a bar line is at the start of this step;
- ``starts``: (pieces + 1,) int64 offsets of each piece in the arrays;
- ``split``: (pieces,) int8, 0 = train, 1 = validation (test chorales are never stored);
- ``shifts``: (pieces, 12) bool, which transpositions -6..+5 keep every voice in range;
- ``meta``: a JSON string (source, voices, counts, dropped duplicates, ranges).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.engine.encoding import bar_start_flags
from deepcomposer_desktop.engine.encoding import encode_notes as engine_encode

STEPS_PER_BEAT = 2
LOW_PITCH = 28
N_PITCHES = 64  # MIDI 28..91
REST = N_PITCHES
N_CLASSES = N_PITCHES + 1
N_VOICES = 4
SHIFTS = tuple(range(-6, 6))
RANGE_MARGIN = 2  # semitones a transposed voice may exceed the corpus range of that voice


@dataclass(frozen=True)
class Dataset:
    pitch: np.ndarray
    onset: np.ndarray
    bar_start: np.ndarray
    starts: np.ndarray
    split: np.ndarray
    shifts: np.ndarray
    meta: dict[str, Any]

    @property
    def n_pieces(self) -> int:
        return len(self.split)

    def piece(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = int(self.starts[index]), int(self.starts[index + 1])
        return self.pitch[a:b], self.onset[a:b], self.bar_start[a:b]


def encode_notes(
    notes: Sequence[Note], n_steps: int, *, steps_per_beat: int = STEPS_PER_BEAT
) -> tuple[np.ndarray, np.ndarray]:
    """One voice -> (classes (n_steps,) int16, onsets (n_steps,) bool), as the engine does."""
    return engine_encode(
        notes, n_steps, steps_per_beat=steps_per_beat, low_pitch=LOW_PITCH, n_pitches=N_PITCHES
    )


def encode_composition(composition: Composition, track_order: Sequence[int]) -> dict[str, Any]:
    """Encode the given tracks (soprano first) of a composition; length = whole bars."""
    bar = composition.beats_per_bar
    n_bars = int(np.ceil(composition.end_beat / bar - 1e-9))
    n_steps = max(round(n_bars * bar * STEPS_PER_BEAT), 1)
    pitch = np.empty((n_steps, len(track_order)), dtype=np.int16)
    onset = np.empty((n_steps, len(track_order)), dtype=bool)
    for column, index in enumerate(track_order):
        pitch[:, column], onset[:, column] = encode_notes(composition.tracks[index].notes, n_steps)
    bars = bar_start_flags(composition, n_steps, STEPS_PER_BEAT)
    return {"pitch": pitch, "onset": onset, "bar_start": bars}


def _melody_signature(pitch: np.ndarray) -> tuple[int, ...]:
    """Soprano line as a transposition-invariant interval sequence of its notes."""
    notes = [int(p) for i, p in enumerate(pitch) if p != REST and (i == 0 or p != pitch[i - 1])]
    return tuple(b - a for a, b in itertools.pairwise(notes))


def _allowed_shifts(pitch: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
    allowed = np.zeros(len(SHIFTS), dtype=bool)
    for k, shift in enumerate(SHIFTS):
        ok = True
        for v in range(pitch.shape[1]):
            sounding = pitch[:, v][pitch[:, v] != REST]
            if len(sounding) == 0:
                continue
            lo, hi = ranges[v]
            low, high = int(sounding.min()) + shift, int(sounding.max()) + shift
            if low < max(lo - RANGE_MARGIN, 0) or high > min(hi + RANGE_MARGIN, N_PITCHES - 1):
                ok = False
                break
        allowed[k] = ok
    allowed[SHIFTS.index(0)] = True
    return allowed


def build_dataset(
    pieces: Sequence[dict[str, Any]],
    *,
    val_fraction: float = 0.1,
    seed: int = 0,
    test_signatures: set[tuple[int, ...]] | None = None,
    meta: dict[str, Any] | None = None,
) -> Dataset:
    """Split encoded pieces by piece into train/validation and stack them into a Dataset.

    Pieces whose soprano line repeats one in the test set are dropped from training, and
    validation pieces whose soprano repeats a training one are dropped, so no tune is on both
    sides of a split.
    """
    if not pieces:
        raise DatasetError("no usable pieces to build a dataset from")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pieces))
    n_val = max(1, round(len(pieces) * val_fraction)) if len(pieces) > 1 else 0
    val_set = set(order[:n_val].tolist())
    test_signatures = test_signatures or set()
    train_sigs = set()
    kept: list[tuple[dict[str, Any], int]] = []
    dropped_test = dropped_val = 0
    for i, piece in enumerate(pieces):
        if i in val_set:
            continue
        sig = _melody_signature(piece["pitch"][:, 0])
        if sig in test_signatures:
            dropped_test += 1
            continue
        train_sigs.add(sig)
        kept.append((piece, 0))
    for i, piece in enumerate(pieces):
        if i not in val_set:
            continue
        sig = _melody_signature(piece["pitch"][:, 0])
        if sig in test_signatures or sig in train_sigs:
            dropped_val += 1
            continue
        kept.append((piece, 1))
    if not any(split == 0 for _, split in kept):
        raise DatasetError("no training pieces left after removing repeated melodies")
    n_voices = kept[0][0]["pitch"].shape[1]
    ranges = []
    for v in range(n_voices):
        values = np.concatenate([p["pitch"][:, v] for p, _ in kept])
        values = values[values != REST]
        ranges.append((int(values.min()), int(values.max())) if len(values) else (0, N_PITCHES - 1))
    starts = np.zeros(len(kept) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(p["pitch"]) for p, _ in kept])
    info = dict(meta or {})
    info.update(
        {
            "pieces_train": sum(1 for _, s in kept if s == 0),
            "pieces_validation": sum(1 for _, s in kept if s == 1),
            "dropped_repeating_test_melody": dropped_test,
            "dropped_repeating_train_melody": dropped_val,
            "steps_per_beat": STEPS_PER_BEAT,
            "low_pitch": LOW_PITCH,
            "n_pitches": N_PITCHES,
            "voice_ranges_midi": [[lo + LOW_PITCH, hi + LOW_PITCH] for lo, hi in ranges],
        }
    )
    return Dataset(
        pitch=np.concatenate([p["pitch"] for p, _ in kept]).astype(np.int16),
        onset=np.concatenate([p["onset"] for p, _ in kept]).astype(bool),
        bar_start=np.concatenate([p["bar_start"] for p, _ in kept]).astype(bool),
        starts=starts,
        split=np.array([s for _, s in kept], dtype=np.int8),
        shifts=np.stack([_allowed_shifts(p["pitch"], ranges) for p, _ in kept]),
        meta=info,
    )


def build_chorale_dataset(
    *, val_fraction: float = 0.1, seed: int = 0, four_four_only: bool = True
) -> Dataset:
    """The Bach chorales minus the held-out test set (Riemenschneider number % 10 == 0)."""
    from deepcomposer_desktop.training.chorales import is_test_chorale, iter_chorales

    pieces: list[dict[str, Any]] = []
    test_sigs: set[tuple[int, ...]] = set()
    numbers = []
    for chorale in iter_chorales(four_four_only=four_four_only):
        encoded = encode_composition(chorale.composition, (0, 1, 2, 3))
        if is_test_chorale(chorale.number):
            test_sigs.add(_melody_signature(encoded["pitch"][:, 0]))
            continue
        encoded["number"] = chorale.number
        pieces.append(encoded)
        numbers.append(chorale.number)
    return build_dataset(
        pieces,
        val_fraction=val_fraction,
        seed=seed,
        test_signatures=test_sigs,
        meta={
            "source": "music21 Bach chorales (Riemenschneider numbering)",
            "voices": ["soprano", "alto", "tenor", "bass"],
            "meters": "4/4 only" if four_four_only else "all",
            "held_out": "Riemenschneider number % 10 == 0 (never stored)",
            "pieces_before_split": len(pieces),
        },
    )


def parse_track_map(text: str | None) -> dict[str, str] | None:
    """'Violin=alto,2=tenor' -> {"Violin": "alto", "2": "tenor"} (source track -> target)."""
    if not text:
        return None
    mapping: dict[str, str] = {}
    for item in text.split(","):
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise DatasetError(f"track map entry {item!r} is not SOURCE=TARGET")
        mapping[source.strip()] = target.strip()
    return mapping


def build_from_midi_folder(
    folder: Path,
    *,
    name_filter: str | None = None,
    melody_track: int | None = None,
    track_map: dict[str, str] | None = None,
    val_fraction: float = 0.1,
    seed: int = 0,
) -> Dataset:
    """A dataset from the user's MIDI files (melody + the same accompaniment tracks in each).

    Each accompaniment track is reduced to one line (its highest note at each step), as the
    model predicts one note per voice and step.
    """
    from deepcomposer_desktop.training.midi_folder import build_midi_folder_dataset

    compositions, summary = build_midi_folder_dataset(
        folder, name_filter=name_filter, melody_track=melody_track, track_map=track_map
    )
    counts = {len(c.tracks) for c in compositions}
    n_tracks = min(counts)
    if n_tracks < 2:
        raise DatasetError("the MIDI files need a melody and at least one accompaniment track")
    names = [t.name for t in compositions[0].tracks[:n_tracks]]
    pieces = [encode_composition(c, tuple(range(n_tracks))) for c in compositions]
    programs = [t.program for t in compositions[0].tracks[:n_tracks]]
    meta = {
        "source": f"MIDI folder {folder}",
        "voices": ["melody", *names[1:]],
        "programs": programs,
        "summary": summary.to_dict(),
        "skipped": len(summary.skipped),
        "pieces_before_split": len(pieces),
    }
    if len(counts) > 1:
        meta["note"] = f"files had {sorted(counts)} tracks; the first {n_tracks} are used"
    return build_dataset(pieces, val_fraction=val_fraction, seed=seed, meta=meta)


def save_dataset(dataset: Dataset, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez_compressed(
            fh,
            pitch=dataset.pitch,
            onset=dataset.onset,
            bar_start=dataset.bar_start,
            starts=dataset.starts,
            split=dataset.split,
            shifts=dataset.shifts,
            meta=np.array(json.dumps(dataset.meta)),
        )


def load_dataset(path: Path) -> Dataset:
    try:
        with np.load(path, allow_pickle=False) as data:
            return Dataset(
                pitch=data["pitch"],
                onset=data["onset"],
                bar_start=data["bar_start"],
                starts=data["starts"],
                split=data["split"],
                shifts=data["shifts"],
                meta=json.loads(str(data["meta"])),
            )
    except FileNotFoundError as err:
        raise DatasetError(f"dataset file {path} does not exist (run prepare-data)") from err
    except (OSError, ValueError, KeyError) as err:
        raise DatasetError(f"{path} is not a dataset file: {err}") from err
