"""Live audio: a PortAudio (sounddevice) stream whose callback pulls samples from the synth.

The callback does one thing: ``synth.render_into(outdata)``, FluidSynth writing float32
straight into PortAudio's buffer, with no Python-side allocation, queue or logging. Messages
sent to the synth from any thread (player, keyboard thru) sound from the next buffer, so the
added latency is at most one buffer period (256 frames at 48 kHz = 5.3 ms) plus the device's
own output latency.

Machines without a sound card are normal (CI, servers, these build machines): ``start``
raises one AudioError saying so and the app keeps working with MIDI output ports.
"""

import logging
from typing import Any

from deepcomposer_desktop.audio.synth import Synth
from deepcomposer_desktop.core.errors import AudioError

log = logging.getLogger(__name__)

PORTAUDIO_HINT = (
    "the PortAudio library is missing: install libportaudio2 (Debian/Ubuntu) or portaudio "
    "(Homebrew)"
)
NO_DEVICE = "no audio output device found; the built-in synth is silent (MIDI output still works)"

_open_streams = 0  # rescanning devices would break open streams: only rescan with none


def _sounddevice() -> Any:
    try:
        import sounddevice
    except ModuleNotFoundError as err:
        if err.name == "sounddevice":
            raise AudioError("sounddevice is not installed: pip install sounddevice") from err
        raise AudioError(PORTAUDIO_HINT) from err
    except (ImportError, OSError) as err:
        raise AudioError(PORTAUDIO_HINT) from err
    return sounddevice


def rescan_devices() -> None:
    """Make PortAudio list devices again (one plugged in, or a JACK server started, later).

    Only safe while no stream is open; sounddevice has no public call for this.
    """
    sd = _sounddevice()
    try:
        sd._terminate()
        sd._initialize()
    except Exception as err:  # PortAudio errors here leave us where we were
        log.warning("could not rescan audio devices: %s", err)


def default_output_device() -> str | None:
    """The name of PortAudio's default output device, or None when there is none."""
    try:
        sd = _sounddevice()
        info = sd.query_devices(kind="output")
    except Exception:  # AudioError, PortAudioError, or ValueError when there is no device
        return None
    if not info or info.get("max_output_channels", 0) < 1:
        return None
    return f"{info['name']} ({sd.query_hostapis(info['hostapi'])['name']})"


def audio_available() -> bool:
    """True when PortAudio is installed and has a default output device."""
    return default_output_device() is not None


class AudioOutput:
    """Plays ``synth`` on an audio device; ``buffer_frames`` per callback (64-2048).

    ``device`` is a PortAudio device index or name substring (None = the default output).
    """

    def __init__(
        self, synth: Synth, *, buffer_frames: int = 256, device: int | str | None = None
    ) -> None:
        if not 16 <= buffer_frames <= 8192:
            raise AudioError(f"audio buffer of {buffer_frames} frames is outside 16-8192")
        self.synth = synth
        self.buffer_frames = int(buffer_frames)
        self.device = device
        self.underflows = 0
        self.callbacks = 0
        self._stream: Any = None

    @property
    def is_running(self) -> bool:
        return self._stream is not None and bool(self._stream.active)

    @property
    def latency_s(self) -> float | None:
        """PortAudio's reported output latency of the open stream (device + buffering)."""
        return None if self._stream is None else float(self._stream.latency)

    def start(self) -> None:
        """Open the device and start pulling audio. Raises AudioError when there is none."""
        if self._stream is not None:
            return
        global _open_streams
        sd = _sounddevice()
        if self.device is None and default_output_device() is None:
            if _open_streams == 0:  # a device plugged in (or JACK started) since we looked?
                rescan_devices()
            if default_output_device() is None:
                raise AudioError(NO_DEVICE)
        try:
            stream = sd.OutputStream(
                samplerate=self.synth.sample_rate,
                blocksize=self.buffer_frames,
                channels=2,
                dtype="float32",
                latency="low",
                device=self.device,
                callback=self._callback,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as err:
            raise AudioError(f"cannot open the audio output: {err}") from err
        self._stream = stream
        _open_streams += 1
        log.info(
            "audio output on %s, latency %.1f ms", default_output_device(), stream.latency * 1e3
        )

    def stop(self) -> None:
        """Stop and close the stream; the synth stays usable. Safe to call twice."""
        global _open_streams
        stream, self._stream = self._stream, None
        if stream is None:
            return
        _open_streams -= 1
        try:
            stream.stop()
            stream.close()
        except Exception as err:  # a vanished device must not stop the app from closing
            log.warning("closing the audio output failed: %s", err)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: render into ``outdata`` (float32, shape (frames, 2)); no more."""
        if status.output_underflow:
            self.underflows += 1
        self.callbacks += 1
        self.synth.render_into(outdata)

    def __enter__(self) -> "AudioOutput":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
