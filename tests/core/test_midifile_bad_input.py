"""Broken, hostile and absurd files: one clear MidiFileError, fast, with bounded memory."""

import os
import struct
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.core import Composition, Note, TempoChange, Track
from deepcomposer_desktop.core.errors import MidiFileError
from deepcomposer_desktop.core.midifile import composition_to_bytes, read_midi, read_midi_bytes


def header(fmt: int = 1, tracks: int = 1, division: int = 480) -> bytes:
    return b"MThd" + struct.pack(">LHHH", 6, fmt, tracks, division)


def chunk(events: bytes, size: int | None = None) -> bytes:
    return b"MTrk" + struct.pack(">L", len(events) if size is None else size) + events


NOTE = b"\x00\x90\x3c\x40\x60\x80\x3c\x00"
END = b"\x00\xff\x2f\x00"


def real_file() -> bytes:
    melody = Track("melody", tuple(Note(float(i), 60 + i % 12, 1.0) for i in range(16)))
    bass = Track("bass", tuple(Note(float(2 * i), 36 + i, 2.0) for i in range(8)), program=33)
    drums = Track("drums", (Note(0.0, 36, 0.5), Note(1.0, 38, 0.5)), is_drum=True)
    return composition_to_bytes(
        Composition(
            (melody, bass, drums), tempo_map=(TempoChange(0, 90), TempoChange(8, 120)), title="T"
        )
    )


REAL = real_file()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"MThd", "not a MIDI file"),
        (b"hello, this is not a MIDI file at all", "not a MIDI file"),
        (b"RIFF" + bytes(20), "RIFF"),
        (REAL[:10], "not a MIDI file"),
        (REAL[:20], "truncated"),
        (REAL[:100], "truncated"),
        (REAL[:-1], "truncated"),
        (header(tracks=1_000_000 % 65536) + chunk(NOTE + END), "claims 16960 tracks"),
        (header(tracks=65535) + chunk(NOTE + END), "at most 1024"),
        (header(tracks=0), "no tracks"),
        (header(division=0) + chunk(NOTE + END), "zero ticks per beat"),
        (header(division=0xE728) + chunk(NOTE + END), "SMPTE"),
        (header(fmt=7) + chunk(NOTE + END), "format 7"),
        (b"MThd" + struct.pack(">L", 2**31) + bytes(6), "header is broken"),
        (header() + chunk(NOTE + END, size=2**32 - 1), "truncated"),
        (header() + chunk(b"\x00\x90\x3c\xc8" + END), "data byte 200 is above 127"),
        (header() + chunk(b"\x00\x90\xbc\x40" + END), "above 127"),
        (header() + chunk(b"\x00\x3c\x40" + END), "running status without"),
        (header() + chunk(b"\x00\xf3\x01" + END), "0xF3 is not allowed"),
        (header() + chunk(b"\x00\xff\x01\x8f\xff\xff\xff\x7f" + END), "longer than 4 bytes"),
        (header() + chunk(b"\x00\xff\x01\x8f\xff\xff\x7f" + END), "runs past the end"),
        (header() + chunk(b"\x00\xf0\x8f\xff\xff\x7f\x01" + END), "runs past the end"),
        (header() + chunk(b"\xff\xff\xff\xff\x00" + END), "delta time is longer"),
        (header() + chunk(b"\x00\x90\x3c"), "ends inside an event"),
        (header(tracks=2) + chunk(NOTE + END), "ends after 1"),
        (header() + b"\x00\x01\x02\x03" + bytes(4), "garbage"),
        # a note-off 2^27 ticks (more than 65536 beats) after its note-on
        (
            header(division=1) + chunk(b"\x00\x90\x3c\x40\xbf\xff\xff\x7f\x80\x3c\x00" + END),
            "beats",
        ),
    ],
)
def test_bad_input_raises_one_line_midi_file_error(data: bytes, message: str) -> None:
    with pytest.raises(MidiFileError) as caught:
        read_midi_bytes(data)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_alien_chunks_are_skipped() -> None:
    data = header() + b"XFIH" + struct.pack(">L", 3) + b"abc" + chunk(NOTE + END)
    assert len(read_midi_bytes(data).tracks) == 1


def test_bad_meta_events_are_skipped_like_daws_do() -> None:
    bad_meta = (
        b"\x00\xff\x51\x02\x07\xa1"  # tempo of two bytes
        + b"\x00\xff\x51\x03\x00\x00\x00"  # tempo of zero microseconds
        + b"\x00\xff\x58\x04\x00\x02\x18\x08"  # 0/4 time
        + b"\x00\xff\x58\x04\x04\x09\x18\x08"  # 4/512 time
        + b"\x00\xff\x59\x02\x0c\x00"  # 12 sharps
        + b"\x00\xff\x59\x02\x00\x05"  # mode 5
    )
    composition = read_midi_bytes(header() + chunk(bad_meta + NOTE + END))
    assert composition.tempo_bpm == 120.0
    assert str(composition.time_signature) == "4/4"
    assert composition.key is None
    assert len(composition.tracks[0].notes) == 1


def test_missing_file_folder_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(MidiFileError, match="does not exist"):
        read_midi(tmp_path / "nothing.mid")
    with pytest.raises(MidiFileError, match="folder"):
        read_midi(tmp_path)
    fifo = tmp_path / "pipe.mid"
    os.mkfifo(fifo)
    with pytest.raises(MidiFileError, match="not a regular file"):
        read_midi(fifo)
    empty = tmp_path / "empty.mid"
    empty.write_bytes(b"")
    with pytest.raises(MidiFileError, match=r"empty\.mid: the file is empty"):
        read_midi(empty)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.mid"
    with big.open("wb") as file:
        file.truncate(65 * 1024 * 1024)  # sparse: no disk space used
    with pytest.raises(MidiFileError, match="65 MB"):
        read_midi(big)


def test_millions_of_claimed_tracks_cost_no_time_or_memory() -> None:
    tracemalloc.start()
    began = time.perf_counter()
    for claimed in (1024, 20000, 65535):
        with pytest.raises(MidiFileError):
            read_midi_bytes(header(tracks=claimed) + chunk(NOTE + END))
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 1_000_000


def test_giant_sysex_length_claim_is_rejected_without_allocating() -> None:
    tracemalloc.start()
    with pytest.raises(MidiFileError):
        read_midi_bytes(header() + chunk(b"\x00\xf0\xff\xff\xff\x7f" + bytes(100)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000


def _read_only_midi_file_error(data: bytes) -> None:
    try:
        read_midi_bytes(data)
    except MidiFileError as err:
        assert str(err) and "\n" not in str(err)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_midi_file_error(data: bytes) -> None:
    _read_only_midi_file_error(data)


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_after_a_valid_header_raise_only_midi_file_error(data: bytes) -> None:
    _read_only_midi_file_error(header(tracks=2) + chunk(data) + chunk(data[::-1]))


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["flip", "set", "insert", "delete"]),
            st.integers(0, len(REAL) - 1),
            st.integers(0, 255),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_mutated_real_files_raise_only_midi_file_error(
    edits: list[tuple[str, int, int]],
) -> None:
    data = bytearray(REAL)
    for kind, where, value in edits:
        where %= max(len(data), 1)
        if kind == "flip":
            data[where] ^= 1 << (value % 8)
        elif kind == "set":
            data[where] = value
        elif kind == "insert":
            data.insert(where, value)
        elif data:
            del data[where]
    _read_only_midi_file_error(bytes(data))


@FUZZ
@given(st.integers(0, len(REAL)))
def test_every_truncation_of_a_real_file_raises_only_midi_file_error(length: int) -> None:
    if length == len(REAL):
        assert len(read_midi_bytes(REAL).tracks) == 3
    else:
        with pytest.raises(MidiFileError):
            read_midi_bytes(REAL[:length])


def test_too_many_notes_or_events_stop_the_parse_early(monkeypatch: pytest.MonkeyPatch) -> None:
    from deepcomposer_desktop.core import midiread

    monkeypatch.setattr(midiread, "MAX_NOTES", 100)
    monkeypatch.setattr(midiread, "MAX_EVENTS", 1000)
    notes = b"\x00\x90" + b"\x3c\x40\x01\x3c\x00\x01" * 101 + b"\x3c\x00" + END
    with pytest.raises(MidiFileError, match="more than 100 notes"):
        read_midi_bytes(header() + chunk(notes))
    controls = b"\x00\xb0" + b"\x07\x40\x00" * 1001 + b"\x07\x40" + END
    with pytest.raises(MidiFileError, match="more than 1000 events"):
        read_midi_bytes(header() + chunk(controls))
    # the budget is shared by all tracks
    half = b"\x00\x90" + b"\x3c\x40\x01\x3c\x00\x01" * 60 + b"\x3c\x00" + END
    with pytest.raises(MidiFileError, match="more than 100 notes"):
        read_midi_bytes(header(tracks=2) + chunk(half) + chunk(half))
    assert len(read_midi_bytes(header() + chunk(half)).tracks[0].notes) == 60


def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


channel_event = st.tuples(
    st.sampled_from([0x80, 0x90, 0x90, 0x90, 0xB0, 0xC0, 0xE0]),
    st.integers(0, 15),
    st.integers(0, 127),
    st.integers(0, 127),
)
meta_event = st.tuples(st.sampled_from([0x03, 0x51, 0x58, 0x59, 0x01, 0x7F]), st.binary(max_size=6))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 2000), st.one_of(channel_event, meta_event)), max_size=60
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([0, 1, 2]),
    st.integers(8, 2000),  # 60 deltas of 2000 ticks stay under MAX_BEATS
)
def test_well_formed_event_streams_lose_no_notes(
    tracks: list[list[tuple[int, tuple[int, ...] | tuple[int, bytes]]]], fmt: int, tpb: int
) -> None:
    """Every note-on becomes exactly one note unless a note-off ends it at its own tick."""
    chunks = b""
    expected = 0
    for events in tracks:
        body = b""
        tick = 0
        waiting: dict[tuple[int, int], list[int]] = {}  # (channel, pitch) -> start ticks, FIFO
        for delta, event in events:
            body += _varlen(delta)
            tick += delta
            if len(event) == 4:
                status, channel, first, second = event  # type: ignore[misc]
                starts = waiting.setdefault((channel, first), [])
                if status == 0x90 and second > 0:
                    starts.append(tick)
                elif status in (0x80, 0x90) and starts:
                    expected += starts.pop(0) < tick
                data = bytes([first]) if status == 0xC0 else bytes([first, second])
                body += bytes([status | channel]) + data
            else:
                kind, payload = event  # type: ignore[misc]
                body += bytes([0xFF, kind]) + _varlen(len(payload)) + payload
        chunks += chunk(body + END)
        expected += sum(len(starts) for starts in waiting.values())  # unclosed: kept
    composition = read_midi_bytes(header(fmt=fmt, tracks=len(tracks), division=tpb) + chunks)
    assert sum(len(t.notes) for t in composition.tracks) == expected
    assert composition.ticks_per_beat == tpb
