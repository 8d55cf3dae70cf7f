"""A composition as sample-stamped MIDI messages for the synth: tempo map, channels, mix.

Pure (numpy-free, synth-free) so it can be tested exactly: a note at beat ``b`` sounds at
sample ``round(seconds(b) * sample_rate)``, where ``seconds`` follows every tempo change.
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.timing import TempoChange
from deepcomposer_desktop.core.track import DRUM_CHANNEL, Track

# At one sample, set-up first, then note-offs, then note-ons: a re-struck note stops and
# starts again instead of the new note-on being cut by the old note's note-off.
SETUP, NOTE_OFF, NOTE_ON = 0, 1, 2


class TempoClock:
    """Beats to seconds along a tempo map (sorted, starting at beat 0)."""

    def __init__(self, tempo_map: Sequence[TempoChange]) -> None:
        self._beats = [change.start_beat for change in tempo_map]
        self._bpm = [change.tempo_bpm for change in tempo_map]
        self._seconds = [0.0]
        for i in range(1, len(tempo_map)):
            span = self._beats[i] - self._beats[i - 1]
            self._seconds.append(self._seconds[-1] + span * 60.0 / self._bpm[i - 1])

    def seconds(self, beat: float) -> float:
        i = max(bisect.bisect_right(self._beats, beat) - 1, 0)
        return self._seconds[i] + (beat - self._beats[i]) * 60.0 / self._bpm[i]


def assign_channels(tracks: Sequence[Track]) -> list[int]:
    """A MIDI channel per track: 9 for drums, else its own if set, else the next free one.

    Free channels skip 9 and those claimed explicitly; with more than 15 melodic tracks the
    channels are reused in turn (tracks then share program and volume).
    """
    taken = {t.channel for t in tracks if t.channel is not None and not t.is_drum} | {DRUM_CHANNEL}
    free = [ch for ch in range(16) if ch not in taken] or [ch for ch in range(16) if ch != 9]
    channels = []
    next_free = 0
    for track in tracks:
        if track.is_drum:
            channels.append(DRUM_CHANNEL)
        elif track.channel is not None:
            channels.append(track.channel)
        else:
            channels.append(free[next_free % len(free)])
            next_free += 1
    return channels


def audible_tracks(tracks: Sequence[Track]) -> list[bool]:
    """Mute and solo as a mixer applies them: any solo silences every non-solo track."""
    if any(t.solo for t in tracks):
        return [t.solo for t in tracks]
    return [not t.muted for t in tracks]


@dataclass(frozen=True, slots=True)
class TimedMessage:
    """``msg`` to apply before rendering sample ``sample``; ``track_index`` None = set-up."""

    sample: int
    order: int
    msg: mido.Message
    track_index: int | None = None


def schedule(composition: Composition, *, sample_rate: int) -> list[TimedMessage]:
    """Every message needed to play ``composition`` from silence, sorted by sample.

    Set-up per audible track at sample 0: program (drum kits on channel 9), CC7 volume and
    CC10 pan. Muted tracks (or non-solo ones when something is soloed) are left out.
    """
    clock = TempoClock(composition.tempo_map)
    channels = assign_channels(composition.tracks)
    events: list[TimedMessage] = []

    def at(beat: float) -> int:
        return round(clock.seconds(beat) * sample_rate)

    for index, (track, channel, audible) in enumerate(
        zip(composition.tracks, channels, audible_tracks(composition.tracks), strict=True)
    ):
        if not audible:
            continue
        events += [
            TimedMessage(
                0, SETUP, mido.Message("program_change", channel=channel, program=track.program)
            ),
            TimedMessage(
                0,
                SETUP,
                mido.Message("control_change", channel=channel, control=7, value=track.volume),
            ),
            TimedMessage(
                0,
                SETUP,
                mido.Message("control_change", channel=channel, control=10, value=track.pan),
            ),
        ]
        for note in track.notes:
            start = at(note.start_beat)
            end = max(at(note.end_beat), start + 1)
            on = mido.Message("note_on", channel=channel, note=note.pitch, velocity=note.velocity)
            off = mido.Message("note_off", channel=channel, note=note.pitch)
            events.append(TimedMessage(start, NOTE_ON, on, index))
            events.append(TimedMessage(end, NOTE_OFF, off, index))
    events.sort(key=lambda e: (e.sample, e.order))
    return events
