"""Training end to end on a tiny dataset: log, determinism, resume, WGAN-GP, export + engine."""

import argparse
import json
from pathlib import Path

import pytest
import torch

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.config import TrainConfig, add_config_arguments
from deepcomposer_desktop.training.dataset import build_dataset, encode_composition, save_dataset
from deepcomposer_desktop.training.train import train


def tiny_piece(k: int) -> dict:
    soprano = [67 + (i * k) % 7 for i in range(32)]
    lines = [soprano, [p - 4 for p in soprano], [p - 9 for p in soprano], [48 + k % 5] * 32]
    tracks = tuple(
        Track(name, tuple(Note(i * 0.5, p, 0.5) for i, p in enumerate(line)))
        for name, line in zip(("soprano", "alto", "tenor", "bass"), lines, strict=True)
    )
    return encode_composition(Composition(tracks=tracks), (0, 1, 2, 3))


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    meta = {"voices": ["soprano", "alto", "tenor", "bass"]}
    save_dataset(build_dataset([tiny_piece(k) for k in range(1, 7)], meta=meta), path)
    return path


def config(data: Path, out: Path, **changes: object) -> TrainConfig:
    base = dict(
        data=str(data),
        out=str(out),
        epochs=2,
        steps_per_epoch=2,
        batch_size=4,
        crop_steps=16,
        channels=16,
        blocks=2,
    )
    base.update(changes)
    return TrainConfig.from_dict(base)


def weights(path: Path) -> dict[str, torch.Tensor]:
    return torch.load(path, map_location="cpu", weights_only=False)["model"]


def same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return all(torch.equal(a[k], b[k]) for k in a)


def test_flags_come_from_the_config_fields() -> None:
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    args = parser.parse_args(["--critic-steps", "3", "--lr", "0.01", "--resume"])
    assert args.critic_steps == 3 and args.lr == 0.01 and args.resume is True
    with pytest.raises(SystemExit):
        parser.parse_args(["--no-such-flag", "1"])


def test_unknown_config_keys_are_errors() -> None:
    with pytest.raises(DatasetError, match="unknown training options: colour"):
        TrainConfig.from_dict({"colour": "red"})


def test_training_logs_each_epoch_and_is_deterministic(data_file: Path, tmp_path: Path) -> None:
    best = train(config(data_file, tmp_path / "a"))
    train(config(data_file, tmp_path / "b"))
    lines = [json.loads(x) for x in (tmp_path / "a" / "log.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in lines] == [1, 2]
    assert {"loss", "pitch_loss", "onset_loss", "val_pitch_loss", "val_pitch_acc"} <= set(lines[0])
    assert best.is_file()
    state = torch.load(best, map_location="cpu", weights_only=False)
    assert state["config"]["channels"] == 16 and state["model_config"]["channels"] == 16
    assert same(weights(tmp_path / "a" / "last.pt"), weights(tmp_path / "b" / "last.pt"))


def test_resume_continues_where_it_stopped(data_file: Path, tmp_path: Path) -> None:
    train(config(data_file, tmp_path / "whole"))
    train(config(data_file, tmp_path / "split", max_minutes=1e-9))  # "interrupted" after one
    train(config(data_file, tmp_path / "split", resume=True))
    lines = (tmp_path / "split" / "log.jsonl").read_text().splitlines()
    assert [json.loads(x)["epoch"] for x in lines] == [1, 2]
    assert same(weights(tmp_path / "whole" / "last.pt"), weights(tmp_path / "split" / "last.pt"))


def test_wgan_gp_phase_trains_a_critic(data_file: Path, tmp_path: Path) -> None:
    train(config(data_file, tmp_path / "gan", epochs=1, adversarial_weight=0.1, critic_steps=2))
    record = json.loads((tmp_path / "gan" / "log.jsonl").read_text().splitlines()[0])
    assert "critic_loss" in record and "adversarial_loss" in record
    state = torch.load(tmp_path / "gan" / "last.pt", map_location="cpu", weights_only=False)
    assert state["config"]["adversarial_weight"] == 0.1
    assert state["opt_critic"]["param_groups"][0]["betas"] == (0.5, 0.9)


def test_exported_onnx_runs_in_the_engine(data_file: Path, tmp_path: Path) -> None:
    from deepcomposer_desktop.engine import Generator
    from deepcomposer_desktop.training.export import export_model

    best = train(config(data_file, tmp_path / "run"))
    manifest_path = export_model(best, tmp_path / "model", name="tiny", with_reference=False)
    manifest = json.loads(manifest_path.read_text())
    assert manifest["opset"] >= 17
    assert [t["name"] for t in manifest["tracks"]] == ["alto", "tenor", "bass"]
    assert not list((tmp_path / "model").glob("*.data"))  # weights inside the one file
    generator = Generator.load(tmp_path / "model")
    melody = Track("tune", tuple(Note(float(i), 60 + i % 8, 1.0) for i in range(24)))
    for bars in (6, 11):  # dynamic time axis
        source = Composition(tracks=(melody.with_notes(melody.notes[: bars * 2]),))
        results = generator.generate(source, seed=0, variations=2)  # dynamic batch axis
        assert len(results) == 2 and results[0].tracks[0] is source.tracks[0]
        assert [t.name for t in results[0].tracks[1:]] == ["alto", "tenor", "bass"]


def test_ordered_masks_match_the_engine_passes(data_file: Path) -> None:
    import numpy as np

    from deepcomposer_desktop.training.dataset import load_dataset
    from deepcomposer_desktop.training.train import Batcher

    batcher = Batcher(
        load_dataset(data_file),
        0,
        16,
        np.random.default_rng(0),
        full_hide_rate=0.0,
        ordered_rate=1.0,
    )
    known = batcher.masks(64, 16).numpy()
    patterns = {tuple(row[:, 0].tolist()) for row in known}
    # bass pass (all hidden), tenor pass (bass known), alto pass (tenor and bass known)
    assert patterns == {(1.0, 0.0, 0.0, 0.0), (1.0, 0.0, 0.0, 1.0), (1.0, 0.0, 1.0, 1.0)}
    assert (known == known[:, :, :1]).all()  # whole voices, never single beats


def test_ema_weights_are_saved_judged_and_resumed(data_file: Path, tmp_path: Path) -> None:
    options = dict(ema_decay=0.9, dropout=0.2)
    train(config(data_file, tmp_path / "whole", **options))
    state = torch.load(tmp_path / "whole" / "last.pt", map_location="cpu", weights_only=False)
    assert not same(state["model"], state["train_model"])  # the average lags the raw weights
    assert state["model_config"]["dropout"] == 0.2
    train(config(data_file, tmp_path / "split", max_minutes=1e-9, **options))
    train(config(data_file, tmp_path / "split", resume=True, **options))
    assert same(weights(tmp_path / "whole" / "last.pt"), weights(tmp_path / "split" / "last.pt"))


def test_onnx_matches_torch_without_dropout(data_file: Path, tmp_path: Path) -> None:
    import numpy as np
    import onnxruntime as ort

    from deepcomposer_desktop.training.export import export_model
    from deepcomposer_desktop.training.train import load_checkpoint

    best = train(config(data_file, tmp_path / "run", dropout=0.5))
    export_model(
        best,
        tmp_path / "model",
        name="tiny",
        with_reference=False,
        transpositions=((-1, 1),),
    )
    model, _ = load_checkpoint(best)
    rng = np.random.default_rng(0)
    pitch = rng.integers(0, 65, (2, 4, 24))
    flags = (rng.random((2, 4, 24)) < 0.5).astype(np.float32)
    meter = (rng.random((2, 2, 24)) < 0.5).astype(np.float32)
    with torch.no_grad():
        want = model(*(torch.from_numpy(x) for x in (pitch, flags, flags, meter)))[0].numpy()
    session = ort.InferenceSession(str(tmp_path / "model" / "model.onnx"))
    got = session.run(None, {"pitch": pitch, "onset": flags, "known": flags, "meter": meter})[0]
    assert np.allclose(got, want, atol=1e-4)  # eval mode: the exported graph has no dropout
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["sampling"]["transpositions"] == [-1, 1]
