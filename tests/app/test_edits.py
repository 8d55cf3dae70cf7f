"""Melody edits are pure: each returns a new composition and leaves the old one unchanged."""

import pytest

from deepcomposer_desktop.app import edits
from deepcomposer_desktop.core import Composition, Note, Track


def piece(*notes: Note) -> Composition:
    return Composition(tracks=(Track("melody", notes), Track("bass", (Note(0, 36, 4),))))


def test_adding_to_an_empty_piece_creates_a_melody_track():
    result = edits.add_notes(Composition(), [Note(1.0, 60, 1.0)])
    assert result.melody is not None
    assert result.melody.notes == (Note(1.0, 60, 1.0),)


def test_delete_removes_only_one_of_two_identical_notes():
    n = Note(0.0, 60, 1.0)
    result = edits.delete_notes(piece(n, n), [n])
    assert result.melody.notes == (n,)


def test_move_clamps_at_the_start_and_the_pitch_range():
    a, b = Note(1.0, 126, 1.0), Note(2.0, 60, 1.0)
    result, moved = edits.move_notes(piece(a, b), [a, b], beats=-5, semitones=4)
    assert [(n.start_beat, n.pitch) for n in moved] == [(0.0, 127), (1.0, 61)]
    assert sorted(result.melody.notes) == sorted(moved)


def test_move_keeps_other_tracks_untouched():
    c = piece(Note(0, 60, 1))
    result, _ = edits.move_notes(c, [Note(0, 60, 1)], semitones=2)
    assert result.tracks[1] == c.tracks[1]
    assert c.melody.notes == (Note(0, 60, 1),)  # the old value never changes


def test_resize_never_reaches_zero_length():
    n = Note(0.0, 60, 0.5)
    _, resized = edits.resize_notes(piece(n), [n], delta_beats=-3)
    assert resized[0].duration_beats == pytest.approx(edits.MIN_DURATION_BEATS)


def test_quantize_snaps_start_and_end_to_sixteenths():
    n = Note(1.07, 60, 0.41)
    result, (q,) = edits.quantize_notes(piece(n), None, steps_per_beat=4)
    assert (q.start_beat, q.end_beat) == (pytest.approx(1.0), pytest.approx(1.5))
    assert result.melody.notes == (q,)


def test_half_strength_quantize_moves_halfway():
    n = Note(1.1, 60, 1.0)
    _, (q,) = edits.quantize_notes(piece(n), [n], steps_per_beat=4, strength=0.5)
    assert q.start_beat == pytest.approx(1.05)


def test_transpose_whole_melody_by_an_octave():
    c = piece(Note(0, 60, 1), Note(1, 64, 1))
    result, _moved = edits.transpose_notes(c, None, 12)
    assert [n.pitch for n in result.melody.notes] == [72, 76]


def test_remove_track_before_the_melody_keeps_the_melody_index_right():
    c = Composition(tracks=(Track("bass"), Track("melody", (Note(0, 60, 1),))), melody_index=1)
    result = edits.remove_track(c, 0)
    assert result.melody.name == "melody"


def test_new_melody_replaces_the_melody_and_keeps_accompaniment():
    c = piece(Note(0, 60, 1))
    take = Composition(tracks=(Track("melody", (Note(0, 67, 2),)),))
    result = edits.with_new_melody(c, take)
    assert result.melody.notes == (Note(0, 67, 2),)
    assert result.tracks[1].name == "bass"


def test_an_empty_take_changes_nothing():
    c = piece(Note(0, 60, 1))
    assert edits.with_new_melody(c, Composition(tracks=(Track("melody"),))) is c
