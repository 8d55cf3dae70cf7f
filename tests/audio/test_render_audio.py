"""Offline rendering checked by listening with numbers: pitch, onsets, silence, drums, level."""

import numpy as np
import pytest
from audio_analysis import band_energy_ratio, fundamental_hz, onsets_s, peak, rms_envelope
from tiny_sf2 import write_sine_sf2

from deepcomposer_desktop.audio.render import normalise, render_composition
from deepcomposer_desktop.audio.synth import Synth
from deepcomposer_desktop.core import Composition, Note, TempoChange, Track
from deepcomposer_desktop.core.errors import CompositionError, SoundFontError

RATE = 44100
ONSET_TOLERANCE_S = 0.02


def seconds(audio: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return audio[int(start_s * RATE) : int(end_s * RATE)]


def test_notes_start_when_scheduled_and_silence_elsewhere(dry_synth: Synth) -> None:
    melody = Track("m", (Note(1.0, 69, 0.25), Note(3.0, 72, 0.25), Note(5.5, 60, 0.25)))
    audio = render_composition(Composition((melody,)), synth=dry_synth)  # 120 BPM
    found = onsets_s(audio, RATE)
    assert len(found) == 3
    for got, expected in zip(found, [0.5, 1.5, 2.75], strict=True):
        assert got == pytest.approx(expected, abs=ONSET_TOLERANCE_S)
    assert peak(seconds(audio, 0.0, 0.49)) < 1e-4  # nothing before the first note


def test_pitches_of_consecutive_notes(dry_synth: Synth) -> None:
    lead = Track("lead", (Note(0.0, 69, 2.0), Note(4.0, 72, 2.0)), program=80)
    audio = render_composition(Composition((lead,)), synth=dry_synth)
    assert fundamental_hz(seconds(audio, 0.1, 0.9), RATE) == pytest.approx(440.0, abs=3)
    assert fundamental_hz(seconds(audio, 2.1, 2.9), RATE) == pytest.approx(523.25, abs=3)


def test_silence_in_a_long_rest(dry_synth: Synth) -> None:
    melody = Track("m", (Note(0.0, 60, 0.5), Note(16.0, 64, 0.5)))
    audio = render_composition(Composition((melody,)), synth=dry_synth)
    rest = seconds(audio, 4.0, 7.9)
    assert peak(rest) < 1e-4
    assert peak(seconds(audio, 8.0, 8.3)) > 0.1


def test_tempo_changes_are_respected(dry_synth: Synth) -> None:
    melody = Track("m", (Note(1.0, 69, 0.25), Note(6.0, 72, 0.25)))
    comp = Composition((melody,), tempo_map=(TempoChange(0, 120), TempoChange(4, 60)))
    found = onsets_s(render_composition(comp, synth=dry_synth), RATE)
    # beat 6 = 4 beats at 120 BPM (2 s) + 2 beats at 60 BPM (2 s); not 3 s at 120 throughout
    assert found == pytest.approx([0.5, 4.0], abs=ONSET_TOLERANCE_S)


def test_drums_on_channel_ten_are_audible_and_broadband(dry_synth: Synth) -> None:
    hats = Track("drums", tuple(Note(b * 2.0, 42, 0.25) for b in range(4)), is_drum=True)
    audio = render_composition(Composition((hats,)), synth=dry_synth)
    assert peak(audio) > 0.5  # normalised: it made sound
    assert band_energy_ratio(audio, RATE, 2000.0) > 0.5
    assert onsets_s(audio, RATE) == pytest.approx([0.0, 1.0, 2.0, 3.0], abs=ONSET_TOLERANCE_S)


def test_output_is_peak_normalised_to_minus_one_dbfs(dry_synth: Synth) -> None:
    chords = Track("pad", tuple(Note(0, p, 4.0, 127) for p in range(48, 84, 2)), program=48)
    audio = render_composition(Composition((chords,)), synth=dry_synth)
    assert peak(audio) == pytest.approx(10 ** (-1 / 20), rel=1e-4)
    raw = render_composition(Composition((chords,)), synth=dry_synth, peak_dbfs=None)
    assert peak(raw) != pytest.approx(peak(audio), rel=1e-3)


def test_normalise_leaves_silence_alone() -> None:
    silence = np.zeros((10, 2), dtype=np.float32)
    normalise(silence)
    assert not silence.any()


def test_tail_lets_the_release_ring_then_stops_when_silent(dry_synth: Synth) -> None:
    melody = Track("m", (Note(0.0, 60, 1.0),))
    audio = render_composition(Composition((melody,)), synth=dry_synth, tail_s=5.0)
    length_s = audio.shape[0] / RATE
    assert 0.55 < length_s < 5.5  # past the note-off at 0.5 s, stopped before 5 s of tail
    env = rms_envelope(audio, RATE, window_s=0.01)
    assert env[-1] < 1e-3 * env.max()  # ends quietly
    clipped = render_composition(Composition((melody,)), synth=dry_synth, tail_s=0.0)
    assert clipped.shape[0] == round(0.5 * RATE)


def test_mute_and_solo_shape_the_mix(dry_synth: Synth) -> None:
    low = Track("low", (Note(0.0, 57, 2.0),), program=80)
    high = Track("high", (Note(0.0, 81, 2.0),), program=80)
    only_high = render_composition(
        Composition((low, Track("high", high.notes, program=80, solo=True))), synth=dry_synth
    )
    only_low = render_composition(
        Composition((low, Track("high", high.notes, program=80, muted=True))), synth=dry_synth
    )
    assert fundamental_hz(seconds(only_high, 0.1, 0.9), RATE) == pytest.approx(880, abs=4)
    assert fundamental_hz(seconds(only_low, 0.1, 0.9), RATE) == pytest.approx(220, abs=3)


def test_track_pan_is_honoured(dry_synth: Synth) -> None:
    left = Track("left", (Note(0.0, 60, 1.0),), pan=0)
    audio = render_composition(Composition((left,)), synth=dry_synth)
    assert np.abs(audio[:, 0]).sum() > 5 * np.abs(audio[:, 1]).sum()


def test_empty_composition_renders_no_audio(dry_synth: Synth) -> None:
    audio = render_composition(Composition(), synth=dry_synth, tail_s=0.0)
    assert audio.shape == (0, 2)


def test_absurdly_long_music_is_refused(dry_synth: Synth) -> None:
    far = Track("m", (Note(100_000.0, 60, 1.0),))
    with pytest.raises(CompositionError, match="minutes"):
        render_composition(Composition((far,)), synth=dry_synth)


def test_per_track_soundfont(dry_synth: Synth, tmp_path) -> None:
    sine = write_sine_sf2(tmp_path / "sine.sf2")
    piano = Track("piano", (Note(0.0, 57, 2.0),))
    tone = Track("tone", (Note(0.0, 69, 2.0),))
    audio = render_composition(
        Composition((piano, tone)), synth=dry_synth, track_soundfonts={1: sine}
    )
    assert peak(audio) > 0.5
    # the sine track sounds with its SoundFont; the piano track keeps the GM piano
    tone_only = render_composition(
        Composition((piano, Track("tone", tone.notes, solo=True))),
        synth=dry_synth,
        track_soundfonts={1: sine},
    )
    assert band_energy_ratio(seconds(tone_only, 0.1, 0.9), RATE, 600.0) < 1e-3
    piano_only = render_composition(
        Composition((piano, Track("tone", tone.notes, muted=True))),
        synth=dry_synth,
        track_soundfonts={1: sine},
    )
    assert band_energy_ratio(seconds(piano_only, 0.1, 0.9), RATE, 600.0) > 1e-2
    with pytest.raises(CompositionError):
        render_composition(Composition((piano,)), synth=dry_synth, track_soundfonts={3: sine})


def test_default_render_builds_its_own_synth_with_reverb(tmp_path) -> None:
    melody = Track("m", (Note(0.0, 69, 1.0),))
    audio = render_composition(Composition((melody,)), sample_rate=22050)
    assert audio.dtype == np.float32 and audio.shape[1] == 2
    assert peak(audio) == pytest.approx(10 ** (-1 / 20), rel=1e-4)
    bogus = tmp_path / "bad.sf2"
    bogus.write_bytes(b"RIFF....WAVE")
    with pytest.raises(SoundFontError):
        render_composition(Composition((melody,)), soundfont=bogus)


def test_chorus_off_for_rendering_changes_nothing_audible() -> None:
    """Why rendering may skip the chorus unit: a composition never sends to it."""
    band = (
        Track("lead", (Note(0.0, 72, 1.0), Note(1.0, 76, 1.0)), program=73),
        Track("pad", (Note(0.0, 60, 2.0), Note(0.0, 64, 2.0)), program=48, pan=30),
        Track("drums", (Note(0.0, 36, 0.5), Note(1.0, 38, 0.5)), is_drum=True),
    )
    rendered = []
    for chorus in (True, False):
        with Synth(sample_rate=22050, dynamic_loading=True, chorus=chorus) as synth:
            rendered.append(render_composition(Composition(band), synth=synth, peak_dbfs=None))
    with_chorus, without = rendered
    assert with_chorus.shape == without.shape
    assert np.abs(with_chorus - without).max() < 1e-6
