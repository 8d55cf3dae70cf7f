"""Turn timestamped keyboard messages into a melody track, keeping raw timing for requantize.

Timing: ``start(now_s)`` opens the count-in; beat 0 of the take is ``count_in_bars`` bars
later. Every note is stored raw, in seconds from beat 0, so quantize grid and strength can be
changed after the take without losing the performance. The sustain pedal (CC64) holds notes
released while it is down until it lifts; notes still held at ``stop`` end there.

Thread use: ``feed`` runs on the input dispatcher thread, ``current_notes`` on the GUI
thread, so both take a short lock (never the rtmidi callback thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.settings import Settings
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.core.units import beats_to_seconds, seconds_to_beats

FOUR_FOUR = TimeSignature(4, 4)
SUSTAIN_CC = 64
ANTICIPATION_BEATS = 0.5  # a note this early in the count-in is meant for the downbeat
MIN_DURATION_BEATS = 1.0 / 64


@dataclass(frozen=True, slots=True)
class Take:
    """How to record. ``bars`` None = open-ended; ``quantize_steps_per_beat`` 0 = off."""

    tempo_bpm: float = 100.0
    time_signature: TimeSignature = FOUR_FOUR
    count_in_bars: int = 1
    bars: int | None = None
    quantize_steps_per_beat: int = 4
    quantize_strength: float = 1.0
    metronome: bool = True
    track_name: str = "melody"
    program: int = 0

    def __post_init__(self) -> None:
        if not 20 <= self.tempo_bpm <= 300:
            raise CompositionError(f"tempo {self.tempo_bpm} BPM is outside 20-300")
        if self.count_in_bars < 0 or (self.bars is not None and self.bars < 1):
            raise CompositionError("count-in must be >= 0 bars and a take at least 1 bar")
        if self.quantize_steps_per_beat < 0 or not 0.0 <= self.quantize_strength <= 1.0:
            raise CompositionError("quantize needs steps per beat >= 0 and strength 0-1")

    @classmethod
    def from_settings(cls, settings: Settings, *, bars: int | None = None) -> Take:
        """``Settings.quantize_grid`` counts notes per whole note (16 = sixteenths)."""
        return cls(
            tempo_bpm=settings.tempo_bpm,
            count_in_bars=settings.count_in_bars,
            bars=bars,
            quantize_steps_per_beat=settings.quantize_grid // 4 if settings.quantize_grid else 0,
            quantize_strength=settings.quantize_strength,
            metronome=settings.metronome,
        )

    @property
    def beats_per_bar(self) -> float:
        return self.time_signature.beats_per_bar

    @property
    def count_in_s(self) -> float:
        return beats_to_seconds(self.count_in_bars * self.beats_per_bar, self.tempo_bpm)

    @property
    def length_s(self) -> float | None:
        if self.bars is None:
            return None
        return beats_to_seconds(self.bars * self.beats_per_bar, self.tempo_bpm)


@dataclass(frozen=True, slots=True)
class RawNote:
    """A played note as it happened: seconds from the take's beat 0 (negative = count-in)."""

    pitch: int
    velocity: int
    start_s: float
    end_s: float


def quantize_beat(beat: float, steps_per_beat: int, strength: float) -> float:
    if steps_per_beat <= 0 or strength <= 0:
        return beat
    grid = round(beat * steps_per_beat) / steps_per_beat
    return beat + (grid - beat) * strength


def raw_to_notes(
    raw: list[RawNote], take: Take, *, steps_per_beat: int | None = None, strength: float | None
) -> list[Note]:
    """Raw seconds -> beats at the take's tempo, then quantize (starts and ends) to the grid."""
    spb = take.quantize_steps_per_beat if steps_per_beat is None else steps_per_beat
    amount = take.quantize_strength if strength is None else strength
    end_limit = None if take.bars is None else take.bars * take.beats_per_bar
    notes = []
    for r in raw:
        start = seconds_to_beats(r.start_s, take.tempo_bpm)
        end = seconds_to_beats(r.end_s, take.tempo_bpm)
        if start < 0:
            if end <= 0 or start < -ANTICIPATION_BEATS:
                continue
            start = 0.0
        start = max(quantize_beat(start, spb, amount), 0.0)
        end = quantize_beat(end, spb, amount)
        if end_limit is not None:
            if start >= end_limit:
                continue
            end = min(end, end_limit)
        min_len = 1.0 / spb if spb and amount >= 1.0 else MIN_DURATION_BEATS
        if end - start < min_len:
            end = start + min_len
        notes.append(Note(start, r.pitch, end - start, max(1, min(127, r.velocity))))
    return notes


class Recorder:
    """One take. ``start`` -> ``feed``... -> ``stop`` gives a one-track Composition."""

    def __init__(self, take: Take, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.take = take
        self._clock = clock
        self._lock = threading.Lock()
        self._zero_s: float | None = None  # monotonic time of the take's beat 0
        self._stopped_s: float | None = None
        self._held: dict[int, tuple[float, int]] = {}  # pitch -> (start_s, velocity)
        self._sustained: dict[int, tuple[float, int]] = {}  # released while pedal is down
        self._pedal_down = False
        self._raw: list[RawNote] = []

    # -- clock ----------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._zero_s is not None

    @property
    def zero_s(self) -> float:
        """Monotonic time of beat 0 (after the count-in)."""
        if self._zero_s is None:
            raise CompositionError("the take has not started")
        return self._zero_s

    @property
    def end_s(self) -> float | None:
        """Monotonic time when a fixed-length take is over (None when open-ended)."""
        length = self.take.length_s
        return None if length is None else self.zero_s + length

    def beat_at(self, stamp_s: float) -> float:
        return seconds_to_beats(stamp_s - self.zero_s, self.take.tempo_bpm)

    def is_finished(self, now_s: float | None = None) -> bool:
        end = self.end_s
        return end is not None and (self._clock() if now_s is None else now_s) >= end

    def start(self, now_s: float | None = None) -> None:
        now = self._clock() if now_s is None else now_s
        with self._lock:
            self._zero_s = now + self.take.count_in_s
            self._stopped_s = None
            self._held.clear()
            self._sustained.clear()
            self._raw.clear()

    # -- input ----------------------------------------------------------------------------
    def _close(self, pitch: int, start_s: float, velocity: int, end_s: float) -> None:
        self._raw.append(RawNote(pitch, velocity, start_s, max(end_s, start_s)))

    def feed(self, msg: mido.Message, stamp_s: float) -> None:
        """Take one message (note on/off, CC64); others are ignored. Safe from any thread."""
        if self._zero_s is None or self._stopped_s is not None:
            return
        rel = stamp_s - self._zero_s
        end = self.take.length_s
        with self._lock:
            if msg.type == "note_on" and msg.velocity > 0:
                if end is not None and rel >= end:
                    return
                for table in (self._held, self._sustained):
                    if msg.note in table:  # re-struck: the old note ends here
                        start, vel = table.pop(msg.note)
                        self._close(msg.note, start, vel, rel)
                self._held[msg.note] = (rel, msg.velocity)
            elif msg.type in ("note_off", "note_on"):
                if msg.note not in self._held:
                    return
                start, vel = self._held.pop(msg.note)
                if self._pedal_down:
                    self._sustained[msg.note] = (start, vel)
                else:
                    self._close(msg.note, start, vel, rel)
            elif msg.type == "control_change" and msg.control == SUSTAIN_CC:
                down = msg.value >= 64
                if self._pedal_down and not down:
                    for pitch, (start, vel) in self._sustained.items():
                        self._close(pitch, start, vel, rel)
                    self._sustained.clear()
                self._pedal_down = down

    # -- results --------------------------------------------------------------------------
    def raw_notes(self) -> list[RawNote]:
        with self._lock:
            return sorted(self._raw, key=lambda r: (r.start_s, r.pitch))

    def current_notes(self, now_s: float | None = None) -> list[Note]:
        """Finished notes plus held ones drawn up to now, unquantized, for a live view."""
        if self._zero_s is None:
            return []
        now = self._clock() if now_s is None else now_s
        rel = now - self._zero_s if self._stopped_s is None else self._stopped_s
        with self._lock:
            raw = list(self._raw)
            raw += [RawNote(p, v, s, rel) for p, (s, v) in self._held.items()]
            raw += [RawNote(p, v, s, rel) for p, (s, v) in self._sustained.items()]
        return sorted(raw_to_notes(raw, self.take, steps_per_beat=0, strength=0.0))

    def stop(self, now_s: float | None = None) -> Composition:
        """End the take: held and sustained notes end now (or at the fixed length)."""
        now = self._clock() if now_s is None else now_s
        with self._lock:
            if self._zero_s is None:
                raise CompositionError("the take was never started")
            if self._stopped_s is None:
                rel = now - self._zero_s
                length = self.take.length_s
                if length is not None:
                    rel = min(rel, length)
                for table in (self._held, self._sustained):
                    for pitch, (start, vel) in table.items():
                        self._close(pitch, start, vel, rel)
                    table.clear()
                self._stopped_s = rel
        return self.composition()

    def composition(self) -> Composition:
        """The take with its own quantize settings."""
        return self.requantize(self.take.quantize_steps_per_beat, self.take.quantize_strength)

    def requantize(self, steps_per_beat: int, strength: float = 1.0) -> Composition:
        """The same performance on another grid (0 = as played); the raw timing never changes."""
        take = replace(
            self.take, quantize_steps_per_beat=steps_per_beat, quantize_strength=strength
        )
        return take_to_composition(self.raw_notes(), take)


def take_to_composition(raw: list[RawNote], take: Take) -> Composition:
    notes = raw_to_notes(raw, take, strength=None)
    track = Track(name=take.track_name, notes=tuple(notes), program=take.program)
    return Composition(
        tracks=(track,),
        tempo_map=(TempoChange(0.0, take.tempo_bpm),),
        time_signatures=(replace(take.time_signature, start_beat=0.0),),
        melody_index=0,
    )
