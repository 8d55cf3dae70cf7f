"""Model discovery: $DEEPCOMPOSER_MODELS first, names resolve, broken models are skipped."""

import os
from pathlib import Path

import pytest
from engine_fake_model import write_model_dir

from deepcomposer_desktop.engine import Generator, list_models, models_dirs
from deepcomposer_desktop.engine.registry import resolve_model


def test_env_folders_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPCOMPOSER_MODELS", os.pathsep.join([str(tmp_path / "a"), "b"]))
    dirs = models_dirs()
    assert dirs[0] == tmp_path / "a" and dirs[1] == Path("b")
    assert dirs[-1].name == "models"


def test_a_model_in_an_env_folder_is_listed_and_loadable_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_model_dir(tmp_path / "mine", name="my-genre")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{")
    monkeypatch.setenv("DEEPCOMPOSER_MODELS", str(tmp_path))
    infos = {m.name: m for m in list_models()}
    assert "my-genre" in infos
    info = infos["my-genre"]
    assert info.tracks == ("alto", "tenor", "bass")
    assert info.source == "user" and info.size_bytes > 0 and len(info.sha256) == 64
    assert resolve_model("my-genre") == tmp_path / "mine"
    assert Generator.load("my-genre").manifest.name == "my-genre"
