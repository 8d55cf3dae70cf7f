"""Dataset arrays: encoding with onsets, splits without repeated tunes, key augmentation."""

from pathlib import Path

import numpy as np
import pytest

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.dataset import (
    LOW_PITCH,
    REST,
    build_dataset,
    encode_composition,
    encode_notes,
    load_dataset,
    parse_track_map,
    save_dataset,
)


def test_re_struck_notes_keep_their_onsets() -> None:
    notes = [Note(0.0, 60, 1.0), Note(1.0, 60, 1.0), Note(3.0, 62, 0.5)]
    pitch, onset = encode_notes(notes, 8)
    assert pitch.tolist() == [60 - LOW_PITCH] * 4 + [REST, REST, 62 - LOW_PITCH, REST]
    assert onset.tolist() == [True, False, True, False, False, False, True, False]


def test_sixteenth_pickup_inside_a_step_is_not_lost() -> None:
    pitch, onset = encode_notes([Note(0.25, 67, 0.25), Note(0.5, 69, 0.5)], 2)
    assert pitch.tolist() == [67 - LOW_PITCH, 69 - LOW_PITCH]
    assert onset.tolist() == [True, True]


def test_bar_starts_follow_the_meter() -> None:
    comp = Composition(
        tracks=(Track("m", (Note(0.0, 60, 9.0),)),),
        time_signatures=(TimeSignature(3, 4, 0.0),),
    )
    encoded = encode_composition(comp, (0,))
    assert np.flatnonzero(encoded["bar_start"]).tolist() == [0, 6, 12]


def piece(soprano: list[int], shift: int = 0) -> dict:
    voices = [soprano, [p - 5 for p in soprano], [p - 12 for p in soprano], [48] * len(soprano)]
    tracks = tuple(
        Track(name, tuple(Note(float(i), p + shift, 1.0) for i, p in enumerate(line)))
        for name, line in zip(("s", "a", "t", "b"), voices, strict=True)
    )
    return encode_composition(Composition(tracks=tracks), (0, 1, 2, 3))


def test_repeated_tunes_never_sit_on_both_sides_of_a_split() -> None:
    tune = [67, 69, 71, 72, 71, 69, 67, 65]
    others = [[60 + (i * k) % 12 for i in range(8)] for k in range(1, 9)]
    pieces = [piece(tune), piece(tune, shift=2)] + [piece(o) for o in others]
    data = build_dataset(pieces, val_fraction=0.5, seed=3)
    sigs = {}
    for index in range(data.n_pieces):
        pitch, _, _ = data.piece(index)
        line = [int(p) for i, p in enumerate(pitch[:, 0]) if i == 0 or p != pitch[i - 1, 0]]
        sig = tuple(np.diff(line).tolist())
        sigs.setdefault(sig, set()).add(int(data.split[index]))
    assert all(len(splits) == 1 for splits in sigs.values())


def test_tunes_of_the_test_set_are_dropped_from_training() -> None:
    tune = [67, 69, 71, 72, 71, 69, 67, 65]
    test_sig = tuple(np.diff([t - LOW_PITCH for t in tune]).tolist())
    pieces = [piece(tune, shift=5)] + [piece([60, 62, 64, 65, 67, 69, 71, 72])] * 3
    data = build_dataset(pieces, val_fraction=0.0, test_signatures={test_sig})
    assert data.meta["dropped_repeating_test_melody"] == 1


def test_transpositions_keep_every_voice_in_its_range() -> None:
    pieces = [piece([60 + i % 12 for i in range(8)]), piece([72, 74, 76, 77, 79, 81, 79, 77])]
    data = build_dataset(pieces, val_fraction=0.0)
    assert data.shifts[:, 6].all()  # no transposition is always allowed
    assert not data.shifts[1, -1]  # the high tune cannot go up 5 semitones beyond its range


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    data = build_dataset([piece([60, 62, 64, 65])] * 3, val_fraction=0.34)
    save_dataset(data, tmp_path / "d.npz")
    again = load_dataset(tmp_path / "d.npz")
    assert np.array_equal(again.pitch, data.pitch) and again.meta == data.meta


def test_loading_garbage_is_a_dataset_error(tmp_path: Path) -> None:
    (tmp_path / "bad.npz").write_bytes(b"nope")
    with pytest.raises(DatasetError):
        load_dataset(tmp_path / "bad.npz")
    with pytest.raises(DatasetError, match="prepare-data"):
        load_dataset(tmp_path / "missing.npz")


def test_track_map_text() -> None:
    assert parse_track_map("Violin=alto, 2=tenor") == {"Violin": "alto", "2": "tenor"}
    assert parse_track_map(None) is None
    with pytest.raises(DatasetError, match="SOURCE=TARGET"):
        parse_track_map("alto")
