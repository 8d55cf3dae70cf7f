"""Work that must stay off the GUI thread, and the bridge from MIDI threads into Qt.

- ``run_in_pool`` runs a function (model inference, loading the synth) in the global
  QThreadPool and delivers its result or its one-line error back on the GUI thread.
- ``MidiInputListener`` owns the queue the rtmidi callback writes into (the callback only
  stamps and enqueues) and drains it on a GUI-thread timer, emitting each message; it also
  notices when the keyboard is unplugged and reopens it when it comes back.
"""

import logging
import queue
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from deepcomposer_desktop.core.errors import DeepComposerError

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class FunctionTask(QRunnable):
    """Runs ``function()`` on a pool thread; results cross back through queued signals."""

    def __init__(self, function: Callable[[], Any]):
        super().__init__()
        self.function = function
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            result = self.function()
        except DeepComposerError as err:
            self.signals.failed.emit(str(err))
        except Exception as err:  # a bug in a worker must not kill the app
            log.exception("background task failed")
            self.signals.failed.emit(f"{type(err).__name__}: {err}")
        else:
            self.signals.finished.emit(result)


_running: set[FunctionTask] = set()


def run_in_pool(
    function: Callable[[], Any],
    on_finished: Callable[[Any], None],
    on_failed: Callable[[str], None],
) -> FunctionTask:
    """Start ``function`` in the global pool; the callbacks run on the GUI thread."""
    task = FunctionTask(function)
    task.setAutoDelete(False)
    _running.add(task)

    def finished(result: Any) -> None:
        _running.discard(task)
        on_finished(result)

    def failed(message: str) -> None:
        _running.discard(task)
        on_failed(message)

    task.signals.finished.connect(finished)
    task.signals.failed.connect(failed)
    QThreadPool.globalInstance().start(task)
    return task


class MidiInputListener(QObject):
    """One open MIDI input. Messages arrive as ``messageReceived(msg, stamp_s)`` on the GUI
    thread, in order, with the monotonic stamp taken on the MIDI thread."""

    messageReceived = Signal(object, float)
    deviceLost = Signal(str)
    deviceReturned = Signal(str)

    DRAIN_MS = 4
    WATCH_MS = 1500

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._port: Any = None
        self._name = ""
        self._lost = False
        self._drain = QTimer(self)
        self._drain.setInterval(self.DRAIN_MS)
        self._drain.timeout.connect(self.drain)
        self._watch = QTimer(self)
        self._watch.setInterval(self.WATCH_MS)
        self._watch.timeout.connect(self._check_device)

    @property
    def port_name(self) -> str:
        return self._name

    def enqueue(self, msg: Any, stamp_s: float) -> None:
        """The rtmidi callback: stamp already taken; only enqueue (no Qt, no locks)."""
        self._queue.put((msg, stamp_s))

    def open(self, name: str) -> None:
        """Open ``name`` ("" closes). Raises a PortError subclass the window shows."""
        self.close()
        if not name:
            return
        from deepcomposer_desktop.midi import ports

        self._port = ports.open_input(name, self.enqueue)
        self._name = name
        self._lost = False
        self._drain.start()
        self._watch.start()

    def close(self) -> None:
        self._watch.stop()
        if self._port is not None:
            try:
                self._port.close()
            except Exception:  # a vanished device may refuse to close
                log.debug("closing MIDI input failed", exc_info=True)
            self._port = None
        self.drain()
        self._drain.stop()
        self._name = ""

    @Slot()
    def drain(self) -> None:
        while True:
            try:
                msg, stamp_s = self._queue.get_nowait()
            except queue.Empty:
                return
            self.messageReceived.emit(msg, stamp_s)

    @Slot()
    def _check_device(self) -> None:
        from deepcomposer_desktop.midi import ports

        try:
            present = self._name in ports.list_inputs()
        except Exception:  # backend hiccup: try again on the next tick
            return
        if not present and not self._lost:
            self._lost = True
            if self._port is not None:
                try:
                    self._port.close()
                except Exception:  # it is gone already
                    log.debug("closing vanished input failed", exc_info=True)
                self._port = None
            self.deviceLost.emit(self._name)
        elif present and self._lost:
            try:
                self._port = ports.open_input(self._name, self.enqueue)
            except DeepComposerError:
                return
            self._lost = False
            self.deviceReturned.emit(self._name)


def now_s() -> float:
    """The clock every live message is stamped with (the MIDI layer uses the same)."""
    return time.monotonic()
