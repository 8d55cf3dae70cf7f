"""Port naming rules, without a backend."""

import pytest

from deepcomposer_desktop.core.errors import PortError, PortNotFoundError
from deepcomposer_desktop.midi.ports import default_input, resolve_port

ALSA = [
    "Midi Through:Midi Through Port-0 14:0",
    "DeepComposer Desktop:DeepComposer Desktop 128:0",
    "Keystation 49:Keystation 49 MIDI 1 20:0",
    "DeepComposer:DeepComposer MIDI 1 24:0",
]


def test_default_input_prefers_a_deepcomposer_keyboard():
    assert default_input(ALSA) == "DeepComposer:DeepComposer MIDI 1 24:0"


def test_default_input_is_the_first_hardware_keyboard_otherwise():
    assert default_input(ALSA[:3]) == "Keystation 49:Keystation 49 MIDI 1 20:0"


def test_default_input_never_picks_our_own_ports_or_midi_through():
    assert default_input(ALSA[:2]) is None
    assert default_input(["DeepComposer Desktop-01:DeepComposer Desktop"]) is None
    assert default_input([]) is None


def test_ports_resolve_exactly_or_by_a_unique_part_of_the_name():
    assert resolve_port("Keystation", ALSA) == ALSA[2]
    assert resolve_port("keystation 49", ALSA) == ALSA[2]
    assert resolve_port(ALSA[0], ALSA) == ALSA[0]


def test_ambiguous_and_unknown_names_are_port_errors_listing_what_exists():
    with pytest.raises(PortNotFoundError, match="ambiguous"):
        resolve_port("DeepComposer", ALSA)
    with pytest.raises(PortNotFoundError, match=r"no MIDI output named 'Piano'.*Keystation"):
        resolve_port("Piano", ALSA, kind="output")
    with pytest.raises(OSError):  # port errors are OSErrors for callers that only know builtins
        resolve_port("Piano", [])
    assert issubclass(PortNotFoundError, PortError)
