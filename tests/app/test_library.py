import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from deepcomposer_desktop.app.library import (
    EntryNotFoundError,
    Library,
    LibraryError,
    default_library_path,
)
from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.errors import DeepComposerError, OutputFileError


def _piece(n_notes: int, title: str = "") -> Composition:
    notes = tuple(Note(float(i), 60 + i % 12, 1.0, 90) for i in range(n_notes))
    return Composition(tracks=(Track("Melody", notes), Track("Bass", program=33)), title=title)


def test_saved_composition_loads_back_equal_and_is_listed(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    piece = _piece(9)
    entry_id = library.save(piece, title="First")
    assert library.load(entry_id) == piece
    [entry] = library.entries()
    assert (entry.id, entry.title, entry.bars, entry.tracks) == (entry_id, "First", 3, 2)


def test_entries_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "lib.sqlite3"
    Library(path).save(_piece(4), title="Kept")
    assert [e.title for e in Library(path).entries()] == ["Kept"]


def test_saving_over_an_entry_keeps_a_title_renamed_elsewhere(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    entry_id = library.save(_piece(1), title="Old")
    library.rename(entry_id, "New name")
    assert library.save(_piece(8), entry_id=entry_id) == entry_id
    assert library.entry(entry_id).title == "New name"
    assert library.entry(entry_id).bars == 2
    assert library.load(entry_id) == _piece(8)
    assert len(library.entries()) == 1


def test_duplicate_makes_an_independent_copy(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    original = library.save(_piece(3), title="Tune")
    copy = library.duplicate(original)
    assert copy != original
    assert library.entry(copy).title == "Tune copy"
    library.save(_piece(5), entry_id=copy)
    assert library.load(original) == _piece(3)
    assert library.load(copy) == _piece(5)


def test_delete_removes_the_entry(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    keep = library.save(_piece(1), title="keep")
    gone = library.save(_piece(2), title="gone")
    library.delete(gone)
    assert [e.id for e in library.entries()] == [keep]
    with pytest.raises(EntryNotFoundError):
        library.load(gone)


def test_entries_are_listed_newest_first(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    a = library.save(_piece(1), title="a")
    b = library.save(_piece(1), title="b")
    library.save(_piece(2), entry_id=a)
    assert [e.id for e in library.entries()] == [a, b]


def test_missing_entries_raise_a_typed_error(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    for call in (
        lambda: library.load(42),
        lambda: library.rename(42, "x"),
        lambda: library.duplicate(42),
        lambda: library.save(_piece(1), entry_id=42),
    ):
        with pytest.raises(EntryNotFoundError, match="42"):
            call()


def test_full_disk_raises_output_file_error_and_keeps_the_last_good_save(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    entry_id = library.save(_piece(2), title="small")
    pages = library._conn.execute("PRAGMA page_count").fetchone()[0]
    library._conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(OutputFileError, match="disk is full"):
        library.save(_piece(3000), entry_id=entry_id)
    assert library.load(entry_id) == _piece(2)
    library._conn.execute("PRAGMA max_page_count=1000000")
    library.save(_piece(3000), entry_id=entry_id)  # space again: the retry succeeds
    assert library.load(entry_id) == _piece(3000)


def test_unwritable_location_raises_a_one_line_library_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(LibraryError) as caught:
        Library(blocker / "lib.sqlite3")
    assert isinstance(caught.value, DeepComposerError)
    assert "\n" not in str(caught.value)
    assert "cannot open the library" in str(caught.value)


_READ_ONLY_CHILD = textwrap.dedent(
    """
    import os, sys
    from deepcomposer_desktop.app.library import Library, LibraryError
    if os.geteuid() == 0:  # root ignores permissions: become nobody for the attempt
        os.setgid(65534)
        os.setuid(65534)
    try:
        Library(sys.argv[1])
    except LibraryError as err:
        print(err)
    """
)


def test_a_read_only_folder_gives_a_clear_error() -> None:
    # Not under tmp_path: its parents are private to this user, and the child may be nobody.
    base = Path(tempfile.mkdtemp(prefix="dc-readonly-"))
    base.chmod(0o755)
    folder = base / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = subprocess.run(
            [sys.executable, "-c", _READ_ONLY_CHILD, str(folder / "lib.sqlite3")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    assert message.startswith(f"cannot open the library {folder / 'lib.sqlite3'}")
    assert message.endswith("the folder or file is not writable")


def test_a_file_that_is_not_a_library_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a DeepComposer library"):
        Library(path)


def test_a_library_from_a_newer_app_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).save(_piece(2), title="kept")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(LibraryError, match="newer DeepComposer Desktop"):
        Library(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (99,)
        assert conn.execute("SELECT title FROM compositions").fetchall() == [("kept",)]


def test_default_path_is_under_app_data(qapp) -> None:
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    try:
        path = default_library_path()
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    finally:
        QStandardPaths.setTestModeEnabled(False)
    assert path.name == "library.sqlite3"
    assert str(path).startswith(base)


_WRITER = textwrap.dedent(
    """
    import sys
    from deepcomposer_desktop.app.library import Library
    from deepcomposer_desktop.core import Composition, Note, Track

    library = Library(sys.argv[1])
    session = library.begin_session()
    entry = None
    for n in range(1, 100000):
        notes = tuple(Note(i * 0.5, 60 + i % 12, 0.5) for i in range(n))
        piece = Composition(tracks=(Track("Melody", notes),))
        entry = library.autosave(session, piece, entry_id=entry, title="crash test")
        print(n, flush=True)
    """
)


@pytest.mark.integration
def test_a_writer_killed_mid_autosave_leaves_its_last_save(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    last = 0
    for line in proc.stdout:
        last = int(line)
        if last >= 60:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    library = Library(path)
    [entry] = library.entries()
    restored = library.load(entry.id)
    # The child may have committed a few more saves after the last line we read.
    assert len(restored.tracks[0].notes) >= last
    [session] = library.sessions()
    assert session.entry_id == entry.id
    assert not session.clean
