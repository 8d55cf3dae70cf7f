"""``deepcomposer generate`` with the bundled bach-chorale model, as a user runs it."""

from functools import partial
from pathlib import Path

import mido
import pytest
from clirun import deepcomposer as run_cli

from deepcomposer_desktop.core import Composition, Note, TempoChange, TimeSignature, Track
from deepcomposer_desktop.core.midifile import read_midi, write_midi

REPO = Path(__file__).resolve().parents[2]


deepcomposer = partial(run_cli, timeout=120)


@pytest.fixture(scope="module")
def waltz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3/4 tune with a one-beat pickup on track 1, a drum track on track 0."""
    tune = [67, 72, 72, 74, 76, 74, 72, 71, 69, 71, 72, 74, 72, 71, 67, 72]
    notes = tuple(Note(2.0 + i, p, 1.0 if i % 4 else 0.9, 90) for i, p in enumerate(tune))
    comp = Composition(
        tracks=(
            Track("Kit", (Note(0.0, 36, 0.5),), is_drum=True),
            Track("Flute", notes, program=73),
        ),
        tempo_map=(TempoChange(0.0, 138.0),),
        time_signatures=(TimeSignature(3, 4, 0.0),),
        melody_index=1,
    )
    path = tmp_path_factory.mktemp("gen") / "waltz.mid"
    write_midi(comp, path)
    return path


def test_generate_writes_melody_first_then_named_parts(waltz: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mid"
    result = deepcomposer("generate", str(waltz), "-o", str(out), "--melody-track", "1")
    assert result.returncode == 0, result.stderr
    assert mido.MidiFile(out).type == 1
    source = read_midi(waltz, melody_track=1)
    made = read_midi(out, melody_track=0)
    assert [t.name for t in made.tracks] == ["Flute", "alto", "tenor", "bass"]
    assert made.tracks[0].notes == source.tracks[1].notes
    assert made.tracks[0].program == 73
    assert made.tempo_bpm == pytest.approx(138.0, abs=0.01)
    assert str(made.time_signature) == "3/4"
    assert all(len(t.notes) >= 8 for t in made.tracks[1:])


def test_variations_write_numbered_files_that_differ(waltz: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.mid"
    result = deepcomposer(
        "generate", str(waltz), "-o", str(out), "--variations", "3", "--seed", "4"
    )
    assert result.returncode == 0, result.stderr
    paths = [tmp_path / f"v-{i}.mid" for i in (1, 2, 3)]
    assert all(p.is_file() for p in paths) and not out.exists()
    basses = [read_midi(p, melody_track=0).tracks[3].notes for p in paths]
    assert basses[0] != basses[1] or basses[1] != basses[2]


def test_same_seed_gives_the_same_file(waltz: Path, tmp_path: Path) -> None:
    for name in ("a.mid", "b.mid"):
        assert deepcomposer("generate", str(waltz), "-o", str(tmp_path / name)).returncode == 0
    assert (tmp_path / "a.mid").read_bytes() == (tmp_path / "b.mid").read_bytes()


def test_broken_input_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd garbage")
    result = deepcomposer("generate", str(bad), "-o", str(tmp_path / "o.mid"))
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1


def test_unknown_model_is_one_line_error(waltz: Path, tmp_path: Path) -> None:
    result = deepcomposer(
        "generate", str(waltz), "-o", str(tmp_path / "o.mid"), "--model", "no-such-model"
    )
    assert result.returncode == 2
    assert "no model 'no-such-model'" in result.stderr
