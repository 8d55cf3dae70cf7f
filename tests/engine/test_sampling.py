"""Sampling settings from the manifest: beat segments (one pitch choice per beat)."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from engine_fake_model import manifest_for

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import ModelError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.track import Track
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


def test_shipped_manifests_use_the_tuned_sampling() -> None:
    root = Path(__file__).resolve().parents[2] / "models"
    for name in ("bach-chorale", "bach-chorale-gan"):
        data = json.loads((root / name / "manifest.json").read_text(encoding="utf-8"))
        manifest = parse_manifest(data, name)
        assert manifest.beat_segments
        assert manifest.voice_order == ("bass+tenor", "alto")
        assert manifest.pass_transpositions(0) == (-1, 1)  # two moved copies for bass + tenor
        assert manifest.pass_transpositions(1) == (0,)  # one plain run for the alto
        assert manifest.parallel_penalty == 2.0


# ---------------------------------------------------------------- transposition averaging


class EquivariantSession:
    """Stands in for onnxruntime: every voice's logits peak a major third above the melody.

    A perfectly transposition-equivariant network, so averaging over transposed runs must
    agree with a single run; it records each feed to show the runs share one batch.
    """

    def __init__(self) -> None:
        self.feeds: list[dict[str, np.ndarray]] = []

    def run(self, _names: object, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        self.feeds.append(feed)
        batch, voices, steps = feed["pitch"].shape
        logits = np.zeros((batch, voices - 1, steps, REST + 1), dtype=np.float32)
        target = feed["pitch"][:, 0, :] + 4  # (B, T)
        for b in range(batch):
            for t in range(steps):
                logits[b, :, t, target[b, t]] = 8.0
        return [logits, np.zeros((batch, voices - 1, steps), dtype=np.float32)]


def run_with(generator: Generator, deltas: tuple[int, ...]) -> tuple[np.ndarray, list]:
    session = EquivariantSession()
    generator._session, saved = session, generator._session
    try:
        pitch = np.full((2, 4, STEPS), REST, dtype=np.int64)
        pitch[0, 0, :] = MELODY
        pitch[1, 0, :] = A
        ones = np.ones((2, 4, STEPS), dtype=np.float32)
        meter = np.zeros((2, 2, STEPS), np.float32)
        logits, _ = generator._run(pitch, ones, ones, meter, [0, 1, 2], deltas)
    finally:
        generator._session = saved
    return logits, session.feeds


def test_transposed_runs_are_moved_back_before_averaging(generator: Generator) -> None:
    single, _ = run_with(generator, (0,))
    averaged, feeds = run_with(generator, (-1, 0, 1))
    assert len(feeds) == 1 and feeds[0]["pitch"].shape[0] == 6  # one run, three copies
    assert feeds[0]["pitch"][0, 0, 0] == MELODY - 1 and feeds[0]["pitch"][4, 0, 0] == MELODY + 1
    assert (averaged.argmax(-1) == single.argmax(-1)).all()
    assert (averaged.argmax(-1)[0] == MELODY + 4).all() and (averaged.argmax(-1)[1] == A + 4).all()
    assert np.allclose(averaged.max(-1), 0.0)  # the copies agree, so the best class scores 0


def test_transpositions_default_to_one_plain_run_and_parse(fake_model_dir: Path) -> None:
    plain = parse_manifest(manifest_with_sampling(fake_model_dir, {}), "m")
    assert plain.pass_transpositions(0) == plain.pass_transpositions(2) == (0,)
    data = manifest_with_sampling(fake_model_dir, {"transpositions": [-1, 0, 1]})
    every = parse_manifest(data, "m")
    assert every.pass_transpositions(0) == every.pass_transpositions(2) == (-1, 0, 1)
    data = manifest_with_sampling(fake_model_dir, {"transpositions": [[-1, 0, 1], [1], [0]]})
    per_pass = parse_manifest(data, "m")
    assert [per_pass.pass_transpositions(i) for i in range(4)] == [(-1, 0, 1), (1,), (0,), (0,)]


def test_each_pass_runs_with_its_own_transpositions(generator: Generator) -> None:
    seen: list[int] = []
    original = generator._run

    def spy(*args: object) -> object:
        seen.append(len(args[-1]))  # type: ignore[arg-type]
        return original(*args)  # type: ignore[arg-type]

    saved = generator.manifest
    assert len(saved.voice_order) == 4  # bass, tenor, alto, bass again
    generator.manifest = replace(saved, transpositions=((-1, 0, 1), (0,), (-1, 1), (2,)))
    generator._run = spy  # type: ignore[method-assign]
    try:
        tune = Track("tune", tuple(Note(float(i), 72 + i % 5, 1.0) for i in range(8)))
        generator.generate(Composition(tracks=(tune,)), seed=0)
    finally:
        generator.manifest = saved
        del generator._run
    assert seen == [3, 1, 2, 1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transpositions", []),
        ("transpositions", [0, 9]),
        ("transpositions", ["1"]),
        ("transpositions", [True]),
        ("transpositions", [[0], [1]]),  # two lists for three passes
    ],
)
def test_bad_sampling_values_are_model_errors(
    fake_model_dir: Path, field: str, value: object
) -> None:
    data = manifest_with_sampling(fake_model_dir, {field: value})
    with pytest.raises(ModelError, match=field):
        parse_manifest(json.loads(json.dumps(data)), "m")


# ---------------------------------------------------------------- parallels: rule or penalty

C3, D3, B2, C5, D5 = 48 - LOW, 50 - LOW, 47 - LOW, 72 - LOW, 74 - LOW


def bass_under_rising_melody(generator: Generator, penalty: float, gap: float) -> list[int]:
    """Melody C5 -> D5; the bass favours C3 -> D3 (parallel octaves) over C3 -> B2 by ``gap``."""
    saved = generator.manifest
    generator.manifest = replace(
        saved, beat_segments=True, pitch_temperature=0.05, parallel_penalty=penalty
    )
    logits = np.full((1, 4, REST + 1), -40.0, dtype=np.float32)
    logits[0, :2, C3] = 0.0
    logits[0, 2:, D3] = 0.0
    logits[0, 2:, B2] = -gap
    pitch = np.full((1, 4, 4), REST, dtype=np.int64)
    pitch[0, 0] = [C5, C5, D5, D5]
    onset = np.zeros((1, 4, 4), dtype=np.float32)
    onset[0, 0, [0, 2]] = 1.0
    known = np.zeros((1, 4, 4), dtype=np.float32)
    known[:, 0, :] = 1.0
    on_logits = np.full((1, 4), -50.0, dtype=np.float32)
    try:
        generator._choose(3, logits, on_logits, pitch, onset, known, np.random.default_rng(0))
    finally:
        generator.manifest = saved
    return pitch[0, 3, ::2].tolist()


def test_parallel_octaves_are_always_avoided_by_default(generator: Generator) -> None:
    assert generator.manifest.parallel_penalty == float("inf")
    assert bass_under_rising_melody(generator, float("inf"), gap=6.0) == [C3, B2]


def test_a_parallel_penalty_keeps_a_parallel_the_model_is_sure_of(generator: Generator) -> None:
    assert bass_under_rising_melody(generator, 2.0, gap=6.0) == [C3, D3]  # B2: 6 nats less likely
    assert bass_under_rising_melody(generator, 2.0, gap=1.0) == [C3, B2]  # close call: avoided


@pytest.mark.parametrize("value", [-1.0, "2", True])
def test_parallel_penalty_must_be_a_non_negative_number(
    fake_model_dir: Path, value: object
) -> None:
    data = manifest_with_sampling(fake_model_dir, {"parallel_penalty": value})
    with pytest.raises(ModelError, match="parallel_penalty"):
        parse_manifest(json.loads(json.dumps(data)), "m")
