import sys
from pathlib import Path

import mido

from deepcomposer_desktop.app.melodies import bundled_melodies, melody_dirs
from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.midifile import read_midi, write_midi

REPO_MELODIES = Path(__file__).resolve().parents[2] / "resources" / "melodies"


def test_the_checkout_offers_the_bundled_tunes_with_titles() -> None:
    melodies = bundled_melodies()
    titles = [title for title, _ in melodies]
    assert len(melodies) >= 5
    assert "Ode to Joy" in titles
    assert titles == sorted(titles, key=str.casefold)
    for _, path in melodies:
        assert path.parent == REPO_MELODIES
        assert read_midi(path).melody is not None


def test_the_repository_and_installed_folders_are_searched() -> None:
    dirs = melody_dirs()
    assert REPO_MELODIES in dirs  # a checkout
    # pip puts pyproject's data-files here for an installed app
    assert Path(sys.prefix) / "share" / "deepcomposer-desktop" / "melodies" in dirs


def test_the_environment_variable_folder_comes_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DEEPCOMPOSER_MELODIES", str(tmp_path))
    write_midi(Composition(tracks=(Track("Melody", (Note(0.0, 60, 1.0),)),)), tmp_path / "a.mid")
    assert bundled_melodies() == [("A", tmp_path / "a.mid")]


def test_titles_fall_back_to_track_name_then_file_name(tmp_path: Path) -> None:
    notes = (Note(0.0, 60, 1.0),)
    write_midi(Composition(tracks=(Track("Melody", notes),)), tmp_path / "my_tune.mid")
    write_midi(Composition(tracks=(Track("Lullaby", notes),)), tmp_path / "x.mid")
    write_midi(Composition(tracks=(Track("M", notes),), title="Named"), tmp_path / "y.mid")
    assert bundled_melodies([tmp_path]) == [
        ("Lullaby", tmp_path / "x.mid"),
        ("My tune", tmp_path / "my_tune.mid"),
        ("Named", tmp_path / "y.mid"),
    ]


def test_a_broken_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.mid").write_bytes(b"MThd\x00\x00")
    mido.MidiFile(type=1).save(tmp_path / "empty.mid")
    write_midi(Composition(tracks=(Track("Song", (Note(0.0, 60, 1.0),)),)), tmp_path / "ok.mid")
    assert [t for t, _ in bundled_melodies([tmp_path])] == ["Song"]


def test_no_folder_means_no_melodies(tmp_path: Path) -> None:
    assert bundled_melodies([tmp_path / "missing"]) == []
