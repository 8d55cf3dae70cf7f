"""The window with real MIDI ports on a JACK server: a virtual keyboard in, a virtual synth out."""

import itertools
import os
import threading
import time

import mido
import pytest
from windowkit import make_window, melody_composition

pytestmark = [pytest.mark.qt, pytest.mark.integration, pytest.mark.jack]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, ports):
    w = make_window(
        qtbot, tmp_path, monkeypatch, list_inputs=ports.list_inputs, list_outputs=ports.list_outputs
    )
    w.transport.count_in.setValue(0)
    w.actions.metronome.setChecked(False)
    return w


def open_visible(qtbot, opener, lister):
    """Open a virtual port and wait until the backend lists it (a busy JACK may lose the
    first registration, so try a second time before giving up)."""
    for _attempt in range(2):
        port = opener()
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            if port.name in lister():
                return port
            qtbot.wait(100)
        port.close()
    raise AssertionError(f"{port.name} never appeared in {lister()}")


def wait_until_connected(qtbot, window, keyboard) -> None:
    """JACK connects ports asynchronously: poke with a harmless CC until the window hears it."""
    heard = []
    window.live.listener.messageReceived.connect(lambda msg, _s: heard.append(msg))
    deadline = time.monotonic() + 10
    while not heard and time.monotonic() < deadline:
        keyboard.send(mido.Message("control_change", control=1, value=0))
        qtbot.wait(100)
    assert heard, "the virtual keyboard never reached the window"


def test_recording_from_a_virtual_keyboard(qtbot, window, ports):
    keyboard = open_visible(
        qtbot,
        lambda: ports.open_virtual_output("keys", client_name=f"VirtualKeyboard{os.getpid()}"),
        ports.list_inputs,
    )
    try:
        window.transport_handlers.choose_input(keyboard.name, update_picker=True)
        assert window.input_label.text() == f"In: {keyboard.name}"
        wait_until_connected(qtbot, window, keyboard)
        window.transport.tempo.setValue(120)
        window.actions.record.trigger()

        def play() -> None:  # a player's hands: their own clock, whatever the GUI is doing
            for pitch in (60, 62, 64, 65):
                keyboard.send(mido.Message("note_on", note=pitch, velocity=90))
                time.sleep(0.24)
                keyboard.send(mido.Message("note_off", note=pitch))
                time.sleep(0.01)

        hands = threading.Thread(target=play)
        hands.start()
        qtbot.waitUntil(lambda: not hands.is_alive(), timeout=10000)
        qtbot.waitUntil(lambda: len(window.roll._live_notes) == 4, timeout=10000)
        window.actions.record.trigger()
    finally:
        keyboard.close()
    notes = window.controller.composition.melody.notes
    assert [n.pitch for n in notes] == [60, 62, 64, 65]
    starts = [n.start_beat for n in notes]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(0.25 <= g <= 0.75 for g in gaps), gaps  # ~250 ms apart at 120 BPM = 0.5 beat


def test_unplugging_the_keyboard_is_reported_in_the_status_bar(qtbot, window, ports):
    keyboard = open_visible(
        qtbot,
        lambda: ports.open_virtual_output("keys2", client_name=f"UnplugKeyboard{os.getpid()}"),
        ports.list_inputs,
    )
    window.transport_handlers.choose_input(keyboard.name)
    wait_until_connected(qtbot, window, keyboard)
    window.actions.record.trigger()
    deadline = time.monotonic() + 10
    while 67 not in [n.pitch for n in window.roll._live_notes] and time.monotonic() < deadline:
        keyboard.send(mido.Message("note_on", note=67, velocity=90))  # press (again)
        qtbot.wait(300)
    with qtbot.waitSignal(window.live.listener.deviceLost, timeout=6000):
        keyboard.close()
    assert "unplugged" in window.statusBar().currentMessage()
    assert window.live.is_recording  # the take goes on; what was played is kept
    window.actions.record.trigger()
    assert {n.pitch for n in window.controller.composition.melody.notes} == {67}


def test_playback_to_a_midi_output_port_and_stop_silences_it(qtbot, window, ports):
    received = []
    synth = open_visible(
        qtbot,
        lambda: ports.open_virtual_input(
            "synth", lambda m, s: received.append(m), client_name=f"VirtualSynth{os.getpid()}"
        ),
        ports.list_outputs,
    )
    try:
        window.transport_handlers.choose_output(synth.name, update_picker=True)
        window.controller.load(melody_composition(), title="x")
        window.actions.play.trigger()
        assert window.playback.is_playing, window.problems
        deadline = time.monotonic() + 10
        while not any(m.type == "note_on" for m in received) and time.monotonic() < deadline:
            qtbot.wait(50)
        assert any(m.type == "note_on" for m in received), (
            f"sent {window.playback.sink.sent} messages to {synth.name}, received "
            f"{len(received)}; outputs now {ports.list_outputs()}"
        )
        window.actions.stop.trigger()
        qtbot.waitUntil(lambda: not sounding(received), timeout=10000)
    finally:
        synth.close()
    assert not window.problems


def sounding(messages) -> set:
    """Notes still on: a note-on not followed by its note-off or an all-notes-off (CC123)."""
    on = set()
    for m in list(messages):
        if m.type == "note_on" and m.velocity:
            on.add((m.channel, m.note))
        elif m.type in ("note_off", "note_on"):
            on.discard((m.channel, m.note))
        elif m.type == "control_change" and m.control in (120, 123):
            on = {(ch, n) for ch, n in on if ch != m.channel}
    return on
