"""``deepcomposer export`` turns a checkpoint into a model directory the engine can run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_train import TINY, data_file, deepcomposer  # noqa: F401


@pytest.fixture(scope="module")
def checkpoint(data_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("ckpt")
    result = deepcomposer("train", "--data", str(data_file), "--out", str(out), *TINY)
    assert result.returncode == 0, result.stderr
    return out / "best.pt"


def test_export_then_generate_with_the_new_model(checkpoint: Path, tmp_path: Path) -> None:
    model = tmp_path / "my-model"
    result = deepcomposer(
        "export",
        str(checkpoint),
        "-o",
        str(model),
        "--no-reference",
        "--beat-segments",
        "--voice-order=bass+tenor,alto",
        "--transpositions=-1,0,1;-1,1",
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((model / "manifest.json").read_text())
    assert manifest["name"] == "my-model" and manifest["opset"] >= 17
    assert manifest["sampling"]["beat_segments"] is True
    assert manifest["sampling"]["transpositions"] == [[-1, 0, 1], [-1, 1]]
    assert manifest["inputs"][0]["shape"] == ["batch", 4, "steps"]
    assert len(manifest["sha256"]) == 64
    tune = Path(__file__).resolve().parents[2] / "resources" / "melodies" / "ode_to_joy.mid"
    out = tmp_path / "ode.mid"
    made = deepcomposer("generate", str(tune), "-o", str(out), "--model", str(model))
    assert made.returncode == 0, made.stderr
    assert out.stat().st_size > 100


def test_bad_transpositions_are_one_line_errors(checkpoint: Path, tmp_path: Path) -> None:
    for value in ("--transpositions=up", "--transpositions=0,12", "--transpositions=0;"):
        result = deepcomposer("export", str(checkpoint), "-o", str(tmp_path / "m"), value)
        assert result.returncode == 2 and result.stderr.startswith("error: --transpositions")
    three_passes = ("--voice-order=bass,tenor,alto", "--transpositions=0;1", "--no-reference")
    result = deepcomposer("export", str(checkpoint), "-o", str(tmp_path / "m"), *three_passes)
    assert result.returncode == 2 and "one per voice_order pass" in result.stderr
    assert not (tmp_path / "m" / "manifest.json").exists()


def test_export_of_a_missing_checkpoint_is_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "export", str(tmp_path / "x.pt"), "-o",
         str(tmp_path / "m")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and result.stderr.startswith("error:")
