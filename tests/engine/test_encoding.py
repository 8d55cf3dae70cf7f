"""The engine's grid encoding and decoding: onsets, bar lines, whole bars, note lengths."""

import numpy as np

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.engine.encoding import (
    bar_start_flags,
    decode_voice,
    encode_notes,
    steps_for,
)

GRID = {"steps_per_beat": 2, "low_pitch": 28, "n_pitches": 64}
REST = 64


def test_re_struck_notes_survive_the_round_trip() -> None:
    notes = [Note(0.0, 60, 1.0), Note(1.0, 60, 0.5), Note(2.0, 62, 2.0)]
    classes, onsets = encode_notes(notes, 8, **GRID)
    bars = bar_start_flags(Composition(tracks=(Track("m", tuple(notes)),)), 8, 2)
    decoded = decode_voice(classes, onsets, transpose=0, bar_start=bars, **GRID)
    assert [(n.start_beat, n.pitch, n.duration_beats) for n in decoded] == [
        (0.0, 60, 1.0),
        (1.0, 60, 0.5),
        (2.0, 62, 2.0),
    ]
    assert decoded[0].velocity > decoded[1].velocity  # the downbeat is accented


def test_transpose_and_octave_folding() -> None:
    shifted, _ = encode_notes([Note(0.0, 100, 1.0)], 2, transpose=-12, **GRID)
    folded, _ = encode_notes([Note(0.0, 100, 1.0)], 2, **GRID)  # above MIDI 91: folds down
    assert shifted[0] == folded[0] == 88 - 28
    out = decode_voice(
        np.array([10, 10], dtype=np.int16),
        np.array([True, False]),
        transpose=12,
        bar_start=np.array([True, False]),
        **GRID,
    )
    assert out[0].pitch == 28 + 10 + 12


def test_meter_changes_move_the_bar_lines() -> None:
    comp = Composition(
        tracks=(Track("m", (Note(0.0, 60, 11.0),)),),
        time_signatures=(TimeSignature(4, 4, 0.0), TimeSignature(3, 4, 4.0)),
    )
    n = steps_for(comp, 11.0, 2)
    assert n == 26  # 4 + 3 + 3 + 3 beats: whole bars covering beat 11
    assert np.flatnonzero(bar_start_flags(comp, n, 2)).tolist() == [0, 8, 14, 20]


def test_rests_make_no_notes_and_unquantized_starts_land_on_the_grid() -> None:
    classes, onsets = encode_notes([Note(0.52, 67, 0.9)], 4, **GRID)
    assert classes.tolist() == [REST, 39, 39, REST]
    assert onsets.tolist() == [False, True, False, False]
