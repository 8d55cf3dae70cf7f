"""A live keyboard: the callback only stamps and queues; a dispatcher thread does the rest.

The dispatcher hands every ``(msg, stamp_s)`` to the handlers (recorder, capture buffer,
MIDI-learn, a Qt bridge...) and passes music through to a *thru* sink so the player hears
themselves. A :class:`PortWatcher` notices the keyboard leaving and reopens it on return;
whatever the handlers collected (a take in progress) is untouched meanwhile.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import mido

from deepcomposer_desktop.midi import ports
from deepcomposer_desktop.midi.hotplug import PortWatcher
from deepcomposer_desktop.midi.sink import Sink
from deepcomposer_desktop.midi.timeline import try_realtime_priority

log = logging.getLogger(__name__)

Handler = Callable[[mido.Message, float], None]
Filter = Callable[[mido.Message, float], bool]
_THRU_TYPES = ("note_on", "note_off", "control_change", "pitchwheel", "aftertouch", "polytouch")


class LiveInput:
    """``start()`` opens the port (raises PortNotFoundError...), ``close()`` joins threads.

    ``consume`` (e.g. ``MidiLearn.feed``) runs first; when it returns True the message was a
    bound button and reaches neither the handlers nor thru. ``on_gone``/``on_back`` run on
    the watcher thread with the port name.
    """

    def __init__(
        self,
        name: str,
        *,
        handlers: list[Handler] | None = None,
        thru: Sink | None = None,
        consume: Filter | None = None,
        on_gone: Callable[[str], None] | None = None,
        on_back: Callable[[str], None] | None = None,
        watch: bool = True,
        interval_s: float = 0.5,
        realtime: bool = True,
        opener: Callable[[str, Handler], ports.InputPort] = ports.open_input,
        lister: Callable[[], list[str]] = ports.list_inputs,
    ) -> None:
        self.name = name
        self.handlers: list[Handler] = list(handlers or [])
        self.thru = thru
        self.consume = consume
        self.on_gone = on_gone
        self.on_back = on_back
        self.realtime = realtime
        self._opener = opener
        self._lister = lister
        self._queue: queue.SimpleQueue[tuple[mido.Message, float] | None] = queue.SimpleQueue()
        self._port: ports.InputPort | None = None
        self._dispatcher: threading.Thread | None = None
        self._held_thru: set[tuple[int, int]] = set()
        self._thru_lock = threading.Lock()
        self._watcher = (
            PortWatcher(name, lister, on_gone=self._gone, on_back=self._back, interval_s=interval_s)
            if watch
            else None
        )

    @property
    def connected(self) -> bool:
        return self._port is not None and not self._port.closed

    def _enqueue(self, msg: mido.Message, stamp_s: float) -> None:
        self._queue.put((msg, stamp_s))  # the backend thread does nothing else

    def start(self) -> None:
        port = self._opener(self.name, self._enqueue)
        self.name = port.name
        self._port = port
        if self._watcher is not None:
            self._watcher.name = port.name
        self._dispatcher = threading.Thread(target=self._dispatch, name="midi-input", daemon=True)
        self._dispatcher.start()
        if self._watcher is not None:
            self._watcher.start()

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        if self._port is not None:
            self._port.close()
        if self._dispatcher is not None:
            self._queue.put(None)
            self._dispatcher.join(timeout=5)
            self._dispatcher = None
        self.release_thru()

    def __enter__(self) -> LiveInput:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_thru(self, sink: Sink | None) -> None:
        self.release_thru()
        self.thru = sink

    def release_thru(self) -> None:
        """Note-off for every note passed through and not yet released (no stuck notes)."""
        with self._thru_lock:
            sink, held = self.thru, list(self._held_thru)
            self._held_thru.clear()
        if sink is None:
            return
        for channel, note in held:
            try:
                sink.send(mido.Message("note_off", channel=channel, note=note))
            except Exception:
                break

    # -- threads ----------------------------------------------------------------------------
    def _dispatch(self) -> None:
        if self.realtime and ports.realtime_wanted():  # handlers are short; thru is timed
            try_realtime_priority(5)
        get = self._queue.get
        while (item := get()) is not None:
            msg, stamp_s = item
            try:
                if self.consume is not None and self.consume(msg, stamp_s):
                    continue
            except Exception:
                log.exception("MIDI-learn failed on %s", msg)
            self._pass_thru(msg)
            for handler in list(self.handlers):
                try:  # one broken handler must not starve the others (the recorder!)
                    handler(msg, stamp_s)
                except Exception:
                    log.exception("MIDI input handler failed on %s", msg)

    def _pass_thru(self, msg: mido.Message) -> None:
        sink = self.thru
        if sink is None or msg.type not in _THRU_TYPES:
            return
        with self._thru_lock:
            if msg.type == "note_on" and msg.velocity > 0:
                self._held_thru.add((msg.channel, msg.note))
            elif msg.type in ("note_on", "note_off"):
                self._held_thru.discard((msg.channel, msg.note))
        try:
            sink.send(msg)
        except Exception as err:
            log.warning("MIDI thru stopped: %s", err)
            self.thru = None

    def _gone(self, name: str) -> None:
        log.info("MIDI input %r disappeared", name)
        if self._port is not None:
            self._port.close()
        self.release_thru()
        if self.on_gone:
            self.on_gone(name)

    def _back(self, name: str) -> None:
        try:
            self._port = self._opener(name, self._enqueue)
        except Exception as err:  # try again at the next poll
            log.info("MIDI input %r is back but cannot be opened yet: %s", name, err)
            if self._watcher is not None:
                self._watcher.present = False
            return
        log.info("MIDI input %r is back", name)
        if self.on_back:
            self.on_back(name)
