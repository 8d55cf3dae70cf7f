"""Encode a composition as a type-1 Standard MIDI File that DAWs open as is.

Layout: track 0 is the conductor (title as track name, time signatures, key signature, tempo
map); then one track per part with its name, program change, volume (CC7) and pan (CC10) on
its own channel, then its notes, then end-of-track. Drums always use channel 10 (index 9) and
no other part does. Parts keep their ``channel`` when it is free; the rest take the lowest free
channel, and only a file with more than 15 pitched parts shares channels (round robin).

At equal ticks note-offs are written before note-ons, so a note struck again right where the
previous one ends stays two notes; every note-on has its note-off, at least one tick later.
Same-pitch notes that overlap are written as they are; a first-in-first-out reader (ours) gets
them back exactly as long as the earlier one also ends first, which holds for every file read.

We encode the bytes ourselves rather than through ``mido.Message`` objects: mido validates
every message on construction, which made a 200 000-note export take over 20 seconds here.
Names are UTF-8, which current DAWs display correctly (ASCII is unchanged).
"""

import struct

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.track import DRUM_CHANNEL, Track
from deepcomposer_desktop.core.units import beats_to_ticks, bpm_to_microseconds_per_beat

MAX_MICROSECONDS_PER_BEAT = 0xFFFFFF  # 3 bytes: tempi below ~3.6 BPM are written as 3.6
_Event = tuple[int, int, bytes]  # absolute tick, order at equal ticks, event bytes


def composition_to_smf(composition: Composition) -> bytes:
    """The composition as the bytes of a type-1 MIDI file (layout: module docstring)."""
    tpb = composition.ticks_per_beat
    chunks = [_chunk(_conductor(composition))]
    for track, channel in zip(composition.tracks, assign_channels(composition.tracks), strict=True):
        chunks.append(_chunk(_part(track, channel, tpb)))
    header = b"MThd" + struct.pack(">LHHH", 6, 1, len(chunks), tpb)
    return header + b"".join(chunks)


def assign_channels(tracks: tuple[Track, ...]) -> list[int]:
    """A MIDI channel (0-15) per track: drums on 9, others on their own channel if possible."""
    result: list[int | None] = [DRUM_CHANNEL if t.is_drum else None for t in tracks]
    used: set[int] = set()
    for i, track in enumerate(tracks):
        wanted = track.channel
        if not track.is_drum and wanted is not None and wanted not in (DRUM_CHANNEL, *used):
            result[i] = wanted
            used.add(wanted)
    free = [c for c in range(16) if c != DRUM_CHANNEL and c not in used]
    shared = [c for c in range(16) if c != DRUM_CHANNEL]
    extra = 0
    for i, channel in enumerate(result):
        if channel is None:
            if free:
                result[i] = free.pop(0)
            else:
                result[i] = shared[extra % len(shared)]
                extra += 1
    return [c if c is not None else 0 for c in result]


def _meta(kind: int, data: bytes) -> bytes:
    return bytes((0xFF, kind)) + _varlen(len(data)) + data


def _varlen(value: int) -> bytes:
    """A MIDI variable-length number: 7 bits per byte, most significant first."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _conductor(composition: Composition) -> list[_Event]:
    tpb = composition.ticks_per_beat
    events: list[_Event] = []
    if composition.title:
        events.append((0, 0, _meta(0x03, composition.title.encode("utf-8"))))
    for meter in composition.time_signatures:
        power = meter.denominator.bit_length() - 1
        clocks = 96 // meter.denominator  # MIDI clocks per metronome click: one beat unit...
        if meter.denominator >= 8 and meter.numerator % 3 == 0 and meter.numerator > 3:
            clocks *= 3  # ...or a dotted one in compound meters (6/8, 9/8, 12/8)
        data = bytes((meter.numerator, power, max(min(clocks, 255), 1), 8))
        events.append((beats_to_ticks(meter.start_beat, tpb), 1, _meta(0x58, data)))
    if isinstance(composition.key, Key):
        key = composition.key
        relative_major = key.tonic if key.mode == "major" else (key.tonic + 3) % 12
        sharps = (relative_major * 7) % 12  # steps round the circle of fifths from C
        if sharps > 6:
            sharps -= 12  # prefer flats: F# (6) stays, Db is 5 flats rather than 7 sharps
        data = bytes((sharps & 0xFF, 0 if key.mode == "major" else 1))
        events.append((0, 2, _meta(0x59, data)))
    for change in composition.tempo_map:
        tempo = min(bpm_to_microseconds_per_beat(change.tempo_bpm), MAX_MICROSECONDS_PER_BEAT)
        tick = beats_to_ticks(change.start_beat, tpb)
        events.append((tick, 3, _meta(0x51, tempo.to_bytes(3, "big"))))
    return events


def _part(track: Track, channel: int, tpb: int) -> list[_Event]:
    events: list[_Event] = [
        (0, 0, _meta(0x03, track.name.encode("utf-8"))),
        (0, 1, bytes((0xC0 | channel, track.program))),
        (0, 2, bytes((0xB0 | channel, 7, track.volume))),
        (0, 3, bytes((0xB0 | channel, 10, track.pan))),
    ]
    note_on, note_off = 0x90 | channel, 0x80 | channel
    for note in track.notes:
        start = beats_to_ticks(note.start_beat, tpb)
        end = max(beats_to_ticks(note.end_beat, tpb), start + 1)
        events.append((start, 5, bytes((note_on, note.pitch, note.velocity))))
        events.append((end, 4, bytes((note_off, note.pitch, 0))))
    return events


def _chunk(events: list[_Event]) -> bytes:
    """An MTrk chunk: events sorted by (tick, order), stably, then end-of-track."""
    events.sort(key=lambda e: (e[0], e[1]))
    out = bytearray()
    previous = 0
    for tick, _, data in events:
        out += _varlen(tick - previous)
        out += data
        previous = tick
    out += b"\x00\xff\x2f\x00"
    return b"MTrk" + struct.pack(">L", len(out)) + bytes(out)
