import dataclasses

import pytest

from deepcomposer_desktop.core import Composition, Note, TempoChange, TimeSignature, Track
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.settings import Settings


def test_note_rejects_out_of_range_values() -> None:
    with pytest.raises(CompositionError):
        Note(0.0, 128, 1.0)
    with pytest.raises(CompositionError):
        Note(0.0, 60, 1.0, velocity=0)
    with pytest.raises(CompositionError):
        Note(0.0, 60, 0.0)
    with pytest.raises(ValueError):
        Note(-1.0, 60, 1.0)


def test_notes_are_frozen() -> None:
    note = Note(0.0, 60, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.pitch = 61  # type: ignore[misc]


def test_track_sorts_its_notes() -> None:
    track = Track("m", (Note(2.0, 60, 1.0), Note(0.0, 64, 1.0), Note(0.0, 62, 1.0)))
    assert [n.pitch for n in track.notes] == [62, 64, 60]
    assert track.end_beat == 3.0
    assert track.pitch_range == (60, 64)


def test_bar_count_rounds_up_to_whole_bars() -> None:
    track = Track("m", (Note(0.0, 60, 4.5),))
    assert Composition((track,)).bar_count == 2
    three_four = Composition((track,), time_signatures=(TimeSignature(3, 4),))
    assert three_four.bar_count == 2
    assert Composition((Track("m", (Note(0.0, 60, 4.0),)),)).bar_count == 1


def test_composition_needs_a_clock_starting_at_zero() -> None:
    with pytest.raises(CompositionError):
        Composition(tempo_map=(TempoChange(1.0, 120.0),))
    with pytest.raises(CompositionError):
        Composition((Track("m"),), melody_index=3)


def test_key_scale() -> None:
    assert Key(9, "minor").scale_pitch_classes == frozenset({9, 11, 0, 2, 4, 5, 7})
    assert str(Key(0)) == "C major"


def test_settings_from_mapping_keeps_good_values_and_drops_bad_ones() -> None:
    settings = Settings.from_mapping(
        {"tempo_bpm": "90", "metronome": "false", "quantize_grid": 7, "nonsense": 1}
    )
    assert settings.tempo_bpm == 90.0
    assert settings.metronome is False
    assert settings.quantize_grid == Settings().quantize_grid
