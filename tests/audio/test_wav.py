"""WAV files: 16-bit PCM stereo through ``wave``, clipped, atomic, typed errors."""

import wave

import numpy as np
import pytest

from deepcomposer_desktop.audio.wav import to_pcm16, write_wav
from deepcomposer_desktop.core.errors import OutputFileError


def test_round_trip_through_the_wave_module(tmp_path) -> None:
    t = np.arange(4410) / 44100
    audio = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), -0.25 * np.ones_like(t)], axis=1)
    path = tmp_path / "out.wav"
    write_wav(path, audio.astype(np.float32), 44100)
    with wave.open(str(path)) as handle:
        assert handle.getnchannels() == 2
        assert handle.getsampwidth() == 2
        assert handle.getframerate() == 44100
        data = np.frombuffer(handle.readframes(handle.getnframes()), "<i2").reshape(-1, 2)
    assert data.shape == (4410, 2)
    assert np.abs(data[:, 0] / 32767 - audio[:, 0]).max() < 1e-4
    assert (data[:, 1] == round(-0.25 * 32767)).all()
    assert not (tmp_path / "out.wav.part").exists()


def test_overs_are_clipped_not_wrapped() -> None:
    pcm = to_pcm16(np.array([[1.5, -1.5], [1.0, -1.0]], dtype=np.float32))
    assert pcm.tolist() == [[32767, -32767], [32767, -32767]]


def test_mono_is_written_as_one_channel(tmp_path) -> None:
    write_wav(tmp_path / "m.wav", np.zeros(100, dtype=np.float32), 22050)
    with wave.open(str(tmp_path / "m.wav")) as handle:
        assert handle.getnchannels() == 1
        assert handle.getnframes() == 100


def test_unwritable_path_is_an_output_file_error(tmp_path) -> None:
    with pytest.raises(OutputFileError, match="cannot write"):
        write_wav(tmp_path / "no" / "such" / "x.wav", np.zeros((10, 2)), 44100)
    with pytest.raises(OutputFileError):
        write_wav(tmp_path, np.zeros((10, 2)), 44100)  # a folder


def test_bad_shape_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="shape"):
        write_wav(tmp_path / "x.wav", np.zeros((10, 3)), 44100)
