"""``deepcomposer bench --json`` times a whole generation and reports the agreed keys."""

import json
import subprocess
import sys


def test_bench_json_keys() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "bench", "--runs", "5", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout)
    assert {"model", "bars", "threads", "runs", "p50_ms", "p95_ms"} <= set(report)
    assert report["model"] == "bach-chorale" and report["bars"] == 8
    assert report["threads"] == 1 and report["runs"] == 5
    assert 0 < report["p50_ms"] <= report["p95_ms"]


def test_bench_rejects_nonsense() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "bench", "--bars", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and result.stderr.startswith("error:")
