"""The built-in General MIDI synth: FluidSynth driven by MIDI messages, rendered on demand.

This is the only module that touches FluidSynth (through pyfluidsynth, imported lazily so that
importing ``audio`` costs nothing and a missing library is one clear error, not a traceback).

Why FluidSynth: it is maintained, reads sf2 and the compressed sf3 that keeps the GM set at
23 MB, is packaged by Debian (``libfluidsynth3``) and Homebrew (``fluid-synth``), and renders
a 4-track piece with reverb at 85-100x real time per core of CPU time here (0.1 ms per 256-frame
buffer; ``tests/benchmarks/bench_audio.py``). The tinysoundfont package would need pyaudio built
from source; pretty_midi's synthesis is itself pyfluidsynth.

FluidSynth never opens an audio device itself: ``AudioOutput`` (PortAudio) and
``render_composition`` pull samples with ``render_into``, writing 32-bit float straight into
the caller's buffer. ``send`` applies a message at once through FluidSynth's thread-safe API,
so it lands in the next rendered buffer, whichever thread sends it.
"""

import concurrent.futures
import ctypes
import logging
import threading
from pathlib import Path
from typing import Any

import mido
import numpy as np

from deepcomposer_desktop.audio.soundfont import check_soundfont, find_soundfont
from deepcomposer_desktop.core.errors import AudioError, SoundFontError
from deepcomposer_desktop.core.track import DRUM_CHANNEL

log = logging.getLogger(__name__)

CHANNELS = 16
DRUM_BANK = 128
LIBRARY_HINT = (
    "the FluidSynth library is missing: install libfluidsynth3 (Debian/Ubuntu), "
    "fluid-synth (Homebrew) or FluidSynth's DLLs (Windows)"
)
_GM_RESET = (0x7E, 0x7F, 0x09, 0x01)

_library: Any = None  # the pyfluidsynth module, once loaded
_functions: dict[str, Any] = {}
_loader: concurrent.futures.ThreadPoolExecutor | None = None
_loader_lock = threading.Lock()


def _fluidsynth() -> Any:
    """Import pyfluidsynth on first use; map both ways it can be missing to AudioError."""
    global _library
    if _library is not None:
        return _library
    try:
        import fluidsynth
    except ModuleNotFoundError as err:
        if err.name == "fluidsynth":
            raise AudioError("pyfluidsynth is not installed: pip install pyfluidsynth") from err
        raise AudioError(LIBRARY_HINT) from err
    except (ImportError, OSError) as err:
        raise AudioError(LIBRARY_HINT) from err
    lib = fluidsynth._fl
    sig = ctypes.CFUNCTYPE
    c_int, c_void_p = ctypes.c_int, ctypes.c_void_p
    _functions["write_float"] = sig(
        c_int, c_void_p, c_int, c_void_p, c_int, c_int, c_void_p, c_int, c_int
    )(("fluid_synth_write_float", lib))
    _functions["channel_pressure"] = sig(c_int, c_void_p, c_int, c_int)(
        ("fluid_synth_channel_pressure", lib)
    )
    _functions["key_pressure"] = sig(c_int, c_void_p, c_int, c_int, c_int)(
        ("fluid_synth_key_pressure", lib)
    )
    _route_fluidsynth_log(lib)
    _library = fluidsynth
    return fluidsynth


_LOG_LEVELS = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.WARNING}
_LOG_FUNCTION = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)


def _log_from_fluidsynth(level: int, message: bytes, _data: Any) -> None:
    log.log(
        _LOG_LEVELS.get(level, logging.DEBUG), "fluidsynth: %s", message.decode(errors="replace")
    )


_LOG_CALLBACK = _LOG_FUNCTION(_log_from_fluidsynth)  # kept alive for FluidSynth


def _route_fluidsynth_log(lib: Any) -> None:
    """Send FluidSynth's messages to ``logging`` instead of stderr (it logs rarely, never per
    sample); info and debug are dropped."""
    setter = lib.fluid_set_log_function
    setter.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    for level in range(5):
        func = _LOG_CALLBACK if level in _LOG_LEVELS else None
        setter(level, ctypes.cast(func, ctypes.c_void_p) if func else None, None)


class Synth:
    """A 16-channel GM synth; a MIDI sink (``send``) and a sample source (``render``).

    Loading a SoundFont takes one to three seconds, so the app builds a Synth on a worker
    thread (``Synth.load_async``); the constructor touches no Qt and no audio device.
    ``dynamic_loading`` loads samples when a program is chosen instead of all at start:
    right for offline rendering, wrong for live play (a program change would then load
    samples, ~0.1 s, while holding FluidSynth's lock, and the audio callback would stall).

    Per-track SoundFonts: ``load_soundfont`` adds one and returns its id;
    ``set_program(..., soundfont_id=)`` or ``set_channel_soundfont`` binds a channel to it.
    """

    def __init__(
        self,
        soundfont: str | Path | None = None,
        *,
        sample_rate: int = 48000,
        gain: float = 0.5,
        reverb: bool = True,
        chorus: bool = True,
        polyphony: int = 256,
        dynamic_loading: bool = False,
    ) -> None:
        if not 8000 <= sample_rate <= 192000:
            raise AudioError(f"sample rate {sample_rate} Hz is outside 8000-192000")
        path = find_soundfont(soundfont)
        fluidsynth = _fluidsynth()
        self.sample_rate = int(sample_rate)
        # FluidSynth's API is thread-safe; this lock only keeps close() from freeing it under
        # a sender or the audio callback (re-entrant: send -> set_volume).
        self._lock = threading.RLock()
        self._fs = fluidsynth.Synth(
            gain=float(gain),
            samplerate=float(sample_rate),
            channels=CHANNELS,
            **{
                "synth.reverb.active": int(reverb),
                "synth.chorus.active": int(chorus),
                "synth.polyphony": int(polyphony),
                "synth.cpu-cores": 1,
                "synth.dynamic-sample-loading": int(dynamic_loading),
            },
        )
        self._handle: int | None = self._fs.synth
        self._write = _functions["write_float"]
        self._sfont_ids: dict[int, Path] = {}
        self._channel_sfont = [0] * CHANNELS
        self._bank = [DRUM_BANK if ch == DRUM_CHANNEL else 0 for ch in range(CHANNELS)]
        self._program = [0] * CHANNELS
        self._volume = [100] * CHANNELS
        self._gain = [1.0] * CHANNELS
        try:
            self.default_soundfont_id = self.load_soundfont(path)
        except SoundFontError:
            self.close()
            raise
        self.soundfont_path = path
        self.reset()

    @classmethod
    def load_async(
        cls, soundfont: str | Path | None = None, **kwargs: Any
    ) -> "concurrent.futures.Future[Synth]":
        """Build a Synth on a background thread; the Future holds it or the SoundFontError."""
        global _loader
        with _loader_lock:
            if _loader is None:
                _loader = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="synth-load")
        return _loader.submit(cls, soundfont, **kwargs)

    # -- SoundFonts and channel setup -------------------------------------------------------

    def load_soundfont(self, path: str | Path) -> int:
        """Load another SoundFont (checked first) and return its id; channels keep theirs."""
        path = check_soundfont(path)
        with self._lock:
            if self._handle is None:
                raise AudioError("the synth is closed")
            for sfont_id, loaded in self._sfont_ids.items():
                if loaded == path:
                    return sfont_id
            sfont_id = int(self._fs.sfload(str(path), 0))
            if sfont_id < 0:
                raise SoundFontError(f"FluidSynth could not load SoundFont {path}")
            self._sfont_ids[sfont_id] = path
            return sfont_id

    def set_channel_soundfont(self, channel: int, soundfont_id: int) -> None:
        """Bind ``channel`` to a loaded SoundFont and reselect its program from it."""
        with self._lock:
            if self._handle is None:
                return
            if soundfont_id not in self._sfont_ids:
                raise SoundFontError(f"no SoundFont with id {soundfont_id} is loaded")
            self._channel_sfont[_check_channel(channel)] = soundfont_id
            self._select(channel, self._program[channel])

    def set_program(
        self,
        channel: int,
        program: int,
        *,
        bank: int | None = None,
        soundfont_id: int | None = None,
    ) -> None:
        """GM program 0-127 on ``channel``; channel 9 plays drum kits (bank 128)."""
        _check_channel(channel)
        with self._lock:
            if self._handle is None:
                return
            if soundfont_id is not None:
                if soundfont_id not in self._sfont_ids:
                    raise SoundFontError(f"no SoundFont with id {soundfont_id} is loaded")
                self._channel_sfont[channel] = soundfont_id
            if bank is not None:
                self._bank[channel] = bank
            self._select(channel, program)

    def set_volume(self, channel: int, volume: int) -> None:
        """CC7, 0-127, as a track's volume; scaled by the channel gain."""
        with self._lock:
            if self._handle is None:
                return
            self._volume[_check_channel(channel)] = _clamp7(volume)
            self._fs.cc(channel, 7, round(self._volume[channel] * self._gain[channel]))

    def set_pan(self, channel: int, pan: int) -> None:
        """CC10, 0 = left, 64 = centre, 127 = right."""
        with self._lock:
            if self._handle is None:
                return
            self._fs.cc(_check_channel(channel), 10, _clamp7(pan))

    def set_channel_gain(self, channel: int, gain: float) -> None:
        """Scale a channel's CC7 by ``gain`` in 0-1 (0 silences it: mute/solo)."""
        with self._lock:
            if self._handle is None:
                return
            self._gain[_check_channel(channel)] = min(max(float(gain), 0.0), 1.0)
            self.set_volume(channel, self._volume[channel])

    def channel_program(self, channel: int) -> tuple[int, int, int]:
        """(soundfont id, bank, program) currently chosen on ``channel``."""
        _check_channel(channel)
        return self._channel_sfont[channel], self._bank[channel], self._program[channel]

    def _select(self, channel: int, program: int) -> None:
        program = _clamp7(program)
        self._program[channel] = program
        sfont_id = self._channel_sfont[channel] or self.default_soundfont_id
        bank = self._bank[channel]
        for sf, bk in ((sfont_id, bank), (self.default_soundfont_id, bank), (sfont_id, 0)):
            if self._fs.sfpreset_name(sf, bk, program) is not None:
                self._fs.program_select(channel, sf, bk, program)
                return
        log.warning("no preset %d:%d on channel %d in any SoundFont", bank, program, channel)

    # -- the sink ---------------------------------------------------------------------------

    def send(self, msg: mido.Message) -> None:
        """Apply one MIDI message now; it sounds from the start of the next rendered buffer."""
        with self._lock:
            if self._handle is None:
                return
            kind = msg.type
            if kind == "note_on":
                self._fs.noteon(msg.channel, msg.note, msg.velocity)
            elif kind == "note_off":
                self._fs.noteoff(msg.channel, msg.note)
            elif kind == "control_change":
                self._control(msg.channel, msg.control, msg.value)
            elif kind == "program_change":
                self._select(msg.channel, msg.program)
            elif kind == "pitchwheel":
                self._fs.pitch_bend(msg.channel, msg.pitch)
            elif kind == "aftertouch":
                _functions["channel_pressure"](self._handle, msg.channel, msg.value)
            elif kind == "polytouch":
                _functions["key_pressure"](self._handle, msg.channel, msg.note, msg.value)
            elif kind == "reset" or (kind == "sysex" and tuple(msg.data) == _GM_RESET):
                self.reset()

    def _control(self, channel: int, control: int, value: int) -> None:
        if control == 7:
            self.set_volume(channel, value)
        elif control == 0:  # bank select MSB; the drum channel stays on the drum bank
            if channel != DRUM_CHANNEL:
                self._bank[channel] = value
        elif control == 121:  # reset all controllers also resets volume
            self._fs.cc(channel, control, value)
            self.set_volume(channel, 100)
        else:
            self._fs.cc(channel, control, value)

    def all_notes_off(self) -> None:
        """Release every note (with its natural release) on every channel."""
        with self._lock:
            if self._handle is None:
                return
            for channel in range(CHANNELS):
                self._fs.cc(channel, 64, 0)  # sustain pedal up, else held notes ring on
                self._fs.all_notes_off(channel)

    def reset(self) -> None:
        """GM defaults: piano everywhere, drums on channel 10, volume 100, centre pan, gain 1.

        Channels keep their SoundFont binding. Up to 63 frames rendered before the reset may
        still come out first: FluidSynth renders in blocks of 64 frames.
        """
        with self._lock:
            if self._handle is None:
                return
            for channel in range(CHANNELS):
                self._bank[channel] = DRUM_BANK if channel == DRUM_CHANNEL else 0
                self._gain[channel] = 1.0
                self._fs.cc(channel, 121, 0)
                self._fs.all_sounds_off(channel)
                self._select(channel, 0)
                self.set_volume(channel, 100)
                self.set_pan(channel, 64)

    # -- the source -------------------------------------------------------------------------

    def render_into(self, out: np.ndarray) -> None:
        """Fill ``out``, a C-contiguous float32 array of shape (frames, 2), with the next audio.

        Allocation-free apart from a ctypes pointer, so the audio callback can call it.
        """
        with self._lock:
            if self._handle is None:
                out.fill(0.0)
                return
            address = out.ctypes.data
            self._write(self._handle, out.shape[0], address, 0, 2, address, 1, 2)

    def render(self, n_frames: int) -> np.ndarray:
        """The next ``n_frames`` of audio: float32 array of shape (n_frames, 2), -1..1 nominal."""
        out = np.empty((int(n_frames), 2), dtype=np.float32)
        if n_frames > 0:
            self.render_into(out)
        return out

    def active_voices(self) -> int:
        with self._lock:
            return 0 if self._handle is None else int(self._fs.get_active_voice_count())

    def close(self) -> None:
        """Free FluidSynth; later sends are ignored and renders give silence."""
        with self._lock:
            if self._handle is None:
                return
            self._handle = None
            self._fs.delete()

    def __enter__(self) -> "Synth":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_channel(channel: int) -> int:
    if not 0 <= channel < CHANNELS:
        raise ValueError(f"MIDI channel {channel} is outside 0-15")
    return channel


def _clamp7(value: int) -> int:
    return min(max(int(value), 0), 127)
