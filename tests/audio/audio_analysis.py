"""Measuring rendered audio in tests: pitch by FFT, onsets by RMS envelope, levels."""

import numpy as np


def mono(audio: np.ndarray) -> np.ndarray:
    """(frames, 2) float -> (frames,) float64 mean of both channels."""
    return np.asarray(audio, dtype=np.float64).mean(axis=1)


def fundamental_hz(audio: np.ndarray, sample_rate: int, *, low_hz: float = 50.0) -> float:
    """Frequency of the strongest FFT bin above ``low_hz`` (Hann window, zero-padded)."""
    signal = mono(audio)
    n = 1 << (len(signal) * 4 - 1).bit_length()
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal)), n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    spectrum[freqs < low_hz] = 0.0
    # the lowest clear peak, not the strongest: some instruments' 2nd harmonic is louder
    strong = np.flatnonzero(spectrum >= 0.25 * spectrum.max())
    first = strong[0]
    while first + 1 < len(spectrum) and spectrum[first + 1] > spectrum[first]:
        first += 1
    return float(freqs[first])


def rms_envelope(audio: np.ndarray, sample_rate: int, *, window_s: float = 0.002) -> np.ndarray:
    """RMS of consecutive windows: shape (frames // window,), one value per ``window_s``."""
    window = max(int(window_s * sample_rate), 1)
    signal = mono(audio)
    usable = len(signal) // window * window
    blocks = signal[:usable].reshape(-1, window)
    return np.sqrt((blocks**2).mean(axis=1))


def onsets_s(audio: np.ndarray, sample_rate: int, *, window_s: float = 0.002) -> list[float]:
    """Times where the envelope rises from below -50 dB to above -30 dB of the peak."""
    env = rms_envelope(audio, sample_rate, window_s=window_s)
    peak = env.max()
    quiet, loud = peak * 10 ** (-50 / 20), peak * 10 ** (-30 / 20)
    times, armed = [], True
    for i, value in enumerate(env):
        if armed and value > loud:
            start = i
            while start > 0 and env[start - 1] > quiet:
                start -= 1
            times.append(start * window_s)
            armed = False
        elif value < quiet:
            armed = True
    return times


def peak(audio: np.ndarray) -> float:
    return float(np.abs(audio).max()) if audio.size else 0.0


def band_energy_ratio(audio: np.ndarray, sample_rate: int, split_hz: float) -> float:
    """Share of spectral energy above ``split_hz``: near 0 for a low tone, large for noise."""
    spectrum = np.abs(np.fft.rfft(mono(audio))) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1.0 / sample_rate)
    return float(spectrum[freqs >= split_hz].sum() / spectrum.sum())
