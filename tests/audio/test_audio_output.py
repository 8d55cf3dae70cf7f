"""The live path: PortAudio callback pulls from the synth; no sound card is not a crash."""

import shutil
import subprocess
import time
from types import SimpleNamespace

import mido
import numpy as np
import pytest

from deepcomposer_desktop.audio import output
from deepcomposer_desktop.audio.output import AudioOutput, audio_available, rescan_devices
from deepcomposer_desktop.audio.synth import Synth
from deepcomposer_desktop.core.errors import AudioError

FINE = SimpleNamespace(output_underflow=False)


@pytest.fixture()
def live_synth() -> Synth:
    synth = Synth(sample_rate=48000, dynamic_loading=True)
    yield synth
    synth.close()


def test_no_audio_device_is_one_audio_error_and_the_synth_keeps_working(
    live_synth: Synth, monkeypatch
) -> None:
    monkeypatch.setattr(output, "default_output_device", lambda: None)
    out = AudioOutput(live_synth)
    with pytest.raises(AudioError, match=r"no audio output device.*MIDI output still works"):
        out.start()
    assert not out.is_running
    out.stop()  # harmless
    live_synth.send(mido.Message("note_on", note=60, velocity=100))
    assert np.abs(live_synth.render(256)).max() > 0


def test_audio_available_is_false_without_a_device(monkeypatch) -> None:
    monkeypatch.setattr(output, "default_output_device", lambda: None)
    assert audio_available() is False


def test_bad_buffer_size_is_refused(live_synth: Synth) -> None:
    with pytest.raises(AudioError):
        AudioOutput(live_synth, buffer_frames=4)


def test_callback_renders_a_note_sent_just_before_it(live_synth: Synth) -> None:
    out = AudioOutput(live_synth, buffer_frames=256)
    buffer = np.ones((256, 2), dtype=np.float32)
    out._callback(buffer, 256, None, FINE)
    assert np.abs(buffer).max() < 1e-6  # (near-)silence overwrites whatever was there
    live_synth.send(mido.Message("note_on", note=69, velocity=100))
    out._callback(buffer, 256, None, FINE)
    assert np.abs(buffer).max() > 1e-3
    assert np.flatnonzero(np.abs(buffer[:, 0]) > 1e-6)[0] < 64
    out._callback(buffer, 256, None, SimpleNamespace(output_underflow=True))
    assert out.underflows == 1 and out.callbacks == 3


def test_callback_after_the_synth_closed_outputs_silence(live_synth: Synth) -> None:
    out = AudioOutput(live_synth)
    live_synth.send(mido.Message("note_on", note=69, velocity=100))
    live_synth.close()
    buffer = np.ones((256, 2), dtype=np.float32)
    out._callback(buffer, 256, None, FINE)
    assert not buffer.any()


def _jack_ports() -> set[str]:
    result = subprocess.run(["jack_lsp"], capture_output=True, text=True, timeout=10, check=True)
    return set(result.stdout.split())


@pytest.mark.integration
@pytest.mark.jack
def test_real_stream_through_jack_carries_the_note(jack_server, live_synth: Synth) -> None:
    """PortAudio's JACK host API plays the synth; a JACK-connected input stream hears it."""
    import sounddevice as sd

    if shutil.which("jack_connect") is None:
        pytest.fail("jack_connect is missing (apt-get install jackd2)")
    rescan_devices()
    assert audio_available(), "PortAudio sees no JACK output device"
    before = _jack_ports()
    heard: list[np.ndarray] = []
    mic = sd.InputStream(
        samplerate=48000, channels=2, dtype="float32", callback=lambda d, *_: heard.append(d.copy())
    )
    with AudioOutput(live_synth, buffer_frames=256) as out:
        mic.start()
        try:
            new = _jack_ports() - before
            outs = sorted(p for p in new if ":out_" in p)
            ins = sorted(p for p in new if ":in_" in p)
            assert len(outs) == 2 and len(ins) == 2, new
            for source in ("system:capture_1", "system:capture_2"):
                for sink in ins:
                    subprocess.run(["jack_disconnect", source, sink], check=False, timeout=10)
            for source, sink in zip(outs, ins, strict=True):
                subprocess.run(["jack_connect", source, sink], check=True, timeout=10)
            time.sleep(0.3)
            silent_before = np.abs(np.concatenate(heard)).max() if heard else 0.0
            heard.clear()
            live_synth.send(mido.Message("note_on", note=69, velocity=110))
            time.sleep(0.5)
        finally:
            mic.stop()
            mic.close()
        assert out.is_running and out.callbacks > 50
    recorded = np.concatenate(heard)
    assert silent_before < 1e-6
    assert np.abs(recorded).max() > 1e-2


def test_offline_render_sounds_exactly_like_live_playback() -> None:
    """Same synth path: the messages fed live, buffer by buffer, give the same samples.

    Notes sit on 256-frame boundaries (112.5 BPM at 48 kHz: one beat = 100 buffers) so the
    live path, which applies messages between buffers, hears them at the same samples.
    """
    from deepcomposer_desktop.audio.render import RENDER_SYNTH_OPTIONS, render_composition
    from deepcomposer_desktop.audio.schedule import schedule
    from deepcomposer_desktop.core import Composition, Note, TempoChange, Track

    comp = Composition(
        (
            Track("lead", (Note(0.0, 72, 1.0), Note(1.0, 76, 1.0)), program=73, pan=40),
            Track("pad", (Note(0.0, 60, 2.0), Note(0.0, 64, 2.0)), program=48, volume=80),
            Track("drums", (Note(0.0, 36, 0.5), Note(1.0, 38, 0.5)), is_drum=True),
        ),
        tempo_map=(TempoChange(0, 112.5),),
    )
    with Synth(sample_rate=48000, **RENDER_SYNTH_OPTIONS) as offline_synth:
        offline = render_composition(comp, synth=offline_synth, tail_s=1.0, peak_dbfs=None)

    live_synth = Synth(sample_rate=48000)  # exactly what the app plays through
    out = AudioOutput(live_synth, buffer_frames=256)
    events = schedule(comp, sample_rate=48000)
    assert all(e.sample % 256 == 0 for e in events)
    buffers, next_event = [], 0
    buffer = np.zeros((256, 2), dtype=np.float32)
    for start in range(0, offline.shape[0], 256):
        while next_event < len(events) and events[next_event].sample <= start:
            live_synth.send(events[next_event].msg)
            next_event += 1
        out._callback(buffer, 256, None, FINE)
        buffers.append(buffer.copy())
    live_synth.close()
    live = np.concatenate(buffers)[: offline.shape[0]]
    assert np.abs(offline).max() > 0.05
    assert np.abs(live - offline).max() < 1e-5
