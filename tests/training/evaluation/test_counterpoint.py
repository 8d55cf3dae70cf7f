"""Counterpoint and Bach similarity on hand-built four-part pieces with known answers."""

import pytest

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.evaluation import counterpoint as cp

NAMES = ("soprano", "alto", "tenor", "bass")


def piece(*voices: list[int | None], names: tuple[str, ...] = NAMES) -> Composition:
    """One quarter note per beat per voice; None is a rest."""
    tracks = []
    for name, pitches in zip(names, voices, strict=False):
        notes = [Note(float(b), p, 1.0) for b, p in enumerate(pitches) if p is not None]
        tracks.append(Track(name=name, notes=tuple(notes)))
    return Composition(tracks=tuple(tracks), melody_index=0)


def test_parallel_fifths_are_counted_among_moves_where_both_voices_move() -> None:
    # soprano/bass: 67/60 -> 69/62 is a parallel fifth; 69/62 -> 67/64 is not (6th -> 3rd)
    assert cp.parallel_fifths_octaves_rate(piece([67, 69, 67], [60, 62, 64])) == 0.5


def test_compound_octaves_count_as_parallel() -> None:
    assert cp.parallel_fifths_octaves_rate(piece([72, 74], [48, 50])) == 1.0


def test_oblique_motion_into_a_fifth_is_not_a_move_of_both_voices() -> None:
    grid = cp.beat_grid(piece([67, 67], [60, 62]))
    assert cp.parallel_counts(grid) == (0, 0)


def test_fifth_to_octave_is_not_parallel() -> None:
    assert cp.parallel_counts(cp.beat_grid(piece([67, 74], [60, 62]))) == (0, 1)


def test_contrary_fifths_count_because_the_interval_class_repeats() -> None:
    # 67/60 (fifth) -> 74/55 (twelfth) in contrary motion: still consecutive fifths
    assert cp.parallel_counts(cp.beat_grid(piece([67, 74], [60, 55]))) == (1, 1)
    # 67/60 (fifth) -> 62/67 (voices cross, a fourth apart): not a fifth again
    assert cp.parallel_counts(cp.beat_grid(piece([67, 62], [60, 67]))) == (0, 1)


def test_rests_break_moves() -> None:
    assert cp.parallel_counts(cp.beat_grid(piece([67, None, 69], [60, 61, 62]))) == (0, 0)


def test_four_voice_parallels_are_pooled_over_all_six_pairs() -> None:
    # every voice moves up a whole step: 6 moves, parallel where the interval is perfect
    comp = piece([72, 74], [67, 69], [64, 66], [48, 50])
    parallels, moves = cp.parallel_counts(cp.beat_grid(comp))
    assert moves == 6
    # S-A 5th (72/67 is a 4th: 5, no), S-B 24 (octave, yes), A-B 19 (fifth, yes), S-T 8 (no),
    # A-T 3 (no), T-B 16 (no)
    assert parallels == 2


def test_voice_crossing_rate_counts_beat_voice_pairs() -> None:
    # beat 1: alto (55) below tenor (57): one crossed pair out of 2 beats x 6 pairs
    comp = piece([72, 72], [64, 55], [55, 57], [48, 48])
    assert cp.voice_crossing_rate(comp) == pytest.approx(1 / 12)


def test_silent_voices_are_left_out_of_crossings() -> None:
    comp = piece([72, 72], [None, 55], [55, 57], [48, 48])
    crossed, pairs = cp.crossing_counts(cp.beat_grid(comp))
    assert (crossed, pairs) == (1, 3 + 6)


def test_mean_melodic_leap_leaves_repeats_out() -> None:
    comp = piece([60, 62, 62, 67], [55, 55, 55, 55])
    assert cp.mean_melodic_leap(comp) == pytest.approx((2 + 5) / 2)


def test_sampling_takes_the_note_sounding_at_each_beat_onset() -> None:
    track = Track(
        "v",
        (
            Note(0.0, 60, 2.0),  # beats 0 and 1
            Note(2.5, 62, 1.0),  # starts between beats: sounds at beat 3
            Note(3.0, 64, 0.5),  # a later start wins at beat 3
            Note(5.0, 65, 0.25),
        ),
    )
    assert cp.sample_on_beats(track, 7).tolist() == [60, 60, -1, 64, -1, 65, -1]


def test_voices_are_taken_by_name_else_by_mean_pitch() -> None:
    named = piece([72], [48], [60], [64], names=("melody", "bass", "alto", "tenor"))
    assert [t.name for t in cp.four_voices(named)] == ["melody", "alto", "tenor", "bass"]
    unnamed = piece([72], [48], [60], [64], names=("melody", "low", "mid", "high"))
    assert [t.name for t in cp.four_voices(unnamed)] == ["melody", "high", "mid", "low"]


def test_bach_similarity_of_bach_with_himself_is_one() -> None:
    bach = piece([72, 74], [67, 65], [64, 62], [48, 47])
    assert cp.bach_similarity(bach, bach) == {
        "pitch_class_jaccard": 1.0,
        "bass_match_rate": 1.0,
        "beats": 2.0,
    }


def test_bach_similarity_known_overlap() -> None:
    bach = piece([72, 74], [67, 65], [64, 62], [48, 47])  # {G, E, C}, {F, D, B}
    mine = piece([72, 74], [67, 65], [60, 62], [48, 43])  # {G, C}, {F, D, G}
    result = cp.bach_similarity(mine, bach)
    assert result["pitch_class_jaccard"] == pytest.approx((2 / 3 + 2 / 4) / 2)
    assert result["bass_match_rate"] == 0.5


def test_a_silent_generated_bass_misses() -> None:
    bach = piece([72, 74], [67, 65], [64, 62], [48, 47])
    mine = piece([72, 74], [67, 65], [64, 62], [48, None])
    assert cp.bach_similarity(mine, bach)["bass_match_rate"] == 0.5


def test_pooled_counts_weigh_every_move_equally() -> None:
    clean = piece([67, 65, 64, 62], [60, 62, 60, 59])
    bad = piece([67, 69], [60, 62])
    pooled = cp.counterpoint_counts([clean, bad])
    p1, m1 = cp.parallel_counts(cp.beat_grid(clean))
    assert pooled["parallel_fifths_octaves_rate"] == pytest.approx((p1 + 1) / (m1 + 1))
    assert pooled["two_voice_moves"] == m1 + 1


@pytest.mark.slow
def test_bachs_held_out_chorales_match_the_numbers_quoted_in_issue_3() -> None:
    """Checks our definitions: Bach crosses 0.3 %, leaps 3.05 semitones, 0.9 % parallels."""
    from deepcomposer_desktop.training.chorales import is_test_chorale, iter_chorales

    chorales = list(iter_chorales())
    everything = [c.composition for c in chorales]
    held_out = [c.composition for c in chorales if is_test_chorale(c.number)]
    test_numbers = cp.counterpoint_counts(held_out)
    assert test_numbers["mean_melodic_leap"] == pytest.approx(3.05, abs=0.1)
    assert test_numbers["voice_crossing_rate"] == pytest.approx(0.003, abs=0.002)
    assert test_numbers["parallel_fifths_octaves_rate"] < 0.012
    all_numbers = cp.counterpoint_counts(everything)
    assert all_numbers["parallel_fifths_octaves_rate"] == pytest.approx(0.009, abs=0.001)
