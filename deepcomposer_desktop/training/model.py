"""The harmonizer network and the WGAN critic (PyTorch).

Harmonizer: a 1-D dilated residual convolutional network over time (pitches live in the
channels), fully convolutional, so it works on any number of steps without seams. Inputs per
voice and step: pitch class index (``dataset.N_CLASSES`` classes incl. rest), onset flag and a
"known" flag (the melody is always known; the accompaniment voices are known once sampled).
Two meter channels (beat start, bar start) say where the step sits in the bar. Outputs for the
three accompaniment voices: pitch-class logits and an onset logit per step.

Used Coconet-style: unknown voices are filled in one at a time (bass, tenor, alto) by the
engine, each pass seeing the voices already chosen, so voice leading can react to them.

Critic: the original DeepComposer's idea, a conv net conditioned on the melody that scores
four-voice pieces, trained with WGAN-GP against the harmonizer's output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from deepcomposer_desktop.training.dataset import N_CLASSES, N_VOICES

INPUT_NAMES = ("pitch", "onset", "known", "meter")
OUTPUT_NAMES = ("pitch_logits", "onset_logits")


@dataclass(frozen=True)
class ModelConfig:
    channels: int = 96
    blocks: int = 8
    kernel: int = 3
    dilation_cycle: int = 4  # dilations 1, 2, 4, 8, 1, 2, ...
    n_voices: int = N_VOICES
    n_classes: int = N_CLASSES
    dropout: float = 0.0  # inside each block while training; gone in the exported graph

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


class _Block(nn.Module):
    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float = 0.0) -> None:
        super().__init__()
        pad = dilation * (kernel - 1) // 2
        self.conv = nn.Conv1d(channels, channels, kernel, padding=pad, dilation=dilation)
        self.drop = nn.Dropout(dropout)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.mix(self.drop(F.relu(self.conv(F.relu(x)))))


class Harmonizer(nn.Module):
    """(pitch, onset, known, meter) -> (pitch_logits, onset_logits).

    Shapes: pitch (B, V, T) int64 class indices; onset, known (B, V, T) float32 0/1;
    meter (B, 2, T) float32 (beat start, bar start). Outputs: pitch_logits
    (B, V-1, T, n_classes) and onset_logits (B, V-1, T) for the accompaniment voices.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config.channels
        self.embed = nn.Embedding(config.n_voices * config.n_classes, c)
        self.flags = nn.Conv1d(config.n_voices * 2 + 2, c, 1)
        self.blocks = nn.ModuleList(
            _Block(c, config.kernel, 2 ** (i % config.dilation_cycle), config.dropout)
            for i in range(config.blocks)
        )
        n_out = config.n_voices - 1
        self.head = nn.Conv1d(c, n_out * (config.n_classes + 1), 1)
        offsets = torch.arange(config.n_voices).view(1, -1, 1) * config.n_classes
        self.register_buffer("offsets", offsets, persistent=False)

    def forward(
        self, pitch: torch.Tensor, onset: torch.Tensor, known: torch.Tensor, meter: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        batch, steps = pitch.shape[0], pitch.shape[2]
        voices = self.config.n_voices
        emb = self.embed(pitch + self.offsets)  # (B, V, T, C)
        emb = (emb * known.unsqueeze(-1)).sum(dim=1).transpose(1, 2)  # (B, C, T)
        flags = torch.cat([onset * known, known, meter], dim=1)
        x = emb + self.flags(flags)
        for block in self.blocks:
            x = block(x)
        out = self.head(F.relu(x))  # (B, (V-1)*(K+1), T)
        out = out.view(batch, voices - 1, self.config.n_classes + 1, steps)
        pitch_logits = out[:, :, : self.config.n_classes, :].transpose(2, 3)
        onset_logits = out[:, :, self.config.n_classes, :]
        return pitch_logits, onset_logits


class Critic(nn.Module):
    """WGAN critic: (B, V*(n_classes+1), T) one-hot-ish voices incl. melody -> (B,) score."""

    def __init__(self, config: ModelConfig, channels: int = 64) -> None:
        super().__init__()
        c_in = config.n_voices * (config.n_classes + 1) + 2
        layers: list[nn.Module] = []
        c = c_in
        for i in range(4):
            out = channels * min(2**i, 4)
            layers += [nn.Conv1d(c, out, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            c = out
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x).mean(dim=2)
        return self.out(h).squeeze(1)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
