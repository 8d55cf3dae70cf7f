import os
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal

from deepcomposer_desktop.app.autosave import Autosaver, recoverable_sessions
from deepcomposer_desktop.app.library import Library
from deepcomposer_desktop.core import Composition, Note, Track

pytestmark = pytest.mark.qt


class FakeController(QObject):
    """The CompositionController contract, without undo machinery."""

    compositionChanged = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.composition = Composition()
        self.library_id: int | None = None
        self.title = "Untitled"

    def apply(self, new: Composition, description: str = "") -> None:
        self.composition = new
        self.compositionChanged.emit(new)

    def load(self, c: Composition, *, title: str, library_id: int | None = None) -> None:
        self.title, self.library_id = title, library_id
        self.apply(c)


def _piece(n_notes: int) -> Composition:
    notes = tuple(Note(i * 0.5, 60 + i % 12, 0.5) for i in range(n_notes))
    return Composition(tracks=(Track("Melody", notes),))


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "lib.sqlite3")


def test_rapid_changes_are_saved_once_after_the_pause(qtbot, library: Library) -> None:
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=80)
    saves: list[int] = []
    saver.saved.connect(saves.append)
    for n in range(1, 6):
        controller.apply(_piece(n))
    assert saves == []
    qtbot.waitUntil(lambda: len(saves) == 1, timeout=2000)
    qtbot.wait(200)
    assert len(saves) == 1
    assert controller.library_id == saves[0]
    assert library.load(saves[0]) == _piece(5)
    assert library.entry(saves[0]).title == "Untitled"


def test_continuous_editing_is_still_saved_within_the_max_delay(qtbot, library) -> None:
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=200, max_delay_ms=100)
    saves: list[int] = []
    saver.saved.connect(saves.append)
    for n in range(1, 40):
        controller.apply(_piece(n))
        qtbot.wait(10)
    assert saves, "a stream of edits must not postpone saving forever"


def test_an_opened_entry_is_saved_in_place(qtbot, library: Library) -> None:
    entry_id = library.save(_piece(2), title="Mine")
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=10)
    controller.load(_piece(2), title="Mine", library_id=entry_id)
    controller.apply(_piece(7))
    with qtbot.waitSignal(saver.saved, timeout=2000) as blocker:
        pass
    assert blocker.args == [entry_id]
    assert [e.id for e in library.entries()] == [entry_id]
    assert library.load(entry_id) == _piece(7)


def test_opening_an_entry_does_not_rewrite_it_but_is_remembered(qtbot, library) -> None:
    entry_id = library.save(_piece(2), title="Mine")
    before = library.entry(entry_id).modified_s
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=10)
    with qtbot.assertNotEmitted(saver.saved, wait=100):
        controller.load(_piece(2), title="Mine", library_id=entry_id)
    assert library.entry(entry_id).modified_s == before
    [session] = [s for s in library.sessions() if s.id == saver.session_id]
    assert session.entry_id == entry_id
    with qtbot.waitSignal(saver.saved, timeout=2000):
        controller.apply(_piece(3))  # the first real edit is saved as usual
    assert library.load(entry_id) == _piece(3)


def test_an_empty_untitled_piece_creates_no_entry(qtbot, library: Library) -> None:
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=10)
    controller.load(Composition(), title="Untitled")
    assert saver.save_now()
    assert library.entries() == []


def test_a_failed_save_is_reported_kept_and_retried(qtbot, library: Library) -> None:
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=10, retry_ms=50)
    pages = library._conn.execute("PRAGMA page_count").fetchone()[0]
    library._conn.execute(f"PRAGMA max_page_count={pages}")
    with qtbot.waitSignal(saver.saveFailed, timeout=2000) as failure:
        controller.apply(_piece(3000))
    assert "disk is full" in failure.args[0]
    assert saver.has_unsaved_changes
    library._conn.execute("PRAGMA max_page_count=1000000")
    with qtbot.waitSignal(saver.saved, timeout=2000):
        pass
    assert not saver.has_unsaved_changes
    assert library.load(controller.library_id) == _piece(3000)


def test_take_snapshots_are_throttled_and_the_last_one_kept(qtbot, library) -> None:
    saver = Autosaver(library, FakeController(), interval_ms=100)
    writes: list[None] = []
    saver.takeSaved.connect(lambda: writes.append(None))
    for n in range(1, 30):
        saver.save_take(_piece(n))
    assert writes == []
    qtbot.waitUntil(lambda: len(writes) == 1, timeout=2000)
    qtbot.wait(150)
    assert len(writes) == 1
    assert library.session_take(saver.session_id) == _piece(29)
    saver.save_take(None)  # recording finished: the snapshot goes at once
    assert library.session_take(saver.session_id) is None


def test_clean_exit_leaves_nothing_to_restore(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    controller = FakeController()
    saver = Autosaver(Library(path), controller, interval_ms=10_000)
    controller.apply(_piece(4))
    assert saver.mark_clean_exit()  # flushes the pending change first
    fresh = Library(path)
    assert fresh.load(fresh.entries()[0].id) == _piece(4)
    assert recoverable_sessions(fresh) == []


def test_the_running_session_is_not_offered_to_itself(qtbot, library: Library) -> None:
    controller = FakeController()
    saver = Autosaver(library, controller, interval_ms=10)
    controller.apply(_piece(2))
    assert saver.save_now()
    assert recoverable_sessions(library) == []


_CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from PySide6.QtCore import QCoreApplication, QTimer
    from deepcomposer_desktop.app.autosave import Autosaver
    from deepcomposer_desktop.app.library import Library
    from test_autosave import FakeController, _piece

    app = QCoreApplication([])
    if sys.argv[4] == "real":
        from deepcomposer_desktop.app.controller import CompositionController
        controller = CompositionController()
    else:
        controller = FakeController()
    saver = Autosaver(Library(sys.argv[1]), controller, interval_ms=20)
    state = {"n": 0}

    def edit():
        state["n"] += 1
        controller.apply(_piece(state["n"]), "edit")
        if sys.argv[3] == "take":
            saver.save_take(_piece(state["n"] + 1000), immediately=True)

    def report(*_):
        print(state["n"], flush=True)
        QTimer.singleShot(5, edit)

    (saver.takeSaved if sys.argv[3] == "take" else saver.saved).connect(report)
    QTimer.singleShot(0, edit)
    app.exec()
    """
)


def _run_and_kill(path: Path, mode: str, saves: int, controller: str = "fake") -> int:
    """Start the child, read its saves until ``saves`` (at most 60 s), SIGKILL it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(Path(__file__).parent), mode, controller],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    os.set_blocking(proc.stdout.fileno(), False)
    last, buffer, deadline = 0, "", time.monotonic() + 60
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while last < saves and time.monotonic() < deadline and proc.poll() is None:
            if selector.select(timeout=0.5):
                buffer += proc.stdout.read() or ""
                *lines, buffer = buffer.split("\n")
                last = max([last, *(int(line) for line in lines if line)])
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert last >= saves, f"child saved only {last} times: {proc.stderr.read()[-2000:]}"
    assert proc.returncode == -signal.SIGKILL
    return last


@pytest.mark.integration
@pytest.mark.parametrize("controller", ["fake", "real"])
def test_after_a_kill_the_next_start_offers_the_latest_state(qapp, tmp_path, controller) -> None:
    path = tmp_path / "lib.sqlite3"
    last = _run_and_kill(path, "edit", saves=25, controller=controller)

    library = Library(path)
    [session] = recoverable_sessions(library)
    assert session.title == "Untitled"
    assert session.entry_id is not None
    assert not session.has_take
    restored = library.load(session.entry_id)
    # The child may have saved one more edit after the last line we read, never fewer.
    assert len(restored.tracks[0].notes) in (last, last + 1)


@pytest.mark.integration
def test_after_a_kill_during_recording_the_take_is_recoverable(qapp, tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    last = _run_and_kill(path, "take", saves=10)

    library = Library(path)
    [session] = recoverable_sessions(library)
    assert session.has_take
    take = library.session_take(session.session_id)
    assert take is not None
    assert len(take.tracks[0].notes) - 1000 in (last, last + 1)
    library.discard_session(session.session_id)
    assert recoverable_sessions(library) == []
