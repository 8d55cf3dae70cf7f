"""Notice a device disappearing and coming back, by polling the port list from a thread.

Backends do not tell us reliably (JACK silently drops the connection; ALSA sends an
announce message only if we subscribe), so a watcher asks for the names every 0.5 s.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PortWatcher:
    """Calls ``on_gone(name)`` when ``name`` leaves ``list_ports()`` and ``on_back(name)``.

    Callbacks run on the watcher thread. A failing ``list_ports`` counts as "gone".
    """

    def __init__(
        self,
        name: str,
        list_ports: Callable[[], list[str]],
        *,
        on_gone: Callable[[str], None] | None = None,
        on_back: Callable[[str], None] | None = None,
        interval_s: float = 0.5,
    ) -> None:
        self.name = name
        self._list_ports = list_ports
        self.on_gone = on_gone
        self.on_back = on_back
        self.interval_s = interval_s
        self.present = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="midi-hotplug", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def check(self) -> bool:
        """Poll once (the thread does this every ``interval_s``); returns presence."""
        try:
            present = self.name in self._list_ports()
        except Exception as err:
            log.info("listing MIDI ports failed: %s", err)
            present = False
        if present != self.present:
            self.present = present
            callback = self.on_back if present else self.on_gone
            if callback:
                try:
                    callback(self.name)
                except Exception:
                    log.exception("hot-plug callback failed")
        return present

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.check()
