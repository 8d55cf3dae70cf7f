"""Everything the player plays: MIDI keyboard, on-screen keys and the computer keyboard.

All three arrive here as timestamped mido messages on the GUI thread and go to the same
places: thru to the output (so the player hears themselves), the always-on capture buffer,
and the recorder while a take runs. The window polls ``live_notes`` to draw notes as played.
"""

import logging
import time
from typing import Any

import mido
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.timing import TimeSignature

from .metronome import Metronome
from .workers import MidiInputListener

log = logging.getLogger(__name__)


class LiveInputSession(QObject):
    message = Signal(str)
    problem = Signal(str)
    heldChanged = Signal(object)  # set[int] of pitches held now
    recordingChanged = Signal(bool)
    takeFinished = Signal(object)  # Composition
    livePosition = Signal(float, object)  # beat (negative in the count-in), list[Note]
    buttonPressed = Signal(str)  # a MIDI-learned keyboard button: record/play/stop/generate
    buttonLearned = Signal(str, object)  # action, midi.learn.Bindings (all of them, to store)

    def __init__(self, sink: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.sink = sink
        self.thru_channel = 0
        self.listener = MidiInputListener(self)
        self.listener.messageReceived.connect(self.feed_from_device)
        self.listener.deviceLost.connect(self._device_lost)
        self.listener.deviceReturned.connect(
            lambda name: self.message.emit(f"MIDI keyboard “{name}” is back.")
        )
        self.metronome = Metronome(sink, self)
        self._held: set[int] = set()
        self._thru_failed = False
        self._recorder: Any = None
        self._capture: Any = None
        try:
            from deepcomposer_desktop.midi.capture import CaptureBuffer

            self._capture = CaptureBuffer(minutes=5)
        except ImportError:
            log.warning("capture buffer unavailable")
        self.learn: Any = None
        try:
            from deepcomposer_desktop.midi.learn import MidiLearn

            self.learn = MidiLearn(
                on_learned=lambda action, _t: self.buttonLearned.emit(action, self.learn.bindings),
                on_action=self.buttonPressed.emit,
            )
        except ImportError:
            log.warning("MIDI-learn unavailable")
        self._frame = QTimer(self)
        self._frame.setInterval(33)
        self._frame.timeout.connect(self._report)

    @property
    def is_recording(self) -> bool:
        return self._recorder is not None

    @property
    def recorder(self) -> Any:
        return self._recorder

    # ----- input --------------------------------------------------------------------------
    def set_input(self, name: str) -> bool:
        try:
            self.listener.open(name)
        except (DeepComposerError, ImportError) as err:
            self.problem.emit(f"Cannot open MIDI input “{name}”: {err}")
            return False
        if name:
            self.message.emit(f"Listening to “{name}”.")
        return True

    @Slot(str)
    def _device_lost(self, name: str) -> None:
        self.release_all()
        kept = " Everything recorded so far is kept." if self.is_recording else ""
        self.message.emit(f"MIDI keyboard “{name}” was unplugged.{kept} Plug it back in to go on.")

    @Slot(int, int)
    def key_down(self, pitch: int, velocity: int) -> None:
        """On-screen / computer keyboard: the same path as a hardware note-on."""
        self.feed(
            mido.Message("note_on", channel=self.thru_channel, note=pitch, velocity=velocity),
            time.monotonic(),
        )

    @Slot(int)
    def key_up(self, pitch: int) -> None:
        self.feed(mido.Message("note_off", channel=self.thru_channel, note=pitch), time.monotonic())

    def set_bindings(self, stored: dict) -> None:
        """Stored MIDI-learn bindings (a dict from the settings store)."""
        if self.learn is not None:
            from deepcomposer_desktop.midi.learn import Bindings, MidiLearn

            self.learn = MidiLearn(
                Bindings.from_dict(stored),
                on_learned=lambda action, _t: self.buttonLearned.emit(action, self.learn.bindings),
                on_action=self.buttonPressed.emit,
            )

    @Slot(object, float)
    def feed_from_device(self, msg: mido.Message, stamp_s: float) -> None:
        """A hardware keyboard: its learned buttons drive the app; everything else is music.

        Runs on the GUI thread (the listener drains its queue there), so the learn callbacks
        may emit signals directly.
        """
        if self.learn is not None and self.learn.feed(msg, stamp_s):
            return
        self.feed(msg, stamp_s)

    @Slot(object, float)
    def feed(self, msg: mido.Message, stamp_s: float) -> None:
        try:
            self.sink.send(msg)
            self._thru_failed = False
        except Exception as err:  # output vanished: say so once, keep recording anyway
            log.debug("thru failed: %s", err)
            if not self._thru_failed:
                self._thru_failed = True
                self.message.emit(f"The output stopped taking notes ({err}); choose another.")
        if self._capture is not None:
            self._capture.feed(msg, stamp_s)
        if self._recorder is not None:
            self._recorder.feed(msg, stamp_s)
        if msg.type in ("note_on", "note_off"):
            if msg.type == "note_on" and msg.velocity > 0:
                self._held.add(msg.note)
            else:
                self._held.discard(msg.note)
            self.heldChanged.emit(set(self._held))

    def release_all(self) -> None:
        for pitch in sorted(self._held):
            self.feed(
                mido.Message("note_off", channel=self.thru_channel, note=pitch), time.monotonic()
            )

    # ----- takes --------------------------------------------------------------------------
    def start_take(
        self,
        *,
        tempo_bpm: float,
        time_signature: TimeSignature,
        count_in_bars: int,
        metronome: bool,
        quantize_steps_per_beat: int,
        quantize_strength: float = 1.0,
    ) -> bool:
        try:
            from deepcomposer_desktop.midi.recorder import Recorder, Take
        except ImportError:
            self.problem.emit("Recording is not available in this build.")
            return False
        take = Take(
            tempo_bpm=tempo_bpm,
            time_signature=TimeSignature(time_signature.numerator, time_signature.denominator),
            count_in_bars=count_in_bars,
            quantize_steps_per_beat=quantize_steps_per_beat,
            quantize_strength=quantize_strength,
            metronome=metronome,
        )
        self._recorder = Recorder(take)
        now = time.monotonic()
        self._recorder.start(now)
        if metronome or count_in_bars:
            self.metronome.audible = True
            self.metronome.start(now, tempo_bpm, round(take.beats_per_bar))
            if not metronome:
                self.metronome.beat.connect(self._mute_after_count_in)
        self._frame.start()
        self.recordingChanged.emit(True)
        return True

    @Slot(int)
    def _mute_after_count_in(self, beat: int) -> None:
        take = self._recorder.take if self._recorder is not None else None
        if take is None or beat + 1 >= take.count_in_bars * take.beats_per_bar:
            self.metronome.audible = False
            self.metronome.beat.disconnect(self._mute_after_count_in)

    def stop_take(self) -> Composition | None:
        recorder, self._recorder = self._recorder, None
        if recorder is None:
            return None
        self.metronome.stop()
        self._frame.stop()
        result = recorder.stop(time.monotonic())
        self.recordingChanged.emit(False)
        if self._capture is not None:
            self._capture.clear()
        self.takeFinished.emit(result)
        return result

    @Slot()
    def _report(self) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        now = time.monotonic()
        self.livePosition.emit(recorder.beat_at(now), recorder.current_notes(now))
        if recorder.is_finished(now):
            self.stop_take()

    def last_idea(self, tempo_bpm: float, time_signature: TimeSignature) -> Composition | None:
        """What was played lately without recording (None when nothing was)."""
        if self._capture is None:
            return None
        idea = self._capture.to_composition(tempo_bpm, time_signature=time_signature)
        if not any(t.notes for t in idea.tracks):
            return None
        self._capture.clear()
        return idea

    def close(self) -> None:
        if self._recorder is not None:
            self.stop_take()
        self.release_all()
        self.listener.close()
