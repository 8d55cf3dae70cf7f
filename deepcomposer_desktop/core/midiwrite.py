"""Build a type-1 ``mido.MidiFile`` that DAWs (GarageBand, Logic, Ableton, MuseScore) open as is.

Layout: track 0 is the conductor (title as track name, time signatures, key signature, tempo
map); then one track per part with its name, program change, volume (CC7) and pan (CC10) on
its own channel, then its notes, then end-of-track. Drums always use channel 10 (index 9) and
no other part does. Parts keep their ``channel`` when it is free; the rest take the lowest free
channel, and only a file with more than 15 pitched parts shares channels (round robin).

At equal ticks note-offs are written before note-ons, so a note struck again right where the
previous one ends stays two notes; every note-on has its note-off, at least one tick later.
"""

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.track import DRUM_CHANNEL, Track
from deepcomposer_desktop.core.units import beats_to_ticks, bpm_to_microseconds_per_beat

# mido's key-signature names for each tonic pitch class (C = 0), major and minor.
_MAJOR_KEY_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_MINOR_KEY_NAMES = ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm")

_Event = tuple[int, int, mido.Message | mido.MetaMessage]  # absolute tick, order, message


def composition_to_midi(composition: Composition) -> mido.MidiFile:
    """The composition as a type-1 MIDI file (see the module docstring for the layout)."""
    tpb = composition.ticks_per_beat
    midi = mido.MidiFile(type=1, ticks_per_beat=tpb)
    midi.tracks.append(_conductor(composition))
    for track, channel in zip(composition.tracks, assign_channels(composition.tracks), strict=True):
        midi.tracks.append(_part(track, channel, tpb))
    return midi


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


def _conductor(composition: Composition) -> mido.MidiTrack:
    tpb = composition.ticks_per_beat
    events: list[_Event] = []
    if composition.title:
        events.append((0, 0, mido.MetaMessage("track_name", name=composition.title)))
    for meter in composition.time_signatures:
        message = mido.MetaMessage(
            "time_signature", numerator=meter.numerator, denominator=meter.denominator
        )
        events.append((beats_to_ticks(meter.start_beat, tpb), 1, message))
    if isinstance(composition.key, Key):
        key = composition.key
        names = _MAJOR_KEY_NAMES if key.mode == "major" else _MINOR_KEY_NAMES
        events.append((0, 2, mido.MetaMessage("key_signature", key=names[key.tonic])))
    for change in composition.tempo_map:
        tempo = bpm_to_microseconds_per_beat(change.tempo_bpm)
        events.append(
            (beats_to_ticks(change.start_beat, tpb), 3, mido.MetaMessage("set_tempo", tempo=tempo))
        )
    return _to_track(events)


def _part(track: Track, channel: int, tpb: int) -> mido.MidiTrack:
    events: list[_Event] = [
        (0, 0, mido.MetaMessage("track_name", name=track.name)),
        (0, 1, mido.Message("program_change", channel=channel, program=track.program)),
        (0, 2, mido.Message("control_change", channel=channel, control=7, value=track.volume)),
        (0, 3, mido.Message("control_change", channel=channel, control=10, value=track.pan)),
    ]
    for note in track.notes:
        start = beats_to_ticks(note.start_beat, tpb)
        end = max(beats_to_ticks(note.end_beat, tpb), start + 1)
        on = mido.Message("note_on", channel=channel, note=note.pitch, velocity=note.velocity)
        off = mido.Message("note_off", channel=channel, note=note.pitch, velocity=0)
        events.append((start, 5, on))
        events.append((end, 4, off))
    return _to_track(events)


def _to_track(events: list[_Event]) -> mido.MidiTrack:
    """Sort by (tick, order) — stable, so notes keep their order — and convert to delta times."""
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack()
    previous = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - previous))
        previous = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track
