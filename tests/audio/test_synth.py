"""The synth as a MIDI sink and sample source: pitch, drums, volume, pan, programs."""

import builtins
import sys
from concurrent.futures import Future

import mido
import numpy as np
import pytest
from audio_analysis import band_energy_ratio, fundamental_hz, peak
from tiny_sf2 import write_sine_sf2

from deepcomposer_desktop.audio import synth as synth_module
from deepcomposer_desktop.audio.soundfont import find_soundfont
from deepcomposer_desktop.audio.synth import Synth
from deepcomposer_desktop.core.errors import AudioError, SoundFontError

RATE = 44100


def fresh(synth: Synth) -> None:
    """Reset and flush FluidSynth's last partly used 64-frame block."""
    synth.reset()
    synth.render(128)


def note_on(note: int, channel: int = 0, velocity: int = 100) -> mido.Message:
    return mido.Message("note_on", channel=channel, note=note, velocity=velocity)


def test_render_returns_float32_stereo(synth: Synth) -> None:
    audio = synth.render(1000)
    assert audio.shape == (1000, 2)
    assert audio.dtype == np.float32


def test_silence_without_notes(synth: Synth) -> None:
    assert peak(synth.render(RATE)) < 1e-6


@pytest.mark.parametrize(("note", "hz"), [(69, 440.0), (72, 523.25), (81, 880.0)])
def test_note_sounds_at_its_pitch(synth: Synth, note: int, hz: float) -> None:
    synth.set_program(0, 80)  # square lead: steady pitch, no vibrato
    synth.send(note_on(note))
    audio = synth.render(RATE)
    assert peak(audio) > 0.01
    assert fundamental_hz(audio, RATE) == pytest.approx(hz, abs=3.0)


def test_note_sent_appears_in_the_next_buffer(synth: Synth) -> None:
    assert peak(synth.render(256)) == 0.0
    synth.send(note_on(69))
    buffer = synth.render(256)
    assert peak(buffer) > 1e-4
    # the note starts at the buffer's start, within FluidSynth's 64-sample block
    assert np.flatnonzero(np.abs(buffer[:, 0]) > 1e-6)[0] < 64


def test_note_off_lets_the_note_die_away(synth: Synth) -> None:
    synth.send(note_on(60))
    synth.render(RATE // 4)
    synth.send(mido.Message("note_off", note=60))
    synth.render(RATE * 2)
    assert peak(synth.render(RATE // 10)) < 1e-4


def test_drum_channel_plays_a_kit_not_a_piano(synth: Synth) -> None:
    assert synth.channel_program(9)[1] == 128
    synth.send(note_on(42, channel=9))  # closed hi-hat: noise, mostly above 2 kHz
    hat = synth.render(RATE // 4)
    fresh(synth)
    synth.send(note_on(42, channel=0))  # the same key on a piano: F#2, 92 Hz
    piano = synth.render(RATE // 4)
    assert peak(hat) > 0.01
    assert band_energy_ratio(hat, RATE, 2000.0) > 0.5
    assert band_energy_ratio(piano, RATE, 2000.0) < 0.1


def test_program_change_changes_the_sound(synth: Synth) -> None:
    synth.send(note_on(60))
    piano = synth.render(RATE // 2)
    fresh(synth)
    synth.send(mido.Message("program_change", program=40))  # violin
    synth.send(note_on(60))
    violin = synth.render(RATE // 2)
    assert synth.channel_program(0)[2] == 40
    assert not np.allclose(piano, violin, atol=1e-3)


def test_volume_and_channel_gain_scale_the_level(synth: Synth) -> None:
    synth.send(note_on(60))
    full = peak(synth.render(RATE // 2))
    fresh(synth)
    synth.set_volume(0, 50)
    synth.send(note_on(60))
    quieter = peak(synth.render(RATE // 2))
    fresh(synth)
    synth.set_channel_gain(0, 0.0)
    synth.send(note_on(60))
    muted = peak(synth.render(RATE // 2))
    assert 0.05 * full < quieter < 0.5 * full
    assert muted < 1e-5


@pytest.mark.parametrize(("pan", "louder"), [(0, 0), (127, 1)])
def test_pan_moves_the_sound(synth: Synth, pan: int, louder: int) -> None:
    synth.send(mido.Message("control_change", control=10, value=pan))
    synth.send(note_on(60))
    audio = synth.render(RATE // 2)
    left, right = np.abs(audio[:, 0]).sum(), np.abs(audio[:, 1]).sum()
    ratio = left / right if louder == 0 else right / left
    assert ratio > 5


def test_all_notes_off_releases_held_and_sustained_notes(synth: Synth) -> None:
    synth.send(mido.Message("control_change", control=64, value=127))
    for note in (60, 64, 67):
        synth.send(note_on(note))
    synth.render(RATE // 4)
    synth.all_notes_off()
    synth.render(RATE * 2)
    assert synth.active_voices() == 0


def test_unknown_program_falls_back_instead_of_going_silent(synth: Synth) -> None:
    synth.set_program(0, 5, bank=99)  # no bank 99 in a GM SoundFont
    synth.send(note_on(60))
    assert peak(synth.render(RATE // 4)) > 0.01


def test_channel_can_use_a_second_soundfont(synth: Synth) -> None:
    second = synth.load_soundfont(find_soundfont())  # the same file: same id, no reload
    assert second == synth.default_soundfont_id
    with pytest.raises(SoundFontError):
        synth.set_channel_soundfont(3, 99)


def test_per_channel_soundfont_selects_from_that_soundfont(tmp_path) -> None:
    sine = write_sine_sf2(tmp_path / "sine.sf2")
    with Synth(sample_rate=RATE, dynamic_loading=True, reverb=False, chorus=False) as synth:
        second = synth.load_soundfont(sine)
        assert second != synth.default_soundfont_id
        synth.set_program(2, 0, soundfont_id=second)
        assert synth.channel_program(2) == (second, 0, 0)
        assert synth.channel_program(1)[0] in (0, synth.default_soundfont_id)
        synth.send(note_on(69, channel=2))
        from_sine = synth.render(RATE // 2)
        synth.reset()
        synth.render(128)
        synth.send(note_on(69, channel=1))
        from_gm = synth.render(RATE // 2)
    # the sine SoundFont has no harmonics; FluidR3's piano has plenty
    assert fundamental_hz(from_sine, RATE) == pytest.approx(440, abs=2)
    assert band_energy_ratio(from_sine, RATE, 600.0) < 1e-3
    assert band_energy_ratio(from_gm, RATE, 600.0) > 1e-2


def test_users_own_soundfont_can_be_the_main_one(tmp_path) -> None:
    with Synth(write_sine_sf2(tmp_path / "s.sf2"), sample_rate=RATE, reverb=False) as synth:
        synth.send(note_on(81))
        assert fundamental_hz(synth.render(RATE // 2), RATE) == pytest.approx(880, abs=2)
        synth.set_program(0, 40)  # missing from this SoundFont: falls back, no crash
        synth.send(mido.Message("program_change", channel=9, program=0))


def test_bad_soundfont_is_refused(tmp_path) -> None:
    bogus = tmp_path / "x.sf2"
    bogus.write_bytes(b"not a soundfont at all")
    with pytest.raises(SoundFontError, match="not a SoundFont"):
        Synth(bogus)


def test_missing_pyfluidsynth_is_one_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(synth_module, "_library", None)
    monkeypatch.setitem(sys.modules, "fluidsynth", None)  # import now fails
    with pytest.raises(AudioError, match="pip install pyfluidsynth"):
        Synth()


def test_missing_fluidsynth_library_names_the_packages(monkeypatch) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "fluidsynth":  # what pyfluidsynth raises when libfluidsynth is absent
            raise ImportError("Couldn't find the FluidSynth library.")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(synth_module, "_library", None)
    monkeypatch.delitem(sys.modules, "fluidsynth", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(AudioError, match=r"libfluidsynth3.*fluid-synth"):
        Synth()


def test_load_async_builds_the_synth_off_the_callers_thread() -> None:
    future = Synth.load_async(sample_rate=22050, dynamic_loading=True)
    assert isinstance(future, Future)
    synth = future.result(timeout=60)
    try:
        assert synth.sample_rate == 22050
        synth.send(note_on(69))
        assert peak(synth.render(2048)) > 0
    finally:
        synth.close()


def test_load_async_reports_a_bad_soundfont_through_the_future(tmp_path) -> None:
    future = Synth.load_async(tmp_path / "missing.sf3")
    with pytest.raises(SoundFontError):
        future.result(timeout=60)


def test_closed_synth_is_silent_and_ignores_messages() -> None:
    synth = Synth(sample_rate=RATE, dynamic_loading=True)
    synth.close()
    synth.close()
    synth.send(note_on(60))
    synth.all_notes_off()
    assert peak(synth.render(128)) == 0.0
    assert synth.active_voices() == 0


def test_bad_sample_rate_is_refused() -> None:
    with pytest.raises(AudioError):
        Synth(sample_rate=100)


def test_sending_from_many_threads_while_rendering_and_closing_is_safe() -> None:
    """The player, keyboard thru and audio callback all touch one synth; close() may race."""
    import threading

    synth = Synth(sample_rate=RATE, dynamic_loading=True)
    stop = threading.Event()
    errors: list[BaseException] = []

    def sender(channel: int) -> None:
        try:
            i = 0
            while not stop.is_set():
                synth.send(note_on(48 + i % 24, channel=channel))
                synth.send(mido.Message("note_off", channel=channel, note=48 + i % 24))
                synth.set_channel_gain(channel, (i % 3) / 2)
                i += 1
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=sender, args=(ch,)) for ch in (0, 1, 9)]
    for thread in threads:
        thread.start()
    buffer = np.zeros((256, 2), dtype=np.float32)
    for _ in range(200):
        synth.render_into(buffer)
    synth.close()  # while the senders still send
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    synth.render_into(buffer)
    assert not buffer.any()
