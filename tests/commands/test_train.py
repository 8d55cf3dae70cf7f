"""``deepcomposer train`` from the command line: flags, config files, outputs."""

import json
from pathlib import Path

from tiny_training import TINY, data_file, deepcomposer  # noqa: F401


def test_train_writes_checkpoints_and_a_json_log(data_file: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "run"
    result = deepcomposer("train", "--data", str(data_file), "--out", str(out), *TINY)
    assert result.returncode == 0, result.stderr
    assert "epoch 1/1" in result.stderr  # the progress bar
    assert (out / "best.pt").is_file() and (out / "last.pt").is_file()
    record = json.loads((out / "log.jsonl").read_text().splitlines()[0])
    assert record["epoch"] == 1 and record["loss"] > 0


def test_config_file_with_unknown_key_is_one_line_error(
    data_file: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"data": str(data_file), "learning_rate": 0.1}))
    result = deepcomposer("train", "--config", str(config), "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: unknown training options: learning_rate"


def test_missing_dataset_is_one_line_error(tmp_path: Path) -> None:
    result = deepcomposer("train", "--data", str(tmp_path / "none.npz"), "--out", str(tmp_path))
    assert result.returncode == 2 and "prepare-data" in result.stderr
