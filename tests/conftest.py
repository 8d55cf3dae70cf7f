"""Shared fixtures: a JACK server for live-MIDI tests, offscreen Qt, sample files."""

import atexit
import gc
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Known open problem: in 2 of 7 fresh-clone CI runs the interpreter segfaulted inside a cyclic
# garbage collection in tests/app/test_autosave.py, right after the JACK app tests; it never
# reproduced in isolation. Until the object behind it (a PySide6 wrapper or an rtmidi/JACK
# handle from those tests is suspected) is found, the suite runs without the cyclic collector:
# reference counting still frees everything else, and a run holds well under 2 GB.
gc.disable()

REPO_ROOT = Path(__file__).resolve().parent.parent


def _realtime_allowed() -> bool:
    """Whether this process may use SCHED_FIFO (root or CAP_SYS_NICE, as on CI)."""
    try:
        result = subprocess.run(
            ["chrt", "-f", "10", "true"], capture_output=True, timeout=10, check=False
        )
    except OSError:
        return False
    return result.returncode == 0


def _jackd_command(jackd: str) -> list[str]:
    """Real-time like a musician's JACK where allowed, so a busy machine drops no MIDI.

    A --no-realtime server on a loaded 2-core machine misses cycles and loses events, which
    made the live tests measure the load rather than our code.
    """
    mode = ["-R", "-P", "70"] if _realtime_allowed() else ["--no-realtime"]
    # A generous client timeout: a busy machine must not get a test process "zombified"
    # (disconnected) by the server, which ends in a crash inside libjack's client threads.
    return [jackd, *mode, "-t", "5000", "-d", "dummy", "-r", "48000", "-p", "64"]


def _jack_running() -> bool:
    jack_lsp = shutil.which("jack_lsp")
    if jack_lsp is None:
        return False
    result = subprocess.run([jack_lsp], capture_output=True, timeout=10, check=False)
    return result.returncode == 0


@pytest.fixture(scope="session")
def jack_server() -> Iterator[None]:
    """A JACK server with 1.3 ms periods (real-time where allowed); started unless one runs.

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
        _jackd_command(jackd),
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
    _stop_at_exit.append(proc)
    yield


@pytest.fixture
def ports(jack_server: None) -> Iterator[ModuleType]:
    """The MIDI ports facade on the test JACK server, with a fresh backend for each test."""
    from deepcomposer_desktop.midi import ports

    ports.reset_backend()
    yield ports
    ports.reset_backend()


def _stop_servers() -> None:
    for proc in _stop_at_exit:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


# The server outlives the session on purpose: PortAudio's JACK host API (sounddevice) asserts
# and aborts the interpreter if the server vanishes before its own atexit handler runs. This
# handler is registered before sounddevice is imported, so atexit runs it after PortAudio's.
_stop_at_exit: list[subprocess.Popen[bytes]] = []
atexit.register(_stop_servers)
