"""Piano rolls: tracks on a time grid, with onsets kept apart so re-struck notes survive.

The original DeepComposer rolled notes into one boolean "sounding" array, so a note struck
twice in a row came back as one long note. Here ``onsets`` marks where each note starts, and
``track_from_roll`` splits a run of sounding steps at every onset.

Grid: step ``s`` covers beats ``[s / steps_per_beat, (s + 1) / steps_per_beat)``. A note
occupies steps ``round(start * spb)`` up to (not including) ``round(end * spb)``, and at least
one step, so notes shorter than a step still show up.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.core.units import beats_to_steps

DEFAULT_VELOCITY = 80
PITCHES = 128


@dataclass(frozen=True, slots=True)
class PianoRoll:
    """Rolls of several tracks on one grid.

    ``frames``: ``(tracks, steps, 128)`` bool, True where a pitch sounds during a step.
    ``onsets``: ``(tracks, steps, 128)`` bool, True where a note of that pitch starts.
    ``velocities``: ``(tracks, steps, 128)`` uint8, the note's velocity at its onset, else 0.
    ``steps_per_beat``: grid resolution; a beat is a quarter note.
    """

    frames: npt.NDArray[np.bool_]
    onsets: npt.NDArray[np.bool_]
    velocities: npt.NDArray[np.uint8]
    steps_per_beat: int

    def __post_init__(self) -> None:
        shape = self.frames.shape
        if len(shape) != 3 or shape[2] != PITCHES:
            raise CompositionError(f"a piano roll has shape (tracks, steps, 128), not {shape}")
        if self.onsets.shape != shape or self.velocities.shape != shape:
            raise CompositionError("frames, onsets and velocities must have the same shape")
        if self.steps_per_beat < 1:
            raise CompositionError(f"steps per beat must be positive, not {self.steps_per_beat}")

    @property
    def n_tracks(self) -> int:
        return int(self.frames.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.frames.shape[1])


def composition_steps(composition: Composition, steps_per_beat: int = 4) -> int:
    """Steps covering the composition's ``bar_count`` whole bars (at the opening meter)."""
    return beats_to_steps(composition.bar_count * composition.beats_per_bar, steps_per_beat)


def note_steps(note: Note, steps_per_beat: int) -> tuple[int, int]:
    """The ``[first, end)`` steps a note occupies (at least one step)."""
    first = beats_to_steps(note.start_beat, steps_per_beat)
    end = max(beats_to_steps(note.end_beat, steps_per_beat), first + 1)
    return first, end


def to_piano_roll(
    tracks: Sequence[Track], *, steps_per_beat: int = 4, n_steps: int | None = None
) -> PianoRoll:
    """Roll ``tracks`` onto a grid of ``n_steps`` steps (None: up to the last note's end).

    Notes beyond ``n_steps`` are cut off or dropped. Where two notes of one pitch overlap,
    the step where the second starts is still an onset; its velocity is the louder one's.
    """
    if steps_per_beat < 1:
        raise CompositionError(f"steps per beat must be positive, not {steps_per_beat}")
    if n_steps is None:
        n_steps = max(
            (note_steps(n, steps_per_beat)[1] for t in tracks for n in t.notes), default=0
        )
    if n_steps < 0:
        raise CompositionError(f"a roll cannot have {n_steps} steps")
    shape = (len(tracks), n_steps, PITCHES)
    frames = np.zeros(shape, dtype=np.bool_)
    onsets = np.zeros(shape, dtype=np.bool_)
    velocities = np.zeros(shape, dtype=np.uint8)
    for t, track in enumerate(tracks):
        for note in track.notes:
            first, end = note_steps(note, steps_per_beat)
            if first >= n_steps:
                continue
            frames[t, first : min(end, n_steps), note.pitch] = True
            onsets[t, first, note.pitch] = True
            velocities[t, first, note.pitch] = max(velocities[t, first, note.pitch], note.velocity)
    return PianoRoll(frames, onsets, velocities, steps_per_beat)


def track_from_roll(
    frames: npt.NDArray[np.bool_],
    onsets: npt.NDArray[np.bool_],
    *,
    steps_per_beat: int,
    name: str,
    program: int = 0,
    velocity: "int | npt.NDArray[np.integer]" = DEFAULT_VELOCITY,
    start_beat: float = 0.0,
) -> Track:
    """Notes from one track's rolls: ``frames`` and ``onsets`` are ``(steps, 128)`` bool.

    A note is a run of sounding steps; an onset inside a run starts a new note, so a re-struck
    note stays two notes. Onsets where nothing sounds are ignored. ``velocity`` is one value
    for every note, or a ``(steps, 128)`` integer array read at each note's first step (0 or
    missing there means ``DEFAULT_VELOCITY``). ``start_beat`` shifts all notes (step 0 sits
    at that beat).
    """
    frames = np.asarray(frames, dtype=np.bool_)
    onsets = np.asarray(onsets, dtype=np.bool_)
    if frames.ndim != 2 or frames.shape[1] != PITCHES or onsets.shape != frames.shape:
        raise CompositionError(
            f"track rolls must both have shape (steps, 128), not {frames.shape} and {onsets.shape}"
        )
    if steps_per_beat < 1:
        raise CompositionError(f"steps per beat must be positive, not {steps_per_beat}")
    sounding = frames.T  # (128, steps): row-major order of nonzero is pitch, then step
    before = np.zeros_like(sounding)
    before[:, 1:] = sounding[:, :-1]
    starts = sounding & (onsets.T | ~before)
    after_start = np.zeros_like(sounding)
    after_start[:, :-1] = starts[:, 1:]
    after = np.zeros_like(sounding)
    after[:, :-1] = sounding[:, 1:]
    ends = sounding & (~after | after_start)  # last step of each note
    start_pitches, start_steps = np.nonzero(starts)
    _, end_steps = np.nonzero(ends)
    if isinstance(velocity, np.ndarray):
        levels = np.asarray(velocity)
        if levels.shape != frames.shape:
            raise CompositionError(f"velocity roll shape {levels.shape} != {frames.shape}")
        picked = levels[start_steps, start_pitches].astype(np.int64)
        picked = np.where(picked <= 0, DEFAULT_VELOCITY, np.minimum(picked, 127))
    else:
        if not 1 <= int(velocity) <= 127:
            raise CompositionError(f"velocity {velocity} is outside 1-127")
        picked = np.full(len(start_steps), int(velocity), dtype=np.int64)
    notes = [
        Note(
            start_beat + int(s) / steps_per_beat,
            int(p),
            (int(e) + 1 - int(s)) / steps_per_beat,
            int(v),
        )
        for p, s, e, v in zip(start_pitches, start_steps, end_steps, picked, strict=True)
    ]
    return Track(name=name, notes=tuple(notes), program=program)


def tracks_from_roll(
    roll: PianoRoll, names: Sequence[str], *, programs: Sequence[int] | None = None
) -> list[Track]:
    """Every track of ``roll`` back to notes, with the roll's velocities."""
    if len(names) != roll.n_tracks:
        raise CompositionError(f"{len(names)} names for a roll of {roll.n_tracks} tracks")
    return [
        track_from_roll(
            roll.frames[t],
            roll.onsets[t],
            steps_per_beat=roll.steps_per_beat,
            name=names[t],
            program=programs[t] if programs is not None else 0,
            velocity=roll.velocities[t],
        )
        for t in range(roll.n_tracks)
    ]
