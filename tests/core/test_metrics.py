"""Metrics on small hand-built pieces, with every expected value worked out by hand."""

import json

import pytest

from deepcomposer_desktop.core import Composition, Note, TimeSignature, Track
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.metrics import METRIC_NAMES, composition_metrics, track_metrics

MELODY = Track("melody", (Note(0.0, 72, 2.0), Note(2.0, 74, 2.0), Note(4.0, 76, 4.0)))
# E and G for one beat, then F# for two beats; bar 2 (beats 4-8) is silent
ALTO = Track("alto", (Note(0.0, 64, 1.0), Note(0.0, 67, 1.0), Note(2.0, 66, 2.0)))
G_MAJOR = Key(7, "major")


def piece(*tracks: Track, melody_index: int | None = 0) -> Composition:
    return Composition(tracks, melody_index=melody_index)


def test_accompaniment_metrics_by_hand() -> None:
    metrics = track_metrics(piece(MELODY, ALTO), 1, key=G_MAJOR)
    assert metrics == {
        "empty_bar_rate": 0.5,  # 2 bars, the second silent
        "pitches_per_bar": 3.0,  # E, G, F# in the one non-empty bar
        "pitch_classes_per_bar": 3.0,
        "in_c_major_ratio": pytest.approx(2 / 3),  # F# is not in C major
        "in_key_ratio": 1.0,  # all in G major
        "polyphony_rate": pytest.approx(4 / 12),  # 4 steps of E+G, 8 steps of F# alone
        # steps 0-3: E vs C (8) yes, G vs C (5) no; steps 8-15: F# vs D (8) yes
        "consonance_with_melody": pytest.approx(12 / 16),
    }


def test_melody_metrics_by_hand() -> None:
    metrics = track_metrics(piece(MELODY, ALTO), 0, key=Key(9, "minor"))
    assert metrics == {
        "empty_bar_rate": 0.0,
        "pitches_per_bar": 1.5,  # C, D in bar 1; E in bar 2
        "pitch_classes_per_bar": 1.5,
        "in_c_major_ratio": 1.0,
        "in_key_ratio": 1.0,
        "polyphony_rate": 0.0,
        "consonance_with_melody": None,
    }


def test_a_held_note_fills_every_bar_it_sounds_in() -> None:
    bass = Track("bass", (Note(2.0, 48, 4.0), Note(2.0, 60, 1.0)))
    metrics = track_metrics(piece(MELODY, bass), 1, key=G_MAJOR)
    assert metrics["empty_bar_rate"] == 0.0
    assert metrics["pitches_per_bar"] == 1.5  # bar 1: C3 and C4; bar 2: C3 still sounding
    assert metrics["pitch_classes_per_bar"] == 1.0
    assert metrics["polyphony_rate"] == pytest.approx(4 / 16)


def test_bars_follow_the_meter() -> None:
    waltz = Track("w", (Note(0.0, 60, 3.0), Note(6.0, 62, 3.0), Note(6.0, 61, 1.0)))
    composition = Composition((waltz,), time_signatures=(TimeSignature(3, 4),))
    metrics = track_metrics(composition, 0, key=Key(0))
    assert composition.bar_count == 3
    assert metrics["empty_bar_rate"] == pytest.approx(1 / 3)
    assert metrics["pitches_per_bar"] == 1.5
    assert metrics["in_c_major_ratio"] == pytest.approx(2 / 3)  # counted per note


def test_consonance_uses_the_highest_melody_note() -> None:
    melody = Track("m", (Note(0.0, 72, 1.0), Note(0.0, 60, 1.0)))
    inner = Track("inner", (Note(0.0, 65, 1.0),))  # a fifth below 72, a fourth above 60
    assert track_metrics(piece(melody, inner), 1)["consonance_with_melody"] == 1.0
    assert (
        track_metrics(piece(melody, Track("x", (Note(0, 71, 1.0),))), 1)["consonance_with_melody"]
        == 0.0
    )


def test_consonance_is_none_without_overlap_melody_or_pitch() -> None:
    later = Track("later", (Note(8.0, 64, 1.0),))
    assert track_metrics(piece(MELODY, later), 1)["consonance_with_melody"] is None
    assert (
        track_metrics(piece(MELODY, ALTO, melody_index=None), 1)["consonance_with_melody"] is None
    )
    kit = Track("kit", (Note(0.0, 36, 1.0),), is_drum=True)
    assert track_metrics(piece(MELODY, kit), 1)["consonance_with_melody"] is None


def test_empty_track() -> None:
    metrics = track_metrics(piece(MELODY, Track("rest")), 1, key=G_MAJOR)
    assert metrics["empty_bar_rate"] == 1.0
    assert all(metrics[name] == 0.0 for name in METRIC_NAMES[1:6])


def test_composition_metrics_json_shape() -> None:
    result = composition_metrics(piece(MELODY, ALTO, Track("rest")))
    assert set(result) == {"key", "bars", "tracks"}
    assert result["bars"] == 2
    assert result["key"] == "E minor"  # estimate_key of all notes
    first = result["tracks"][0]
    assert list(first) == ["name", "notes", "pitch_range", *METRIC_NAMES]
    assert (first["name"], first["notes"], first["pitch_range"]) == ("melody", 3, [72, 76])
    assert result["tracks"][2]["pitch_range"] is None
    assert json.loads(json.dumps(result)) == result


def test_composition_metrics_melody_override() -> None:
    result = composition_metrics(piece(MELODY, ALTO), melody_track=1)
    assert result["tracks"][1]["consonance_with_melody"] is None
    assert result["tracks"][0]["consonance_with_melody"] is not None
    with pytest.raises(CompositionError, match="melody track 2"):
        composition_metrics(piece(MELODY, ALTO), melody_track=2)
    with pytest.raises(CompositionError):
        track_metrics(piece(MELODY), 3)
