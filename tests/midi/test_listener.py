"""The input pipeline without hardware: a fake port opener stands in for the backend."""

import threading
import time

import mido
from fakes import FakeSink

from deepcomposer_desktop.midi.hotplug import PortWatcher
from deepcomposer_desktop.midi.learn import Bindings, MidiLearn, Trigger
from deepcomposer_desktop.midi.listener import LiveInput


class FakePort:
    def __init__(self, name, callback):
        self.name = name
        self.callback = callback
        self.closed = False

    def close(self):
        self.closed = True


class FakeBackend:
    def __init__(self, names):
        self.names = list(names)
        self.opened: list[FakePort] = []

    def open(self, name, callback):
        port = FakePort(name, callback)
        self.opened.append(port)
        return port

    def list(self):
        return list(self.names)

    def play(self, msg):
        self.opened[-1].callback(msg, time.monotonic())


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def note(n, v=90):
    return mido.Message("note_on", note=n, velocity=v)


def test_messages_reach_handlers_and_thru_in_order_with_their_stamps():
    backend = FakeBackend(["kbd"])
    got, thru = [], FakeSink()
    live = LiveInput(
        "kbd",
        handlers=[lambda m, s: got.append((m.note, s))],
        thru=thru,
        opener=backend.open,
        lister=backend.list,
        watch=False,
    )
    with live:
        for n in range(60, 70):
            backend.play(note(n))
        wait_for(lambda: len(got) == 10)
    assert [n for n, _ in got] == list(range(60, 70))
    stamps = [s for _, s in got]
    assert stamps == sorted(stamps)
    assert [m.note for _, m in thru.sent[:10]] == list(range(60, 70))
    # close released the notes still held through thru: nothing left stuck
    assert {m.note for _, m in thru.of_type("note_off")} == set(range(60, 70))
    assert backend.opened[0].closed


def test_a_failing_handler_does_not_stop_the_dispatcher():
    backend = FakeBackend(["kbd"])
    got = []

    def bad(msg, stamp):
        raise RuntimeError("boom")

    with LiveInput(
        "kbd",
        handlers=[bad, lambda m, s: got.append(m)],
        opener=backend.open,
        lister=backend.list,
        watch=False,
    ):
        backend.play(note(60))
        backend.play(note(61))
        wait_for(lambda: len(got) == 2)


def test_bound_buttons_are_consumed_before_recording_and_thru():
    backend = FakeBackend(["kbd"])
    fired, got, thru = [], [], FakeSink()
    learn = MidiLearn(Bindings().bind("record", Trigger("cc", 0, 20)), on_action=fired.append)
    with LiveInput(
        "kbd",
        handlers=[lambda m, s: got.append(m)],
        thru=thru,
        consume=learn.feed,
        opener=backend.open,
        lister=backend.list,
        watch=False,
    ):
        backend.play(mido.Message("control_change", control=20, value=127))
        backend.play(mido.Message("control_change", control=20, value=0))
        backend.play(note(60))
        wait_for(lambda: len(got) == 1)
    assert fired == ["record"]
    assert got[0].type == "note_on"
    assert all(m.type != "control_change" or m.control != 20 for _, m in thru.sent)


def test_unplug_is_reported_held_thru_notes_released_and_replug_reopens():
    backend = FakeBackend(["kbd"])
    events, got, thru = [], [], FakeSink()
    gone, back = threading.Event(), threading.Event()
    live = LiveInput(
        "kbd",
        handlers=[lambda m, s: got.append(m)],
        thru=thru,
        on_gone=lambda n: (events.append(("gone", n)), gone.set()),
        on_back=lambda n: (events.append(("back", n)), back.set()),
        opener=backend.open,
        lister=backend.list,
        interval_s=0.01,
    )
    with live:
        backend.play(note(60))
        wait_for(lambda: len(got) == 1)
        backend.names = []
        assert gone.wait(5)
        assert backend.opened[0].closed
        assert [m.note for _, m in thru.of_type("note_off")] == [60]
        backend.names = ["kbd"]
        assert back.wait(5)
        assert len(backend.opened) == 2 and live.connected
        backend.play(note(62))
        wait_for(lambda: len(got) == 2)
    assert events == [("gone", "kbd"), ("back", "kbd")]


def test_watcher_treats_a_failing_listing_as_gone():
    def broken():
        raise OSError("backend died")

    seen = []
    w = PortWatcher("kbd", broken, on_gone=seen.append)
    assert w.check() is False
    assert seen == ["kbd"]
    assert w.check() is False
    assert seen == ["kbd"]  # reported once
