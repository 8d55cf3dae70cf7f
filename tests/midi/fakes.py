"""Fakes for the live-MIDI unit tests: a clock that only moves when slept, a recording sink."""

import threading

import mido


class FakeClock:
    """``clock()`` returns fake seconds; ``sleep(d)`` advances them (0 still moves 0.1 ms)."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.now_s = start_s
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now_s

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now_s += max(seconds, 0.0001)


class FakeSink:
    """A sink that writes down ``(clock(), msg)`` for every message sent."""

    def __init__(self, clock=None, *, fail_after: int | None = None) -> None:
        self.clock = clock
        self.sent: list[tuple[float, mido.Message]] = []
        self.fail_after = fail_after

    def send(self, msg: mido.Message) -> None:
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise OSError("device gone")
        self.sent.append((self.clock() if self.clock else 0.0, msg))

    def of_type(self, kind: str) -> list[tuple[float, mido.Message]]:
        return [(t, m) for t, m in self.sent if m.type == kind]
