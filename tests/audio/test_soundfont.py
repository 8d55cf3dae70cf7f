"""Finding a SoundFont offline, in order, and refusing files that are not SoundFonts."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.audio import soundfont
from deepcomposer_desktop.audio.soundfont import SOUNDFONT_ENV, check_soundfont, find_soundfont
from deepcomposer_desktop.core.errors import SoundFontError

HEADER = b"RIFF\x10\x00\x00\x00sfbkLIST"


def fake_soundfont(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(HEADER)
    return path


@pytest.fixture()
def no_search_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the bundled and system folders and the environment variable."""
    monkeypatch.delenv(SOUNDFONT_ENV, raising=False)
    monkeypatch.setattr(soundfont, "bundled_soundfont_dirs", lambda: [])
    monkeypatch.setattr(soundfont, "system_soundfont_dirs", lambda platform=None: [])


def test_debian_fluidr3_mono_is_found_on_this_machine(monkeypatch) -> None:
    monkeypatch.delenv(SOUNDFONT_ENV, raising=False)
    monkeypatch.setattr(soundfont, "bundled_soundfont_dirs", lambda: [])
    assert find_soundfont().name == "FluidR3Mono_GM.sf3"


def test_explicit_choice_wins(tmp_path, monkeypatch) -> None:
    mine = fake_soundfont(tmp_path / "mine.sf2")
    monkeypatch.setenv(SOUNDFONT_ENV, str(fake_soundfont(tmp_path / "env.sf2")))
    assert find_soundfont(mine) == mine
    assert find_soundfont(str(mine)) == mine


def test_empty_choice_means_default(tmp_path, monkeypatch, no_search_dirs) -> None:
    env = fake_soundfont(tmp_path / "env.sf3")
    monkeypatch.setenv(SOUNDFONT_ENV, str(env))
    assert find_soundfont("") == env


def test_environment_variable_comes_before_bundled(tmp_path, monkeypatch) -> None:
    env = fake_soundfont(tmp_path / "env.sf3")
    fake_soundfont(tmp_path / "bundled" / "FluidR3Mono_GM.sf3")
    monkeypatch.setenv(SOUNDFONT_ENV, str(env))
    monkeypatch.setattr(soundfont, "bundled_soundfont_dirs", lambda: [tmp_path / "bundled"])
    assert find_soundfont() == env


def test_bad_environment_variable_is_an_error_not_a_fallback(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(SOUNDFONT_ENV, str(tmp_path / "gone.sf2"))
    with pytest.raises(SoundFontError, match=SOUNDFONT_ENV):
        find_soundfont()


def test_bundled_comes_before_system_and_prefers_fluidr3_mono(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(SOUNDFONT_ENV, raising=False)
    bundled = tmp_path / "bundled"
    fake_soundfont(bundled / "aaa.sf2")
    best = fake_soundfont(bundled / "FluidR3Mono_GM.sf3")
    (bundled / "README.md").write_text("not a soundfont")
    fake_soundfont(tmp_path / "system" / "FluidR3Mono_GM.sf3")
    monkeypatch.setattr(soundfont, "bundled_soundfont_dirs", lambda: [bundled])
    monkeypatch.setattr(soundfont, "system_soundfont_dirs", lambda p=None: [tmp_path / "system"])
    assert find_soundfont() == best


def test_broken_files_in_a_folder_are_skipped(tmp_path, monkeypatch, no_search_dirs) -> None:
    folder = tmp_path / "fonts"
    (folder).mkdir()
    (folder / "FluidR3Mono_GM.sf3").write_bytes(b"truncated")
    good = fake_soundfont(folder / "zzz.sf2")
    monkeypatch.setattr(soundfont, "system_soundfont_dirs", lambda p=None: [folder])
    assert find_soundfont() == good


def test_nothing_found_says_how_to_install(no_search_dirs) -> None:
    with pytest.raises(SoundFontError, match="fluidr3mono-gm-soundfont"):
        find_soundfont()


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_every_platform_has_search_folders(platform: str) -> None:
    assert soundfont.system_soundfont_dirs(platform)


def test_macos_looks_in_homebrew() -> None:
    assert Path("/opt/homebrew/share/soundfonts") in soundfont.system_soundfont_dirs("darwin")


def test_missing_folder_and_non_soundfont_are_refused(tmp_path) -> None:
    with pytest.raises(SoundFontError, match="does not exist"):
        check_soundfont(tmp_path / "none.sf2")
    with pytest.raises(SoundFontError, match="folder"):
        check_soundfont(tmp_path)
    wav = tmp_path / "x.sf2"
    wav.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    with pytest.raises(SoundFontError, match="not a SoundFont"):
        check_soundfont(wav)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_are_a_soundfont_only_with_the_header(tmp_path_factory, data) -> None:
    path = tmp_path_factory.mktemp("sf") / "x.sf2"
    path.write_bytes(data)
    if data[:4] == b"RIFF" and data[8:12] == b"sfbk":
        assert check_soundfont(path) == path
    else:
        with pytest.raises(SoundFontError):
            check_soundfont(path)
