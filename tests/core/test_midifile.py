"""Reading and writing MIDI files: what DAWs write must come back as the notes musicians meant."""

import io
import struct
import time
from pathlib import Path

import mido
import pretty_midi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.core import Composition, Note, TempoChange, TimeSignature, Track
from deepcomposer_desktop.core.errors import CompositionError, OutputFileError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.midifile import (
    choose_melody_track,
    composition_to_bytes,
    composition_to_midi,
    read_midi,
    read_midi_bytes,
    write_midi,
)


def smf(tracks: list[bytes], *, fmt: int = 1, tpb: int = 480) -> bytes:
    """A Standard MIDI File from raw track event bytes (delta times included)."""
    data = b"MThd" + struct.pack(">LHHH", 6, fmt, len(tracks), tpb)
    for events in tracks:
        data += b"MTrk" + struct.pack(">L", len(events)) + events
    return data


END = b"\x00\xff\x2f\x00"


def name_event(name: str) -> bytes:
    return b"\x00\xff\x03" + bytes([len(name)]) + name.encode()


def piece() -> Composition:
    melody = Track(
        "melody",
        (Note(0.0, 72, 1.0, 90), Note(1.0, 72, 1.0, 80), Note(2.0, 76, 0.5), Note(2.5, 74, 1.5)),
        program=73,
        volume=110,
        pan=40,
    )
    bass = Track("bass", (Note(0.0, 36, 4.0), Note(0.0, 43, 2.0), Note(4.0, 38, 4.0)), program=33)
    drums = Track("drums", (Note(0.0, 36, 0.25), Note(1.0, 38, 0.25)), is_drum=True)
    return Composition(
        (melody, bass, drums),
        tempo_map=(TempoChange(0.0, 96.0), TempoChange(4.0, 140.0)),
        time_signatures=(TimeSignature(4, 4), TimeSignature(3, 4, 4.0)),
        ticks_per_beat=480,
        key=Key(7, "major"),
        title="Test piece",
    )


def test_round_trip_keeps_every_note_and_setting_exactly() -> None:
    original = piece()
    again = read_midi_bytes(composition_to_bytes(original))
    assert [t.notes for t in again.tracks] == [t.notes for t in original.tracks]
    assert [t.name for t in again.tracks] == ["melody", "bass", "drums"]
    assert [t.program for t in again.tracks] == [73, 33, 0]
    assert [t.is_drum for t in again.tracks] == [False, False, True]
    assert (again.tracks[0].volume, again.tracks[0].pan) == (110, 40)
    assert again.tempo_map == original.tempo_map
    assert again.time_signatures == original.time_signatures
    assert again.key == Key(7, "major", 1.0)
    assert again.title == "Test piece"
    assert again.melody_index == 0


def test_pretty_midi_reads_what_we_write(tmp_path: Path) -> None:
    path = tmp_path / "piece.mid"
    write_midi(piece(), path)
    pm = pretty_midi.PrettyMIDI(str(path))
    assert [i.name for i in pm.instruments] == ["melody", "bass", "drums"]
    assert [i.program for i in pm.instruments] == [73, 33, 0]
    assert [i.is_drum for i in pm.instruments] == [False, False, True]
    melody = [(round(n.start, 6), n.pitch, round(n.end, 6)) for n in pm.instruments[0].notes]
    beat = 60.0 / 96.0
    assert melody == [
        (0.0, 72, round(beat, 6)),
        (round(beat, 6), 72, round(2 * beat, 6)),
        (round(2 * beat, 6), 76, round(2.5 * beat, 6)),
        (round(2.5 * beat, 6), 74, round(4 * beat, 6)),
    ]
    times, tempi = pm.get_tempo_changes()
    assert list(tempi.round(3)) == [96.0, 140.0]
    assert times[1] == pytest.approx(4 * beat)
    assert [(ts.numerator, ts.denominator) for ts in pm.time_signature_changes] == [(4, 4), (3, 4)]
    assert pm.key_signature_changes[0].key_number == 7  # G major


def test_written_file_layout_is_what_daws_expect() -> None:
    midi = composition_to_midi(piece())
    assert midi.type == 1
    conductor, *parts = midi.tracks
    assert conductor.name == "Test piece"
    assert not [m for m in conductor if m.type.startswith("note")]
    assert {m.type for m in conductor} >= {"set_tempo", "time_signature", "key_signature"}
    channels = []
    for part in parts:
        assert part[-1].type == "end_of_track"
        assert part[0].type == "track_name"
        kinds = [m.type for m in part]
        assert kinds.index("program_change") < kinds.index("note_on")
        channels.append({m.channel for m in part if hasattr(m, "channel")})
    assert channels == [{0}, {1}, {9}]
    melody_controls = {(m.control, m.value) for m in parts[0] if m.type == "control_change"}
    assert melody_controls == {(7, 110), (10, 40)}


def test_every_note_on_has_a_note_off_and_restrikes_stay_separate() -> None:
    melody = Track("m", (Note(0.0, 60, 1.0), Note(1.0, 60, 1.0), Note(2.0, 60, 0.0001)))
    midi = composition_to_midi(Composition((melody,)))
    tick = 0
    timeline = []
    for message in midi.tracks[1]:
        tick += message.time
        if message.type in ("note_on", "note_off"):
            is_on = message.type == "note_on" and message.velocity > 0
            timeline.append((tick, "on" if is_on else "off"))
    assert timeline == [
        (0, "on"),
        (480, "off"),
        (480, "on"),
        (960, "off"),
        (960, "on"),
        (961, "off"),  # shorter than a tick still lasts one tick
    ]
    again = read_midi_bytes(composition_to_bytes(Composition((melody,))))
    assert [n.start_beat for n in again.tracks[0].notes] == [0.0, 1.0, 2.0]


def test_parts_keep_their_own_channels_and_skip_the_drum_channel() -> None:
    tracks = tuple(Track(f"p{i}", (Note(0.0, 60, 1.0),)) for i in range(12))
    tracks += (Track("kit", (Note(0.0, 36, 1.0),), is_drum=True),)
    midi = composition_to_midi(Composition(tracks))
    channels = [{m.channel for m in t if hasattr(m, "channel")} for t in midi.tracks[1:]]
    assert channels[:9] == [{c} for c in range(9)]
    assert channels[9:12] == [{10}, {11}, {12}]
    assert channels[12] == {9}


def test_type_0_file_is_split_into_one_track_per_channel() -> None:
    events = (
        name_event("Song")
        + b"\x00\xc0\x18"  # program 24 on channel 1
        + b"\x00\xc1\x20"  # program 32 on channel 2
        + b"\x00\x90\x48\x64"
        + b"\x00\x91\x30\x50"
        + b"\x00\x99\x24\x70"  # drums
        + b"\x83\x60\x80\x48\x00"  # 480 ticks later
        + b"\x00\x81\x30\x00"
        + b"\x00\x89\x24\x00"
        + END
    )
    composition = read_midi_bytes(smf([events], fmt=0))
    assert [(t.name, t.program, t.channel, t.is_drum) for t in composition.tracks] == [
        ("channel 1", 24, 0, False),
        ("channel 2", 32, 1, False),
        ("drums", 0, 9, True),
    ]
    assert composition.title == "Song"
    assert composition.tracks[0].notes == (Note(0.0, 72, 1.0, 100),)
    assert composition.tracks[1].notes == (Note(0.0, 48, 1.0, 80),)


def test_running_status_and_velocity_zero_note_off() -> None:
    # one status byte, then four note events reusing it; velocity 0 ends a note
    events = b"\x00\x90\x3c\x40" + b"\x60\x3c\x00" + b"\x00\x3e\x40" + b"\x60\x3e\x00" + END
    composition = read_midi_bytes(smf([events], tpb=96))
    assert composition.tracks[0].notes == (Note(0.0, 60, 1.0, 64), Note(1.0, 62, 1.0, 64))


def test_overlapping_same_pitch_notes_pair_first_in_first_out() -> None:
    events = (
        b"\x00\x90\x3c\x40"  # on at 0
        + b"\x60\x90\x3c\x50"  # on again at 96 while the first still sounds
        + b"\x60\x80\x3c\x00"  # off at 192 ends the first
        + b"\x60\x80\x3c\x00"  # off at 288 ends the second
        + END
    )
    notes = read_midi_bytes(smf([events], tpb=96)).tracks[0].notes
    assert notes == (Note(0.0, 60, 2.0, 64), Note(1.0, 60, 2.0, 80))


def test_zero_length_notes_are_dropped_and_unclosed_notes_kept() -> None:
    events = (
        b"\x00\x90\x3c\x40"
        + b"\x00\x80\x3c\x00"  # off at the same tick: the note never sounded
        + b"\x00\x90\x3c\x50"  # struck again at once: a real note
        + b"\x60\x80\x3c\x00"
        + b"\x00\x90\x40\x40"  # never closed: lasts to the end of the track
        + b"\x82\x20\xff\x2f\x00"  # end of track at tick 384
    )
    notes = read_midi_bytes(smf([events], tpb=96)).tracks[0].notes
    assert notes == (Note(0.0, 60, 1.0, 80), Note(1.0, 64, 3.0, 64))


@pytest.mark.parametrize("tpb", [1, 24, 96, 384, 960, 32767])
def test_any_ticks_per_beat_reads_in_beats(tpb: int) -> None:
    composition = Composition(
        (Track("m", (Note(0.0, 60, 1.0), Note(3.0, 62, 2.0))),), ticks_per_beat=tpb
    )
    again = read_midi_bytes(composition_to_bytes(composition))
    assert again.ticks_per_beat == tpb
    assert again.tracks[0].notes == composition.tracks[0].notes


def test_tempo_and_meter_changes_anywhere_in_the_file_are_read() -> None:
    tempo_100 = b"\x00\xff\x51\x03" + (600000).to_bytes(3, "big")
    tempo_150 = b"\x83\x60\xff\x51\x03" + (400000).to_bytes(3, "big")  # at beat 1
    meter = b"\x00\xff\x58\x04\x06\x03\x18\x08"  # 6/8
    conductor = tempo_100 + meter + tempo_150 + END
    part = name_event("Flute") + b"\x00\x90\x3c\x40\x83\x60\x80\x3c\x00" + END
    composition = read_midi_bytes(smf([conductor, part]))
    assert composition.tempo_map == (TempoChange(0.0, 100.0), TempoChange(1.0, 150.0))
    assert composition.time_signatures == (TimeSignature(6, 8),)
    assert composition.tracks[0].name == "Flute"


def test_missing_tempo_and_meter_default_to_120_and_4_4() -> None:
    composition = read_midi_bytes(smf([b"\x00\x90\x3c\x40\x60\x80\x3c\x00" + END]))
    assert composition.tempo_map == (TempoChange(0.0, 120.0),)
    assert composition.time_signatures == (TimeSignature(4, 4),)
    assert composition.key is None


@pytest.mark.parametrize(
    ("sharps", "minor", "key"),
    [(0, 0, Key(0)), (-3, 1, Key(0, "minor")), (2, 0, Key(2)), (4, 1, Key(1, "minor"))],
)
def test_key_signature_becomes_the_composition_key(sharps: int, minor: int, key: Key) -> None:
    key_event = b"\x00\xff\x59\x02" + bytes([sharps & 0xFF, minor])
    composition = read_midi_bytes(smf([key_event + b"\x00\x90\x3c\x40\x60\x80\x3c\x00" + END]))
    assert composition.key == key


def test_melody_is_found_by_name() -> None:
    tracks = (
        Track("Piano left", (Note(0.0, 80, 1.0),)),
        Track("Lead Vocal", (Note(0.0, 60, 1.0), Note(0.0, 64, 1.0))),
    )
    assert choose_melody_track(Composition(tracks)) == 1


def test_melody_is_the_highest_mostly_monophonic_part() -> None:
    chords = Track("pad", tuple(Note(float(b), p, 1.0) for b in range(4) for p in (79, 83, 86)))
    tune = Track("flute", tuple(Note(float(b), 72 + b, 1.0) for b in range(4)))
    low = Track("cello", tuple(Note(float(b), 48, 1.0) for b in range(4)))
    kit = Track("kit", (Note(0.0, 90, 1.0),), is_drum=True)
    assert choose_melody_track(Composition((low, chords, tune, kit))) == 2
    assert choose_melody_track(Composition((kit,))) is None


def test_caller_can_force_the_melody_track() -> None:
    data = composition_to_bytes(piece())
    assert read_midi_bytes(data, melody_track=1).melody_index == 1
    with pytest.raises(CompositionError, match="melody track 5 does not exist"):
        read_midi_bytes(data, melody_track=5)


def test_file_without_notes_reads_as_no_tracks() -> None:
    composition = read_midi_bytes(smf([name_event("Empty") + END]))
    assert composition.tracks == ()
    assert composition.melody_index is None


def test_mido_reads_what_we_write(tmp_path: Path) -> None:
    path = tmp_path / "x.mid"
    write_midi(piece(), path)
    midi = mido.MidiFile(path)
    assert len(midi.tracks) == 4
    assert read_midi(path).tracks == read_midi_bytes(path.read_bytes()).tracks


def test_write_to_an_unwritable_place_raises_output_file_error(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError, match="cannot write"):
        write_midi(piece(), tmp_path / "no" / "such" / "folder.mid")
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.mid"
    path.write_bytes(b"old")
    write_midi(piece(), path)
    assert read_midi(path).title == "Test piece"
    assert [p.name for p in tmp_path.iterdir()] == ["x.mid"]


def test_mido_resaving_our_file_changes_nothing() -> None:
    # mido re-encodes every message (with running status): an independent writer
    buffer = io.BytesIO()
    composition_to_midi(piece()).save(file=buffer)
    assert buffer.getvalue() != composition_to_bytes(piece())
    assert read_midi_bytes(buffer.getvalue()) == read_midi_bytes(composition_to_bytes(piece()))


def test_names_survive_in_utf8_and_latin1_names_are_read() -> None:
    composition = Composition((Track("Mélodie ♪ 旋律", (Note(0.0, 60, 1.0),)),), title="Thé")
    again = read_midi_bytes(composition_to_bytes(composition))
    assert (again.title, again.tracks[0].name) == ("Thé", "Mélodie ♪ 旋律")
    latin1 = b"\x00\xff\x03\x04Th\xe9e" + b"\x00\x90\x3c\x40\x60\x80\x3c\x00" + END
    assert read_midi_bytes(smf([latin1], fmt=0)).title == "Thée"


def test_tempo_too_slow_for_the_file_format_is_written_as_the_slowest_possible() -> None:
    composition = Composition(
        (Track("m", (Note(0.0, 60, 1.0),)),), tempo_map=(TempoChange(0, 2.0),)
    )
    assert read_midi_bytes(composition_to_bytes(composition)).tempo_bpm == pytest.approx(3.576)


def test_a_big_export_is_quick() -> None:
    notes = tuple(Note(i / 4, 40 + i % 50, 0.25) for i in range(20000))
    began = time.perf_counter()
    data = composition_to_bytes(Composition((Track("m", notes),)))
    assert time.perf_counter() - began < 5.0  # 0.16 s here; through mido messages it was ~2 s
    assert read_midi_bytes(data).tracks[0].notes == notes


@st.composite
def compositions(draw: st.DrawFn) -> Composition:
    """Random pieces on the tick grid whose same-pitch overlaps end in the order they start."""
    tpb = draw(st.sampled_from([24, 96, 480, 960]))
    tracks = []
    for number in range(draw(st.integers(1, 4))):
        spans: list[tuple[int, int, int, int]] = []
        for _ in range(draw(st.integers(0, 25))):
            start = draw(st.integers(0, 40 * tpb))
            spans.append((start, draw(st.integers(0, 127)), draw(st.integers(1, 4 * tpb)), 0))
        last_end: dict[int, int] = {}
        notes = []
        for start, pitch, length, _ in sorted(spans):
            end = max(start + length, last_end.get(pitch, 0))  # FIFO-consistent
            last_end[pitch] = end
            velocity = draw(st.integers(1, 127))
            notes.append(Note(start / tpb, pitch, (end - start) / tpb, velocity))
        tracks.append(
            Track(
                f"part {number}",
                tuple(notes),
                program=draw(st.integers(0, 127)),
                is_drum=draw(st.booleans()),
            )
        )
    return Composition(tuple(tracks), ticks_per_beat=tpb)


@settings(max_examples=60, deadline=None)
@given(compositions())
def test_any_composition_survives_write_and_read(composition: Composition) -> None:
    again = read_midi_bytes(composition_to_bytes(composition))
    kept = [t for t in composition.tracks if t.notes]  # silent parts are not written as parts
    assert [t.notes for t in again.tracks] == [t.notes for t in kept]
    assert [(t.name, t.program, t.is_drum) for t in again.tracks] == [
        (t.name, t.program, t.is_drum) for t in kept
    ]
    assert again.ticks_per_beat == composition.ticks_per_beat


def test_nested_same_pitch_notes_keep_their_starts_and_ends() -> None:
    # a short note inside a long one of the same pitch: MIDI cannot say which off is whose
    track = Track("m", (Note(0.0, 60, 4.0), Note(1.0, 60, 1.0)))
    again = read_midi_bytes(composition_to_bytes(Composition((track,)))).tracks[0].notes
    assert [n.start_beat for n in again] == [0.0, 1.0]
    assert sorted(n.end_beat for n in again) == [2.0, 4.0]


def test_we_read_what_pretty_midi_writes(tmp_path: Path) -> None:
    pm = pretty_midi.PrettyMIDI(initial_tempo=100.0)
    piano = pretty_midi.Instrument(program=0, name="Right Hand")
    cello = pretty_midi.Instrument(program=42, name="Cello")
    kit = pretty_midi.Instrument(program=0, is_drum=True, name="Kit")
    beat = 0.6  # seconds at 100 BPM
    piano.notes += [pretty_midi.Note(90, 72, 0.0, beat), pretty_midi.Note(90, 72, beat, 2 * beat)]
    cello.notes += [pretty_midi.Note(70, 48, 0.0, 4 * beat)]
    kit.notes += [pretty_midi.Note(100, 38, beat, 1.5 * beat)]
    pm.instruments += [cello, piano, kit]
    path = tmp_path / "pm.mid"
    pm.write(str(path))
    composition = read_midi(path)
    assert composition.tempo_bpm == 100.0
    by_name = {t.name: t for t in composition.tracks}
    assert set(by_name) == {"Right Hand", "Cello", "Kit"}
    assert by_name["Right Hand"].notes == (Note(0.0, 72, 1.0, 90), Note(1.0, 72, 1.0, 90))
    assert by_name["Cello"].notes == (Note(0.0, 48, 4.0, 70),)
    assert by_name["Cello"].program == 42
    assert by_name["Kit"].is_drum and by_name["Kit"].notes == (Note(1.0, 38, 0.5, 100),)
    assert composition.tracks[composition.melody_index].name == "Right Hand"


def test_pretty_midi_sees_restruck_notes_as_two(tmp_path: Path) -> None:
    path = tmp_path / "restrike.mid"
    write_midi(Composition((Track("m", (Note(0.0, 60, 1.0), Note(1.0, 60, 1.0))),)), path)
    notes = pretty_midi.PrettyMIDI(str(path)).instruments[0].notes
    assert [(n.start, n.end) for n in notes] == [(0.0, 0.5), (0.5, 1.0)]
