"""``deepcomposer render``: a WAV out, or one clear line and exit 2."""

import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from deepcomposer_desktop.cli import main
from deepcomposer_desktop.core import Composition, Note, TempoChange, Track
from deepcomposer_desktop.core.midifile import write_midi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "audio"))
from tiny_sf2 import write_sine_sf2


@pytest.fixture()
def song(tmp_path):
    melody = Track("melody", (Note(1.0, 69, 1.0), Note(2.0, 72, 1.0)), program=0)
    drums = Track("drums", (Note(0.0, 36, 0.5), Note(2.0, 38, 0.5)), is_drum=True)
    path = tmp_path / "song.mid"
    write_midi(Composition((melody, drums), tempo_map=(TempoChange(0, 120),)), path)
    return path


def read_wav(path):
    with wave.open(str(path)) as handle:
        frames = handle.readframes(handle.getnframes())
        return handle.getframerate(), handle.getnchannels(), np.frombuffer(frames, "<i2")


def test_renders_a_midi_file_to_wav(song, tmp_path, capsys) -> None:
    out = tmp_path / "song.wav"
    assert main(["render", str(song), "-o", str(out), "--sample-rate", "22050"]) == 0
    rate, channels, samples = read_wav(out)
    assert (rate, channels) == (22050, 2)
    assert len(samples) // 2 >= 1.5 * 22050  # 1.5 s of music plus a tail
    assert np.abs(samples).max() == pytest.approx(32767 * 10 ** (-1 / 20), rel=1e-3)
    printed = capsys.readouterr().out
    assert "wrote" in printed and "real time" in printed


def test_explicit_soundfont(song, tmp_path) -> None:
    out = tmp_path / "x.wav"
    sf2 = write_sine_sf2(tmp_path / "sine.sf2")
    assert main(["render", str(song), "-o", str(out), "--soundfont", str(sf2), "--tail", "0"]) == 0
    rate, _, samples = read_wav(out)
    left = samples[0::2].astype(float)[int(0.55 * rate) : int(0.95 * rate)]  # the A4 alone
    spectrum = np.abs(np.fft.rfft(left * np.hanning(len(left))))
    assert np.fft.rfftfreq(len(left), 1 / rate)[spectrum.argmax()] == pytest.approx(440, abs=3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--soundfont", "{tmp}/missing.sf2"], "does not exist"),
        (["--soundfont", "{tmp}/fake.sf2"], "not a SoundFont"),
        (["--sample-rate", "100"], "sample rate"),
        (["--tail", "-1"], "tail"),
    ],
)
def test_bad_options_exit_2_with_one_line(song, tmp_path, capsys, extra, message) -> None:
    (tmp_path / "fake.sf2").write_bytes(b"MThd this is a MIDI file, not a SoundFont")
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    assert main(["render", str(song), "-o", str(tmp_path / "o.wav"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "o.wav").exists()


def test_broken_midi_exits_2(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02")  # truncated header
    assert main(["render", str(broken), "-o", str(tmp_path / "o.wav")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert main(["render", str(tmp_path / "none.mid"), "-o", str(tmp_path / "o.wav")]) == 2


@pytest.mark.parametrize("where", ["{tmp}/no/such/dir/o.wav", "{tmp}"])
def test_unwritable_output_exits_2(song, tmp_path, capsys, where) -> None:
    target = where.replace("{tmp}", str(tmp_path))
    assert main(["render", str(song), "-o", target]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_output_is_required(song) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["render", str(song)])
    assert exc.value.code == 2
