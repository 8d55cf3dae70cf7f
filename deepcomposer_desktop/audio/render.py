"""Offline rendering of a composition through the same synth that plays live.

The composition becomes sample-stamped messages (``schedule``); the synth renders exactly up
to each message's sample, takes the message, and goes on, so onsets follow the tempo map to
within FluidSynth's 64-frame block (1.5 ms at 44.1 kHz; the tests allow 20 ms). After the
last note-off a tail lets releases and reverb ring out (until silent, at most ``tail_s``).
The result is peak-normalised, so it never clips.
"""

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from deepcomposer_desktop.audio.schedule import assign_channels, schedule
from deepcomposer_desktop.audio.synth import Synth
from deepcomposer_desktop.audio.wav import write_wav
from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError

__all__ = ["render_composition", "write_wav"]

log = logging.getLogger(__name__)

MAX_SECONDS = 3600.0  # one hour of stereo float32 at 48 kHz is 1.4 GB; longer is a mistake
SILENCE = 10 ** (-90 / 20)  # raw level below which the tail counts as silent
TAIL_BLOCK_FRAMES = 2048
# Samples load per program (fast start). Chorus off: a Composition carries no CC93 and GM
# presets send nothing to chorus, so it only costs time (tested: identical output).
RENDER_SYNTH_OPTIONS = {"dynamic_loading": True, "chorus": False}


def render_composition(
    composition: Composition,
    *,
    soundfont: str | Path | None = None,
    sample_rate: int = 44100,
    tail_s: float = 2.0,
    peak_dbfs: float | None = -1.0,
    track_soundfonts: Mapping[int, str | Path] | None = None,
    synth: Synth | None = None,
) -> np.ndarray:
    """Render to float32 audio of shape (frames, 2), -1..1, at ``sample_rate``.

    ``track_soundfonts`` maps a track index to its own SoundFont. Mute and solo are honoured
    (what you hear is what you get); volume and pan are the tracks'. ``peak_dbfs`` None
    returns the synth's raw level. ``synth`` reuses a loaded one (reset first; its sample
    rate wins). Raises SoundFontError, AudioError or CompositionError (too long).
    """
    if synth is None:
        with Synth(soundfont, sample_rate=sample_rate, **RENDER_SYNTH_OPTIONS) as own:
            return render_composition(
                composition,
                sample_rate=sample_rate,
                tail_s=tail_s,
                peak_dbfs=peak_dbfs,
                track_soundfonts=track_soundfonts,
                synth=own,
            )
    sample_rate = synth.sample_rate
    events = schedule(composition, sample_rate=sample_rate)
    last_sample = events[-1].sample if events else 0
    tail_frames = max(int(tail_s * sample_rate), 0)
    if last_sample + tail_frames > MAX_SECONDS * sample_rate:
        raise CompositionError(f"the music lasts more than {MAX_SECONDS / 60:.0f} minutes")
    synth.reset()
    _bind_soundfonts(synth, composition, track_soundfonts or {})

    out = np.zeros((last_sample + tail_frames, 2), dtype=np.float32)
    cursor = 0
    for event in events:
        if event.sample > cursor:
            synth.render_into(out[cursor : event.sample])
            cursor = event.sample
        synth.send(event.msg)
    end = cursor + tail_frames
    while cursor < end:
        block = out[cursor : min(cursor + TAIL_BLOCK_FRAMES, end)]
        synth.render_into(block)
        cursor += block.shape[0]
        if synth.active_voices() == 0 and float(np.abs(block).max()) < SILENCE:
            break
    synth.all_notes_off()
    audio = out[:cursor]
    if peak_dbfs is not None:
        normalise(audio, peak_dbfs)
    return audio


def normalise(audio: np.ndarray, peak_dbfs: float = -1.0) -> None:
    """Scale ``audio`` (any shape, float) in place so that its peak is ``peak_dbfs``."""
    peak = float(np.abs(audio).max()) if audio.size else 0.0
    if peak > 0.0:
        audio *= np.float32(10 ** (peak_dbfs / 20) / peak)


def _bind_soundfonts(
    synth: Synth, composition: Composition, track_soundfonts: Mapping[int, str | Path]
) -> None:
    for channel in range(16):
        synth.set_channel_soundfont(channel, synth.default_soundfont_id)
    channels = assign_channels(composition.tracks)
    for index, path in track_soundfonts.items():
        if not 0 <= index < len(composition.tracks):
            raise CompositionError(f"track {index} does not exist (per-track SoundFont)")
        synth.set_channel_soundfont(channels[index], synth.load_soundfont(path))
