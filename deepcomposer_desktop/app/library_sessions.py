"""Autosave sessions, one row per app run, kept in the library file next to the compositions.

A session is opened at start, records which library entry was open at each autosave (in the
same transaction as the save) and any snapshot of a recording in progress, and is marked clean
on a normal exit. ``Library`` mixes these methods in, so one connection and one transaction
cover both the composition and its session row.
"""

import logging
import os
import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.serialize import composition_from_json, composition_to_json

log = logging.getLogger(__name__)

SESSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pid INTEGER NOT NULL,
    started_s REAL NOT NULL,
    updated_s REAL NOT NULL,
    clean INTEGER NOT NULL DEFAULT 0,
    entry_id INTEGER,
    take_data TEXT,
    take_saved_s REAL
);
"""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One app run as the library saw it; ``entry_id`` is what was open at the last autosave."""

    id: int
    pid: int
    started_s: float
    updated_s: float
    clean: bool
    entry_id: int | None
    take_saved_s: float | None  # set when a recording snapshot was kept


class _LibraryCore(Protocol):
    def _writing(self, what: str) -> AbstractContextManager[sqlite3.Connection]: ...

    def _reading(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]: ...

    def _store(
        self,
        conn: sqlite3.Connection,
        composition: Composition,
        entry_id: int | None,
        *,
        title: str | None,
        recreate: bool,
        new_title: str | None = None,
    ) -> int: ...


class SessionsMixin:
    """Session methods of ``Library`` (see the module docstring)."""

    def begin_session(self: _LibraryCore) -> int:
        now = time.time()
        with self._writing("start a session") as conn:
            conn.execute("DELETE FROM sessions WHERE clean = 1")
            cursor = conn.execute(
                "INSERT INTO sessions (pid, started_s, updated_s) VALUES (?, ?, ?)",
                (os.getpid(), now, now),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def autosave(
        self: _LibraryCore,
        session_id: int,
        composition: Composition,
        *,
        entry_id: int | None,
        title: str | None = None,
    ) -> int:
        """Save the open composition and note it in the session, in one transaction."""
        with self._writing("autosave") as conn:
            saved_id = self._store(
                conn, composition, entry_id, title=None, recreate=True, new_title=title
            )
            conn.execute(
                "UPDATE sessions SET entry_id = ?, updated_s = ? WHERE id = ?",
                (saved_id, time.time(), session_id),
            )
            return saved_id

    def save_take(self: _LibraryCore, session_id: int, take: Composition | None) -> None:
        """Keep (or, with None, drop) the snapshot of a recording still in progress."""
        data = None if take is None else composition_to_json(take)
        now = time.time()
        with self._writing("save the recording") as conn:
            conn.execute(
                "UPDATE sessions SET take_data = ?, take_saved_s = ?, updated_s = ? WHERE id = ?",
                (data, None if take is None else now, now, session_id),
            )

    def set_session_entry(self: _LibraryCore, session_id: int, entry_id: int | None) -> None:
        """Note which entry is open (after opening one from the library, with no edit yet)."""
        with self._writing("note the open composition") as conn:
            conn.execute(
                "UPDATE sessions SET entry_id = ?, updated_s = ? WHERE id = ?",
                (entry_id, time.time(), session_id),
            )

    def end_session(self: _LibraryCore, session_id: int) -> None:
        """Mark a normal exit: nothing of this session needs restoring."""
        with self._writing("close the session") as conn:
            conn.execute(
                "UPDATE sessions SET clean = 1, take_data = NULL, updated_s = ? WHERE id = ?",
                (time.time(), session_id),
            )

    def sessions(self: _LibraryCore) -> list[SessionRecord]:
        rows = self._reading(
            "SELECT id, pid, started_s, updated_s, clean, entry_id, take_saved_s FROM sessions"
            " ORDER BY updated_s DESC, id DESC"
        )
        return [
            SessionRecord(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6])  # type: ignore[arg-type]
            for r in rows
        ]

    def session_take(self: _LibraryCore, session_id: int) -> Composition | None:
        rows = self._reading("SELECT take_data FROM sessions WHERE id = ?", (session_id,))
        if not rows or rows[0][0] is None:
            return None
        try:
            return composition_from_json(str(rows[0][0]))
        except CompositionError as err:
            log.warning("recording snapshot of session %s is unreadable: %s", session_id, err)
            return None

    def discard_session(self: _LibraryCore, session_id: int) -> None:
        """Forget a session (after the user restored or declined it)."""
        with self._writing("forget the session") as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
