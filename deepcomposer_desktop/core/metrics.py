"""The DeepComposer quality metrics of each track, with exact definitions.

Everything is measured on the piano roll at ``steps_per_beat`` (default 4: sixteenth notes)
over the composition's ``bar_count`` bars at the opening meter; a note "sounds" at a step if
its roll frame is set there (``pianoroll.to_piano_roll``: at least one step per note). A bar
is "empty" if no note of the track sounds in any of its steps.

``empty_bar_rate``
    empty bars / bars.
``pitches_per_bar``
    the mean, over the NON-empty bars, of the number of distinct pitches sounding in the bar
    (0.0 if every bar is empty). Leaving empty bars out keeps rests from dragging the number
    towards 0; ``empty_bar_rate`` already reports them.
``pitch_classes_per_bar``
    the same with pitch classes (pitch mod 12).
``in_c_major_ratio``
    notes (counted once each, not weighted by length) whose pitch class is in the C major
    scale / notes; 0.0 for a track without notes.
``in_key_ratio``
    the same against ``key``: the given one, else ``estimate_key`` of every pitched note of
    the composition (drums left out).
``polyphony_rate``
    steps with at least two pitches sounding / steps with at least one; 0.0 if none sounds.
``consonance_with_melody``
    over the steps where both the track and the melody sound, each sounding track pitch ``p``
    is compared with the melody note ``m`` (the melody's highest sounding pitch at that step):
    consonant if ``abs(p - m) % 12`` is 0 (unison/octave), 3 or 4 (thirds), 7 (fifth) or 8 or
    9 (sixths). The value is consonant note-steps / note-steps; None for the melody itself,
    for drum tracks (their "pitches" are instruments), without a melody, or when the two
    never sound together.

Drum tracks get the other numbers for uniformity, though pitch-based ones mean little there.
"""

from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import MAJOR_SCALE, Key, estimate_key
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.pianoroll import composition_steps, to_piano_roll
from deepcomposer_desktop.core.units import beats_to_steps

METRIC_NAMES = (
    "empty_bar_rate",
    "pitches_per_bar",
    "pitch_classes_per_bar",
    "in_c_major_ratio",
    "in_key_ratio",
    "polyphony_rate",
    "consonance_with_melody",
)
CONSONANT_INTERVALS = frozenset({0, 3, 4, 7, 8, 9})
C_MAJOR = frozenset(MAJOR_SCALE)

_Frames = npt.NDArray[np.bool_]


def composition_key(composition: Composition) -> Key:
    """``estimate_key`` over every pitched (non-drum) note of the composition."""
    return estimate_key(n for t in composition.tracks if not t.is_drum for n in t.notes)


def track_metrics(
    composition: Composition,
    track_index: int,
    *,
    key: Key | None = None,
    steps_per_beat: int = 4,
) -> dict[str, float | None]:
    """The ``METRIC_NAMES`` of one track (see the module docstring); the melody is
    ``composition.melody_index``. Only ``consonance_with_melody`` can be None."""
    if not 0 <= track_index < len(composition.tracks):
        raise CompositionError(f"track {track_index} does not exist")
    key = composition_key(composition) if key is None else key
    frames = _frames(composition, track_index, steps_per_beat)
    melody_index = composition.melody_index
    melody = None
    track = composition.tracks[track_index]
    if melody_index is not None and melody_index != track_index and not track.is_drum:
        melody = _frames(composition, melody_index, steps_per_beat)
    return _metrics(composition, track_index, frames, melody, key, steps_per_beat)


def composition_metrics(
    composition: Composition, *, melody_track: int | None = None, key: Key | None = None
) -> dict[str, Any]:
    """All tracks' metrics as the JSON of ``deepcomposer metrics --json``:

    ``{"key": "C major", "bars": N, "tracks": [{"name", "notes", "pitch_range": [lo, hi] or
    None, <each of METRIC_NAMES>}]}``; ``melody_track`` overrides ``composition.melody_index``.
    """
    if melody_track is not None:
        if not 0 <= melody_track < len(composition.tracks):
            raise CompositionError(
                f"melody track {melody_track} does not exist; "
                f"there are {len(composition.tracks)} tracks"
            )
        composition = replace(composition, melody_index=melody_track)
    key = composition_key(composition) if key is None else key
    tracks: list[dict[str, Any]] = []
    for index, track in enumerate(composition.tracks):
        pitch_range = track.pitch_range
        entry: dict[str, Any] = {
            "name": track.name,
            "notes": len(track.notes),
            "pitch_range": list(pitch_range) if pitch_range else None,
        }
        entry.update(track_metrics(composition, index, key=key))
        tracks.append(entry)
    return {"key": str(key), "bars": composition.bar_count, "tracks": tracks}


def _frames(composition: Composition, index: int, steps_per_beat: int) -> _Frames:
    """The ``(steps, 128)`` sounding roll of one track over the composition's whole bars."""
    n_steps = composition_steps(composition, steps_per_beat)
    roll = to_piano_roll(
        [composition.tracks[index]], steps_per_beat=steps_per_beat, n_steps=n_steps
    )
    frames: _Frames = roll.frames[0]
    return frames


def _metrics(
    composition: Composition,
    index: int,
    frames: _Frames,
    melody: _Frames | None,
    key: Key,
    steps_per_beat: int,
) -> dict[str, float | None]:
    notes = composition.tracks[index].notes
    bars = composition.bar_count
    bounds = [
        beats_to_steps(b * composition.beats_per_bar, steps_per_beat) for b in range(bars + 1)
    ]
    pitches_per_bar: list[int] = []
    classes_per_bar: list[int] = []
    for bar in range(bars):
        used = frames[bounds[bar] : bounds[bar + 1]].any(axis=0)  # (128,)
        if used.any():
            pitches = np.flatnonzero(used)
            pitches_per_bar.append(len(pitches))
            classes_per_bar.append(len(set((pitches % 12).tolist())))
    counts = frames.sum(axis=1)  # pitches sounding per step, (steps,)
    sounding_steps = int((counts >= 1).sum())
    in_key = key.scale_pitch_classes
    return {
        "empty_bar_rate": (bars - len(pitches_per_bar)) / bars,
        "pitches_per_bar": float(np.mean(pitches_per_bar)) if pitches_per_bar else 0.0,
        "pitch_classes_per_bar": float(np.mean(classes_per_bar)) if classes_per_bar else 0.0,
        "in_c_major_ratio": _share(notes, C_MAJOR),
        "in_key_ratio": _share(notes, in_key),
        "polyphony_rate": int((counts >= 2).sum()) / sounding_steps if sounding_steps else 0.0,
        "consonance_with_melody": None if melody is None else _consonance(frames, melody),
    }


def _share(notes: tuple[Note, ...], pitch_classes: frozenset[int]) -> float:
    if not notes:
        return 0.0
    return sum(1 for n in notes if n.pitch % 12 in pitch_classes) / len(notes)


def _consonance(frames: _Frames, melody: _Frames) -> float | None:
    """Consonant share of note-steps where both sound; both rolls ``(steps, 128)`` bool."""
    both = frames.any(axis=1) & melody.any(axis=1)  # (steps,)
    if not both.any():
        return None
    track = frames[both]  # (k, 128)
    top = 127 - np.argmax(melody[both][:, ::-1], axis=1)  # highest melody pitch per step, (k,)
    steps, pitches = np.nonzero(track)
    intervals = np.abs(pitches - top[steps]) % 12
    consonant = np.isin(intervals, list(CONSONANT_INTERVALS))
    return float(consonant.mean())
