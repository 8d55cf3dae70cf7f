"""Musical keys: a tonic pitch class and a mode, with how sure an estimate is."""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.note import Note

PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
NATURAL_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True, slots=True)
class Key:
    tonic: int  # pitch class 0-11, C = 0
    mode: str = "major"  # "major" or "minor"
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.tonic <= 11:
            raise CompositionError(f"key tonic {self.tonic} is not a pitch class 0-11")
        if self.mode not in ("major", "minor"):
            raise CompositionError(f"key mode {self.mode!r} is not 'major' or 'minor'")

    @property
    def scale_pitch_classes(self) -> frozenset[int]:
        steps = MAJOR_SCALE if self.mode == "major" else NATURAL_MINOR_SCALE
        return frozenset((self.tonic + s) % 12 for s in steps)

    def __str__(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.tonic]} {self.mode}"


# Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
KRUMHANSL_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KRUMHANSL_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
CONFIDENCE_FULL_MARGIN = 0.2  # correlation margin over the runner-up that counts as certain


def key_profiles() -> "np.ndarray[tuple[int, int], np.dtype[np.float64]]":
    """The 24 rotated profiles, shape ``(24, 12)`` float64: rows 0-11 major on C..B, 12-23 minor."""
    major = np.array(KRUMHANSL_MAJOR)
    minor = np.array(KRUMHANSL_MINOR)
    rows = [np.roll(major, tonic) for tonic in range(12)]
    rows += [np.roll(minor, tonic) for tonic in range(12)]
    return np.stack(rows)


def pitch_class_durations(notes: Iterable[Note]) -> "np.ndarray[tuple[int], np.dtype[np.float64]]":
    """Total sounding beats per pitch class, shape ``(12,)`` float64."""
    weights = np.zeros(12)
    for note in notes:
        weights[note.pitch % 12] += note.duration_beats
    return weights


def estimate_key(notes: Iterable[Note]) -> Key:
    """Krumhansl-Schmuckler: the key whose profile best correlates with the notes' durations.

    The duration-weighted pitch-class histogram is correlated (Pearson) with the 24 rotated
    Krumhansl-Kessler profiles and the best one wins (ties: major before minor, then lower
    tonic). ``confidence`` is the margin between the best and second-best correlation divided
    by 0.2 and clipped to 0..1: 0 means a coin toss between two keys (or no notes at all, or
    all twelve pitch classes equally long), 1 a clear winner. Relative major and minor keys
    share a scale, so a plain major scale gets about 0.7 while a harmonic minor scale (whose
    raised 7th rules out the relative major) gets 1.0. Drum notes should be left out by the
    caller.
    """
    weights = pitch_class_durations(notes)
    if weights.sum() <= 0 or np.allclose(weights, weights[0]):
        return Key(0, "major", 0.0)
    profiles = key_profiles()
    centred = profiles - profiles.mean(axis=1, keepdims=True)
    hist = weights - weights.mean()
    correlations = centred @ hist / (np.linalg.norm(centred, axis=1) * np.linalg.norm(hist))
    order = np.argsort(-correlations, kind="stable")
    best, second = int(order[0]), int(order[1])
    margin = float(correlations[best] - correlations[second])
    confidence = min(max(margin / CONFIDENCE_FULL_MARGIN, 0.0), 1.0)
    return Key(best % 12, "major" if best < 12 else "minor", confidence)
