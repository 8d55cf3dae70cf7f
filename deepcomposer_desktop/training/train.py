"""Train the harmonizer: masked cross-entropy (Coconet-style), optionally with a WGAN-GP critic.

Read top to bottom: config, batches, losses, the critic phase, the loop, checkpoints.

Supervised part: random accompaniment voices (and, half the time, random beats of them) are
hidden; the network predicts the hidden pitches and onsets from the melody and what is left.
Adversarial part (``adversarial_weight > 0``), the original DeepComposer technique: a critic
conditioned on the melody scores real four-part pieces against the generator's (all
accompaniment hidden, one straight-through Gumbel sample); trained alternately, ``critic_steps``
critic updates per generator update, WGAN-GP with ``gp_lambda`` = 10, Adam betas (0.5, 0.9).

Launch with ``torchrun --nproc_per_node N -m deepcomposer_desktop train ...`` to train with
DistributedDataParallel (gloo); a plain launch trains in one process.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from deepcomposer_desktop.core.errors import DatasetError, ModelError
from deepcomposer_desktop.engine.encoding import meter_channels
from deepcomposer_desktop.training.config import TrainConfig
from deepcomposer_desktop.training.dataset import (
    N_CLASSES,
    REST,
    SHIFTS,
    STEPS_PER_BEAT,
    Dataset,
    load_dataset,
)
from deepcomposer_desktop.training.model import Critic, Harmonizer, ModelConfig, count_parameters

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- batches


class Batcher:
    """Random crops of training pieces, transposed into a random allowed key."""

    def __init__(
        self,
        data: Dataset,
        split: int,
        crop: int,
        rng: np.random.Generator,
        full_hide_rate: float = 0.35,
        ordered_rate: float = 0.0,
    ) -> None:
        self.data = data
        self.pieces = np.flatnonzero(data.split == split)
        if len(self.pieces) == 0:
            raise DatasetError(
                f"the dataset has no {'training' if split == 0 else 'validation'} pieces"
            )
        self.crop = crop
        self.rng = rng
        self.full_hide_rate = full_hide_rate
        self.ordered_rate = ordered_rate

    def sample(self, batch: int) -> dict[str, torch.Tensor]:
        v = self.data.pitch.shape[1]
        pitch = np.full((batch, v, self.crop), REST, dtype=np.int64)
        onset = np.zeros((batch, v, self.crop), dtype=np.float32)
        meter = np.zeros((batch, 2, self.crop), dtype=np.float32)
        valid = np.zeros((batch, self.crop), dtype=np.float32)
        for b in range(batch):
            index = int(self.rng.choice(self.pieces))
            p, o, bars = self.data.piece(index)
            n = len(p)
            start = int(self.rng.integers(0, max(n - self.crop, 0) + 1))
            start -= start % STEPS_PER_BEAT
            stop = min(start + self.crop, n)
            shifts = np.flatnonzero(self.data.shifts[index])
            shift = SHIFTS[int(self.rng.choice(shifts))]
            seg = p[start:stop].T.astype(np.int64)
            seg = np.where(seg == REST, REST, seg + shift)
            pitch[b, :, : stop - start] = seg
            onset[b, :, : stop - start] = o[start:stop].T
            full_meter = meter_channels(bars, STEPS_PER_BEAT)
            meter[b, :, : stop - start] = full_meter[:, start:stop]
            valid[b, : stop - start] = 1.0
        return {
            "pitch": torch.from_numpy(pitch),
            "onset": torch.from_numpy(onset),
            "meter": torch.from_numpy(meter),
            "valid": torch.from_numpy(valid),
        }

    def masks(self, batch: int, steps: int) -> torch.Tensor:
        """(B, V, T) float known-mask; melody always known, accompaniment partly hidden.

        A share ``full_hide_rate`` hides all accompaniment (the engine's first pass), then
        random voice subsets (later passes), then random beats (Coconet's own masks).
        """
        voices = self.data.pitch.shape[1]
        acc = voices - 1
        known = np.ones((batch, voices, steps), dtype=np.float32)
        for b in range(batch):
            draw = self.rng.random()
            if draw < self.ordered_rate:
                # what the engine sees: bass first, then tenor, then alto (lowest voice first)
                known[b, 1 : 1 + int(self.rng.integers(1, acc + 1)), :] = 0.0
            elif draw < self.ordered_rate + self.full_hide_rate:
                known[b, 1:, :] = 0.0
            elif draw < self.ordered_rate + self.full_hide_rate + 0.3:
                hidden = np.zeros(acc, dtype=bool)
                while not hidden.any():
                    hidden = self.rng.random(acc) < 0.5
                known[b, 1:, :][hidden] = 0.0
            else:
                rate = self.rng.uniform(0.1, 0.9)
                beats = math.ceil(steps / STEPS_PER_BEAT)
                hide = self.rng.random((acc, beats)) < rate
                if not hide.any():
                    hide[int(self.rng.integers(acc)), int(self.rng.integers(beats))] = True
                known[b, 1:, :] = 1.0 - np.repeat(hide, STEPS_PER_BEAT, axis=1)[:, :steps]
        return torch.from_numpy(known)


# ----------------------------------------------------------------------------- losses


def supervised_loss(
    model: torch.nn.Module,
    batch: dict[str, torch.Tensor],
    known: torch.Tensor,
    onset_weight: float,
) -> tuple[torch.Tensor, dict[str, float]]:
    pitch_logits, onset_logits = model(batch["pitch"], batch["onset"], known, batch["meter"])
    hidden = (1.0 - known[:, 1:, :]) * batch["valid"].unsqueeze(1)  # (B, 3, T)
    target = batch["pitch"][:, 1:, :]
    ce = F.cross_entropy(pitch_logits.reshape(-1, N_CLASSES), target.reshape(-1), reduction="none")
    bce = F.binary_cross_entropy_with_logits(
        onset_logits, batch["onset"][:, 1:, :], reduction="none"
    ).reshape(-1)
    weight = hidden.reshape(-1)
    denom = weight.sum().clamp(min=1.0)
    pitch_loss = (ce * weight).sum() / denom
    onset_loss = (bce * weight).sum() / denom
    with torch.no_grad():
        correct = (pitch_logits.argmax(-1) == target).float().reshape(-1)
        onset_ok = ((onset_logits > 0).float() == batch["onset"][:, 1:, :]).float().reshape(-1)
        stats = {
            "pitch_loss": float(pitch_loss),
            "onset_loss": float(onset_loss),
            "pitch_acc": float((correct * weight).sum() / denom),
            "onset_acc": float((onset_ok * weight).sum() / denom),
        }
    return pitch_loss + onset_weight * onset_loss, stats


def critic_input(
    pitch_onehot: torch.Tensor, onset: torch.Tensor, meter: torch.Tensor
) -> torch.Tensor:
    """(B, V, T, K) one-hot-ish, (B, V, T) onsets, (B, 2, T) -> (B, V*(K+1)+2, T)."""
    b, v, t, k = pitch_onehot.shape
    voices = torch.cat([pitch_onehot, onset.unsqueeze(-1)], dim=-1)  # (B, V, T, K+1)
    voices = voices.permute(0, 1, 3, 2).reshape(b, v * (k + 1), t)
    return torch.cat([voices, meter], dim=1)


def fake_and_real(
    model: torch.nn.Module, batch: dict[str, torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Critic inputs for real pieces and for the generator's (melody given, rest hidden)."""
    known = torch.zeros_like(batch["onset"])
    known[:, 0, :] = 1.0
    pitch_logits, onset_logits = model(batch["pitch"], batch["onset"], known, batch["meter"])
    fake_pitch = F.gumbel_softmax(pitch_logits, tau=1.0, hard=True)  # (B, 3, T, K)
    soft_onset = torch.sigmoid(onset_logits)
    hard_onset = (torch.rand_like(soft_onset) < soft_onset).float()
    fake_onset = hard_onset + soft_onset - soft_onset.detach()
    melody = F.one_hot(batch["pitch"][:, :1, :], N_CLASSES).float()
    fake = critic_input(
        torch.cat([melody, fake_pitch], dim=1),
        torch.cat([batch["onset"][:, :1, :], fake_onset], dim=1),
        batch["meter"],
    )
    real = critic_input(
        F.one_hot(batch["pitch"], N_CLASSES).float(), batch["onset"], batch["meter"]
    )
    return fake, real


def gradient_penalty(
    critic: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor
) -> torch.Tensor:
    alpha = torch.rand(real.shape[0], 1, 1)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    score = critic(mixed)
    (grad,) = torch.autograd.grad(score.sum(), mixed, create_graph=True)
    return ((grad.reshape(grad.shape[0], -1).norm(dim=1) - 1.0) ** 2).mean()


# ----------------------------------------------------------------------------- the loop


def _progress(epoch: int, epochs: int, step: int, steps: int, loss: float) -> None:
    width = 24
    done = int(width * step / steps)
    bar = "#" * done + "." * (width - done)
    sys.stderr.write(f"\repoch {epoch}/{epochs} [{bar}] {step}/{steps} loss {loss:.3f}")
    sys.stderr.flush()


@torch.no_grad()
def evaluate(model: torch.nn.Module, data: Dataset, config: TrainConfig) -> dict[str, float]:
    """Validation loss on fixed crops and masks (same every epoch)."""
    model.eval()
    batcher = Batcher(data, 1, config.crop_steps, np.random.default_rng(1234))
    totals: dict[str, float] = {}
    n = 8
    for _ in range(n):
        batch = batcher.sample(config.batch_size)
        known = batcher.masks(config.batch_size, config.crop_steps)
        _, stats = supervised_loss(model, batch, known, config.onset_weight)
        for key, value in stats.items():
            totals[key] = totals.get(key, 0.0) + value / n
    model.train()
    return {"val_" + k: v for k, v in totals.items()}


def _is_main() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def train(config: TrainConfig) -> Path:
    """Run training; returns the path of the best checkpoint."""
    torch.set_num_threads(max(1, config.threads))
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    rank = int(os.environ.get("RANK", "0"))
    if distributed:
        torch.distributed.init_process_group("gloo")
    data = load_dataset(Path(config.data))
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed + rank)
    rng = np.random.default_rng(config.seed + rank)
    model_config = ModelConfig(
        channels=config.channels,
        blocks=config.blocks,
        n_voices=int(data.pitch.shape[1]),
        dropout=config.dropout,
    )
    model = Harmonizer(model_config)
    critic = Critic(model_config)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    opt_critic = torch.optim.Adam(critic.parameters(), lr=config.critic_lr, betas=(0.5, 0.9))
    if config.adversarial_weight > 0:
        opt = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(0.5, 0.9))
    start_epoch, best_val = 0, math.inf
    last_path, best_path = out / "last.pt", out / "best.pt"
    if config.init_from:
        state = torch.load(config.init_from, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
    ema = copy.deepcopy(model) if config.ema_decay > 0 else None  # what gets saved and judged
    if config.resume and last_path.exists():
        state = torch.load(last_path, map_location="cpu", weights_only=False)
        model.load_state_dict(state.get("train_model", state["model"]))
        if ema is not None:
            ema.load_state_dict(state["model"])
        critic.load_state_dict(state["critic"])
        opt.load_state_dict(state["opt"])
        opt_critic.load_state_dict(state["opt_critic"])
        start_epoch, best_val = state["epoch"], state["best_val"]
        rng.bit_generator.state = state["np_rng"]
        torch.set_rng_state(state["torch_rng"])
        log.info("resumed from %s at epoch %d", last_path, start_epoch)
    train_model: torch.nn.Module = model
    if distributed:
        train_model = torch.nn.parallel.DistributedDataParallel(model)
    batcher = Batcher(data, 0, config.crop_steps, rng, config.full_hide_rate, config.ordered_rate)
    log_path = out / "log.jsonl"
    if _is_main():
        log.info("model parameters: %d", count_parameters(model))
    started = time.monotonic()
    adversarial = config.adversarial_weight > 0
    for epoch in range(start_epoch, config.epochs):
        sums: dict[str, float] = {}
        for step in range(config.steps_per_epoch):
            batch = batcher.sample(config.batch_size)
            if adversarial:
                for _ in range(config.critic_steps):
                    critic_batch = batcher.sample(config.batch_size)
                    with torch.no_grad():
                        fake, real = fake_and_real(model, critic_batch)
                    gp = gradient_penalty(critic, real, fake)
                    critic_loss = critic(fake).mean() - critic(real).mean() + config.gp_lambda * gp
                    opt_critic.zero_grad()
                    critic_loss.backward()
                    opt_critic.step()
                sums["critic_loss"] = sums.get("critic_loss", 0.0) + float(critic_loss)
            known = batcher.masks(config.batch_size, config.crop_steps)
            loss, stats = supervised_loss(train_model, batch, known, config.onset_weight)
            if adversarial:
                fake, _ = fake_and_real(train_model, batch)
                adv = -critic(fake).mean()
                loss = loss + config.adversarial_weight * adv
                stats["adversarial_loss"] = float(adv)
            total = config.epochs * config.steps_per_epoch
            progress = (epoch * config.steps_per_epoch + step) / total
            for group in opt.param_groups:  # cosine decay to 5 % of the base rate
                group["lr"] = config.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if ema is not None:  # exponential moving average of the weights
                with torch.no_grad():
                    for e, p in zip(ema.parameters(), model.parameters(), strict=True):
                        e.lerp_(p, 1.0 - config.ema_decay)
            stats["loss"] = float(loss.detach())
            for key, value in stats.items():
                sums[key] = sums.get(key, 0.0) + value
            if _is_main():
                _progress(epoch + 1, config.epochs, step + 1, config.steps_per_epoch, stats["loss"])
        if _is_main():
            sys.stderr.write("\n")
        record: dict[str, Any] = {"epoch": epoch + 1}
        record.update({k: v / config.steps_per_epoch for k, v in sums.items()})
        judged = ema if ema is not None else model
        record.update(evaluate(judged, data, config))
        record["elapsed_s"] = round(time.monotonic() - started, 1)
        if _is_main():
            with open(log_path, "a") as fh:
                fh.write(json.dumps(record) + "\n")
            state = {
                "model": judged.state_dict(),
                "train_model": model.state_dict(),
                "critic": critic.state_dict(),
                "opt": opt.state_dict(),
                "opt_critic": opt_critic.state_dict(),
                "config": dataclasses.asdict(config),
                "model_config": model_config.to_dict(),
                "epoch": epoch + 1,
                "best_val": min(best_val, record["val_pitch_loss"]),
                "np_rng": rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(),
                "dataset_meta": data.meta,
                "metrics": record,
            }
            torch.save(state, last_path)
            if record["val_pitch_loss"] < best_val:
                best_val = record["val_pitch_loss"]
                torch.save(state, best_path)
        if config.max_minutes and time.monotonic() - started > config.max_minutes * 60:
            log.info("stopping after %.1f minutes (max_minutes)", config.max_minutes)
            break
    if distributed:
        torch.distributed.destroy_process_group()
    return best_path


def load_checkpoint(path: Path) -> tuple[Harmonizer, dict[str, Any]]:
    """Rebuild the harmonizer from a self-describing checkpoint."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
        model = Harmonizer(ModelConfig(**state["model_config"]))
        model.load_state_dict(state["model"])
    except FileNotFoundError as err:
        raise ModelError(f"checkpoint {path} does not exist") from err
    except (KeyError, RuntimeError, OSError, TypeError, ValueError) as err:
        raise ModelError(f"{path} is not a harmonizer checkpoint: {err}") from err
    model.eval()
    return model, state
