"""Where sound goes: the chosen MIDI output port or the built-in synth, and the Player.

``sink`` is one stable object (a ``SinkSwitch``) that playback, thru and the metronome all
send to; choosing another output just retargets it. The synth loads on a pool thread (a
SoundFont takes a second or two); with no audio device the synth still accepts messages
(silently) and the window says once that there is no sound, while MIDI ports keep working.
"""

import logging
from typing import Any

import mido
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import DeepComposerError

from .workers import run_in_pool

log = logging.getLogger(__name__)


def silence_messages() -> list[mido.Message]:
    """Sustain up, all notes off and all sound off on every channel: nothing can hang."""
    msgs = []
    for channel in range(16):
        msgs.append(mido.Message("control_change", channel=channel, control=64, value=0))
        msgs.append(mido.Message("control_change", channel=channel, control=123, value=0))
        msgs.append(mido.Message("control_change", channel=channel, control=120, value=0))
    return msgs


class SinkSwitch:
    """A sink that forwards to the current target; swapping targets is one atomic store."""

    def __init__(self) -> None:
        self.target: Any = None
        self.sent = 0

    def send(self, msg: mido.Message) -> None:
        target = self.target
        if target is not None:
            target.send(msg)
            self.sent += 1

    def silence(self) -> None:
        for msg in silence_messages():
            try:
                self.send(msg)
            except Exception:  # a vanished port must not block stopping
                log.debug("silencing failed", exc_info=True)
                return


class PlaybackSession(QObject):
    message = Signal(str)  # one line for the status bar
    problem = Signal(str)  # something the user should read once (a message box)
    positionChanged = Signal(float)  # beat, from the GUI thread
    playingChanged = Signal(bool)
    outputReady = Signal(str)  # description of the active output

    def __init__(self, parent: QObject | None = None, *, soundfont: str = "", buffer_frames=256):
        super().__init__(parent)
        self.sink = SinkSwitch()
        self.soundfont = soundfont
        self.buffer_frames = buffer_frames
        self._player: Any = None
        self._port: Any = None
        self._synth: Any = None
        self._audio: Any = None
        self._synth_loading = False
        self._warned_no_audio = False
        self._output_name: str | None = None
        self._was_playing = False
        self._closed = False
        self._poll = QTimer(self)
        self._poll.setInterval(30)
        self._poll.timeout.connect(self._report)

    @property
    def output_name(self) -> str | None:
        return self._output_name

    @property
    def is_playing(self) -> bool:
        return self._player is not None and self._player.is_playing

    # ----- output -------------------------------------------------------------------------
    def set_output(self, name: str) -> None:
        """ "" = built-in synth; otherwise a MIDI output port name."""
        self.stop()
        self._close_port()
        self._output_name = name
        if name:
            try:
                from deepcomposer_desktop.midi import ports

                self._port = ports.open_output(name)
            except (DeepComposerError, ImportError) as err:
                self.sink.target = None
                self.problem.emit(f"Cannot open MIDI output “{name}”: {err}")
                return
            self.sink.target = self._port
            self.outputReady.emit(f"MIDI out: {name}")
            return
        if self._synth is not None:
            self.sink.target = self._synth
            self.outputReady.emit("Built-in synth")
        else:
            self.sink.target = None
            self.load_synth()

    def load_synth(self) -> None:
        if self._synth_loading or self._synth is not None:
            return
        self._synth_loading = True
        self.message.emit("Loading the built-in synth…")
        soundfont, frames = self.soundfont or None, self.buffer_frames
        run_in_pool(lambda: _build_synth(soundfont, frames), self._synth_loaded, self._synth_failed)

    @Slot(object)
    def _synth_loaded(self, result: tuple[Any, Any, str | None]) -> None:
        self._synth_loading = False
        self._synth, self._audio, audio_problem = result
        if self._closed:
            self.close()
            return
        if self._output_name == "":
            self.sink.target = self._synth
        if audio_problem and not self._warned_no_audio:
            self._warned_no_audio = True
            self.problem.emit(
                f"No audio output: {audio_problem} The built-in synth is silent; choose a MIDI "
                "output in the toolbar to hear playback."
            )
            self.outputReady.emit("Built-in synth (no audio device)")
        else:
            self.outputReady.emit("Built-in synth")

    @Slot(str)
    def _synth_failed(self, message: str) -> None:
        self._synth_loading = False
        self.problem.emit(f"The built-in synth could not start: {message}")

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            if self.sink.target is port:
                self.sink.silence()
                self.sink.target = None
            try:
                port.close()
            except Exception:  # a vanished port may refuse to close
                log.debug("closing output failed", exc_info=True)

    # ----- transport ----------------------------------------------------------------------
    def play(
        self,
        composition: Composition,
        *,
        from_beat: float = 0.0,
        loop: tuple[float, float] | None = None,
    ) -> bool:
        if not any(t.notes for t in composition.tracks):
            self.message.emit("Nothing to play yet.")
            return False
        if self.sink.target is None:
            self.message.emit("No output is ready (the synth may still be loading).")
        try:
            from deepcomposer_desktop.midi.player import Player
        except ImportError:
            self.problem.emit("Playback is not available in this build.")
            return False
        if self._player is None:
            self._player = Player(self.sink)
        if from_beat >= composition.end_beat and loop is None:
            from_beat = 0.0
        self._player.play(composition, from_beat=from_beat, loop=loop)
        self._was_playing = True
        self._poll.start()
        self.playingChanged.emit(True)
        return True

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
        self.sink.silence()
        self._poll.stop()
        if self._was_playing:
            self._was_playing = False
            self.playingChanged.emit(False)

    def set_mix(self, composition: Composition) -> None:
        """Follow mute/solo changes while playing."""
        if self._player is None:
            return
        for index, track in enumerate(composition.tracks):
            self._player.set_mute(index, track.muted)
            self._player.set_solo(index, track.solo)

    @Slot()
    def _report(self) -> None:
        player = self._player
        if player is None:
            return
        if player.is_playing:
            self.positionChanged.emit(player.position_beat)
            return
        error = getattr(player, "error", None)
        if error is not None:
            self.problem.emit(f"Playback stopped: {error}")
        self.stop()

    def close(self) -> None:
        """Stop, silence and release every device: called when the window closes."""
        self._closed = True
        self.stop()
        self._close_port()
        if self._audio is not None:
            self._audio.stop()
            self._audio = None
        if self._synth is not None:
            self.sink.target = None
            self._synth.close()
            self._synth = None


def _build_synth(soundfont: str | None, buffer_frames: int) -> tuple[Any, Any, str | None]:
    """On a pool thread: the synth, its audio output (or None) and why there is no audio."""
    from deepcomposer_desktop.audio.output import AudioOutput
    from deepcomposer_desktop.audio.synth import Synth

    synth = Synth(soundfont)
    audio = AudioOutput(synth, buffer_frames=buffer_frames)
    try:
        audio.start()
    except DeepComposerError as err:
        return synth, None, str(err)
    return synth, audio, None
