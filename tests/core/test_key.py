"""Key estimation finds the keys of scales and tunes, and says how sure it is."""

import pytest

from deepcomposer_desktop.core import Note
from deepcomposer_desktop.core.key import PITCH_CLASS_NAMES, Key, estimate_key

MAJOR = (0, 2, 4, 5, 7, 9, 11, 12)
HARMONIC_MINOR = (0, 2, 3, 5, 7, 8, 11, 12)


def melody(pitches: list[int], durations: list[float] | None = None) -> list[Note]:
    durations = durations or [1.0] * len(pitches)
    notes, beat = [], 0.0
    for pitch, duration in zip(pitches, durations, strict=True):
        notes.append(Note(beat, pitch, duration))
        beat += duration
    return notes


@pytest.mark.parametrize("tonic", range(12))
def test_major_scales_in_every_key(tonic: int) -> None:
    key = estimate_key(melody([60 + tonic + s for s in MAJOR]))
    assert (key.tonic, key.mode) == (tonic, "major")
    assert 0.5 < key.confidence < 1.0  # the relative minor is a close second


@pytest.mark.parametrize("tonic", range(12))
def test_harmonic_minor_scales_in_every_key(tonic: int) -> None:
    key = estimate_key(melody([48 + tonic + s for s in HARMONIC_MINOR]))
    assert (key.tonic, key.mode) == (tonic, "minor")
    assert key.confidence == 1.0


def test_twinkle_twinkle_in_g_major_and_transposed() -> None:
    tune = [67, 67, 74, 74, 76, 76, 74, 72, 72, 71, 71, 69, 69, 67]
    lengths = [1.0] * 6 + [2.0] + [1.0] * 6 + [2.0]
    assert str(estimate_key(melody(tune, lengths))) == "G major"
    assert str(estimate_key(melody([p - 2 for p in tune], lengths))) == "F major"


def test_greensleeves_opening_in_a_minor() -> None:
    tune = [69, 72, 74, 76, 77, 76, 74, 71, 67, 69, 71, 72, 69, 69, 68, 69, 71, 68, 64]
    lengths = [1, 2, 1, 1.5, 0.5, 1, 2, 1, 1.5, 0.5, 1, 2, 1, 1.5, 0.5, 1, 2, 1, 2]
    key = estimate_key(melody(tune, [float(x) for x in lengths]))
    assert str(key) == "A minor"


def test_durations_weigh_the_choice() -> None:
    # C and G held long, E short vs E-flat long: C major vs C minor
    major = estimate_key(melody([60, 64, 67, 72], [4.0, 2.0, 4.0, 4.0]))
    minor = estimate_key(melody([60, 63, 67, 72], [4.0, 2.0, 4.0, 4.0]))
    assert str(major) == "C major" and str(minor) == "C minor"


def test_no_notes_or_all_twelve_equally_means_no_confidence() -> None:
    assert estimate_key([]) == Key(0, "major", 0.0)
    assert estimate_key(melody(list(range(60, 72)))).confidence == 0.0


def test_names() -> None:
    assert [str(Key(t)) for t in (1, 3, 6, 8, 10)] == [
        f"{PITCH_CLASS_NAMES[t]} major" for t in (1, 3, 6, 8, 10)
    ]
