"""``deepcomposer info`` run as a user would: a real process on real files."""

import json
from functools import partial
from pathlib import Path

import pytest
from clirun import deepcomposer as run_cli

from deepcomposer_desktop.core import Composition, Note, TempoChange, TimeSignature, Track
from deepcomposer_desktop.core.midifile import write_midi

deepcomposer = partial(run_cli, timeout=60)


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> Path:
    melody = Track("Lead", tuple(Note(float(i), p, 1.0) for i, p in enumerate([67, 69, 71, 72])))
    bass = Track("Bass", (Note(0.0, 43, 4.0), Note(4.0, 50, 4.0)), program=33)
    drums = Track("Kit", (Note(0.0, 36, 0.5),), is_drum=True)
    path = tmp_path_factory.mktemp("info") / "song.mid"
    write_midi(
        Composition(
            (bass, melody, drums),
            tempo_map=(TempoChange(0.0, 90.0), TempoChange(4.0, 100.0)),
            time_signatures=(TimeSignature(3, 4),),
            title="Song",
        ),
        path,
    )
    return path


def test_info_json(song: Path) -> None:
    result = deepcomposer("info", str(song), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["tempo_bpm"] == 90.0
    assert [t["tempo_bpm"] for t in info["tempo_changes"]] == [90.0, 100.0]
    assert info["time_signature"] == "3/4"
    assert info["bars"] == 3  # 8 beats of 3/4
    assert info["key"] == "G major"
    assert info["melody_track"] == 1
    assert [(t["name"], t["program"], t["notes"], t["pitch_range"]) for t in info["tracks"]] == [
        ("Bass", 33, 2, [43, 50]),
        ("Lead", 0, 4, [67, 72]),
        ("Kit", 0, 1, [36, 36]),
    ]
    assert info["tracks"][2]["is_drum"] is True


def test_info_table(song: Path) -> None:
    result = deepcomposer("info", str(song))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Tempo:          90 BPM (1 tempo changes)" in out
    assert "Time signature: 3/4" in out
    assert "Bars:           3" in out
    assert "Key:            G major" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("#"))
    lead = next(line for line in lines if " Lead " in line)
    assert header.index("Notes") == lead.index("4 ")  # columns line up
    assert lead.rstrip().endswith("melody")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "does not exist"),
        (b"", "empty"),
        (b"not midi at all", "not a MIDI file"),
        (b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x00\x10", "truncated"),
    ],
)
def test_bad_files_give_one_error_line_and_status_2(
    tmp_path: Path, content: bytes | None, needle: str
) -> None:
    path = tmp_path / "bad.mid"
    if content is not None:
        path.write_bytes(content)
    result = deepcomposer("info", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert needle in lines[0]
