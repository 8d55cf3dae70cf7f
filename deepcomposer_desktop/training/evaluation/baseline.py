"""The yardstick: a plain rule-based four-part harmonizer, as a first-year harmony student would.

Per quarter-note beat it picks a diatonic triad that contains the melody note (preferring
I, IV and V, moving by fourths and fifths, closing with V-I), voices it under the melody in
the usual ranges (alto G3-D5, tenor C3-G4, bass E2-C4; root in the bass unless only a first
inversion avoids parallels) with the smallest motion and no parallel fifths or octaves between
beats, holds repeated pitches as one note and fills melodic thirds with an eighth-note passing
tone. A model that cannot beat this clearly has learnt nothing beyond rules.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.evaluation.counterpoint import (
    SILENT,
    beat_count,
    sample_on_beats,
)

ALTO_RANGE = (55, 74)  # G3-D5
TENOR_RANGE = (48, 67)  # C3-G4
BASS_RANGE = (40, 60)  # E2-C4
PROGRAM = 52  # GM Choir Aahs, like the chorale data
VELOCITY = 70

# (scale degree of the root, preference): I, V and IV first, the others only when needed.
MAJOR_CHORDS = ((0, 3.0), (4, 2.6), (3, 2.3), (5, 1.3), (1, 1.2), (2, 0.4))
MINOR_CHORDS = ((0, 3.0), (4, 2.6), (3, 2.3), (5, 1.3), (2, 0.8))
MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
HARMONIC_MINOR_STEPS = (0, 2, 3, 5, 7, 8, 11)  # raised seventh: a major V with a leading tone


@dataclass(frozen=True, slots=True)
class Chord:
    root: int  # pitch class
    pitch_classes: tuple[int, int, int]  # root, third, fifth
    degree: int  # 0 = tonic
    preference: float


def diatonic_chords(key: Key) -> list[Chord]:
    """The triads the harmonizer may use in ``key`` (harmonic minor in minor keys)."""
    steps = MAJOR_STEPS if key.mode == "major" else HARMONIC_MINOR_STEPS
    table = MAJOR_CHORDS if key.mode == "major" else MINOR_CHORDS
    scale = [(key.tonic + s) % 12 for s in steps]
    chords = []
    for degree, preference in table:
        pcs = (scale[degree], scale[(degree + 2) % 7], scale[(degree + 4) % 7])
        chords.append(Chord(pcs[0], pcs, degree, preference))
    return chords


def choose_chords(soprano: np.ndarray, key: Key) -> list[Chord | None]:
    """One chord per beat for ``soprano`` (shape ``(beats,)`` int, -1 = rest).

    A rest keeps the previous chord; a chromatic note no triad contains keeps it too.
    """
    chords = diatonic_chords(key)
    tonic, dominant = chords[0], chords[1]
    sounding = [b for b, p in enumerate(soprano) if p >= 0]
    last = sounding[-1] if sounding else -1
    result: list[Chord | None] = []
    previous: Chord | None = None
    for beat, pitch in enumerate(soprano):
        if pitch < 0:
            result.append(previous)
            continue
        pc = int(pitch) % 12
        fitting = [c for c in chords if pc in c.pitch_classes]
        if beat == last and pc in tonic.pitch_classes:
            chosen: Chord | None = tonic
        elif beat == last - 1 and pc in dominant.pitch_classes:
            chosen = dominant
        elif fitting:
            chosen = max(fitting, key=lambda c: _chord_score(c, previous, beat))
        else:
            chosen = previous or tonic
        result.append(chosen)
        previous = chosen
    return result


def _chord_score(chord: Chord, previous: Chord | None, beat: int) -> float:
    score = chord.preference
    if previous is None:
        return score + (1.0 if chord.degree == 0 else 0.0)
    motion = (chord.root - previous.root) % 12
    if motion in (5, 7):  # root moves by a fourth or fifth: the strongest progressions
        score += 0.8
    if chord == previous:  # change harmony on the beat, as chorales do, but not always
        score -= 0.6 if beat % 2 else 1.2
    return score


def _candidates(pitch_classes: Sequence[int], low: int, high: int) -> list[int]:
    return [p for p in range(low, high + 1) if p % 12 in pitch_classes]


def _parallel(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1 or b0 == b1:
        return False
    before, after = abs(a0 - b0) % 12, abs(a1 - b1) % 12
    return before in (0, 7) and before == after


def voice_beat(
    chord: Chord, soprano: int, previous: tuple[int, int, int] | None, previous_soprano: int
) -> tuple[int, int, int]:
    """(alto, tenor, bass) for one beat: the cheapest voicing under the melody note."""
    alto_low, tenor_low = ALTO_RANGE[0], TENOR_RANGE[0]
    altos = _candidates(chord.pitch_classes, alto_low, min(ALTO_RANGE[1], soprano - 1))
    while not altos and alto_low > 36:  # a very low melody: let the inner voices sink
        alto_low, tenor_low = alto_low - 5, tenor_low - 5
        altos = _candidates(chord.pitch_classes, alto_low, min(ALTO_RANGE[1], soprano - 1))
    if not altos:
        altos = _candidates(chord.pitch_classes, *ALTO_RANGE)
    tenors = _candidates(chord.pitch_classes, tenor_low, TENOR_RANGE[1])
    basses = _candidates(chord.pitch_classes[:2], *BASS_RANGE)  # root position or first inversion
    best: tuple[float, tuple[int, int, int]] | None = None
    for alto, tenor, bass in product(altos, tenors, basses):
        if not bass < tenor <= alto:
            continue
        cost = _voicing_cost(chord, soprano, (alto, tenor, bass), previous, previous_soprano)
        if best is None or cost < best[0]:
            best = (cost, (alto, tenor, bass))
    if best is None:  # nothing fits the order: stack the chord plainly below the bass range
        return altos[0], _candidates(chord.pitch_classes, 43, 67)[0], basses[0]
    return best[1]


def _voicing_cost(
    chord: Chord,
    soprano: int,
    voices: tuple[int, int, int],
    previous: tuple[int, int, int] | None,
    previous_soprano: int,
) -> float:
    alto, tenor, bass = voices
    present = {soprano % 12, alto % 12, tenor % 12, bass % 12}
    cost = 4.0 * sum(1 for pc in chord.pitch_classes if pc not in present)
    if bass % 12 != chord.root:  # a first inversion only to escape parallels or big leaps
        cost += 8.0
    third = chord.pitch_classes[1]
    cost += 2.0 * max(0, [soprano % 12, alto % 12, tenor % 12, bass % 12].count(third) - 1)
    cost += 6.0 * ((soprano - alto > 12) + (alto - tenor > 12))
    if previous is None:
        return cost + abs(alto - 67) * 0.2 + abs(tenor - 57) * 0.2 + abs(bass - 48) * 0.2
    cost += sum(abs(now - before) for now, before in zip(voices, previous, strict=True))
    old = (previous_soprano, *previous)
    new = (soprano, *voices)
    for i in range(4):
        for j in range(i + 1, 4):
            if old[i] >= 0 and _parallel(old[i], new[i], old[j], new[j]):
                cost += 30.0
    return cost


def voice_chords(chords: Sequence[Chord | None], soprano: np.ndarray) -> np.ndarray:
    """Pitches per beat for alto, tenor and bass: shape ``(3, beats)`` int, -1 = silent.

    A beat where the melody rests holds the previous voicing, so the accompaniment does not
    drop out when the tune breathes.
    """
    grid = np.full((3, len(chords)), SILENT, dtype=int)
    previous: tuple[int, int, int] | None = None
    previous_soprano = -1
    for beat, chord in enumerate(chords):
        if chord is None:
            continue
        if soprano[beat] < 0 and previous is not None:
            grid[:, beat] = previous
            continue
        voicing = voice_beat(chord, int(soprano[beat]), previous, previous_soprano)
        grid[:, beat] = voicing
        previous, previous_soprano = voicing, int(soprano[beat])
    return grid


def _passing_tone(start: int, end: int, scale: frozenset[int]) -> int | None:
    """The one scale tone strictly between two pitches a third apart, else None."""
    if abs(end - start) not in (3, 4):
        return None
    step = 1 if end > start else -1
    between = [p for p in range(start + step, end, step) if p % 12 in scale]
    return between[0] if len(between) == 1 else None


def grid_to_notes(pitches: np.ndarray, scale: frozenset[int]) -> list[Note]:
    """Notes for one voice from its beat pitches (shape ``(beats,)``, -1 = silent).

    Repeated pitches become one held note; a leap of a third is split into an eighth on the
    chord tone and an eighth passing tone.
    """
    notes: list[Note] = []
    beat = 0
    n = len(pitches)
    while beat < n:
        pitch = int(pitches[beat])
        if pitch < 0:
            beat += 1
            continue
        end = beat + 1
        while end < n and pitches[end] == pitch:
            end += 1
        following = int(pitches[end]) if end < n else -1
        passing = _passing_tone(pitch, following, scale) if following >= 0 else None
        if passing is None:
            notes.append(Note(float(beat), pitch, float(end - beat), VELOCITY))
        else:
            notes.append(Note(float(beat), pitch, end - beat - 0.5, VELOCITY))
            notes.append(Note(end - 0.5, passing, 0.5, VELOCITY))
        beat = end
    return notes


def estimated_key(composition: Composition) -> Key:
    """The composition's own key when it has one, else an estimate from the melody."""
    if isinstance(composition.key, Key):
        return composition.key
    from deepcomposer_desktop.core.key import estimate_key

    melody = composition.melody
    return estimate_key(melody.notes if melody is not None else ())


def harmonize_rule_based(composition: Composition) -> Composition:
    """Melody (exactly as given, first) plus rule-based alto, tenor and bass tracks.

    Tempo map, time signatures and everything else of the input composition are kept.
    Raises ``CompositionError`` when there is no melody with notes.
    """
    melody = composition.melody
    if melody is None or not melody.notes:
        raise CompositionError("the baseline needs a melody track with notes")
    key = estimated_key(composition)
    n = beat_count(replace(composition, tracks=(melody,), melody_index=0))
    soprano = sample_on_beats(melody, n).astype(int)
    grid = voice_chords(choose_chords(soprano, key), soprano)
    scale = frozenset(
        (key.tonic + s) % 12 for s in (MAJOR_STEPS if key.mode == "major" else HARMONIC_MINOR_STEPS)
    )
    tracks = [melody]
    for name, row in zip(("alto", "tenor", "bass"), grid, strict=True):
        tracks.append(Track(name=name, notes=tuple(grid_to_notes(row, scale)), program=PROGRAM))
    return replace(composition, tracks=tuple(tracks), melody_index=0)


class RuleBasedHarmonizer:
    """The baseline behind the same ``generate`` interface as ``engine.Generator``.

    Seeds are accepted and ignored: rules have no randomness, so every variation is the same
    (and the quality table duly shows zero seed diversity for it).
    """

    name = "baseline"
    track_names = ("alto", "tenor", "bass")

    def generate(
        self, composition: Composition, *, seed: int, variations: int = 1
    ) -> list[Composition]:
        del seed
        result = harmonize_rule_based(composition)
        return [result] * variations
