"""Distillation: a teacher ensemble's averaged answers as soft targets for the harmonizer.

Averaging a network over transposed copies of the piece, and over several networks, predicts
Bach's parts better than any single run, but each copy costs a run at generation time.
Training the shipped network to match that average (Hinton et al., 2015) moves much of the
gain into its weights, where it costs nothing. The teachers see exactly the student's batch
and masks; only their pitch answers are used, the onsets stay trained on the real parts.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch.nn import functional as F

from deepcomposer_desktop.training.dataset import REST
from deepcomposer_desktop.training.model import Harmonizer

FLOOR_LOGP = -30.0  # log-prob of a pitch that a transposed copy cannot speak for
TEACHER_TRANSPOSITIONS = (-1, 0, 1)


def moved(pitch: torch.Tensor, delta: int) -> torch.Tensor:
    """Class indices moved by ``delta`` semitones, folded by octaves into range; rests stay."""
    shifted = pitch + delta
    shifted = torch.where(shifted < 0, shifted + 12, shifted)
    shifted = torch.where(shifted >= REST, shifted - 12, shifted)
    return torch.where(pitch == REST, pitch, shifted)


def moved_back(log_probs: torch.Tensor, delta: int) -> torch.Tensor:
    """(…, K) answers about a copy moved by ``delta``, re-indexed as classes of the piece."""
    back = torch.full_like(log_probs, FLOOR_LOGP)
    back[..., REST] = log_probs[..., REST]
    lo, hi = max(0, -delta), min(REST, REST - delta)
    back[..., lo:hi] = log_probs[..., lo + delta : hi + delta]
    return back


@torch.no_grad()
def teacher_log_probs(
    teachers: Sequence[Harmonizer],
    batch: dict[str, torch.Tensor],
    known: torch.Tensor,
    deltas: Sequence[int] = TEACHER_TRANSPOSITIONS,
) -> torch.Tensor:
    """(B, V-1, T, K) normalized log-probs: the mean over teachers and transpositions."""
    total = torch.zeros(())
    for teacher in teachers:
        for delta in deltas:
            logits, _ = teacher(moved(batch["pitch"], delta), batch["onset"], known, batch["meter"])
            total = total + moved_back(F.log_softmax(logits, dim=-1), delta)
    return F.log_softmax(total / (len(teachers) * len(deltas)), dim=-1)


def soft_cross_entropy(logits: torch.Tensor, target_log_probs: torch.Tensor) -> torch.Tensor:
    """Per-position cross-entropy against a distribution: -sum p_teacher log p_student."""
    return -(target_log_probs.exp() * F.log_softmax(logits, dim=-1)).sum(dim=-1)
