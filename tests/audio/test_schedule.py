"""Compositions to sample-stamped messages: tempo map, channels, mute/solo, ordering."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.audio.schedule import (
    NOTE_OFF,
    NOTE_ON,
    SETUP,
    TempoClock,
    assign_channels,
    audible_tracks,
    schedule,
)
from deepcomposer_desktop.core import Composition, Note, TempoChange, Track


def test_tempo_clock_follows_every_change() -> None:
    clock = TempoClock((TempoChange(0, 120), TempoChange(4, 60), TempoChange(6, 240)))
    assert clock.seconds(0) == 0
    assert clock.seconds(2) == pytest.approx(1.0)
    assert clock.seconds(4) == pytest.approx(2.0)
    assert clock.seconds(5) == pytest.approx(3.0)
    assert clock.seconds(6) == pytest.approx(4.0)
    assert clock.seconds(10) == pytest.approx(5.0)


def test_channels_skip_drums_and_respect_explicit_ones() -> None:
    tracks = [
        Track("a"),
        Track("drums", is_drum=True),
        Track("b", channel=1),
        Track("c"),
        Track("odd drums", is_drum=True, channel=4),
    ]
    assert assign_channels(tracks) == [0, 9, 1, 2, 9]


def test_more_than_fifteen_tracks_reuse_channels_but_never_the_drum_channel() -> None:
    channels = assign_channels([Track(str(i)) for i in range(20)])
    assert 9 not in channels
    assert channels[:15] == [c for c in range(16) if c != 9]
    assert channels[15] == 0


def test_solo_beats_mute() -> None:
    tracks = [Track("a", muted=True), Track("b"), Track("c", solo=True)]
    assert audible_tracks(tracks) == [False, False, True]
    assert audible_tracks(tracks[:2]) == [False, True]


def test_notes_land_on_their_samples_across_a_tempo_change() -> None:
    melody = Track("m", (Note(1.0, 60, 1.0, 90), Note(6.0, 62, 0.5)))
    comp = Composition((melody,), tempo_map=(TempoChange(0, 120), TempoChange(4, 60)))
    events = schedule(comp, sample_rate=1000)
    ons = [(e.sample, e.msg.note, e.msg.velocity) for e in events if e.msg.type == "note_on"]
    offs = [(e.sample, e.msg.note) for e in events if e.msg.type == "note_off"]
    assert ons == [(500, 60, 90), (4000, 62, 100)]
    assert offs == [(1000, 60), (4500, 62)]


def test_setup_comes_first_and_note_off_before_note_on_at_one_sample() -> None:
    track = Track("m", (Note(0.0, 60, 1.0), Note(1.0, 60, 1.0)), program=40, volume=90, pan=20)
    events = schedule(Composition((track,)), sample_rate=48000)
    assert [e.order for e in events[:3]] == [SETUP] * 3
    assert events[0].msg.type == "program_change" and events[0].msg.program == 40
    assert {(e.msg.control, e.msg.value) for e in events[1:3]} == {(7, 90), (10, 20)}
    at_one_beat = [e.order for e in events if e.sample == 24000]
    assert at_one_beat == [NOTE_OFF, NOTE_ON]


def test_muted_tracks_send_nothing() -> None:
    comp = Composition((Track("a", (Note(0, 60, 1),)), Track("b", (Note(0, 64, 1),), muted=True)))
    events = schedule(comp, sample_rate=1000)
    assert {e.msg.note for e in events if e.msg.type == "note_on"} == {60}
    assert {e.track_index for e in events if e.track_index is not None} == {0}


def test_empty_composition_schedules_nothing() -> None:
    assert schedule(Composition(), sample_rate=44100) == []


notes_strategy = st.lists(
    st.builds(
        Note,
        start_beat=st.floats(0, 64, allow_nan=False),
        pitch=st.integers(0, 127),
        duration_beats=st.floats(0.01, 8, allow_nan=False),
        velocity=st.integers(1, 127),
    ),
    max_size=30,
)
tempo_strategy = st.lists(
    st.tuples(st.floats(0.5, 64, allow_nan=False), st.floats(20, 300, allow_nan=False)),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(notes_strategy, notes_strategy, tempo_strategy, st.floats(20, 300))
def test_every_note_is_scheduled_once_in_order(melody, bass, changes, first_bpm) -> None:
    tempo_map = [TempoChange(0.0, first_bpm)] + [TempoChange(b, t) for b, t in changes]
    comp = Composition(
        (Track("m", tuple(melody)), Track("b", tuple(bass), is_drum=True)),
        tempo_map=tuple({c.start_beat: c for c in tempo_map}.values()),
    )
    events = schedule(comp, sample_rate=8000)
    keys = [(e.sample, e.order) for e in events]
    assert keys == sorted(keys)
    ons = [e for e in events if e.msg.type == "note_on"]
    offs = [e for e in events if e.msg.type == "note_off"]
    assert len(ons) == len(offs) == len(melody) + len(bass)
    assert {e.msg.channel for e in ons if e.track_index == 1} <= {9}
    clock = TempoClock(comp.tempo_map)
    for event in ons:
        assert event.sample >= 0
    # a later beat never maps to an earlier time
    beats = sorted(n.start_beat for n in melody + bass)
    times = [clock.seconds(b) for b in beats]
    assert times == sorted(times)
