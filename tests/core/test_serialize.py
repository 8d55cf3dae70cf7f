import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.serialize import composition_from_json, composition_to_json
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track

beats = st.floats(min_value=0.0, max_value=10_000.0, allow_nan=False, allow_infinity=False)
durations = st.floats(min_value=1e-6, max_value=1_000.0, allow_nan=False, allow_infinity=False)
notes = st.builds(
    Note,
    start_beat=beats,
    pitch=st.integers(0, 127),
    duration_beats=durations,
    velocity=st.integers(1, 127),
)
tracks = st.builds(
    Track,
    name=st.text(max_size=20),
    notes=st.lists(notes, max_size=12).map(tuple),
    program=st.integers(0, 127),
    is_drum=st.booleans(),
    channel=st.none() | st.integers(0, 15),
    volume=st.integers(0, 127),
    pan=st.integers(0, 127),
    muted=st.booleans(),
    solo=st.booleans(),
    tags=st.lists(st.text(max_size=8), max_size=3).map(tuple),
)
keys = st.none() | st.builds(
    Key,
    tonic=st.integers(0, 11),
    mode=st.sampled_from(["major", "minor"]),
    confidence=st.floats(0.0, 1.0),
)


@st.composite
def compositions(draw: st.DrawFn) -> Composition:
    track_list = tuple(draw(st.lists(tracks, max_size=5)))
    tempo_rest = draw(st.lists(st.builds(TempoChange, beats, st.floats(1.0, 1000.0)), max_size=3))
    meter_rest = draw(
        st.lists(
            st.builds(
                TimeSignature, st.integers(1, 64), st.sampled_from([1, 2, 4, 8, 16, 32, 64]), beats
            ),
            max_size=3,
        )
    )
    melody = draw(st.none() | st.integers(0, max(len(track_list) - 1, 0)))
    return Composition(
        tracks=track_list,
        tempo_map=(TempoChange(0.0, draw(st.floats(1.0, 1000.0))), *tempo_rest),
        time_signatures=(TimeSignature(3, 8, 0.0), *meter_rest),
        ticks_per_beat=draw(st.integers(1, 32767)),
        melody_index=melody,
        key=draw(keys),
        title=draw(st.text(max_size=30)),
    )


@settings(max_examples=150, deadline=None)
@given(compositions())
def test_every_field_survives_a_round_trip(composition: Composition) -> None:
    assert composition_from_json(composition_to_json(composition)) == composition


def test_document_is_versioned() -> None:
    document = json.loads(composition_to_json(Composition()))
    assert document["format"] == 1


def test_newer_format_is_refused_with_a_clear_message() -> None:
    document = json.loads(composition_to_json(Composition()))
    document["format"] = 2
    with pytest.raises(CompositionError, match="format 2"):
        composition_from_json(json.dumps(document))


def test_unknown_field_is_refused() -> None:
    document = json.loads(composition_to_json(Composition(tracks=(Track("m"),))))
    document["tracks"][0]["colour"] = "red"
    with pytest.raises(CompositionError, match="colour"):
        composition_from_json(json.dumps(document))


def test_missing_field_is_refused() -> None:
    document = json.loads(composition_to_json(Composition()))
    del document["tempo_map"]
    with pytest.raises(CompositionError, match="tempo_map"):
        composition_from_json(json.dumps(document))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("ticks_per_beat",), "480"),
        (("ticks_per_beat",), 0),
        (("tempo_map",), [[1.0, 120.0]]),
        (("tracks", 0, "notes"), [[0.0, 200, 1.0, 90]]),
        (("tracks", 0, "notes"), [[0.0, 60, 1.0]]),
        (("tracks", 0, "muted"), 1),
        (("key",), {"tonic": 13, "mode": "major", "confidence": 1.0}),
        (("melody_index",), 5),
    ],
)
def test_bad_values_raise_composition_error(path: tuple, value: object) -> None:
    document = json.loads(
        composition_to_json(Composition(tracks=(Track("m", (Note(0.0, 60, 1.0),)),)))
    )
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(CompositionError):
        composition_from_json(json.dumps(document))


def test_nan_beats_cannot_be_stored() -> None:
    composition = Composition(tracks=(Track("m", (Note(float("inf"), 60, 1.0),)),))
    with pytest.raises(CompositionError):
        composition_to_json(composition)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_input_raises_only_composition_error(data: bytes | str) -> None:
    with contextlib.suppress(CompositionError):
        composition_from_json(data)


def test_deeply_nested_input_raises_composition_error() -> None:
    with pytest.raises(CompositionError):
        composition_from_json("[" * 100_000 + "]" * 100_000)
