"""Piano rolls keep onsets apart, so re-struck notes survive the trip through the grid."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.core import Composition, Note, TimeSignature, Track
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.pianoroll import (
    PianoRoll,
    composition_steps,
    to_piano_roll,
    track_from_roll,
    tracks_from_roll,
)


def round_trip(track: Track, steps_per_beat: int = 4) -> Track:
    roll = to_piano_roll([track], steps_per_beat=steps_per_beat)
    return tracks_from_roll(roll, [track.name])[0]


def test_two_consecutive_quarter_notes_stay_two_notes() -> None:
    track = Track("m", (Note(0.0, 60, 1.0), Note(1.0, 60, 1.0)))
    assert round_trip(track).notes == (Note(0.0, 60, 1.0, 100), Note(1.0, 60, 1.0, 100))


def test_without_onsets_a_restruck_note_would_merge() -> None:
    roll = to_piano_roll([Track("m", (Note(0.0, 60, 1.0), Note(1.0, 60, 1.0)))])
    merged = track_from_roll(
        roll.frames[0], np.zeros_like(roll.onsets[0]), steps_per_beat=4, name="m"
    )
    assert merged.notes == (Note(0.0, 60, 2.0, 80),)


def test_roll_shapes_dtypes_and_contents() -> None:
    tracks = [
        Track("a", (Note(0.0, 60, 1.0, 90), Note(0.5, 64, 0.25, 70))),
        Track("b", (Note(1.0, 40, 0.5),)),
    ]
    roll = to_piano_roll(tracks, steps_per_beat=4)
    assert roll.frames.shape == roll.onsets.shape == roll.velocities.shape == (2, 6, 128)
    assert roll.frames.dtype == np.bool_ and roll.velocities.dtype == np.uint8
    assert np.flatnonzero(roll.frames[0, :, 60]).tolist() == [0, 1, 2, 3]
    assert np.flatnonzero(roll.frames[0, :, 64]).tolist() == [2]
    assert np.flatnonzero(roll.onsets[0, :, 60]).tolist() == [0]
    assert roll.velocities[0, 0, 60] == 90 and roll.velocities[0, 2, 64] == 70
    assert roll.velocities[0, 1, 60] == 0
    assert np.flatnonzero(roll.frames[1, :, 40]).tolist() == [4, 5]
    assert roll.n_tracks == 2 and roll.n_steps == 6


def test_short_notes_take_one_step_and_n_steps_cuts() -> None:
    roll = to_piano_roll([Track("a", (Note(0.0, 60, 0.01), Note(3.0, 62, 4.0)))], n_steps=14)
    assert roll.frames[0, :, 60].tolist().count(True) == 1
    assert np.flatnonzero(roll.frames[0, :, 62]).tolist() == [12, 13]
    empty = to_piano_roll([Track("a", (Note(5.0, 60, 1.0),))], n_steps=8)
    assert not empty.frames.any()


def test_composition_steps_cover_whole_bars() -> None:
    waltz = Composition(
        (Track("w", (Note(0.0, 60, 4.0),)),), time_signatures=(TimeSignature(3, 4),)
    )
    assert composition_steps(waltz) == 24  # 2 bars of 3 beats at 4 steps per beat
    assert composition_steps(Composition(), steps_per_beat=2) == 8  # at least one bar


def test_no_tracks_and_no_notes() -> None:
    assert to_piano_roll([]).frames.shape == (0, 0, 128)
    assert to_piano_roll([Track("a")], n_steps=16).frames.shape == (1, 16, 128)


def test_velocity_roll_and_start_beat() -> None:
    frames = np.zeros((8, 128), dtype=bool)
    onsets = np.zeros((8, 128), dtype=bool)
    frames[2:6, 67] = True
    onsets[2, 67] = onsets[4, 67] = True
    onsets[7, 10] = True  # an onset where nothing sounds is ignored
    velocity = np.zeros((8, 128), dtype=np.uint8)
    velocity[2, 67] = 110
    track = track_from_roll(
        frames, onsets, steps_per_beat=2, name="x", program=5, velocity=velocity, start_beat=8.0
    )
    assert track.notes == (Note(9.0, 67, 1.0, 110), Note(10.0, 67, 1.0, 80))
    assert (track.name, track.program) == ("x", 5)


def test_bad_shapes_are_composition_errors() -> None:
    with pytest.raises(CompositionError):
        track_from_roll(
            np.zeros((4, 127), bool), np.zeros((4, 127), bool), steps_per_beat=4, name="x"
        )
    with pytest.raises(CompositionError):
        to_piano_roll([], steps_per_beat=0)
    with pytest.raises(CompositionError):
        PianoRoll(
            np.zeros((1, 2, 128), bool),
            np.zeros((1, 3, 128), bool),
            np.zeros((1, 2, 128), np.uint8),
            4,
        )


grid_notes = st.lists(
    st.builds(
        lambda step, pitch, length, velocity: Note(step / 4, pitch, length / 4, velocity),
        st.integers(0, 63),
        st.integers(0, 127),
        st.integers(1, 16),
        st.integers(1, 127),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(grid_notes)
def test_non_overlapping_grid_notes_survive_exactly(notes: list[Note]) -> None:
    kept: list[Note] = []
    for note in sorted(notes):  # drop same-pitch overlaps: a roll cannot hold two at once
        if all(k.pitch != note.pitch or k.end_beat <= note.start_beat for k in kept):
            kept.append(note)
    track = Track("m", tuple(kept))
    assert round_trip(track).notes == track.notes
