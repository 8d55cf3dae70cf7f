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
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deepcomposer_desktop.app.library_sessions import SESSIONS_SCHEMA, SessionRecord, SessionsMixin
from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import OutputFileError
from deepcomposer_desktop.core.serialize import composition_from_json, composition_to_json

log = logging.getLogger(__name__)

__all__ = [
    "EntryNotFoundError",
    "Library",
    "LibraryEntry",
    "LibraryError",
    "SessionRecord",
    "default_library_path",
]

APP_DIR_NAME = "DeepComposer Desktop"
LIBRARY_FILE_NAME = "library.sqlite3"
SCHEMA_VERSION = 1  # PRAGMA user_version; a newer file is refused, never rewritten

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


class Library(SessionsMixin):
    """A connection to one library file; create it with a path (made if missing)."""

    def __init__(self, path: Path | str) -> None:
        self._path = Path(path)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self._path, timeout=5.0, isolation_level=None)
        except OSError as err:
            reason = err.strerror or str(err)
            raise LibraryError(f"cannot open the library {self._path}: {reason}") from err
        except sqlite3.Error as err:
            raise LibraryError(f"cannot open the library {self._path}: {_reason(err)}") from err
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            with self._transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise LibraryError(
                        f"the library {self._path} was written by a newer DeepComposer Desktop "
                        f"(format {version}); update the app to open it"
                    )
                for statement in (_SCHEMA + SESSIONS_SCHEMA).split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except LibraryError:
            self._conn.close()
            raise
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

    def _store(
        self,
        conn: sqlite3.Connection,
        composition: Composition,
        entry_id: int | None,
        *,
        title: str | None,
        recreate: bool,
        new_title: str | None = None,
    ) -> int:
        """Update ``entry_id`` (``title`` None keeps its title) or insert a new entry named
        ``new_title``, else ``title``, else the composition's title, else "Untitled".

        A missing ``entry_id`` raises EntryNotFoundError, or with ``recreate`` becomes a new
        entry (autosave must never drop work because the entry was deleted meanwhile).
        """
        values = (time.time(), composition.bar_count, len(composition.tracks))
        data = composition_to_json(composition)
        if entry_id is not None:
            cursor = conn.execute(
                "UPDATE compositions SET title = COALESCE(?, title), modified_s = ?, bars = ?,"
                " tracks = ?, data = ? WHERE id = ?",
                (title, *values, data, entry_id),
            )
            if cursor.rowcount:
                return entry_id
            if not recreate:
                raise EntryNotFoundError(f"library entry {entry_id} does not exist any more")
        cursor = conn.execute(
            "INSERT INTO compositions (title, modified_s, bars, tracks, data, created_s)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (new_title or title or composition.title or "Untitled", *values, data, values[0]),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save(
        self, composition: Composition, *, title: str | None = None, entry_id: int | None = None
    ) -> int:
        """Store ``composition`` as a new entry, or over ``entry_id``; returns the entry id.

        ``title`` None keeps an existing entry's title (a rename elsewhere wins) and names a
        new entry after the composition, or "Untitled".
        """
        with self._writing("save") as conn:
            return self._store(conn, composition, entry_id, title=title, recreate=False)

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
