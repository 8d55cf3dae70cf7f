"""The one facade over MIDI hardware: which backend runs, which ports exist, opening them.

Only this module touches python-rtmidi and mido backends. Everything above it sees port
names (str), an input whose callback gets ``(mido.Message, time.monotonic() stamp)``, and
outputs that are *sinks* (anything with ``send(msg)``).

Backend choice: ``MIDO_BACKEND`` when set (``mido.backends.rtmidi/UNIX_JACK`` picks the JACK
API explicitly); otherwise the platform's API (ALSA, CoreMIDI, WinMM). When that API cannot
start (a container without ``/dev/snd/seq``) and a JACK server runs, JACK is used instead and
:func:`backend_status` says what was missing. If nothing starts,
:class:`BackendUnavailableError` explains why, in one line.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Self

import mido

from deepcomposer_desktop.core.errors import (
    BackendUnavailableError,
    DeviceGoneError,
    PortInUseError,
    PortNotFoundError,
)

log = logging.getLogger(__name__)

CLIENT_NAME = "DeepComposer Desktop"
VIRTUAL_PORT_NAME = "DeepComposer Desktop"
JACK_SETTLE_S = 0.03
_NEVER_DEFAULT = ("midi through", "deepcomposer desktop", "rtmidi")

InputCallback = Callable[[mido.Message, float], None]


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """What runs and what was tried: ``name`` like ``"JACK"``, ``missing`` one line each."""

    name: str
    api: str  # rtmidi API name ("LINUX_ALSA", "UNIX_JACK", ...) or a mido backend module
    missing: tuple[str, ...] = ()
    supports_virtual: bool = True

    def describe(self) -> str:
        if not self.missing:
            return self.name
        return f"{self.name} ({'; '.join(self.missing)})"


_API_LABELS = {
    "LINUX_ALSA": "ALSA",
    "UNIX_JACK": "JACK",
    "MACOSX_CORE": "CoreMIDI",
    "WINDOWS_MM": "WinMM",
    "RTMIDI_DUMMY": "dummy",
    "WEB_MIDI_API": "Web MIDI",
}

_lock = threading.RLock()
_state: dict[str, Any] = {}
_open_ports: weakref.WeakSet[InputPort | OutputPort] = weakref.WeakSet()


@atexit.register
def _close_everything() -> None:
    """Close every port and client at exit: JACK otherwise keeps ghost clients for a while."""
    for port in list(_open_ports):
        port.close()
    reset_backend()


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence C libraries (libjack, alsa-lib) that print to fd 2 while a backend is probed.

    Without this a missing JACK server prints five lines of noise before our own one-line error.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _platform_api() -> str:
    if sys.platform.startswith("linux"):
        return "LINUX_ALSA"
    if sys.platform == "darwin":
        return "MACOSX_CORE"
    if sys.platform.startswith("win"):
        return "WINDOWS_MM"
    return "UNIX_JACK"


def _rt() -> Any:
    import rtmidi  # the only place rtmidi is imported

    return rtmidi


def _try_rtmidi(api: str) -> tuple[Any, Any] | str:
    """Open a probe input and output client on ``api``; an error string when it won't start."""
    rtmidi = _rt()
    api_id = getattr(rtmidi, "API_" + api, None)
    if api_id is None or api_id not in rtmidi.get_compiled_api():
        return f"{_API_LABELS.get(api, api)} is not compiled into python-rtmidi"
    try:
        with _quiet_stderr():
            probe_in = rtmidi.MidiIn(api_id, name=CLIENT_NAME + " probe")
            if api == "UNIX_JACK":  # the server runs: list through an inactive client
                from deepcomposer_desktop.midi._jack import open_listers

                listers = open_listers(CLIENT_NAME + " list")
                if listers is not None:
                    probe_in.delete()
                    return listers
            probe_out = rtmidi.MidiOut(api_id, name=CLIENT_NAME + " probe")
    except Exception as err:  # rtmidi raises SystemError/RuntimeError subclasses
        reason = str(err).split(".")[0].split("::")[-1].strip() or type(err).__name__
        reason = reason.split(": ", 1)[-1]
        return f"{_API_LABELS.get(api, api)} unavailable: {reason}"
    return probe_in, probe_out


def _start() -> dict[str, Any]:
    """Pick and start a backend once per process (cached; :func:`reset_backend` forgets it)."""
    with _lock:
        if _state:
            return _state
        env = os.environ.get("MIDO_BACKEND", "").strip()
        missing: list[str] = []
        if env and not env.startswith("mido.backends.rtmidi"):
            try:
                backend = mido.Backend(env, load=True)
            except Exception as err:
                raise BackendUnavailableError(
                    f"MIDO_BACKEND={env} cannot be loaded: {err}"
                ) from err
            _state.update(kind="mido", backend=backend, status=BackendStatus(env, env))
            return _state
        explicit = env.split("/", 1)[1] if "/" in env else None
        candidates = [explicit] if explicit else [_platform_api(), "UNIX_JACK"]
        for api in dict.fromkeys(candidates):
            result = _try_rtmidi(api)
            if isinstance(result, str):
                missing.append(result)
                log.info("MIDI backend: %s", result)
                continue
            label = _API_LABELS.get(api, api)
            status = BackendStatus(label, api, tuple(missing), api != "WINDOWS_MM")
            _state.update(kind="rtmidi", api=api, probe=result, status=status)
            if missing:
                log.info("MIDI backend: using %s; %s", label, "; ".join(missing))
            return _state
        hint = "" if explicit else " (start a JACK server or give access to /dev/snd/seq)"
        raise BackendUnavailableError("no MIDI backend could start: " + "; ".join(missing) + hint)


def reset_backend() -> None:
    """Forget the chosen backend so the next call probes again (tests, MIDO_BACKEND changes)."""
    with _lock:
        probe = _state.get("probe")
        if probe:
            for client in probe:
                with contextlib.suppress(Exception):
                    client.delete()
        _state.clear()


def realtime_wanted() -> bool:
    """Should scheduler threads ask for real-time priority? ``DEEPCOMPOSER_MIDI_REALTIME``
    "1"/"0" decides; by default yes, except on a JACK server that is not real-time itself.

    On JACK a SCHED_FIFO spinner outranks a ``--no-realtime`` server and its client threads,
    which then miss periods and drop MIDI (measured: lost clicks and notes in the tests);
    and JACK delivers at period boundaries anyway, so sub-period send precision buys little.
    """
    env = os.environ.get("DEEPCOMPOSER_MIDI_REALTIME", "")
    if env in ("0", "1"):
        return env == "1"
    status = _state.get("status")
    if status is None:  # no backend started: e.g. only the built-in synth is used
        return os.environ.get("MIDO_BACKEND", "").find("JACK") < 0
    if status.api != "UNIX_JACK":
        return True
    lister = _state["probe"][0] if _state.get("kind") == "rtmidi" else None
    return bool(getattr(lister, "server_is_realtime", lambda: False)())


def backend_status() -> BackendStatus:
    status: BackendStatus = _start()["status"]
    return status


def backend_name() -> str:
    """Human name of the backend in use, e.g. ``"JACK (ALSA unavailable: ...)"``."""
    return backend_status().describe()


_OWN_ENDPOINT = re.compile(re.escape(CLIENT_NAME) + r"(-\d+)?:(in|out)$")


def _visible(names: list[str]) -> list[str]:
    """Hide the JACK endpoints of our own connections (``DeepComposer Desktop-01:out``)."""
    return [n for n in names if not _OWN_ENDPOINT.match(n)]


def list_inputs() -> list[str]:
    state = _start()
    with _lock:
        if state["kind"] == "mido":
            return list(state["backend"].get_input_names())
        return _visible(state["probe"][0].get_ports())


def list_outputs() -> list[str]:
    state = _start()
    with _lock:
        if state["kind"] == "mido":
            return list(state["backend"].get_output_names())
        return _visible(state["probe"][1].get_ports())


def _is_own_or_through(name: str) -> bool:
    lowered = name.lower()
    return any(lowered.startswith(bad) or f":{bad}" in lowered for bad in _NEVER_DEFAULT) or (
        "midi through" in lowered
    )


def default_input(inputs: list[str] | None = None) -> str | None:
    """A DeepComposer keyboard if present, else the first real device; never our own ports."""
    names = list_inputs() if inputs is None else inputs
    candidates = [n for n in names if not _is_own_or_through(n)]
    for name in candidates:
        if "deepcomposer" in name.lower():
            return name
    return candidates[0] if candidates else None


def resolve_port(name: str, names: list[str], *, kind: str = "input") -> str:
    """The port ``name`` means: exact, else the one port containing it (case-insensitive).

    ALSA names carry client numbers that change between plug-ins ("KBD:KBD MIDI 1 20:0"), so
    users may type just "KBD". Ambiguous or unknown names raise :class:`PortNotFoundError`.
    """
    if name in names:
        return name
    matches = [n for n in names if name.lower() in n.lower()]
    if len(matches) == 1:
        return matches[0]
    available = ", ".join(repr(n) for n in names) or "none"
    if matches:
        raise PortNotFoundError(
            f"MIDI {kind} {name!r} is ambiguous: matches {', '.join(map(repr, matches))}"
        )
    raise PortNotFoundError(f"no MIDI {kind} named {name!r} (available: {available})")


_CALLBACK_DRAIN_S = 0.02


class _Port:
    """Closed state, idempotent close and ``with`` support, once for inputs and outputs."""

    def __init__(self, name: str, handle: Any, kind: str) -> None:
        self.name = name
        self._handle = handle
        self._kind = kind
        self.closed = False
        _open_ports.add(self)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            self._release()

    def _release(self) -> None:
        if self._kind == "rtmidi":
            self._handle.close_port()
            self._handle.delete()
        else:
            self._handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InputPort(_Port):
    """An open input; the callback runs on the backend's thread, so it must only enqueue."""

    def _release(self) -> None:
        # Detach the callback, then let go of the GIL briefly before closing. A backend thread
        # may already be waiting for the GIL to deliver one last message; closing the port
        # stops that thread (JACK cancels it) inside the wait, leaving the GIL locked forever
        # or corrupt: seen as a hung or crashed process when a port closed mid-stream.
        # mido's own close does not detach first, so its rtmidi object is detached here too.
        rt = self._handle if self._kind == "rtmidi" else getattr(self._handle, "_rt", None)
        if rt is not None:
            rt.cancel_callback()
            time.sleep(_CALLBACK_DRAIN_S)
        super()._release()


class OutputPort(_Port):
    """An open output: a sink. ``send`` raises :class:`DeviceGoneError` if the device broke."""

    def send(self, msg: mido.Message) -> None:
        if self.closed:
            raise DeviceGoneError(f"MIDI output {self.name!r} is closed")
        try:
            if self._kind == "rtmidi":
                self._handle.send_message(msg.bytes())
            else:
                self._handle.send(msg)
        except Exception as err:
            raise DeviceGoneError(f"MIDI output {self.name!r} failed: {err}") from err


def _rtmidi_callback(callback: InputCallback) -> Callable[[tuple[list[int], float], Any], None]:
    monotonic = time.monotonic
    from_bytes = mido.Message.from_bytes

    def on_event(event: tuple[list[int], float], _data: Any) -> None:
        stamp_s = monotonic()  # first, before any work, so decoding never skews timing
        try:
            msg = from_bytes(event[0])
        except (ValueError, TypeError, IndexError):
            return  # invalid bytes are dropped, as mido's own parser does
        callback(msg, stamp_s)

    return on_event


def _open_rtmidi(is_input: bool, name: str, client_name: str) -> tuple[str, Any]:
    state = _start()
    rtmidi = _rt()
    api_id = getattr(rtmidi, "API_" + state["api"])
    probe = state["probe"][0 if is_input else 1]
    kind = "input" if is_input else "output"
    with _lock:
        try:
            handle = (rtmidi.MidiIn if is_input else rtmidi.MidiOut)(api_id, name=client_name)
        except Exception as err:
            raise BackendUnavailableError(f"{backend_name()} refused a new client: {err}") from err
        for _attempt in range(3):
            all_names = probe.get_ports()
            resolved = resolve_port(name, _visible(all_names), kind=kind)
            index = all_names.index(resolved)  # rtmidi counts the hidden ports too
            try:
                with _quiet_stderr():
                    handle.open_port(index, name=("in" if is_input else "out"))
            except Exception as err:
                handle.delete()
                raise PortInUseError(f"MIDI {kind} {resolved!r} cannot be opened: {err}") from err
            if probe.get_ports() == all_names:
                break
            # another program added or removed a port meanwhile: the index may be stale
            handle.close_port()
    if state["api"] == "UNIX_JACK":
        # jack_connect returns before the graph carries data: the first messages sent
        # in the next few periods can vanish, so give the new connection time to settle.
        time.sleep(JACK_SETTLE_S)
    return resolved, handle


def open_input(name: str, callback: InputCallback, *, client_name: str = CLIENT_NAME) -> InputPort:
    """Open input ``name`` (see :func:`resolve_port`); ``callback(msg, stamp_s)`` per message.

    The callback runs on the backend thread: stamp is ``time.monotonic()`` taken first thing.
    Sysex, MIDI clock and active sensing are filtered out by the backend.
    """
    state = _start()
    if state["kind"] == "mido":
        backend = state["backend"]
        resolved = resolve_port(name, backend.get_input_names(), kind="input")

        def stamped(msg: mido.Message) -> None:
            callback(msg, time.monotonic())

        try:
            port = backend.open_input(resolved, callback=stamped)
        except OSError as err:
            raise PortInUseError(f"MIDI input {resolved!r} cannot be opened: {err}") from err
        return InputPort(resolved, port, "mido")
    resolved, handle = _open_rtmidi(True, name, client_name)
    handle.ignore_types(sysex=True, timing=True, active_sense=True)
    handle.set_callback(_rtmidi_callback(callback))
    return InputPort(resolved, handle, "rtmidi")


def open_output(name: str, *, client_name: str = CLIENT_NAME) -> OutputPort:
    state = _start()
    if state["kind"] == "mido":
        backend = state["backend"]
        resolved = resolve_port(name, backend.get_output_names(), kind="output")
        try:
            return OutputPort(resolved, backend.open_output(resolved), "mido")
        except OSError as err:
            raise PortInUseError(f"MIDI output {resolved!r} cannot be opened: {err}") from err
    resolved, handle = _open_rtmidi(False, name, client_name)
    return OutputPort(resolved, handle, "rtmidi")


def _open_virtual(is_input: bool, port_name: str, client_name: str) -> tuple[str, Any]:
    """Create the port; returns the name others list it under and the rtmidi handle.

    JACK renames a second client of the same name (``client-01``), so the listed name is
    found by comparing the port list before and after.
    """
    state = _start()
    if not state["status"].supports_virtual or state["kind"] != "rtmidi":
        raise BackendUnavailableError(f"{backend_name()} does not support virtual MIDI ports")
    rtmidi = _rt()
    api_id = getattr(rtmidi, "API_" + state["api"])
    # a virtual output is listed among inputs by everyone else, and vice versa
    lister = list_inputs if not is_input else list_outputs
    with _lock:
        before = set(lister())
        try:
            handle = (rtmidi.MidiIn if is_input else rtmidi.MidiOut)(api_id, name=client_name)
            with _quiet_stderr():
                handle.open_virtual_port(port_name)
        except Exception as err:
            raise PortInUseError(
                f"virtual MIDI port {port_name!r} cannot be created: {err}"
            ) from err
        new = [n for n in lister() if n not in before and port_name in n]
    return (new[0] if new else virtual_port_name(port_name, client_name)), handle


def virtual_port_name(port_name: str, client_name: str) -> str:
    """How other programs list our virtual port (JACK: ``client:port``)."""
    if backend_status().api == "UNIX_JACK":
        return f"{client_name}:{port_name}"
    return port_name


def open_virtual_output(
    port_name: str = VIRTUAL_PORT_NAME, *, client_name: str = CLIENT_NAME
) -> OutputPort:
    """A port other programs (DAWs) see as an input and can record what we play."""
    name, handle = _open_virtual(False, port_name, client_name)
    return OutputPort(name, handle, "rtmidi")


def open_virtual_input(
    port_name: str, callback: InputCallback, *, client_name: str = CLIENT_NAME
) -> InputPort:
    """A port other programs see as an output; what they send reaches ``callback``."""
    name, handle = _open_virtual(True, port_name, client_name)
    handle.ignore_types(sysex=True, timing=True, active_sense=True)
    handle.set_callback(_rtmidi_callback(callback))
    return InputPort(name, handle, "rtmidi")
