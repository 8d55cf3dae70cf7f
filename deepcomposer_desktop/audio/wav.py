"""16-bit PCM WAV writing with the standard library's ``wave`` module."""

import contextlib
import os
import wave
from pathlib import Path

import numpy as np

from deepcomposer_desktop.core.errors import OutputFileError


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    """float audio (-1..1, shape (frames, channels)) to little-endian int16, clipped, rounded."""
    scaled = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767.0
    pcm: np.ndarray = np.rint(scaled).astype("<i2")
    return pcm


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int) -> None:
    """Write ``audio`` — float32 of shape (frames, 2), or (frames,) for mono — as 16-bit PCM.

    Written to a ``.part`` file and renamed, so a failure never leaves a truncated WAV behind.
    Raises OutputFileError when the file cannot be written, ValueError for a bad array.
    """
    audio = np.asarray(audio)
    if audio.ndim == 1:
        audio = audio[:, None]
    if audio.ndim != 2 or audio.shape[1] not in (1, 2):
        raise ValueError(f"audio must have shape (frames, 2) or (frames,), not {audio.shape}")
    if not 1000 <= sample_rate <= 384000:
        raise ValueError(f"sample rate {sample_rate} Hz is not plausible")
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        # open the file ourselves: wave.open(path) leaks a half-built writer when it fails
        with partial.open("wb") as raw, wave.open(raw, "wb") as handle:
            handle.setnchannels(audio.shape[1])
            handle.setsampwidth(2)
            handle.setframerate(int(sample_rate))
            handle.writeframes(to_pcm16(audio).tobytes())
        os.replace(partial, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise OutputFileError(f"cannot write {path}: {err.strerror or err}") from err
