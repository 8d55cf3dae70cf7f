"""Melody edits as pure functions (Composition in, Composition out) plus one undo command.

The piano roll and the shortcuts call these through the controller; keeping them pure makes
every edit testable without widgets and lets one QUndoCommand type undo all of them.
"""

from collections.abc import Collection, Iterable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from deepcomposer_desktop.core import Composition, Note, Track

MIN_DURATION_BEATS = 1.0 / 32


def ensure_melody(composition: Composition) -> Composition:
    """A composition with a melody track to edit; an empty piece gets a new "Melody" track."""
    if composition.melody is not None:
        return composition
    tracks = (Track(name="Melody", program=0), *composition.tracks)
    return replace(composition, tracks=tracks, melody_index=0)


def _with_melody_notes(composition: Composition, notes: Iterable[Note]) -> Composition:
    composition = ensure_melody(composition)
    index = composition.melody_index
    assert index is not None
    melody = composition.tracks[index].with_notes(tuple(notes))
    return composition.replace_track(index, melody)


def melody_notes(composition: Composition) -> tuple[Note, ...]:
    melody = composition.melody
    return melody.notes if melody is not None else ()


def _without(notes: Iterable[Note], removed: Collection[Note]) -> list[Note]:
    """Remove each note in ``removed`` once, so identical doubled notes can be told apart."""
    pending = list(removed)
    kept = []
    for note in notes:
        if note in pending:
            pending.remove(note)
        else:
            kept.append(note)
    return kept


def add_notes(composition: Composition, notes: Iterable[Note]) -> Composition:
    return _with_melody_notes(composition, [*melody_notes(composition), *notes])


def delete_notes(composition: Composition, notes: Collection[Note]) -> Composition:
    return _with_melody_notes(composition, _without(melody_notes(composition), notes))


def move_notes(
    composition: Composition, notes: Collection[Note], *, beats: float = 0.0, semitones: int = 0
) -> tuple[Composition, list[Note]]:
    """Move notes, clamped so none starts before 0 or leaves MIDI's 0-127 pitch range.

    Returns the new composition and the moved notes (the new selection).
    """
    if not notes:
        return composition, []
    beats = max(beats, -min(n.start_beat for n in notes))
    semitones = max(min(semitones, 127 - max(n.pitch for n in notes)), -min(n.pitch for n in notes))
    moved = [n.moved(beats=beats, semitones=semitones) for n in notes]
    kept = _without(melody_notes(composition), notes)
    return _with_melody_notes(composition, [*kept, *moved]), moved


def resize_notes(
    composition: Composition, notes: Collection[Note], *, delta_beats: float
) -> tuple[Composition, list[Note]]:
    resized = [
        replace(n, duration_beats=max(MIN_DURATION_BEATS, n.duration_beats + delta_beats))
        for n in notes
    ]
    kept = _without(melody_notes(composition), notes)
    return _with_melody_notes(composition, [*kept, *resized]), resized


def snap_beat(beat: float, steps_per_beat: int) -> float:
    return round(beat * steps_per_beat) / steps_per_beat


def quantize_notes(
    composition: Composition,
    notes: Collection[Note] | None = None,
    *,
    steps_per_beat: int = 4,
    strength: float = 1.0,
) -> tuple[Composition, list[Note]]:
    """Pull starts (and ends) towards the grid; ``notes`` None means the whole melody."""
    chosen = list(melody_notes(composition) if notes is None else notes)
    step = 1.0 / steps_per_beat
    quantized = []
    for n in chosen:
        start = n.start_beat + (snap_beat(n.start_beat, steps_per_beat) - n.start_beat) * strength
        end = n.end_beat + (snap_beat(n.end_beat, steps_per_beat) - n.end_beat) * strength
        duration = end - start if end - start >= MIN_DURATION_BEATS else step
        quantized.append(replace(n, start_beat=max(start, 0.0), duration_beats=duration))
    kept = _without(melody_notes(composition), chosen)
    return _with_melody_notes(composition, [*kept, *quantized]), quantized


def transpose_notes(
    composition: Composition, notes: Collection[Note] | None, semitones: int
) -> tuple[Composition, list[Note]]:
    chosen = list(melody_notes(composition) if notes is None else notes)
    return move_notes(composition, chosen, semitones=semitones)


def set_track(composition: Composition, index: int, **changes: object) -> Composition:
    """Change a track's mixer or sound fields (program, volume, muted, solo, name...)."""
    return composition.replace_track(index, replace(composition.tracks[index], **changes))


def remove_track(composition: Composition, index: int) -> Composition:
    tracks = [t for i, t in enumerate(composition.tracks) if i != index]
    melody = composition.melody_index
    if melody is not None:
        melody = None if melody == index else melody - (1 if index < melody else 0)
    return replace(composition, tracks=tuple(tracks), melody_index=melody if tracks else None)


class CompositionCommand(QUndoCommand):
    """Swap between two whole compositions: values are immutable, so this is all undo needs."""

    def __init__(self, controller: object, before: Composition, after: Composition, text: str):
        super().__init__(text)
        self._controller = controller
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._controller._set_composition(self._after)  # type: ignore[attr-defined]

    def undo(self) -> None:
        self._controller._set_composition(self._before)  # type: ignore[attr-defined]


def with_new_melody(composition: Composition, take: Composition) -> Composition:
    """Put a recorded take (or captured idea) in as the melody, keeping the accompaniment.

    An empty piece simply becomes the take (with the take's tempo and meter).
    """
    played = take.melody
    if played is None or not played.notes:
        return composition
    if not any(t.notes for t in composition.tracks):
        return replace(take, title=composition.title)
    base = ensure_melody(composition)
    index = base.melody_index
    assert index is not None
    return base.replace_track(index, base.tracks[index].with_notes(played.notes))
