"""Backend failures mapped to typed errors, with a fake rtmidi standing in for the hardware."""

from typing import ClassVar

import pytest

from deepcomposer_desktop.core.errors import BackendUnavailableError, PortInUseError
from deepcomposer_desktop.midi import ports


class FakeClient:
    ports_list: ClassVar[list[str]] = ["Keys:Keys MIDI 1", "Pads:Pads MIDI 1"]
    refuse_open = False
    refuse_create = False
    opened: ClassVar[list[int]] = []

    def __init__(self, api, name=None):
        if FakeClient.refuse_create:
            raise RuntimeError(
                "MidiInAlsa::initialize: error creating ALSA sequencer client object."
            )

    def get_ports(self):
        return list(self.ports_list)

    def open_port(self, index, name=None):
        if FakeClient.refuse_open:
            raise RuntimeError("MidiInAlsa::openPort: ALSA error making port connection.")
        FakeClient.opened.append(index)

    def delete(self):
        pass

    def close_port(self):
        pass

    def ignore_types(self, **kw):
        pass

    def set_callback(self, cb):
        pass


class FakeRtmidi:
    API_LINUX_ALSA = 2
    API_UNIX_JACK = 3
    API_MACOSX_CORE = 1
    API_WINDOWS_MM = 4
    MidiIn = FakeClient
    MidiOut = FakeClient

    def __init__(self, compiled):
        self.compiled = compiled

    def get_compiled_api(self):
        return self.compiled


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.delenv("MIDO_BACKEND", raising=False)
    monkeypatch.setattr(ports.sys, "platform", "linux")
    rt = FakeRtmidi([2, 3])
    monkeypatch.setattr(ports, "_rt", lambda: rt)
    FakeClient.refuse_open = FakeClient.refuse_create = False
    FakeClient.opened = []
    ports.reset_backend()
    yield rt
    ports.reset_backend()


def test_the_platform_api_is_used_when_it_starts(fake):
    assert ports.backend_status().name == "ALSA"
    assert ports.list_inputs() == FakeClient.ports_list
    assert ports.default_input() == "Keys:Keys MIDI 1"


def test_a_port_that_refuses_to_open_is_port_in_use(fake):
    FakeClient.refuse_open = True
    with pytest.raises(PortInUseError, match="MIDI input 'Pads:Pads MIDI 1' cannot be opened"):
        ports.open_input("Pads", lambda m, s: None)


def test_ports_open_by_their_index(fake):
    ports.open_output("Pads")
    assert FakeClient.opened == [1]


def test_nothing_starting_is_backend_unavailable_naming_each_reason(fake):
    FakeClient.refuse_create = True
    with pytest.raises(BackendUnavailableError) as err:
        ports.list_inputs()
    message = str(err.value)
    assert "ALSA unavailable: error creating ALSA sequencer client object" in message
    assert "JACK unavailable" in message
    assert "\n" not in message


def test_an_api_not_compiled_in_is_reported(fake, monkeypatch):
    monkeypatch.setenv("MIDO_BACKEND", "mido.backends.rtmidi/MACOSX_CORE")
    ports.reset_backend()
    with pytest.raises(
        BackendUnavailableError, match="CoreMIDI is not compiled into python-rtmidi"
    ):
        ports.backend_name()


def test_a_broken_mido_backend_module_is_backend_unavailable(fake, monkeypatch):
    monkeypatch.setenv("MIDO_BACKEND", "mido.backends.no_such_backend")
    ports.reset_backend()
    with pytest.raises(
        BackendUnavailableError, match=r"MIDO_BACKEND=mido\.backends\.no_such_backend"
    ):
        ports.backend_name()


def test_schedulers_ask_for_real_time_priority_unless_told_not_to(fake, monkeypatch):
    ports.list_inputs()  # ALSA (fake) started: its delivery cannot be starved by us
    assert ports.realtime_wanted() is True
    monkeypatch.setenv("DEEPCOMPOSER_MIDI_REALTIME", "0")
    assert ports.realtime_wanted() is False
