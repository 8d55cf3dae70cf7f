"""The user's compositions in one SQLite file under the platform's app-data directory.

SQLite in WAL mode with ``synchronous=FULL`` and one transaction per write means a process
killed mid-save leaves either the old or the new row, never a broken file. Compositions are
stored as ``core.serialize`` JSON so nothing a MIDI file would drop (mute, solo, tags, melody
index) is lost. Failures (read-only folder, full disk, a file that is not a library) become a
``LibraryError`` (an ``OutputFileError``) with one readable line; the caller keeps its
in-memory state and may simply try again later.

The same file holds the autosave *sessions* (see ``app.autosave``): one row per app run, marked
clean on a normal exit, so the next start can offer to restore what an unclean exit left.
"""

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import CompositionError, OutputFileError
from deepcomposer_desktop.core.serialize import composition_from_json, composition_to_json

log = logging.getLogger(__name__)

APP_DIR_NAME = "DeepComposer Desktop"
LIBRARY_FILE_NAME = "library.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS compositions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    created_s REAL NOT NULL,
    modified_s REAL NOT NULL,
    bars INTEGER NOT NULL,
    tracks INTEGER NOT NULL,
    data TEXT NOT NULL
);
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


class LibraryError(OutputFileError):
    """The library file cannot be opened, read or written; the message says why."""


class EntryNotFoundError(LibraryError, LookupError):
    """No composition with that id is in the library (deleted meanwhile?)."""


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    id: int
    title: str
    modified_s: float  # seconds since the epoch
    bars: int
    tracks: int
    created_s: float = 0.0


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


def default_library_path() -> Path:
    """``<AppDataLocation>/library.sqlite3`` (e.g. ``~/.local/share/DeepComposer Desktop``)."""
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    if QCoreApplication.applicationName():
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    else:
        generic = QStandardPaths.StandardLocation.GenericDataLocation
        base = str(Path(QStandardPaths.writableLocation(generic)) / APP_DIR_NAME)
    return Path(base) / LIBRARY_FILE_NAME


def _reason(err: sqlite3.Error) -> str:
    text = str(err)
    if "disk is full" in text or "disk I/O" in text:
        return "the disk is full or failing"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "the folder or file is not writable"
    if "not a database" in text or "malformed" in text:
        return "the file is not a DeepComposer library or is damaged"
    if "locked" in text or "busy" in text:
        return "another program holds the library locked"
    return text


class Library:
    """A connection to one library file; create it with a path (made if missing)."""

    def __init__(self, path: Path | str) -> None:
        self._path = Path(path)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self._path, timeout=5.0, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise LibraryError(f"cannot open the library {self._path}: {err}") from err
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            with self._transaction() as conn:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
        except sqlite3.Error as err:
            self._conn.close()
            raise LibraryError(f"cannot open the library {self._path}: {_reason(err)}") from err

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write; ``BEGIN IMMEDIATE`` takes the write lock up front."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise

    @contextmanager
    def _writing(self, what: str) -> Iterator[sqlite3.Connection]:
        try:
            with self._transaction() as conn:
                yield conn
        except sqlite3.Error as err:
            raise LibraryError(
                f"cannot {what} in the library {self._path}: {_reason(err)}"
            ) from err

    def _reading(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as err:
            raise LibraryError(f"cannot read the library {self._path}: {_reason(err)}") from err

    # -- compositions ------------------------------------------------------------------------

    def save(
        self, composition: Composition, *, title: str | None = None, entry_id: int | None = None
    ) -> int:
        """Store ``composition`` as a new entry, or over ``entry_id``; returns the entry id.

        ``title`` None keeps an existing entry's title (a rename elsewhere wins) and names a
        new entry after the composition, or "Untitled".
        """
        data = composition_to_json(composition)
        now = time.time()
        bars, tracks = composition.bar_count, len(composition.tracks)
        with self._writing("save") as conn:
            if entry_id is None:
                name = title if title is not None else (composition.title or "Untitled")
                cursor = conn.execute(
                    "INSERT INTO compositions (title, created_s, modified_s, bars, tracks, data)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (name, now, now, bars, tracks, data),
                )
                assert cursor.lastrowid is not None
                return cursor.lastrowid
            cursor = conn.execute(
                "UPDATE compositions SET title = COALESCE(?, title), modified_s = ?, bars = ?,"
                " tracks = ?, data = ? WHERE id = ?",
                (title, now, bars, tracks, data, entry_id),
            )
            if cursor.rowcount == 0:
                raise EntryNotFoundError(f"library entry {entry_id} does not exist any more")
            return entry_id

    def entries(self) -> list[LibraryEntry]:
        """Every entry, most recently modified first."""
        rows = self._reading(
            "SELECT id, title, modified_s, bars, tracks, created_s FROM compositions"
            " ORDER BY modified_s DESC, id DESC"
        )
        return [LibraryEntry(*row) for row in rows]  # type: ignore[arg-type]

    def entry(self, entry_id: int) -> LibraryEntry:
        rows = self._reading(
            "SELECT id, title, modified_s, bars, tracks, created_s FROM compositions WHERE id = ?",
            (entry_id,),
        )
        if not rows:
            raise EntryNotFoundError(f"library entry {entry_id} does not exist")
        return LibraryEntry(*rows[0])  # type: ignore[arg-type]

    def load(self, entry_id: int) -> Composition:
        rows = self._reading("SELECT data FROM compositions WHERE id = ?", (entry_id,))
        if not rows:
            raise EntryNotFoundError(f"library entry {entry_id} does not exist")
        return composition_from_json(str(rows[0][0]))

    def rename(self, entry_id: int, title: str) -> None:
        with self._writing("rename") as conn:
            cursor = conn.execute(
                "UPDATE compositions SET title = ?, modified_s = ? WHERE id = ?",
                (title, time.time(), entry_id),
            )
            if cursor.rowcount == 0:
                raise EntryNotFoundError(f"library entry {entry_id} does not exist")

    def duplicate(self, entry_id: int) -> int:
        """A copy titled "<title> copy"; returns the new id."""
        now = time.time()
        with self._writing("duplicate") as conn:
            cursor = conn.execute(
                "INSERT INTO compositions (title, created_s, modified_s, bars, tracks, data)"
                " SELECT title || ' copy', ?, ?, bars, tracks, data FROM compositions"
                " WHERE id = ?",
                (now, now, entry_id),
            )
            if cursor.rowcount == 0:
                raise EntryNotFoundError(f"library entry {entry_id} does not exist")
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def delete(self, entry_id: int) -> None:
        with self._writing("delete") as conn:
            conn.execute("DELETE FROM compositions WHERE id = ?", (entry_id,))
            conn.execute("UPDATE sessions SET entry_id = NULL WHERE entry_id = ?", (entry_id,))

    # -- autosave sessions -------------------------------------------------------------------

    def begin_session(self) -> int:
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
        self,
        session_id: int,
        composition: Composition,
        *,
        entry_id: int | None,
        title: str | None = None,
    ) -> int:
        """Save the open composition and note it in the session, in one transaction."""
        data = composition_to_json(composition)
        now = time.time()
        bars, tracks = composition.bar_count, len(composition.tracks)
        with self._writing("autosave") as conn:
            cursor = None
            if entry_id is not None:
                cursor = conn.execute(
                    "UPDATE compositions SET modified_s = ?, bars = ?, tracks = ?, data = ?"
                    " WHERE id = ?",
                    (now, bars, tracks, data, entry_id),
                )
            if cursor is None or cursor.rowcount == 0:  # new, or deleted meanwhile: re-create
                name = title or composition.title or "Untitled"
                cursor = conn.execute(
                    "INSERT INTO compositions (title, created_s, modified_s, bars, tracks, data)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (name, now, now, bars, tracks, data),
                )
                assert cursor.lastrowid is not None
                entry_id = cursor.lastrowid
            conn.execute(
                "UPDATE sessions SET entry_id = ?, updated_s = ? WHERE id = ?",
                (entry_id, now, session_id),
            )
            return entry_id

    def save_take(self, session_id: int, take: Composition | None) -> None:
        """Keep (or, with None, drop) the snapshot of a recording still in progress."""
        data = None if take is None else composition_to_json(take)
        now = time.time()
        with self._writing("save the recording") as conn:
            conn.execute(
                "UPDATE sessions SET take_data = ?, take_saved_s = ?, updated_s = ? WHERE id = ?",
                (data, None if take is None else now, now, session_id),
            )

    def end_session(self, session_id: int) -> None:
        """Mark a normal exit: nothing of this session needs restoring."""
        with self._writing("close the session") as conn:
            conn.execute(
                "UPDATE sessions SET clean = 1, take_data = NULL, updated_s = ? WHERE id = ?",
                (time.time(), session_id),
            )

    def sessions(self) -> list[SessionRecord]:
        rows = self._reading(
            "SELECT id, pid, started_s, updated_s, clean, entry_id, take_saved_s FROM sessions"
            " ORDER BY updated_s DESC, id DESC"
        )
        return [
            SessionRecord(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6])  # type: ignore[arg-type]
            for r in rows
        ]

    def session_take(self, session_id: int) -> Composition | None:
        rows = self._reading("SELECT take_data FROM sessions WHERE id = ?", (session_id,))
        if not rows or rows[0][0] is None:
            return None
        try:
            return composition_from_json(str(rows[0][0]))
        except CompositionError as err:
            log.warning("recording snapshot of session %s is unreadable: %s", session_id, err)
            return None

    def discard_session(self, session_id: int) -> None:
        """Forget a session (after the user restored or declined it)."""
        with self._writing("forget the session") as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
