"""``deepcomposer play`` for real: the CLI plays a file into a virtual synth port on JACK."""

import signal
import time

import pytest
from midikit import start_cli, wait_for

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.midifile import write_midi
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.midi.player import PANIC_CCS

pytestmark = [pytest.mark.integration, pytest.mark.jack]

TEMPO = 240.0
BEAT_S = 0.25
TOLERANCE_S = 0.006  # JACK delivers at 1.3 ms period boundaries; the machine is shared


@pytest.fixture
def synth(ports, request):
    heard: list[tuple[object, float]] = []
    port = ports.open_virtual_input(
        "synth", lambda m, s: heard.append((m, s)), client_name=f"syn-{request.node.name[:20]}"
    )
    port.heard = heard
    yield port
    port.close()


@pytest.fixture
def song(tmp_path):
    """Two bars of 4/4 at 240 BPM: a melody on channel 0 and a bass line; then 60 BPM."""
    melody = Track("melody", tuple(Note(b, 60 + i, 0.5) for i, b in enumerate([0, 1, 2, 3, 4, 5])))
    bass = Track("bass", (Note(0, 36, 4), Note(4, 38, 2)), program=32)
    comp = Composition(
        tracks=(melody, bass), tempo_map=(TempoChange(0, TEMPO), TempoChange(6, 120))
    )
    path = tmp_path / "song.mid"
    write_midi(comp, path)
    return path


def ons(synth):
    return [(m, s) for m, s in synth.heard if m.type == "note_on" and m.velocity > 0]


def test_play_sends_every_note_on_time_and_silences_at_the_end(synth, song):
    proc = start_cli("play", str(song), "--output", synth.name)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    heard = ons(synth)
    assert sorted(m.note for m, _ in heard) == [36, 38, 60, 61, 62, 63, 64, 65]
    t0 = heard[0][1]
    melody = [(m.note, s - t0) for m, s in heard if m.note >= 60]
    # beats 0-5 at 240 BPM, except that beat 6 onward would be at 120 BPM
    for (_, got), beat in zip(melody, range(6), strict=True):
        assert got == pytest.approx(beat * BEAT_S, abs=TOLERANCE_S)
    last_off = max(s for m, s in synth.heard if m.type == "note_off" and m.note == 65)
    assert last_off - t0 == pytest.approx(5.5 * BEAT_S, abs=TOLERANCE_S)
    programs = {(m.channel, m.program) for m, _ in synth.heard if m.type == "program_change"}
    assert (1, 32) in programs
    resets = {(m.channel, m.control) for m, _ in synth.heard if m.type == "control_change"}
    assert {(ch, cc) for ch in (0, 1) for cc in PANIC_CCS} <= resets


def test_play_from_a_bar_starts_there(synth, song):
    proc = start_cli("play", str(song), "--output", synth.name, "--from-bar", "1")
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    heard = ons(synth)
    assert sorted(m.note for m, _ in heard) == [38, 64, 65]  # bar 0 (beats 0-3) is skipped
    t0 = heard[0][1]
    assert {m.note: s - t0 for m, s in heard}[65] == pytest.approx(BEAT_S, abs=TOLERANCE_S)


def test_looping_play_stops_on_ctrl_c_without_stuck_notes(synth, song):
    proc = start_cli("play", str(song), "--output", synth.name, "--loop")
    wait_for(lambda: sum(m.note == 60 for m, _ in ons(synth)) >= 2, proc=proc)  # looped once
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    time.sleep(0.05)
    sounding: dict[tuple[int, int], int] = {}
    for m, _ in synth.heard:
        if m.type in ("note_on", "note_off"):
            key = (m.channel, m.note)
            sounding[key] = sounding.get(key, 0) + (1 if m.type == "note_on" and m.velocity else -1)
    assert all(v <= 0 for v in sounding.values()), sounding
    last = [m for m, _ in synth.heard][-6:]
    assert {m.control for m in last if m.type == "control_change"} == set(PANIC_CCS)


def test_an_output_that_disappears_is_an_error(ports, song, tmp_path):
    heard = []
    synth = ports.open_virtual_input("synth", lambda m, s: heard.append(m), client_name="syn-gone")
    proc = start_cli("play", str(song), "--output", synth.name, "--loop")
    wait_for(lambda: heard, proc=proc)
    synth.close()
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert stderr.strip().splitlines()[-1] == (
        "error: MIDI output 'syn-gone:synth' disappeared during playback"
    )


def test_unknown_output_and_bad_files_are_one_line_errors(ports, song, tmp_path):
    proc = start_cli("play", str(song), "--output", "Nowhere")
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert stderr.startswith("error: no MIDI output named 'Nowhere'")
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"not midi at all")
    proc = start_cli("play", str(bad), "--output", "Nowhere")
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert stderr.startswith("error: bad.mid") and len(stderr.strip().splitlines()) == 1
    proc = start_cli("play", str(song), "--output", "Nowhere", "--from-bar", "9")
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "bar 9 is outside" in stderr
