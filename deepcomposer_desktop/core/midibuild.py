"""Turn parsed MIDI events (``midiread.RawMidi``) into a ``Composition``.

Rules, chosen so that any file a DAW or a keyboard writes gives the notes a musician expects:

* Each (MTrk chunk, channel) pair with notes becomes one ``Track``; so a type-0 file, which
  holds every part in one chunk, is split into one track per channel. Chunks without notes
  (the conductor track) give none.
* Note-on with velocity 0 is a note-off. Note-offs close the *oldest* open note of the same
  channel and pitch (first in, first out), so overlapping same-pitch notes are all kept. A
  note closed at its own start tick never sounded and is dropped (as pretty_midi and DAWs
  do); a note never closed lasts until the end of its track, and at least one tick.
* Channel 10 (index 9) holds drums: ``is_drum=True``.
* Program, volume (CC7) and pan (CC10): the last value set on that channel in the same chunk
  at or before the first note, else the first one set later, else the same search in the other
  chunks, else GM defaults.
* Tempo and time-signature changes from all chunks form the tempo map and meter list (at
  equal ticks the last one wins); malformed or out-of-range ones are skipped, as DAWs do, and
  the map starts at beat 0 with 120 BPM / 4/4 unless the file says otherwise there.
* The first key-signature meta event becomes ``Composition.key`` (confidence 1.0).
"""

import bisect
import heapq
from collections import defaultdict, deque

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import MidiFileError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.midiread import RawMidi, RawTrack
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import DRUM_CHANNEL, Track
from deepcomposer_desktop.core.units import microseconds_per_beat_to_bpm

MAX_BEATS = 65_536  # 16384 bars of 4/4: longer "music" is a broken or hostile file

MELODY_NAME_WORDS = ("melody", "lead", "soprano", "vocal", "voice", "right")
MONOPHONIC_SHARE = 0.8  # a part is "mostly monophonic" if this share of its notes sound alone


def build_composition(raw: RawMidi) -> Composition:
    """Build the composition with no melody chosen yet (``melody_index`` None)."""
    tpb = raw.ticks_per_beat
    parts: list[tuple[int, int, str, list[Note]]] = []
    for chunk_index, chunk in enumerate(raw.tracks):
        by_channel = _pair_notes(chunk, tpb)
        for channel in sorted(by_channel):
            notes = by_channel[channel]
            name = _part_name(raw, chunk, channel, several=len(by_channel) > 1, number=len(parts))
            parts.append((chunk_index, channel, name, notes))
    tracks = _make_tracks(raw, parts)
    end_beat = max((t.end_beat for t in tracks), default=0.0)
    if end_beat > MAX_BEATS:
        raise MidiFileError(
            f"the music lasts {end_beat:.0f} beats; more than {MAX_BEATS} is not supported"
        )
    title = ""
    if raw.tracks and (raw.format == 0 or not any(v for *_, v in raw.tracks[0].notes)):
        title = raw.tracks[0].name
    return Composition(
        tracks=tuple(tracks),
        tempo_map=_tempo_map(raw),
        time_signatures=_time_signatures(raw),
        ticks_per_beat=tpb,
        melody_index=None,
        key=_key(raw),
        title=title,
    )


def _pair_notes(chunk: RawTrack, tpb: int) -> dict[int, list[Note]]:
    """Notes of one chunk per channel, sorted; pairing as described in the module docstring."""
    open_notes: dict[tuple[int, int], deque[tuple[int, int]]] = defaultdict(deque)
    spans: list[tuple[int, int, int, int, int]] = []  # channel, start, pitch, end, velocity
    for tick, channel, pitch, velocity in chunk.notes:
        waiting = open_notes[(channel, pitch)]
        if velocity > 0:
            waiting.append((tick, velocity))
        elif waiting:
            start, on_velocity = waiting.popleft()
            if tick > start:  # a note ended at its own start tick never sounded: dropped
                spans.append((channel, start, pitch, tick, on_velocity))
    for (channel, pitch), waiting in open_notes.items():
        for start, on_velocity in waiting:
            spans.append((channel, start, pitch, max(chunk.end_tick, start + 1), on_velocity))
    by_channel: dict[int, list[Note]] = defaultdict(list)
    for channel, s, p, e, v in sorted(spans):
        by_channel[channel].append(Note(s / tpb, p, (e - s) / tpb, v))
    return dict(by_channel)


def _part_name(raw: RawMidi, chunk: RawTrack, channel: int, *, several: bool, number: int) -> str:
    if raw.format == 0 or not chunk.name:
        if channel == DRUM_CHANNEL:
            return "drums"
        return f"channel {channel + 1}" if raw.format == 0 else f"track {number + 1}"
    return f"{chunk.name} ch {channel + 1}" if several else chunk.name


_Settings = dict[tuple[int, str], list[tuple[int, int]]]  # (channel, what) -> [(tick, value)]


def _settings_index(chunk: RawTrack) -> _Settings:
    """One pass over a chunk: its program, volume (CC7) and pan (CC10) changes per channel."""
    index: _Settings = defaultdict(list)
    for tick, channel, value in chunk.programs:
        index[(channel, "program")].append((tick, value))
    for tick, channel, controller, value in chunk.controls:
        if controller in (7, 10):
            index[(channel, "volume" if controller == 7 else "pan")].append((tick, value))
    return index


def _setting(events: list[tuple[int, int]], first_tick: int) -> int | None:
    """The last value at or before ``first_tick``, else the first later one, else None."""
    if not events:
        return None
    at = bisect.bisect_right(events, (first_tick, 128))
    return events[at - 1][1] if at else events[0][1]


def _make_tracks(raw: RawMidi, parts: list[tuple[int, int, str, list[Note]]]) -> list[Track]:
    """``parts``: (chunk index, channel, name, notes) each; settings as in the module doc."""
    own = [_settings_index(chunk) for chunk in raw.tracks]
    anywhere: _Settings = defaultdict(list)
    for index in own:
        for setting, events in index.items():
            anywhere[setting].extend(events)
    for events in anywhere.values():
        events.sort(key=lambda e: e[0])
    tracks: list[Track] = []
    for chunk_index, channel, name, notes in parts:
        first_tick = round(notes[0].start_beat * raw.ticks_per_beat)
        found: dict[str, int | None] = {}
        for what in ("program", "volume", "pan"):
            events = own[chunk_index].get((channel, what)) or anywhere.get((channel, what), [])
            found[what] = _setting(events, first_tick)
        program, volume, pan = found["program"], found["volume"], found["pan"]
        tracks.append(
            Track(
                name=name,
                notes=tuple(notes),
                program=program if program is not None else 0,
                is_drum=channel == DRUM_CHANNEL,
                channel=channel,
                volume=volume if volume is not None else 100,
                pan=pan if pan is not None else 64,
            )
        )
    return tracks


def _merged(raw: RawMidi, attribute: str) -> list[tuple[int, ...]]:
    events: list[tuple[int, ...]] = []
    for chunk in raw.tracks:
        events.extend(getattr(chunk, attribute))
    events.sort(key=lambda e: e[0])  # stable: at equal ticks, later chunks come later
    return events


def _tempo_map(raw: RawMidi) -> tuple[TempoChange, ...]:
    by_tick: dict[int, float] = {0: 120.0}
    for tick, microseconds in _merged(raw, "tempos"):
        # 3 decimals undo the microsecond rounding of a written tempo (140 -> 428571 us)
        bpm = round(microseconds_per_beat_to_bpm(microseconds), 3)
        if 1.0 <= bpm <= 1000.0:
            by_tick[tick] = bpm
    changes: list[TempoChange] = []
    for tick in sorted(by_tick):
        if not changes or changes[-1].tempo_bpm != by_tick[tick]:
            changes.append(TempoChange(tick / raw.ticks_per_beat, by_tick[tick]))
    return tuple(changes)


def _time_signatures(raw: RawMidi) -> tuple[TimeSignature, ...]:
    by_tick: dict[int, tuple[int, int]] = {0: (4, 4)}
    for tick, numerator, power in _merged(raw, "time_signatures"):
        if 1 <= numerator <= 64 and 0 <= power <= 6:
            by_tick[tick] = (numerator, 2**power)
    meters: list[TimeSignature] = []
    for tick in sorted(by_tick):
        numerator, denominator = by_tick[tick]
        if not meters or (meters[-1].numerator, meters[-1].denominator) != by_tick[tick]:
            meters.append(TimeSignature(numerator, denominator, tick / raw.ticks_per_beat))
    return tuple(meters)


def _key(raw: RawMidi) -> Key | None:
    for _, sharps, minor in _merged(raw, "key_signatures"):
        if -7 <= sharps <= 7 and minor in (0, 1):
            tonic = (7 * sharps + (9 if minor else 0)) % 12
            return Key(tonic, "minor" if minor else "major", 1.0)
    return None


def choose_melody_track(composition: Composition) -> int | None:
    """The index of the track most likely to be the melody, or None without pitched notes.

    First a non-drum track whose name contains melody, lead, soprano, vocal, voice or right
    (as in "right hand"); otherwise the highest (by mean pitch) non-drum track in which at
    least 80% of the notes sound alone; otherwise the highest non-drum track.
    """
    pitched = [(i, t) for i, t in enumerate(composition.tracks) if t.notes and not t.is_drum]
    for i, track in pitched:
        if any(word in track.name.lower() for word in MELODY_NAME_WORDS):
            return i
    if not pitched:
        return None
    monophonic = [(i, t) for i, t in pitched if _alone_share(t.notes) >= MONOPHONIC_SHARE]
    candidates = monophonic or pitched
    return max(candidates, key=lambda it: (_mean_pitch(it[1].notes), -it[0]))[0]


def _mean_pitch(notes: tuple[Note, ...]) -> float:
    return sum(n.pitch for n in notes) / len(notes)


def _alone_share(notes: tuple[Note, ...]) -> float:
    """Share of notes (sorted by start) that start with no other note sounding or starting."""
    eps = 1e-9
    ends: list[float] = []
    alone = 0
    for i, note in enumerate(notes):
        while ends and ends[0] <= note.start_beat + eps:
            heapq.heappop(ends)
        chord = i + 1 < len(notes) and notes[i + 1].start_beat <= note.start_beat + eps
        if not ends and not chord:
            alone += 1
        heapq.heappush(ends, note.end_beat)
    return alone / len(notes)
