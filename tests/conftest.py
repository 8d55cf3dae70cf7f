"""Shared fixtures: a JACK server for live-MIDI tests, offscreen Qt, sample files."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


def _jack_running() -> bool:
    jack_lsp = shutil.which("jack_lsp")
    if jack_lsp is None:
        return False
    result = subprocess.run([jack_lsp], capture_output=True, timeout=10, check=False)
    return result.returncode == 0


@pytest.fixture(scope="session")
def jack_server() -> Iterator[None]:
    """A JACK server with 1.3 ms periods; started here unless one already runs.

    On CI (CI=true) a missing jackd is a failure, not a skip: the live-MIDI tests must run.
    """
    if _jack_running():
        os.environ["MIDO_BACKEND"] = "mido.backends.rtmidi/UNIX_JACK"
        yield
        return
    jackd = shutil.which("jackd")
    if jackd is None:
        if os.environ.get("CI"):
            pytest.fail("jackd is not installed (apt-get install jackd2)")
        pytest.skip("jackd is not installed (apt-get install jackd2)")
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
    proc = subprocess.Popen(
        [jackd, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "64"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 15
    while not _jack_running():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("jackd did not start")
        time.sleep(0.1)
    os.environ["MIDO_BACKEND"] = "mido.backends.rtmidi/UNIX_JACK"
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
