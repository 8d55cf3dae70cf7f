"""``deepcomposer record`` for real: a virtual keyboard on JACK plays into the CLI process.

The test listens to the metronome on a virtual input of its own, so it knows when the CLI's
beat 0 is (one count-in bar after the first click), just as a musician would.
"""

import signal
import time

import mido
import pytest
from midikit import perform, start_cli, wait_for

from deepcomposer_desktop.core.midifile import read_midi

pytestmark = [pytest.mark.integration, pytest.mark.jack]

TEMPO = 240.0  # one 4/4 bar per second keeps the takes short
BEAT_S = 60.0 / TEMPO
TOLERANCE_BEATS = 0.012 / BEAT_S  # 12 ms: JACK periods (1.3 ms) plus a loaded machine


@pytest.fixture
def keyboard(ports, request):
    port = ports.open_virtual_output("keys", client_name=f"rec-{request.node.name[:20]}")
    yield port
    port.close()


@pytest.fixture
def clicks(ports, request):
    heard: list[tuple[object, float]] = []
    port = ports.open_virtual_input(
        "clicks", lambda m, s: heard.append((m, s)), client_name=f"clk-{request.node.name[:20]}"
    )
    port.heard = heard
    yield port
    port.close()


def record_cli(keyboard, clicks, out, *extra):
    return start_cli(
        "record", "--input", keyboard.name, "--tempo", str(TEMPO), "--count-in", "1",
        "--metronome", "--click", clicks.name, "-o", str(out), *extra,
    )  # fmt: skip


def beat_zero(clicks, proc) -> float:
    """Monotonic time of the take's beat 0: one bar after the first click heard."""
    wait_for(lambda: any(m.type == "note_on" for m, _ in clicks.heard), proc=proc)
    first = next(s for m, s in clicks.heard if m.type == "note_on")
    return first + 4 * BEAT_S


PERFORMANCE = [(0.0, 60, 0.5), (1.0, 62, 0.5), (1.5, 64, 1.0), (3.0, 65, 2.0), (5.5, 67, 0.25)]


def test_record_writes_the_performance_in_time(keyboard, clicks, tmp_path):
    out = tmp_path / "take.mid"
    proc = record_cli(keyboard, clicks, out, "--bars", "2", "--quantize", "off")
    perform(keyboard, beat_zero(clicks, proc), TEMPO, PERFORMANCE)
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    assert "wrote" in stdout
    notes = read_midi(out).tracks[0].notes
    assert [n.pitch for n in notes] == [p for _, p, _ in PERFORMANCE]
    for note, (start, _, length) in zip(notes, PERFORMANCE, strict=True):
        assert note.start_beat == pytest.approx(start, abs=TOLERANCE_BEATS)
        assert note.duration_beats == pytest.approx(length, abs=TOLERANCE_BEATS)
    clicks_on = [m for m, _ in clicks.heard if m.type == "note_on"]
    assert len(clicks_on) == 12  # count-in bar plus two bars of 4/4
    assert [m.note for m in clicks_on[:4]] == [76, 77, 77, 77]


def test_record_quantizes_a_sloppy_performance(keyboard, clicks, tmp_path):
    out = tmp_path / "take.mid"
    proc = record_cli(keyboard, clicks, out, "--bars", "2", "--quantize", "16")
    sloppy = [(0.06, 60, 0.4), (1.05, 62, 0.5), (1.44, 64, 1.1), (2.96, 65, 1.0)]  # 15 ms off
    perform(keyboard, beat_zero(clicks, proc), TEMPO, sloppy)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    notes = read_midi(out).tracks[0].notes
    assert [(n.start_beat, n.pitch) for n in notes] == [(0.0, 60), (1.0, 62), (1.5, 64), (3.0, 65)]
    assert [n.duration_beats for n in notes] == [0.5, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_an_open_ended_take_still_writes_it(keyboard, clicks, tmp_path, signum):
    out = tmp_path / "take.mid"
    proc = record_cli(keyboard, clicks, out, "--quantize", "off")
    zero = beat_zero(clicks, proc)
    perform(keyboard, zero, TEMPO, [(0.0, 60, 1.0)])
    keyboard.send(mido.Message("note_on", note=72, velocity=80))  # still held
    wait_for(lambda: len([m for m, _ in clicks.heard if m.type == "note_on"]) >= 8, proc=proc)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    notes = read_midi(out).tracks[0].notes
    assert [n.pitch for n in notes] == [60, 72]
    assert notes[1].duration_beats > 1.5  # closed at the interruption (beat ~3), not dropped


def test_unplugging_the_keyboard_keeps_the_take_and_says_so(ports, clicks, tmp_path):
    out = tmp_path / "take.mid"
    keyboard = ports.open_virtual_output("keys", client_name="rec-unplug")
    proc = record_cli(keyboard, clicks, out, "--bars", "3", "--quantize", "16")
    perform(keyboard, beat_zero(clicks, proc), TEMPO, [(0, 60, 1), (1, 62, 1)])
    keyboard.close()  # pulled out mid-take
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert "warning: MIDI input 'rec-unplug:keys' disappeared in bar" in stderr
    assert stderr.strip().splitlines()[-1].startswith("error: MIDI input")
    assert "saved" in stderr and "Traceback" not in stderr
    assert [(n.start_beat, n.pitch) for n in read_midi(out).tracks[0].notes] == [(0, 60), (1, 62)]


AFTER_REPLUG = [(16, 64, 1), (20, 65, 1), (24, 67, 1), (28, 69, 1)]


def test_a_keyboard_plugged_back_in_is_recorded_again(ports, clicks, tmp_path):
    out = tmp_path / "take.mid"
    keyboard = ports.open_virtual_output("keys", client_name="rec-replug")
    name = keyboard.name
    # 8 bars (8 s at 240 BPM) leave a loaded machine time to notice the unplug and the return
    proc = record_cli(keyboard, clicks, out, "--bars", "8", "--quantize", "4")
    zero = beat_zero(clicks, proc)
    perform(keyboard, zero, TEMPO, [(0, 60, 1)])
    keyboard.close()
    wait_for(lambda: name not in ports.list_inputs())
    time.sleep(1.0)  # unplugged for longer than the CLI's 0.5 s port polling
    keyboard = ports.open_virtual_output("keys", client_name="rec-replug")
    assert keyboard.name == name
    try:
        perform(keyboard, zero, TEMPO, AFTER_REPLUG)  # bars 5-8; the watcher polls every 0.5 s
        _, stderr = proc.communicate(timeout=20)
    finally:
        keyboard.close()
    assert proc.returncode == 0, stderr
    assert "is back" in stderr
    notes = [(n.start_beat, n.pitch) for n in read_midi(out).tracks[0].notes]
    assert notes[0] == (0, 60)
    # JACK connects the returned keyboard asynchronously: from the first note heard after the
    # re-plug on, every note is in the take, none is lost or moved.
    again = notes[1:]
    expected = [(start, pitch) for start, pitch, _ in AFTER_REPLUG]
    assert again and again == expected[len(expected) - len(again) :]


def test_an_unknown_input_is_one_clear_error(ports, tmp_path):
    proc = start_cli("record", "--input", "No Such Keyboard", "-o", str(tmp_path / "x.mid"))
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert stderr.strip().startswith("error: no MIDI input named 'No Such Keyboard'")
    assert len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.mid").exists()


def test_an_unwritable_output_is_refused_before_recording(keyboard, tmp_path):
    proc = start_cli("record", "--input", keyboard.name, "-o", str(tmp_path / "no" / "x.mid"))
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert stderr.startswith("error: folder") and "does not exist" in stderr
