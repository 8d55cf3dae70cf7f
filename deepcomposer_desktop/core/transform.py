"""Edits that musicians expect: quantize, transpose, and cutting a piece into whole bars.

Bars are counted at the opening meter (``Composition.beats_per_bar``), like
``Composition.bar_count``; every function returns new values and leaves its input alone.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, TypeVar, overload

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track

EPSILON_BEATS = 1e-9
OutOfRange = Literal["raise", "fold", "drop"]
_Timed = TypeVar("_Timed", TempoChange, TimeSignature)


@overload
def quantize(
    notes_or_track: Track,
    *,
    steps_per_beat: int = 4,
    strength: float = 1.0,
    quantize_ends: bool = True,
) -> Track: ...


@overload
def quantize(
    notes_or_track: Sequence[Note],
    *,
    steps_per_beat: int = 4,
    strength: float = 1.0,
    quantize_ends: bool = True,
) -> list[Note]: ...


def quantize(
    notes_or_track: Track | Sequence[Note],
    *,
    steps_per_beat: int = 4,
    strength: float = 1.0,
    quantize_ends: bool = True,
) -> Track | list[Note]:
    """Pull note starts (and ends) towards the nearest grid line of ``1/steps_per_beat`` beats.

    ``strength`` 1 snaps onto the grid, 0.5 moves halfway, 0 changes nothing. With
    ``quantize_ends`` the end moves likewise towards its own grid line, which is at least one
    grid step after the start's grid line (so short notes become one step, never zero);
    without it the duration is kept. A track comes back as a track, notes as a list.
    """
    if steps_per_beat < 1:
        raise CompositionError(
            f"quantize grid needs at least 1 step per beat, not {steps_per_beat}"
        )
    if not 0.0 <= strength <= 1.0:
        raise CompositionError(f"quantize strength {strength} is outside 0-1")
    notes = notes_or_track.notes if isinstance(notes_or_track, Track) else notes_or_track
    result = [_quantize_note(n, steps_per_beat, strength, quantize_ends) for n in notes]
    if isinstance(notes_or_track, Track):
        return notes_or_track.with_notes(result)
    return result


def _quantize_note(note: Note, steps_per_beat: int, strength: float, ends: bool) -> Note:
    if strength <= 0.0:
        return note
    start_step = round(note.start_beat * steps_per_beat)
    end_step = max(round(note.end_beat * steps_per_beat), start_step + 1)
    if strength >= 1.0:  # exact grid values, free of float noise
        start = start_step / steps_per_beat
        if not ends:
            return replace(note, start_beat=start)
        return replace(
            note, start_beat=start, duration_beats=(end_step - start_step) / steps_per_beat
        )
    start = note.start_beat + strength * (start_step / steps_per_beat - note.start_beat)
    if not ends:
        return replace(note, start_beat=start)
    end = note.end_beat + strength * (end_step / steps_per_beat - note.end_beat)
    return replace(note, start_beat=start, duration_beats=end - start)


@overload
def transpose(
    track_or_composition: Track, semitones: int, *, out_of_range: OutOfRange = "raise"
) -> Track: ...


@overload
def transpose(
    track_or_composition: Composition, semitones: int, *, out_of_range: OutOfRange = "raise"
) -> Composition: ...


def transpose(
    track_or_composition: Track | Composition,
    semitones: int,
    *,
    out_of_range: OutOfRange = "raise",
) -> Track | Composition:
    """Shift pitched notes by ``semitones``; drum tracks are left alone (pitch = instrument).

    A note pushed outside 0-127 raises ``CompositionError`` (``out_of_range="raise"``), is
    moved back by whole octaves (``"fold"``, keeping its pitch class) or is left out
    (``"drop"``). A composition's ``key`` moves along.
    """
    if out_of_range not in ("raise", "fold", "drop"):
        raise CompositionError(f"out_of_range must be raise, fold or drop, not {out_of_range!r}")
    if isinstance(track_or_composition, Track):
        return _transpose_track(track_or_composition, semitones, out_of_range)
    composition = track_or_composition
    tracks = tuple(_transpose_track(t, semitones, out_of_range) for t in composition.tracks)
    key = composition.key
    if isinstance(key, Key):
        key = replace(key, tonic=(key.tonic + semitones) % 12)
    return replace(composition, tracks=tracks, key=key)


def _transpose_track(track: Track, semitones: int, out_of_range: OutOfRange) -> Track:
    if track.is_drum or semitones == 0:
        return track
    notes: list[Note] = []
    for note in track.notes:
        pitch = note.pitch + semitones
        if not 0 <= pitch <= 127:
            if out_of_range == "raise":
                raise CompositionError(
                    f"transposing {track.name!r} by {semitones} semitones moves pitch "
                    f"{note.pitch} to {pitch}, outside 0-127"
                )
            if out_of_range == "drop":
                continue
            while pitch > 127:
                pitch -= 12
            while pitch < 0:
                pitch += 12
        notes.append(replace(note, pitch=pitch))
    return track.with_notes(notes)


def bar_beats(composition: Composition, bar: int) -> float:
    """The beat at which ``bar`` (0-based) starts, at the opening meter."""
    return bar * composition.beats_per_bar


def pad_to_bars(composition: Composition, bars: int | None = None) -> Composition:
    """The composition as exactly ``bars`` whole bars (default: ``bar_count``).

    Notes past the last bar line are cut there (or dropped if they start after it). Silence
    up to the bar line needs no notes: consumers take the length from ``bar_count`` or from
    ``n_steps = bars * beats_per_bar * steps_per_beat`` when rolling.
    """
    bars = composition.bar_count if bars is None else bars
    if bars < 1:
        raise CompositionError(f"a composition needs at least one bar, not {bars}")
    return trim_to_bars(composition, 0, bars)


def trim_to_bars(composition: Composition, start_bar: int, end_bar: int) -> Composition:
    """Bars ``start_bar`` (inclusive) to ``end_bar`` (exclusive), moved to start at beat 0.

    Notes that start before ``start_bar`` are left out (a tail is not a new note); notes
    that sound past ``end_bar`` are cut at it. Tempo and meter in force at ``start_bar``
    become the opening ones.
    """
    if not 0 <= start_bar < end_bar:
        raise CompositionError(f"cannot take bars {start_bar} to {end_bar}")
    first = bar_beats(composition, start_bar)
    last = bar_beats(composition, end_bar)
    tracks = tuple(
        track.with_notes(_window(track.notes, first, last)) for track in composition.tracks
    )
    return replace(
        composition,
        tracks=tracks,
        tempo_map=_shift_timeline(composition.tempo_map, first, last),
        time_signatures=_shift_timeline(composition.time_signatures, first, last),
    )


def _window(notes: Sequence[Note], first: float, last: float) -> list[Note]:
    kept: list[Note] = []
    for note in notes:
        if note.start_beat < first - EPSILON_BEATS or note.start_beat >= last - EPSILON_BEATS:
            continue
        start = max(note.start_beat - first, 0.0)
        end = min(note.end_beat, last) - first
        kept.append(replace(note, start_beat=start, duration_beats=end - start))
    return kept


def _shift_timeline(items: tuple[_Timed, ...], first: float, last: float) -> tuple[_Timed, ...]:
    """The item in force at ``first`` moved to 0, then later ones before ``last``, shifted."""
    current = items[0]
    for item in items:
        if item.start_beat <= first + EPSILON_BEATS:
            current = item
    shifted = [replace(current, start_beat=0.0)]
    for item in items:
        if first + EPSILON_BEATS < item.start_beat < last - EPSILON_BEATS:
            shifted.append(replace(item, start_beat=item.start_beat - first))
    return tuple(shifted)


def split_bars(track: Track, beats_per_bar: float) -> list[list[Note]]:
    """The notes of each bar, by the bar they start in, with ``start_beat`` from the bar line.

    Durations are kept, so a note may ring past its bar. The list covers every bar up to the
    track's end (at least one, empty lists for silent bars).
    """
    if beats_per_bar <= 0:
        raise CompositionError(f"a bar must last a positive number of beats, not {beats_per_bar}")
    end = track.end_beat
    count = max(int(end // beats_per_bar) + (1 if end % beats_per_bar > EPSILON_BEATS else 0), 1)
    bars: list[list[Note]] = [[] for _ in range(count)]
    for note in track.notes:
        index = min(int((note.start_beat + EPSILON_BEATS) // beats_per_bar), count - 1)
        bars[index].append(
            replace(note, start_beat=max(note.start_beat - index * beats_per_bar, 0.0))
        )
    return bars
