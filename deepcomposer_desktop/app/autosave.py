"""Autosave: every change to the open composition reaches the library within a second or two.

The library is the document store: the composition the controller holds is written into its
library entry (a new entry the first time an untitled piece gets notes, whose id is then given
to the controller), and the run's *session* row records which entry was open. A recording in
progress is kept as a separate snapshot in the session. A normal exit marks the session clean;
after a crash or kill the next start finds it unclean and offers ``recoverable_sessions``.

Saving is debounced (``interval_ms`` after the last change, but at most ``max_delay_ms`` after
the first unsaved one, so a long drag still gets saved). If the disk is full or the folder is
read-only the failure is reported with ``saveFailed`` and retried every ``retry_ms``; the work
stays in memory meanwhile.
"""

import logging
import os
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from deepcomposer_desktop.app.library import EntryNotFoundError, Library, LibraryError
from deepcomposer_desktop.core import Composition

log = logging.getLogger(__name__)

# Sessions opened by this process, so a restart check never offers a live session to itself.
_LIVE_SESSIONS: set[tuple[str, int]] = set()


@dataclass(frozen=True, slots=True)
class RecoverableSession:
    """What an unclean exit left: the entry that was open and/or a recording snapshot."""

    session_id: int
    entry_id: int | None
    title: str
    saved_s: float  # seconds since the epoch of the latest save
    has_take: bool


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


def recoverable_sessions(library: Library) -> list[RecoverableSession]:
    """Sessions that ended without ``mark_clean_exit`` and still have something to restore.

    Sessions of another running instance are left alone; unclean sessions with nothing left
    (their entry was deleted, no recording) are forgotten.
    """
    found = []
    for record in library.sessions():
        if record.clean or (str(library.path), record.id) in _LIVE_SESSIONS:
            continue
        if _pid_alive(record.pid):
            continue
        title, saved_s = "Recording", record.take_saved_s or record.updated_s
        entry_id = record.entry_id
        if entry_id is not None:
            try:
                entry = library.entry(entry_id)
                title, saved_s = entry.title, max(entry.modified_s, saved_s)
            except EntryNotFoundError:
                entry_id = None
        has_take = record.take_saved_s is not None
        if entry_id is None and not has_take:
            try:
                library.discard_session(record.id)
            except LibraryError as err:
                log.warning("cannot forget an empty session: %s", err)
            continue
        found.append(RecoverableSession(record.id, entry_id, title, saved_s, has_take))
    return found


class Autosaver(QObject):
    """Keeps ``controller.composition`` saved in ``library`` (see the module docstring).

    ``controller`` follows the ``CompositionController`` contract: ``compositionChanged``,
    ``composition``, ``library_id`` (settable) and optionally ``title``.
    """

    saved = Signal(int)  # library entry id just written
    takeSaved = Signal()
    saveFailed = Signal(str)  # one-line reason; the app shows it and we retry

    def __init__(
        self,
        library: Library,
        controller: Any,
        *,
        interval_ms: int = 1500,
        max_delay_ms: int = 10_000,
        retry_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._controller = controller
        self._session_id = library.begin_session()
        _LIVE_SESSIONS.add((str(library.path), self._session_id))
        self._max_delay_s = max_delay_ms / 1000
        self._retry_ms = retry_ms
        self._interval_ms = interval_ms
        self._pending_since: float | None = None
        self._take: Composition | None = None
        self._take_pending = False
        self._entry_seen: int | None = controller.library_id
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        controller.compositionChanged.connect(self._on_changed)

    @property
    def session_id(self) -> int:
        return self._session_id

    @property
    def has_unsaved_changes(self) -> bool:
        return self._pending_since is not None or self._take_pending

    @Slot(object)
    def _on_changed(self, _composition: object = None) -> None:
        entry_id = self._controller.library_id
        if entry_id is not None and entry_id != self._entry_seen:
            # Just opened from the library (or restored): stored already, so only remember it.
            self._entry_seen = entry_id
            self._pending_since = None
            try:
                self._library.set_session_entry(self._session_id, entry_id)
            except LibraryError as err:
                log.warning("cannot note the open composition: %s", err)
            return
        self._entry_seen = entry_id
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
        if now - self._pending_since >= self._max_delay_s:
            self.save_now()
        else:
            self._timer.start(self._interval_ms)

    @Slot()
    def save_now(self) -> bool:
        """Write what is pending now; False (and ``saveFailed``, a retry) if it failed."""
        self._timer.stop()
        ok = self._save_composition() and self._save_take()
        if not ok:
            self._timer.start(self._retry_ms)
        return ok

    def _save_composition(self) -> bool:
        if self._pending_since is None:
            return True
        composition: Composition = self._controller.composition
        entry_id = self._controller.library_id
        if entry_id is None and not any(t.notes for t in composition.tracks):
            self._pending_since = None  # nothing worth a library entry yet
            return True
        title = getattr(self._controller, "title", None) or None
        try:
            new_id = self._library.autosave(
                self._session_id, composition, entry_id=entry_id, title=title
            )
        except LibraryError as err:
            log.warning("autosave failed: %s", err)
            self.saveFailed.emit(str(err))
            return False
        self._pending_since = None
        if new_id != entry_id:
            self._controller.library_id = new_id
        self._entry_seen = new_id
        self.saved.emit(new_id)
        return True

    def save_take(self, take: Composition | None, *, immediately: bool = False) -> bool:
        """Keep a snapshot of the recording in progress (None when the take is finished).

        Snapshots are written at most every ``interval_ms`` (call this as often as notes
        arrive); ``immediately`` (or None) writes now. False when an immediate write failed.
        """
        self._take = take
        self._take_pending = True
        if immediately or take is None:
            return self.save_now()
        if not self._timer.isActive():
            self._timer.start(self._interval_ms)
        return True

    def _save_take(self) -> bool:
        if not self._take_pending:
            return True
        try:
            self._library.save_take(self._session_id, self._take)
        except LibraryError as err:
            log.warning("saving the recording snapshot failed: %s", err)
            self.saveFailed.emit(str(err))
            return False
        self._take_pending = False
        self.takeSaved.emit()
        return True

    def mark_clean_exit(self) -> bool:
        """Flush and mark the session clean; False if the last save failed (then it stays
        recoverable, so nothing is lost)."""
        if not self.save_now():
            return False
        self._timer.stop()
        try:
            self._library.end_session(self._session_id)
        except LibraryError as err:
            self.saveFailed.emit(str(err))
            return False
        _LIVE_SESSIONS.discard((str(self._library.path), self._session_id))
        return True
