"""Notes <-> the model's grid: one class index per voice and step, plus onset flags.

Class ``i < n_pitches`` is MIDI pitch ``low_pitch + i``; class ``n_pitches`` is a rest. The
training code uses the same functions, so what the model learnt and what the engine feeds it
cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.note import Note


def encode_notes(
    notes: Sequence[Note],
    n_steps: int,
    *,
    steps_per_beat: int,
    low_pitch: int,
    n_pitches: int,
    transpose: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A (monophonic) line -> (classes (n_steps,) int16, onsets (n_steps,) bool).

    A step shows the note sounding at its start; if none sounds there but one starts inside
    the step, that one (short pickups and passing notes are not lost). With chords the
    highest note wins. Pitches (after ``transpose``) outside the range fold in by octaves.
    """
    rest = n_pitches
    pitch = [rest] * n_steps
    onset = [False] * n_steps
    started = [False] * n_steps
    high = low_pitch + n_pitches
    for note in sorted(notes, key=lambda n: (n.start_beat, -n.pitch)):
        p = note.pitch + transpose
        while p < low_pitch:
            p += 12
        while p >= high:
            p -= 12
        cls = p - low_pitch
        exact = note.start_beat * steps_per_beat
        first = math.floor(exact + 1e-6)
        if first >= n_steps:
            continue
        end = math.ceil(note.end_beat * steps_per_beat - 1e-6)
        if abs(exact - first) < 1e-6 or not started[first]:
            pitch[first] = cls
            if not started[first]:
                onset[first] = True
                started[first] = True
        hi = min(max(end, first + 1), n_steps)
        for step in range(first + 1, hi):
            pitch[step] = cls
            onset[step] = False
    return np.array(pitch, dtype=np.int16), np.array(onset, dtype=bool)


def bar_start_flags(composition: Composition, n_steps: int, steps_per_beat: int) -> np.ndarray:
    """(n_steps,) bool: True where a bar line falls at the start of the step."""
    flags = np.zeros(n_steps, dtype=bool)
    sigs = list(composition.time_signatures)
    for i, sig in enumerate(sigs):
        end = sigs[i + 1].start_beat if i + 1 < len(sigs) else n_steps / steps_per_beat
        beat = sig.start_beat
        while beat < end - 1e-9:
            step = round(beat * steps_per_beat)
            if 0 <= step < n_steps and abs(step - beat * steps_per_beat) < 1e-6:
                flags[step] = True
            beat += sig.beats_per_bar
    return flags


def meter_channels(bar_start: np.ndarray, steps_per_beat: int) -> np.ndarray:
    """(T,) bool bar starts -> (2, T) float32 channels: beat start, bar start."""
    steps = np.arange(len(bar_start))
    return np.stack([(steps % steps_per_beat == 0), bar_start]).astype(np.float32)


def steps_for(composition: Composition, end_beat: float, steps_per_beat: int) -> int:
    """Grid steps covering whole bars up to ``end_beat`` (at least one bar)."""
    sigs = list(composition.time_signatures)
    beat = 0.0
    i = 0
    while True:
        while i + 1 < len(sigs) and sigs[i + 1].start_beat <= beat + 1e-9:
            i += 1
        beat += sigs[i].beats_per_bar
        if beat >= end_beat - 1e-9:
            break
    return max(round(beat * steps_per_beat), 1)


def decode_voice(
    classes: np.ndarray,
    onsets: np.ndarray,
    *,
    steps_per_beat: int,
    low_pitch: int,
    n_pitches: int,
    transpose: int,
    bar_start: np.ndarray,
) -> list[Note]:
    """(T,) classes + (T,) onsets -> notes; a note ends at a rest, a new pitch or an onset."""
    rest = n_pitches
    steps = len(classes)
    if steps == 0:
        return []
    prev = np.concatenate([[-1], classes[:-1]])
    change = (classes != prev) | onsets
    change[0] = True
    bounds = np.flatnonzero(change)
    ends = np.append(bounds[1:], steps)
    sounding = classes[bounds] != rest
    starts, ends = bounds[sounding], ends[sounding]
    pitches = np.clip(low_pitch + classes[starts].astype(np.int64) + transpose, 0, 127)
    on_beat = np.where(starts % steps_per_beat == 0, 76, 70)
    velocities = np.where(bar_start[starts], 84, on_beat)
    return [
        Note(start / steps_per_beat, pitch, (end - start) / steps_per_beat, velocity)
        for start, end, pitch, velocity in zip(
            starts.tolist(), ends.tolist(), pitches.tolist(), velocities.tolist(), strict=True
        )
    ]
