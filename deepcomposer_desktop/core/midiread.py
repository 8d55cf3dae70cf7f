"""A strict, bounded Standard MIDI File parser: bytes in, plain event lists out.

Why not ``mido.MidiFile``: mido trusts the header (a file claiming 10^6 tracks loops that
long), lets an event run past its chunk into the next one, and raises a zoo of exception types
(``OSError``, ``EOFError``, ``KeyError``, ``IndexError``, ...) on broken data. Here every size
is checked against the bytes actually present before it is used, the work is capped, and the
only exception that escapes is ``MidiFileError`` with a one-line message. Building notes and
tracks from these events is ``midibuild``'s job.
"""

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from deepcomposer_desktop.core.errors import MidiFileError

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TRACKS = 1024
MAX_EVENTS = 2_000_000  # bounds parse time (a few seconds) for files full of tiny events
MAX_NOTES = 500_000  # bounds memory: about 300 bytes per note while loading

# Data bytes after a channel status, by the status's high nibble (0x8-0xE).
_CHANNEL_DATA_BYTES = {0x8: 2, 0x9: 2, 0xA: 2, 0xB: 2, 0xC: 1, 0xD: 1, 0xE: 2}

META_END_OF_TRACK = 0x2F
META_TRACK_NAME = 0x03
META_TEMPO = 0x51
META_TIME_SIGNATURE = 0x58
META_KEY_SIGNATURE = 0x59

_Fail = Callable[[str], MidiFileError]


@dataclass(slots=True)
class RawTrack:
    """The events of one MTrk chunk that we use, each tagged with its absolute tick.

    ``notes``: (tick, channel, pitch, velocity) with velocity 0 meaning note-off, in file order.
    ``programs``/``controls``: (tick, channel, value) and (tick, channel, controller, value).
    ``end_tick``: the tick of the last event (end-of-track included).
    """

    name: str = ""
    notes: list[tuple[int, int, int, int]] = field(default_factory=list)
    programs: list[tuple[int, int, int]] = field(default_factory=list)
    controls: list[tuple[int, int, int, int]] = field(default_factory=list)
    tempos: list[tuple[int, int]] = field(default_factory=list)  # (tick, microseconds/beat)
    time_signatures: list[tuple[int, int, int]] = field(default_factory=list)  # numerator, 2^d
    key_signatures: list[tuple[int, int, int]] = field(default_factory=list)  # sharps, minor
    end_tick: int = 0


@dataclass(slots=True)
class RawMidi:
    format: int
    ticks_per_beat: int
    tracks: list[RawTrack]


def parse_smf(data: bytes) -> RawMidi:
    """Parse a whole Standard MIDI File held in memory; raise ``MidiFileError`` if it is bad."""
    if not data:
        raise MidiFileError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise MidiFileError(
            f"the file is {len(data) / 2**20:.0f} MB; MIDI files over "
            f"{MAX_FILE_BYTES // 2**20} MB are not supported"
        )
    if len(data) < 14 or data[:4] != b"MThd":
        if data[:4] == b"RIFF":
            raise MidiFileError("RIFF MIDI (.rmi) files are not supported; export a plain .mid")
        raise MidiFileError("not a MIDI file (it does not start with an MThd header)")
    header_size = struct.unpack_from(">L", data, 4)[0]
    if header_size < 6 or 8 + header_size > len(data):
        raise MidiFileError(f"the MIDI header is broken (it claims {header_size} bytes)")
    fmt, declared_tracks, division = struct.unpack_from(">HHH", data, 8)
    if fmt > 2:
        raise MidiFileError(f"unknown MIDI file format {fmt} (only 0, 1 and 2 exist)")
    if division & 0x8000:
        raise MidiFileError("SMPTE time division is not supported; only ticks per beat")
    if division == 0:
        raise MidiFileError("the MIDI header gives zero ticks per beat")
    if declared_tracks == 0:
        raise MidiFileError("the MIDI header says the file has no tracks")
    if declared_tracks > MAX_TRACKS:
        raise MidiFileError(
            f"the MIDI header claims {declared_tracks} tracks; at most {MAX_TRACKS} are supported"
        )
    tracks: list[RawTrack] = []
    budget = _Budget()
    pos = 8 + header_size
    while len(tracks) < declared_tracks:
        if pos + 8 > len(data):
            raise MidiFileError(
                f"the file is truncated: the header promises {declared_tracks} tracks "
                f"but it ends after {len(tracks)}"
            )
        chunk_id = data[pos : pos + 4]
        size = struct.unpack_from(">L", data, pos + 4)[0]
        start = pos + 8
        if start + size > len(data):
            raise MidiFileError(
                f"the file is truncated: track {len(tracks) + 1} needs {size} bytes "
                f"but only {len(data) - start} remain"
            )
        if chunk_id == b"MTrk":
            tracks.append(_parse_track(data, start, start + size, len(tracks) + 1, budget))
        elif not all(32 <= b < 127 for b in chunk_id):
            raise MidiFileError(f"garbage instead of a track chunk at byte {pos}")
        pos = start + size
    return RawMidi(fmt, division, tracks)


@dataclass(slots=True)
class _Budget:
    events: int = 0
    notes: int = 0


def _parse_track(data: bytes, pos: int, end: int, number: int, budget: _Budget) -> RawTrack:
    """Read one MTrk chunk's bytes ``data[pos:end]``; events may not run past ``end``."""
    track = RawTrack()
    notes, programs, controls = track.notes, track.programs, track.controls
    tick = 0
    running = 0  # last channel status byte, 0 = none yet
    events = 0
    event_limit = MAX_EVENTS - budget.events
    note_limit = 2 * MAX_NOTES - budget.notes  # note-ons and note-offs

    def fail(what: str) -> MidiFileError:
        return MidiFileError(f"track {number}: {what} at byte {pos}")

    while pos < end:
        # delta time: a variable-length number of at most 4 bytes
        delta = 0
        for _ in range(4):
            if pos >= end:
                raise fail("the track ends inside a delta time")
            byte = data[pos]
            pos += 1
            delta = (delta << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        else:
            raise fail("a delta time is longer than 4 bytes")
        tick += delta
        if pos >= end:
            raise fail("the track ends after a delta time")
        events += 1
        if events > event_limit:
            raise MidiFileError(f"the file has more than {MAX_EVENTS} events; too large to load")
        status = data[pos]
        if status < 0x80:
            if not running:
                raise fail("running status without a preceding status byte")
            status = running
        else:
            pos += 1
        if status < 0xF0:
            running = status
            size = _CHANNEL_DATA_BYTES[status >> 4]
            if pos + size > end:
                raise fail("the track ends inside an event")
            first = data[pos]
            second = data[pos + 1] if size == 2 else 0
            if first > 127 or second > 127:
                raise fail(f"data byte {max(first, second)} is above 127")
            pos += size
            kind = status >> 4
            channel = status & 0x0F
            if kind == 0x9 or kind == 0x8:
                notes.append((tick, channel, first, second if kind == 0x9 else 0))
                if len(notes) > note_limit:
                    raise MidiFileError(
                        f"the file has more than {MAX_NOTES} notes; too large to load"
                    )
            elif kind == 0xC:
                programs.append((tick, channel, first))
            elif kind == 0xB:
                controls.append((tick, channel, first, second))
        elif status == 0xFF or status in (0xF0, 0xF7):
            meta_type = -1
            if status == 0xFF:
                if pos >= end:
                    raise fail("the track ends inside a meta event")
                meta_type = data[pos]
                pos += 1
            length, pos = _read_length(data, pos, end, fail)
            if pos + length > end:
                raise fail(f"an event of {length} bytes runs past the end of the track")
            payload = data[pos : pos + length]
            pos += length
            if meta_type == META_END_OF_TRACK:
                break
            if meta_type >= 0:
                _read_meta(track, meta_type, payload, tick)
        else:
            raise fail(f"status byte 0x{status:02X} is not allowed in a MIDI file")
    track.end_tick = tick
    budget.events += events
    budget.notes += len(notes)
    return track


def _read_length(data: bytes, pos: int, end: int, fail: _Fail) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        if pos >= end:
            raise fail("the track ends inside a length")
        byte = data[pos]
        pos += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos
    raise fail("a length is longer than 4 bytes")


def _read_meta(track: RawTrack, meta_type: int, payload: bytes, tick: int) -> None:
    """Keep the meta events we use; malformed ones are skipped, as DAWs do."""
    if meta_type == META_TRACK_NAME:
        if not track.name:
            track.name = _text(payload).replace("\x00", "").strip()[:200]
    elif meta_type == META_TEMPO and len(payload) == 3:
        microseconds = (payload[0] << 16) | (payload[1] << 8) | payload[2]
        if microseconds > 0:
            track.tempos.append((tick, microseconds))
    elif meta_type == META_TIME_SIGNATURE and len(payload) >= 2:
        track.time_signatures.append((tick, payload[0], payload[1]))
    elif meta_type == META_KEY_SIGNATURE and len(payload) == 2:
        sharps = payload[0] - 256 if payload[0] > 127 else payload[0]
        track.key_signatures.append((tick, sharps, payload[1]))


def _text(payload: bytes) -> str:
    """Meta text: UTF-8 (what we and most current tools write), else Latin-1 (older files)."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")
