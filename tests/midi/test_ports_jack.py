"""The ports facade on a real JACK server: virtual ports, opening by name, hidden endpoints."""

import time

import mido
import pytest

from deepcomposer_desktop.core.errors import PortNotFoundError

pytestmark = [pytest.mark.integration, pytest.mark.jack]


def wait_for(predicate, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_backend_is_jack_when_asked_for(ports):
    assert ports.backend_status().name == "JACK"
    assert ports.backend_name().startswith("JACK")


def test_virtual_ports_are_listed_and_carry_messages_with_stamps(ports):
    got = []
    keys = ports.open_virtual_output("keys", client_name="pj-keys")
    synth = ports.open_virtual_input("synth", lambda m, s: got.append((m, s)), client_name="pj-syn")
    try:
        assert keys.name == "pj-keys:keys" and keys.name in ports.list_inputs()
        assert synth.name == "pj-syn:synth" and synth.name in ports.list_outputs()
        heard = []
        inp = ports.open_input("pj-keys", lambda m, s: heard.append((m, s)))  # part of the name
        out = ports.open_output(synth.name)
        try:
            sent_at = time.monotonic()
            keys.send(mido.Message("note_on", note=61, velocity=70))
            out.send(mido.Message("control_change", control=7, value=99))
            wait_for(lambda: heard and got)
        finally:
            inp.close()
            out.close()
    finally:
        keys.close()
        synth.close()
    msg, stamp = heard[0]
    assert (msg.type, msg.note, msg.velocity) == ("note_on", 61, 70)
    assert 0 <= stamp - sent_at < 0.5
    assert got[0][0].control == 7


def test_our_own_connection_endpoints_are_hidden_and_do_not_shift_port_numbers(ports):
    """rtmidi opens by index over *all* ports: hiding ours must not connect to a neighbour."""
    synth = ports.open_virtual_input("synth", lambda m, s: None, client_name="pj-hide")
    out = ports.open_output(synth.name)  # creates a hidden 'DeepComposer Desktop:out' source
    keys = ports.open_virtual_output("keys", client_name="pj-after")
    heard = []
    try:
        assert not any(n.startswith("DeepComposer Desktop") for n in ports.list_inputs())
        inp = ports.open_input(keys.name, lambda m, s: heard.append(m))
        try:
            out.send(mido.Message("note_on", note=1))  # must not reach our input
            keys.send(mido.Message("note_on", note=2))
            wait_for(lambda: heard)
            time.sleep(0.05)
        finally:
            inp.close()
    finally:
        out.close()
        keys.close()
        synth.close()
    assert [m.note for m in heard] == [2]


def test_unknown_port_is_a_port_not_found_error(ports):
    with pytest.raises(PortNotFoundError, match="no MIDI input named 'nothing here'"):
        ports.open_input("nothing here", lambda m, s: None)
    with pytest.raises(PortNotFoundError):
        ports.open_output("nothing here")


def test_closed_output_refuses_to_send(ports):
    from deepcomposer_desktop.core.errors import DeviceGoneError

    port = ports.open_virtual_output("x", client_name="pj-closed")
    port.close()
    with pytest.raises(DeviceGoneError):
        port.send(mido.Message("note_on"))
