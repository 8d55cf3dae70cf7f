"""Distillation targets: teachers averaged over transposed copies, moved back exactly."""

from pathlib import Path

import pytest
import torch
from test_training_loop import config, data_file  # noqa: F401

from deepcomposer_desktop.training.dataset import REST
from deepcomposer_desktop.training.distill import (
    FLOOR_LOGP,
    moved,
    moved_back,
    soft_cross_entropy,
    teacher_log_probs,
)
from deepcomposer_desktop.training.model import Harmonizer, ModelConfig
from deepcomposer_desktop.training.train import train


def test_moving_folds_into_range_and_keeps_rests() -> None:
    pitch = torch.tensor([[[0, 5, REST - 1, REST]]])
    assert moved(pitch, -1).tolist() == [[[11, 4, REST - 2, REST]]]
    assert moved(pitch, 1).tolist() == [[[1, 6, REST - 12, REST]]]


@pytest.mark.parametrize("delta", [-2, -1, 1, 2])
def test_moving_back_re_indexes_classes_and_floors_the_edges(delta: int) -> None:
    log_probs = torch.log_softmax(torch.randn(2, 3, REST + 1), dim=-1)
    back = moved_back(log_probs, delta)
    for c in range(REST):
        source = c + delta
        want = log_probs[..., source] if 0 <= source < REST else torch.full((2, 3), FLOOR_LOGP)
        assert torch.equal(back[..., c], want)
    assert torch.equal(back[..., REST], log_probs[..., REST])


class ShiftedBias(Harmonizer):
    """A fake teacher that always favours the class four semitones above the melody."""

    def forward(self, pitch, onset, known, meter):  # type: ignore[no-untyped-def]
        b, v, t = pitch.shape
        logits = torch.zeros(b, v - 1, t, REST + 1)
        target = (pitch[:, :1, :] + 4).clamp(max=REST - 1).expand(b, v - 1, t)
        logits.scatter_(3, target.unsqueeze(-1), 6.0)
        return logits, torch.zeros(b, v - 1, t)


def test_an_equivariant_teacher_keeps_its_answer_after_averaging() -> None:
    teacher = ShiftedBias(ModelConfig(channels=4, blocks=1))
    pitch = torch.full((1, 4, 6), REST)
    pitch[0, 0] = torch.tensor([30, 31, 32, 33, 34, 35])
    batch = {"pitch": pitch, "onset": torch.zeros(1, 4, 6), "meter": torch.zeros(1, 2, 6)}
    target = teacher_log_probs([teacher], batch, torch.ones(1, 4, 6))
    assert torch.allclose(target.exp().sum(-1), torch.ones(1, 3, 6))  # normalized
    assert target.argmax(-1)[0, 0].tolist() == [34, 35, 36, 37, 38, 39]


def test_soft_cross_entropy_is_smallest_at_the_target() -> None:
    target = torch.log_softmax(torch.tensor([[2.0, 0.0, -1.0]]), dim=-1)
    at_target = soft_cross_entropy(target.clone(), target)
    elsewhere = soft_cross_entropy(torch.tensor([[0.0, 2.0, -1.0]]), target)
    assert float(at_target) < float(elsewhere)


def test_the_teacher_changes_what_the_student_learns(data_file: Path, tmp_path: Path) -> None:  # noqa: F811
    teacher = train(config(data_file, tmp_path / "teacher", seed=5))
    train(config(data_file, tmp_path / "student", teachers=str(teacher), distill_weight=0.7))
    train(config(data_file, tmp_path / "alone"))
    assert (tmp_path / "student" / "log.jsonl").read_text().count("\n") == 2
    student, alone = (
        torch.load(tmp_path / name / "last.pt", map_location="cpu", weights_only=False)
        for name in ("student", "alone")
    )
    assert student["config"]["teachers"] == str(teacher)
    assert any(not torch.equal(student["model"][k], alone["model"][k]) for k in alone["model"])
