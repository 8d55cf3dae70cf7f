"""Quantize, transpose and bar edits behave the way a musician expects."""

import pytest

from deepcomposer_desktop.core import Composition, Note, TempoChange, TimeSignature, Track
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.transform import (
    pad_to_bars,
    quantize,
    split_bars,
    transpose,
    trim_to_bars,
)


def test_full_strength_snaps_start_and_end_to_the_grid() -> None:
    notes = quantize([Note(0.1, 60, 0.8), Note(1.9, 62, 0.3)])
    assert notes == [Note(0.0, 60, 1.0), Note(2.0, 62, 0.25)]


def test_half_strength_moves_halfway() -> None:
    (note,) = quantize([Note(0.1, 60, 0.3)], strength=0.5)
    assert note.start_beat == pytest.approx(0.05)
    assert note.end_beat == pytest.approx(0.45)  # end 0.4 halfway to 0.5


def test_zero_strength_changes_nothing() -> None:
    notes = [Note(0.1, 60, 0.3), Note(0.77, 61, 0.01)]
    assert quantize(notes, strength=0.0) == notes


def test_tiny_notes_become_one_grid_step_not_zero() -> None:
    assert quantize([Note(1.02, 60, 0.05)], steps_per_beat=2) == [Note(1.0, 60, 0.5)]


def test_without_quantize_ends_the_duration_is_kept() -> None:
    assert quantize([Note(0.9, 60, 0.3)], quantize_ends=False) == [Note(1.0, 60, 0.3)]


def test_quantize_keeps_a_track_a_track() -> None:
    track = Track("m", (Note(0.26, 60, 1.0),), program=5)
    result = quantize(track, steps_per_beat=2)
    assert isinstance(result, Track)
    assert result.program == 5 and result.notes == (Note(0.5, 60, 1.0),)


def test_quantize_rejects_bad_settings() -> None:
    with pytest.raises(CompositionError):
        quantize([], strength=1.5)
    with pytest.raises(CompositionError):
        quantize([], steps_per_beat=0)


def test_transpose_moves_pitched_tracks_and_the_key_but_not_drums() -> None:
    melody = Track("m", (Note(0.0, 60, 1.0),))
    drums = Track("d", (Note(0.0, 36, 1.0),), is_drum=True)
    composition = Composition((melody, drums), key=Key(0, "major"))
    moved = transpose(composition, 3)
    assert moved.tracks[0].notes == (Note(0.0, 63, 1.0),)
    assert moved.tracks[1] == drums
    assert moved.key == Key(3, "major")
    assert transpose(melody, -12).notes == (Note(0.0, 48, 1.0),)


def test_transpose_out_of_range_raises_folds_or_drops() -> None:
    track = Track("m", (Note(0.0, 120, 1.0), Note(1.0, 60, 1.0)))
    with pytest.raises(CompositionError, match="outside 0-127"):
        transpose(track, 10)
    assert [n.pitch for n in transpose(track, 10, out_of_range="fold").notes] == [118, 70]
    assert [n.pitch for n in transpose(track, 10, out_of_range="drop").notes] == [70]


def _piece() -> Composition:
    notes = (Note(0.0, 60, 1.0), Note(3.5, 62, 1.0), Note(4.0, 64, 4.0), Note(9.0, 65, 4.0))
    return Composition(
        (Track("m", notes),),
        tempo_map=(TempoChange(0.0, 100.0), TempoChange(6.0, 80.0)),
        time_signatures=(TimeSignature(4, 4),),
    )


def test_trim_takes_whole_bars_and_shifts_them_to_zero() -> None:
    trimmed = trim_to_bars(_piece(), 1, 2)
    # the note from beat 3.5 started earlier: left out; the one at 9 starts after: left out
    assert trimmed.tracks[0].notes == (Note(0.0, 64, 4.0),)
    assert trimmed.tempo_map == (TempoChange(0.0, 100.0), TempoChange(2.0, 80.0))
    later = trim_to_bars(_piece(), 2, 4)
    assert later.tracks[0].notes == (Note(1.0, 65, 4.0),)
    assert later.tempo_map == (TempoChange(0.0, 80.0),)
    with pytest.raises(CompositionError):
        trim_to_bars(_piece(), 2, 2)


def test_pad_to_bars_cuts_at_the_last_bar_line() -> None:
    padded = pad_to_bars(_piece(), 2)
    assert padded.tracks[0].notes[-1] == Note(4.0, 64, 4.0)
    assert padded.bar_count == 2
    assert pad_to_bars(_piece()).tracks == _piece().tracks


def test_split_bars_groups_by_start_with_bar_relative_times() -> None:
    bars = split_bars(_piece().tracks[0], 4.0)
    assert len(bars) == 4
    assert bars[0] == [Note(0.0, 60, 1.0), Note(3.5, 62, 1.0)]
    assert bars[1] == [Note(0.0, 64, 4.0)]
    assert bars[2] == [Note(1.0, 65, 4.0)]
    assert bars[3] == []
    assert split_bars(Track("e"), 3.0) == [[]]
