"""Private to ``ports.py``: list JACK MIDI ports through an *inactive* libjack client.

rtmidi can only list ports through a client that it also activates, and every active client
joins JACK's process cycle (every 1.3 ms here). Two such probes per process for nothing but
listing cost the server real time; on a loaded machine that shows as dropped MIDI. An
inactive client can still query the port graph. The order is the same one rtmidi uses when
it opens a port by index.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

JACK_NO_START_SERVER = 0x01
JACK_PORT_IS_INPUT = 0x1
JACK_PORT_IS_OUTPUT = 0x2
MIDI_TYPE = b"8 bit raw midi"


def _load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("jack") or "libjack.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.jack_client_open.restype = ctypes.c_void_p
    lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    lib.jack_get_ports.restype = ctypes.POINTER(ctypes.c_char_p)
    lib.jack_get_ports.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
    ]
    lib.jack_free.argtypes = [ctypes.c_void_p]
    lib.jack_client_close.argtypes = [ctypes.c_void_p]
    lib.jack_is_realtime.argtypes = [ctypes.c_void_p]
    return lib


class JackLister:
    """``get_ports()`` like an rtmidi probe: sources for ``MidiIn``, sinks for ``MidiOut``."""

    def __init__(self, lib: ctypes.CDLL, client: int, flags: int, owner: bool) -> None:
        self._lib = lib
        self._client = client
        self._flags = flags
        self._owner = owner

    def get_ports(self) -> list[str]:
        found = self._lib.jack_get_ports(self._client, None, MIDI_TYPE, self._flags)
        if not found:
            return []
        names = []
        i = 0
        while found[i]:
            names.append(found[i].decode("utf-8", "replace"))
            i += 1
        self._lib.jack_free(ctypes.cast(found, ctypes.c_void_p))
        return names

    def server_is_realtime(self) -> bool:
        """True when jackd runs SCHED_FIFO (``-R``): our real-time threads cannot starve it."""
        return bool(self._client and self._lib.jack_is_realtime(self._client))

    def delete(self) -> None:
        if self._owner and self._client:
            self._lib.jack_client_close(self._client)
        self._client = 0


def open_listers(client_name: str) -> tuple[JackLister, JackLister] | None:
    """(sources, sinks) listers sharing one inactive client; None if libjack won't do it."""
    lib = _load()
    if lib is None:
        return None
    client = lib.jack_client_open(client_name.encode(), JACK_NO_START_SERVER, None)
    if not client:
        return None
    return (
        JackLister(lib, client, JACK_PORT_IS_OUTPUT, owner=True),
        JackLister(lib, client, JACK_PORT_IS_INPUT, owner=False),
    )
