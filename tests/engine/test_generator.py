"""engine.Generator on a tiny hand-built ONNX model: loading checks and generation behaviour."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError, ModelError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.engine import Generator


def melody(*, bars: int = 8, per_bar: float = 4.0, pickup: float = 0.0, low: int = 60) -> Track:
    scale = [0, 2, 4, 5, 7, 9, 7, 5, 4, 2]
    notes = []
    beat = pickup
    i = 0
    while beat < bars * per_bar - 1e-9:
        length = 1.0 if i % 3 else 0.5
        notes.append(Note(beat, low + scale[i % len(scale)], length, 90))
        beat += length
        i += 1
    return Track("my tune", tuple(notes), program=73)


def composition(track: Track, *, numerator: int = 4, tempo: float = 100.0) -> Composition:
    return Composition(
        tracks=(track,),
        tempo_map=(TempoChange(0.0, tempo),),
        time_signatures=(TimeSignature(numerator, 4, 0.0),),
        melody_index=0,
    )


def note_steps(c: Composition) -> set[tuple[str, int, int]]:
    cells = set()
    for t in c.tracks[1:]:
        for n in t.notes:
            for s in range(round(n.start_beat * 2), round(n.end_beat * 2)):
                cells.add((t.name, s, n.pitch))
    return cells


@pytest.fixture(scope="module")
def generator(fake_model_dir: Path) -> Generator:
    return Generator.load(fake_model_dir)


def test_result_is_melody_first_then_manifest_tracks(generator: Generator) -> None:
    source = composition(melody())
    (result,) = generator.generate(source, seed=1)
    assert result.tracks[0] is source.tracks[0]
    assert [t.name for t in result.tracks] == ["my tune", "alto", "tenor", "bass"]
    assert [t.program for t in result.tracks[1:]] == [52, 53, 32]
    assert result.melody_index == 0
    assert all(t.notes for t in result.tracks[1:])


def test_same_seed_same_notes_and_other_seeds_differ(generator: Generator) -> None:
    source = composition(melody())
    a = generator.generate(source, seed=7)[0]
    b = generator.generate(source, seed=7)[0]
    c = generator.generate(source, seed=8)[0]
    assert a.tracks == b.tracks
    sa, sc = note_steps(a), note_steps(c)
    assert len(sa ^ sc) / len(sa | sc) >= 0.2


def test_variations_come_from_one_batched_run_and_differ(generator: Generator) -> None:
    results = generator.generate(composition(melody()), seed=3, variations=3)
    assert len(results) == 3
    assert results[0].tracks[1:] != results[1].tracks[1:]


def test_three_four_with_pickup_keeps_tempo_meter_and_stays_in_the_bars(
    generator: Generator,
) -> None:
    source = composition(melody(bars=6, per_bar=3.0, pickup=2.0), numerator=3, tempo=132.0)
    (result,) = generator.generate(source, seed=0)
    assert result.tempo_map == source.tempo_map
    assert result.time_signatures == source.time_signatures
    assert result.tracks[0] is source.tracks[0]
    end = max(n.end_beat for t in result.tracks[1:] for n in t.notes)
    last_bar_end = np.ceil(source.tracks[0].end_beat / 3.0) * 3.0
    assert last_bar_end - 3.0 < end <= last_bar_end + 1e-9


def test_accompaniment_stays_near_the_melody_register_when_played_high(
    generator: Generator,
) -> None:
    (low,) = generator.generate(composition(melody(low=60)), seed=0)
    (high,) = generator.generate(composition(melody(low=84)), seed=0)
    lo_bass = np.mean([n.pitch for n in low.tracks[3].notes])
    hi_bass = np.mean([n.pitch for n in high.tracks[3].notes])
    assert hi_bass - lo_bass == pytest.approx(24, abs=0.01)  # moved by whole octaves, back


def test_notes_have_sensible_durations_and_velocities(generator: Generator) -> None:
    (result,) = generator.generate(composition(melody()), seed=2)
    for track in result.tracks[1:]:
        for note in track.notes:
            assert note.duration_beats >= 0.5
            assert 40 <= note.velocity <= 110


def test_no_voice_crosses_above_the_melody_or_below_the_bass(generator: Generator) -> None:
    (result,) = generator.generate(composition(melody()), seed=5)
    tune = result.tracks[0]
    for beat in np.arange(0, 32, 0.5):

        def at(track: Track, b: float = beat) -> int | None:
            return next((n.pitch for n in track.notes if n.start_beat <= b < n.end_beat), None)

        top = at(tune)
        alto, bass = at(result.tracks[1]), at(result.tracks[3])
        if top is not None and alto is not None:
            assert alto <= top
        if bass is not None and alto is not None:
            assert bass <= alto


def test_regenerate_keeps_the_other_tracks(generator: Generator) -> None:
    (first,) = generator.generate(composition(melody()), seed=1)
    (again,) = generator.generate(first, seed=99, regenerate=["bass"])
    assert again.tracks[1] is first.tracks[1]
    assert again.tracks[2] is first.tracks[2]
    assert again.tracks[3] != first.tracks[3]


def test_regenerate_unknown_track_is_an_error(generator: Generator) -> None:
    with pytest.raises(CompositionError, match="cannot regenerate"):
        generator.generate(composition(melody()), seed=1, regenerate=["drums"])


def test_empty_melody_is_an_error(generator: Generator) -> None:
    with pytest.raises(CompositionError, match="no melody"):
        generator.generate(composition(Track("empty")), seed=0)


def test_melody_index_elsewhere_is_honoured(generator: Generator) -> None:
    tune = melody()
    source = replace(composition(tune), tracks=(Track("pad"), tune), melody_index=1)
    (result,) = generator.generate(source, seed=0)
    assert result.tracks[0] is tune


# ------------------------------------------------------------------ loading checks


def copy_model(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_missing_directory_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model"):
        Generator.load(tmp_path / "nothing-here")


def test_truncated_onnx_is_a_model_error(fake_model_dir: Path, tmp_path: Path) -> None:
    model = copy_model(fake_model_dir, tmp_path / "m")
    data = (model / "model.onnx").read_bytes()
    (model / "model.onnx").write_bytes(data[: len(data) // 2])
    manifest = json.loads((model / "manifest.json").read_text())
    import hashlib

    manifest["sha256"] = hashlib.sha256(data[: len(data) // 2]).hexdigest()
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="cannot load"):
        Generator.load(model)


def test_wrong_sha_is_a_model_error(fake_model_dir: Path, tmp_path: Path) -> None:
    model = copy_model(fake_model_dir, tmp_path / "m")
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["sha256"] = "0" * 64
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="sha256"):
        Generator.load(model)


def test_wrong_shapes_are_a_model_error(fake_model_dir: Path, tmp_path: Path) -> None:
    model = copy_model(fake_model_dir, tmp_path / "m")
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["outputs"][0]["shape"] = ["batch", 3, "steps", 88]
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="pitch_logits"):
        Generator.load(model)


def test_renamed_input_is_a_model_error(fake_model_dir: Path, tmp_path: Path) -> None:
    model = copy_model(fake_model_dir, tmp_path / "m")
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["inputs"][0]["name"] = "roll"
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="input"):
        Generator.load(model)


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"format": "other"}', '{"format": "deepcomposer-model"}'],
)
def test_garbage_manifest_is_a_model_error(fake_model_dir: Path, tmp_path: Path, text: str) -> None:
    model = copy_model(fake_model_dir, tmp_path / "m")
    (model / "manifest.json").write_text(text)
    with pytest.raises(ModelError):
        Generator.load(model)


def test_missing_onnx_file_is_a_model_error(fake_model_dir: Path, tmp_path: Path) -> None:
    model = copy_model(fake_model_dir, tmp_path / "m")
    (model / "model.onnx").unlink()
    with pytest.raises(ModelError, match=r"model\.onnx"):
        Generator.load(model)
