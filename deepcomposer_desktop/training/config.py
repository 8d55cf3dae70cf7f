"""The training configuration: one dataclass, also the ``deepcomposer train`` flags (no torch)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from typing import Any

from deepcomposer_desktop.core.errors import DatasetError


@dataclass
class TrainConfig:
    """Every knob of a training run; each field is also a ``--flag`` of ``deepcomposer train``."""

    data: str = "data/chorales.npz"
    out: str = "runs/bach-chorale"
    epochs: int = 36
    steps_per_epoch: int = 200
    batch_size: int = 32
    lr: float = 1e-3
    crop_steps: int = 64
    channels: int = 64
    blocks: int = 8
    dropout: float = 0.0
    ema_decay: float = 0.0  # > 0: save and judge a moving average of the weights
    onset_weight: float = 0.5
    full_hide_rate: float = 0.35
    ordered_rate: float = 0.0
    adversarial_weight: float = 0.0
    critic_steps: int = 5
    critic_lr: float = 1e-4
    gp_lambda: float = 10.0
    init_from: str = ""
    seed: int = 0
    threads: int = 1
    max_minutes: float = 0.0
    resume: bool = False

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise DatasetError(f"unknown training options: {', '.join(sorted(unknown))}")
        return cls(**values)


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """One ``--flag`` per TrainConfig field, typed and defaulted from the dataclass."""
    defaults = TrainConfig()
    for f in fields(TrainConfig):
        flag = "--" + f.name.replace("_", "-")
        default = getattr(defaults, f.name)
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        else:
            parser.add_argument(flag, type=type(default), default=default, metavar=f.name.upper())
