"""``deepcomposer devices`` against a real JACK server, and with no backend at all."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.jack]


def devices(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "devices", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_devices_json_lists_ports_and_names_the_backend(ports):
    keys = ports.open_virtual_output("keys", client_name="DeepComposer Keyboard")
    synth = ports.open_virtual_input("synth", lambda m, s: None, client_name="dev-synth")
    try:
        result = devices("--json")
    finally:
        keys.close()
        synth.close()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["backend"] == "JACK"
    assert keys.name in data["inputs"]
    assert synth.name in data["outputs"]
    assert data["default_input"] == keys.name  # a DeepComposer keyboard is preferred


def test_devices_text_marks_the_default(ports):
    keys = ports.open_virtual_output("keys", client_name="dev-keys")
    try:
        result = devices()
    finally:
        keys.close()
    assert result.returncode == 0
    assert result.stdout.startswith("backend: JACK")
    assert "dev-keys:keys" in result.stdout


def test_no_backend_is_one_clear_error(jack_server):
    env = dict(os.environ, JACK_DEFAULT_SERVER="no-such-jack-server")
    env["MIDO_BACKEND"] = "mido.backends.rtmidi/UNIX_JACK"
    result = devices("--json", env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: no MIDI backend could start: JACK unavailable: JACK server not running?"
    )
