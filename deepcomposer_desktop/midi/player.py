"""Play a composition to any sink on time, from a dedicated thread on a monotonic clock.

Why not Qt timers: they fire on the GUI thread and jitter by several milliseconds whenever
the GUI is busy. Here one thread sleeps until ~1.5 ms before each event, then spins.

No stuck notes, ever: whatever ends playback (stop, pause, the end, a sink error, process
exit) sends note-off for every sounding note, then all-notes-off (CC123), all-sound-off
(CC120) and reset-controllers (CC121) on every channel the composition uses.
"""

from __future__ import annotations

import atexit
import bisect
import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.midiwrite import assign_channels
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.midi import ports
from deepcomposer_desktop.midi.sink import Sink
from deepcomposer_desktop.midi.timeline import (
    SPIN_S,
    TempoTimeline,
    bar_start_beat,
    try_realtime_priority,
    wait_until,
)

log = logging.getLogger(__name__)

POSITION_EVERY_S = 0.01  # position callbacks at most this often (the UI redraws at ~60 Hz)
POLL_S = 0.02  # how often a waiting player checks stop/mute and reports its position
LEAD_S = 0.005  # first event this long after play(), so setup messages go out first
PANIC_CCS = (123, 120, 121)  # all notes off, all sound off, reset all controllers


def channel_plan(tracks: tuple[Track, ...] | list[Track]) -> list[int]:
    """MIDI channel per track, the same as an exported file uses (drums on 9)."""
    return assign_channels(tuple(tracks))


@dataclass(frozen=True, slots=True)
class PlayedNote:
    start_beat: float
    end_beat: float
    track_index: int
    channel: int
    pitch: int
    velocity: int


def played_notes(composition: Composition) -> list[PlayedNote]:
    plan = channel_plan(composition.tracks)
    notes = [
        PlayedNote(n.start_beat, n.end_beat, i, plan[i], n.pitch, n.velocity)
        for i, track in enumerate(composition.tracks)
        for n in track.notes
    ]
    notes.sort(key=lambda p: (p.start_beat, p.track_index, p.pitch))
    return notes


def segment_events(
    notes: list[PlayedNote], starts: list[float], from_beat: float, to_beat: float
) -> list[tuple[float, int, PlayedNote]]:
    """Events ``(beat, kind, note)`` for notes starting in [from, to); kind 0 = off, 1 = on.

    Notes reaching past ``to_beat`` are cut there (a loop end); offs sort before ons at
    the same beat so a re-struck pitch is heard again.
    """
    lo = bisect.bisect_left(starts, from_beat - 1e-9)
    hi = bisect.bisect_left(starts, to_beat - 1e-9)
    events = []
    for note in notes[lo:hi]:
        events.append((note.start_beat, 1, note))
        events.append((min(note.end_beat, to_beat), 0, note))
    events.sort(key=lambda e: (e[0], e[1]))
    return events


def setup_messages(composition: Composition) -> list[mido.Message]:
    """Program, volume and pan for each track's channel, sent before the first note."""
    plan = channel_plan(composition.tracks)
    msgs = []
    for track, channel in zip(composition.tracks, plan, strict=True):
        if not track.is_drum:
            msgs.append(mido.Message("program_change", channel=channel, program=track.program))
        msgs.append(mido.Message("control_change", channel=channel, control=7, value=track.volume))
        msgs.append(mido.Message("control_change", channel=channel, control=10, value=track.pan))
    return msgs


_live_players: weakref.WeakSet[Player] = weakref.WeakSet()


@atexit.register
def _stop_all_at_exit() -> None:
    for player in list(_live_players):
        player.stop()


class Player:
    """``play(composition, from_bar=, loop=(start_beat, end_beat))``, ``stop``, ``pause``...

    Callbacks run on the player thread: ``on_position(beat)`` every ~20 ms and at each event,
    ``on_finished()`` at a natural end, ``on_error(exc)`` when the sink fails. Only enqueue
    or emit a signal from them.
    """

    def __init__(
        self,
        sink: Sink,
        *,
        on_position: Callable[[float], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        realtime: bool = True,
    ) -> None:
        self.sink = sink
        self.realtime = realtime
        self.on_position = on_position
        self.on_finished = on_finished
        self.on_error = on_error
        self._clock = clock
        self._sleep = sleep
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._mix_lock = threading.Lock()
        self._mute: dict[int, bool] = {}
        self._solo: dict[int, bool] = {}
        self._mix_version = 0
        self._composition: Composition | None = None
        self._loop: tuple[float, float] | None = None
        self._position_beat = 0.0
        self._paused_beat: float | None = None
        self._reported_s = float("-inf")
        self.error: BaseException | None = None
        self.sent_log: list[tuple[float, float, mido.Message]] | None = None  # for benchmarks
        _live_players.add(self)

    # -- mixer ------------------------------------------------------------------------------
    def set_mute(self, track_index: int, muted: bool) -> None:
        with self._mix_lock:
            self._mute[track_index] = muted
            self._mix_version += 1

    def set_solo(self, track_index: int, solo: bool) -> None:
        with self._mix_lock:
            self._solo[track_index] = solo
            self._mix_version += 1

    def _audible(self, composition: Composition) -> list[bool]:
        with self._mix_lock:
            muted = [self._mute.get(i, t.muted) for i, t in enumerate(composition.tracks)]
            solo = [self._solo.get(i, t.solo) for i, t in enumerate(composition.tracks)]
        any_solo = any(solo)
        return [(s if any_solo else True) and not m for m, s in zip(muted, solo, strict=True)]

    # -- transport --------------------------------------------------------------------------
    @property
    def is_playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def position_beat(self) -> float:
        return self._position_beat

    def play(
        self,
        composition: Composition,
        *,
        from_bar: int = 0,
        loop: tuple[float, float] | None = None,
        from_beat: float | None = None,
    ) -> None:
        """Start (restarting if playing). ``loop`` is (start_beat, end_beat), end > start."""
        self.stop()
        if loop is not None and not loop[1] > loop[0] >= 0:
            raise ValueError(f"loop end must come after its start, got {loop}")
        start = from_beat
        if start is None:
            start = bar_start_beat(composition.time_signatures, from_bar)
        self._composition = composition
        self._loop = loop
        self._paused_beat = None
        self._position_beat = start
        self.error = None
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(composition, start, loop), name="midi-player", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop and silence; returns after the thread has sent its note-offs."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._thread = None if thread is not threading.current_thread() else thread

    def pause(self) -> None:
        if not self.is_playing:
            return
        self.stop()
        self._paused_beat = self._position_beat

    def resume(self) -> None:
        if self._paused_beat is None or self._composition is None or self.is_playing:
            return
        self.play(self._composition, from_beat=self._paused_beat, loop=self._loop)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends by itself (True) or the timeout passes (False)."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    # -- the thread -------------------------------------------------------------------------
    def _send(self, msg: mido.Message, scheduled_s: float) -> None:
        self.sink.send(msg)
        if self.sent_log is not None:
            self.sent_log.append((scheduled_s, self._clock(), msg))

    def _run(
        self, composition: Composition, start_beat: float, loop: tuple[float, float] | None
    ) -> None:
        if self.realtime and self._clock is time.monotonic and ports.realtime_wanted():
            try_realtime_priority()
        sounding: Counter[tuple[int, int, int]] = Counter()  # (track, channel, pitch)
        channels = sorted(set(channel_plan(composition.tracks)))
        finished = False
        try:
            finished = self._play_segments(composition, start_beat, loop, sounding)
        except Exception as err:  # the sink broke (device gone) or a bug: report, then silence
            self.error = err
            log.warning("playback stopped: %s", err)
        finally:
            self._silence(sounding, channels)
        if self.error is not None and self.on_error:
            self.on_error(self.error)
        elif finished and self.on_finished:
            self.on_finished()

    def _silence(self, sounding: Counter[tuple[int, int, int]], channels: list[int]) -> None:
        msgs = [
            mido.Message("note_off", channel=ch, note=pitch, velocity=0)
            for (_, ch, pitch), count in sounding.items()
            if count > 0
        ]
        msgs += [
            mido.Message("control_change", channel=ch, control=cc, value=0)
            for ch in channels
            for cc in PANIC_CCS
        ]
        sounding.clear()
        for msg in msgs:
            try:
                self.sink.send(msg)
            except Exception as err:  # a dead device cannot play stuck notes either
                log.info("could not send %s while silencing: %s", msg.type, err)
                break

    def _play_segments(
        self,
        composition: Composition,
        start_beat: float,
        loop: tuple[float, float] | None,
        sounding: Counter[tuple[int, int, int]],
    ) -> bool:
        timeline = TempoTimeline(composition.tempo_map)
        notes = played_notes(composition)
        starts = [n.start_beat for n in notes]
        end_beat = composition.end_beat
        for msg in setup_messages(composition):
            self._send(msg, self._clock())
        audible = self._audible(composition)
        mix_seen = self._mix_version
        # wall time of beat 0 of the current pass: a loop moves it forward each pass
        origin_s = self._clock() + LEAD_S - timeline.seconds_at(start_beat)
        seg_start = start_beat
        loop_start, loop_end = loop if loop is not None else (0.0, 0.0)
        while True:
            looping = loop is not None and seg_start < loop_end
            seg_end = loop_end if looping else end_beat
            for beat, kind, note in segment_events(notes, starts, seg_start, seg_end):
                target = origin_s + timeline.seconds_at(beat)
                if not self._wait(target, timeline, origin_s):
                    return False
                if self._mix_version != mix_seen:
                    mix_seen = self._mix_version
                    audible = self._audible(composition)
                    self._release_inaudible(sounding, audible, target)
                key = (note.track_index, note.channel, note.pitch)
                if kind == 1:
                    if not audible[note.track_index]:
                        continue
                    sounding[key] += 1
                    msg = mido.Message(
                        "note_on", channel=note.channel, note=note.pitch, velocity=note.velocity
                    )
                elif sounding[key] > 0:
                    sounding[key] -= 1
                    msg = mido.Message("note_off", channel=note.channel, note=note.pitch)
                else:
                    continue
                self._send(msg, target)
                self._position_beat = beat
            if not looping:
                target = origin_s + timeline.seconds_at(seg_end)
                return self._wait(target, timeline, origin_s)
            if not self._wait(origin_s + timeline.seconds_at(seg_end), timeline, origin_s):
                return False
            origin_s += timeline.seconds_at(seg_end) - timeline.seconds_at(loop_start)
            seg_start = loop_start

    def _release_inaudible(
        self, sounding: Counter[tuple[int, int, int]], audible: list[bool], now_s: float
    ) -> None:
        for key, count in list(sounding.items()):
            track, channel, pitch = key
            if count > 0 and not audible[track]:
                self._send(mido.Message("note_off", channel=channel, note=pitch), now_s)
                sounding[key] = 0

    def _wait(self, target_s: float, timeline: TempoTimeline, origin_s: float) -> bool:
        """Wait for ``target_s``, reporting position; False when asked to stop meanwhile."""
        while True:
            if self._stop.is_set():
                return False
            now = self._clock()
            self._position_beat = max(timeline.beat_at(now - origin_s), 0.0)
            if self.on_position and now - self._reported_s >= POSITION_EVERY_S:
                self._reported_s = now
                self.on_position(self._position_beat)
            if target_s - now <= POLL_S + SPIN_S:
                wait_until(target_s, clock=self._clock, sleep=self._sleep)
                return not self._stop.is_set()
            self._sleep(POLL_S)
