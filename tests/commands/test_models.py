"""``deepcomposer models`` lists the bundled models with size, sha256 and source."""

import json
import os
import subprocess
import sys


def test_models_json_lists_the_bundled_chorale_model() -> None:
    env = dict(os.environ, DEEPCOMPOSER_MODELS="")
    result = subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "models", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    models = {m["name"]: m for m in json.loads(result.stdout)}
    chorale = models["bach-chorale"]
    assert chorale["tracks"] == ["alto", "tenor", "bass"]
    assert chorale["source"] == "bundled"
    assert 10_000 < chorale["size_bytes"] < 5_000_000
    assert len(chorale["sha256"]) == 64


def test_models_plain_text_has_one_line_per_model() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "models"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert any(line.startswith("bach-chorale ") for line in result.stdout.splitlines())
