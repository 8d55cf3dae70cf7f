"""``deepcomposer metrics`` run as a user would: a real process on real files."""

import json
from functools import partial
from pathlib import Path

import pytest
from clirun import deepcomposer as run_cli

from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.metrics import METRIC_NAMES
from deepcomposer_desktop.core.midifile import write_midi

deepcomposer = partial(run_cli, timeout=60)


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> Path:
    melody = Track("melody", (Note(0.0, 72, 2.0), Note(2.0, 74, 2.0), Note(4.0, 76, 4.0)))
    alto = Track("alto", (Note(0.0, 64, 1.0), Note(0.0, 67, 1.0), Note(2.0, 66, 2.0)))
    path = tmp_path_factory.mktemp("metrics") / "song.mid"
    write_midi(Composition((melody, alto)), path)
    return path


def test_metrics_json_is_exactly_the_contract(song: Path) -> None:
    result = deepcomposer("metrics", str(song), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["key", "bars", "tracks"]
    assert data["bars"] == 2
    assert isinstance(data["key"], str) and data["key"].endswith(("major", "minor"))
    for track in data["tracks"]:
        assert list(track) == ["name", "notes", "pitch_range", *METRIC_NAMES]
    melody, alto = data["tracks"]
    assert (melody["name"], melody["notes"], melody["pitch_range"]) == ("melody", 3, [72, 76])
    assert melody["consonance_with_melody"] is None
    assert alto["empty_bar_rate"] == 0.5
    assert alto["polyphony_rate"] == pytest.approx(1 / 3)
    assert alto["consonance_with_melody"] == 0.75


def test_melody_track_option(song: Path) -> None:
    result = deepcomposer("metrics", str(song), "--melody-track", "1", "--json")
    assert result.returncode == 0, result.stderr
    melody, alto = json.loads(result.stdout)["tracks"]
    assert alto["consonance_with_melody"] is None
    assert melody["consonance_with_melody"] is not None
    missing = deepcomposer("metrics", str(song), "--melody-track", "5")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: melody track 5 does not exist")


def test_metrics_table(song: Path) -> None:
    result = deepcomposer("metrics", str(song))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("#"))
    alto = next(line for line in lines if " alto " in line)
    assert "consonance" in header and "empty bars" in header
    assert alto.split()[-1] == "0.75"
    assert header.index("empty bars") == alto.index("0.50")
    assert "melody (melody)" in result.stdout


def test_bad_file_gives_one_error_line_and_status_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.mid"
    path.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\xff\xff\x00\x00")
    result = deepcomposer("metrics", str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
