"""Shared by the train/export command tests: a tiny dataset and a CLI runner."""

from functools import partial
from pathlib import Path

import pytest
from clirun import deepcomposer as run_cli

from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.training.dataset import build_dataset, encode_composition, save_dataset

TINY = ["--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "4", "--crop-steps", "16"]
TINY += ["--channels", "8", "--blocks", "1"]


deepcomposer = partial(run_cli, timeout=180)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pieces = []
    for k in range(1, 5):
        lines = [[67 + (i * k) % 5 for i in range(24)]]
        lines += [[p - 5 for p in lines[0]], [p - 12 for p in lines[0]], [48] * 24]
        tracks = tuple(
            Track(n, tuple(Note(i * 0.5, p, 0.5) for i, p in enumerate(line)))
            for n, line in zip(("soprano", "alto", "tenor", "bass"), lines, strict=True)
        )
        pieces.append(encode_composition(Composition(tracks=tracks), (0, 1, 2, 3)))
    path = tmp_path_factory.mktemp("cli") / "tiny.npz"
    save_dataset(build_dataset(pieces, meta={"voices": ["soprano", "alto", "tenor", "bass"]}), path)
    return path
