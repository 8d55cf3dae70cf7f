"""The Bach chorales loader (music21 corpus, cached after the first parse)."""

import pytest

from deepcomposer_desktop.training.chorales import is_test_chorale, iter_chorales

pytestmark = pytest.mark.slow  # the first run parses the corpus (about a minute)


def test_four_four_chorales_have_four_named_voices_and_numbers() -> None:
    chorales = list(iter_chorales())
    assert len(chorales) > 250
    numbers = [c.number for c in chorales]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for chorale in chorales[:20]:
        comp = chorale.composition
        assert [t.name for t in comp.tracks] == ["soprano", "alto", "tenor", "bass"]
        assert comp.melody_index == 0
        assert str(comp.time_signature) == "4/4"
        assert all(t.notes for t in comp.tracks)


def test_held_out_set_is_every_tenth_number() -> None:
    assert is_test_chorale(10) and is_test_chorale(370)
    assert not is_test_chorale(11)
    held = [c.number for c in iter_chorales() if is_test_chorale(c.number)]
    assert 25 <= len(held) <= 37


def test_three_four_chorales_come_with_the_flag() -> None:
    meters = {str(c.composition.time_signature) for c in iter_chorales(four_four_only=False)}
    assert {"4/4", "3/4"} <= meters


def test_pickups_are_shifted_so_the_first_full_bar_starts_on_a_bar_line() -> None:
    for chorale in iter_chorales():
        first = min(n.start_beat for n in chorale.composition.tracks[0].notes)
        if first > 0:
            # a pickup of k beats starts at 4 - k: the next bar line is at beat 4
            assert 0 < first < 4
            assert any(n.start_beat == 4.0 for n in chorale.composition.tracks[0].notes)
