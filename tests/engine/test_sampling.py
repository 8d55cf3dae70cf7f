"""Sampling settings from the manifest: beat segments (one pitch choice per beat)."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from engine_fake_model import manifest_for

from deepcomposer_desktop.core.errors import ModelError
from deepcomposer_desktop.engine import Generator
from deepcomposer_desktop.engine.manifest import parse_manifest

LOW = 28  # the fake model's low_pitch
REST = 64
STEPS = 8  # four beats at two steps per beat
A, B, MELODY = 60 - LOW, 64 - LOW, 76 - LOW


@pytest.fixture(scope="module")
def generator(fake_model_dir: Path) -> Generator:
    return Generator.load(fake_model_dir)


def choose_alto(generator: Generator, *, beat_segments: bool, favourite: list[int]) -> tuple:
    """Sample the alto from logits that favour ``favourite[beat]`` on each beat, no onsets."""
    generator.manifest = replace(
        generator.manifest, beat_segments=beat_segments, pitch_temperature=0.01
    )
    logits = np.zeros((1, STEPS, REST + 1), dtype=np.float32)
    for beat, cls in enumerate(favourite):
        logits[0, 2 * beat : 2 * beat + 2, cls] = 12.0
    # the first beat's favourite is weaker, so one segment over all beats picks the majority
    logits[0, 0:2, favourite[0]] = 6.0
    on_logits = np.full((1, STEPS), -50.0, dtype=np.float32)
    pitch = np.full((1, 4, STEPS), REST, dtype=np.int64)
    pitch[:, 0, :] = MELODY
    onset = np.zeros((1, 4, STEPS), dtype=np.float32)
    onset[:, 0, 0] = 1.0
    known = np.zeros((1, 4, STEPS), dtype=np.float32)
    known[:, 0, :] = 1.0
    rng = np.random.default_rng(0)
    generator._choose(1, logits, on_logits, pitch, onset, known, rng)
    return pitch[0, 1].tolist(), onset[0, 1].tolist()


def test_without_beat_segments_one_unstruck_note_takes_one_pitch(generator: Generator) -> None:
    classes, _ = choose_alto(generator, beat_segments=False, favourite=[A, B, B, B])
    assert classes == [B] * STEPS


def test_beat_segments_let_each_beat_take_its_own_pitch(generator: Generator) -> None:
    classes, onsets = choose_alto(generator, beat_segments=True, favourite=[A, B, B, A])
    assert classes == [A, A, B, B, B, B, A, A]
    assert onsets[0] == 1.0 and not any(onsets[1:])  # pitch changes end notes; none re-struck


def test_beat_segments_keep_a_repeated_pitch_as_one_held_note(generator: Generator) -> None:
    classes, onsets = choose_alto(generator, beat_segments=True, favourite=[B, B, B, B])
    assert classes == [B] * STEPS
    assert onsets == [1.0] + [0.0] * (STEPS - 1)


def manifest_with_sampling(fake_model_dir: Path, sampling: dict) -> dict:
    data = manifest_for(fake_model_dir / "model.onnx")
    data["sampling"] = {"voice_order": ["bass", "tenor", "alto"], **sampling}
    return data


def test_beat_segments_default_off_and_parse_true(fake_model_dir: Path) -> None:
    assert not parse_manifest(manifest_with_sampling(fake_model_dir, {}), "m").beat_segments
    parsed = parse_manifest(manifest_with_sampling(fake_model_dir, {"beat_segments": True}), "m")
    assert parsed.beat_segments


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_beat_segments_must_be_a_boolean(fake_model_dir: Path, value: object) -> None:
    data = manifest_with_sampling(fake_model_dir, {"beat_segments": value})
    with pytest.raises(ModelError, match="beat_segments"):
        parse_manifest(json.loads(json.dumps(data)), "m")


def test_shipped_manifests_use_beat_segments() -> None:
    root = Path(__file__).resolve().parents[2] / "models"
    for name in ("bach-chorale", "bach-chorale-gan"):
        data = json.loads((root / name / "manifest.json").read_text(encoding="utf-8"))
        assert parse_manifest(data, name).beat_segments
