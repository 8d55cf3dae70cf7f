"""Export a checkpoint as a model directory: one ``model.onnx`` and its ``manifest.json``.

The ONNX graph has dynamic batch and time axes (opset 17) and carries its weights inside
the one file. The manifest says how the engine drives it (voice order, temperatures), what
was trained on, and the reference metrics of the held-out real chorales and of the model's
own output on their melodies, both with ``core.metrics`` names.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import ModelError
from deepcomposer_desktop.core.metrics import METRIC_NAMES, track_metrics
from deepcomposer_desktop.engine.manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    parse_manifest,
)
from deepcomposer_desktop.engine.registry import file_sha256
from deepcomposer_desktop.training.dataset import LOW_PITCH, N_CLASSES, STEPS_PER_BEAT
from deepcomposer_desktop.training.model import (
    INPUT_NAMES,
    OUTPUT_NAMES,
    Harmonizer,
    count_parameters,
)
from deepcomposer_desktop.training.train import load_checkpoint

log = logging.getLogger(__name__)

ONNX_NAME = "model.onnx"
OPSET = 17
VOICE_NAMES = ("soprano", "alto", "tenor", "bass")
CHOIR_PROGRAM = 52  # GM Choir Aahs: a chorale is sung
DEFAULT_ORDER = ("bass", "tenor", "alto", "bass")


def export_onnx(model: Harmonizer, path: Path) -> None:
    steps = 16
    v = model.config.n_voices
    args = (
        torch.zeros(1, v, steps, dtype=torch.long),
        torch.zeros(1, v, steps),
        torch.ones(1, v, steps),
        torch.zeros(1, 2, steps),
    )
    axes: dict[str, dict[int, str]] = {name: {0: "batch", 2: "steps"} for name in INPUT_NAMES}
    axes["pitch_logits"] = {0: "batch", 2: "steps"}
    axes["onset_logits"] = {0: "batch", 2: "steps"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            args,
            str(path),
            input_names=list(INPUT_NAMES),
            output_names=list(OUTPUT_NAMES),
            opset_version=OPSET,
            dynamic_axes=axes,
            dynamo=False,
        )


def _tensor_specs(v: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    inputs = [
        {"name": "pitch", "dtype": "int64", "shape": ["batch", v, "steps"]},
        {"name": "onset", "dtype": "float32", "shape": ["batch", v, "steps"]},
        {"name": "known", "dtype": "float32", "shape": ["batch", v, "steps"]},
        {"name": "meter", "dtype": "float32", "shape": ["batch", 2, "steps"]},
    ]
    outputs = [
        {"name": "pitch_logits", "dtype": "float32", "shape": ["batch", v - 1, "steps", N_CLASSES]},
        {"name": "onset_logits", "dtype": "float32", "shape": ["batch", v - 1, "steps"]},
    ]
    return inputs, outputs


def mean_track_metrics(compositions: list[Composition]) -> dict[str, dict[str, float]]:
    """Per accompaniment track name, each METRIC_NAME averaged over the compositions."""
    sums: dict[str, dict[str, list[float]]] = {}
    for comp in compositions:
        for index, track in enumerate(comp.tracks):
            if index == comp.melody_index:
                continue
            values = track_metrics(comp, index)
            bucket = sums.setdefault(track.name, {})
            for name in METRIC_NAMES:
                value = values.get(name)
                if value is not None:
                    bucket.setdefault(name, []).append(float(value))
    return {
        track: {name: round(float(np.mean(v)), 4) for name, v in metrics.items()}
        for track, metrics in sums.items()
    }


def reference_metrics(model_dir: Path) -> dict[str, Any]:
    """Metrics of Bach's held-out parts and of this model's output on the same melodies."""
    from deepcomposer_desktop.engine import Generator
    from deepcomposer_desktop.training.chorales import is_test_chorale, iter_chorales

    real = [c.composition for c in iter_chorales() if is_test_chorale(c.number)]
    generator = Generator.load(model_dir)
    generated = []
    for i, comp in enumerate(real):
        melody_only = replace(comp, tracks=comp.tracks[:1], melody_index=0)
        generated.append(generator.generate(melody_only, seed=i)[0])
    return {
        "set": f"{len(real)} held-out Bach chorales (Riemenschneider number % 10 == 0)",
        "real": mean_track_metrics(real),
        "generated": mean_track_metrics(generated),
    }


def export_model(
    checkpoint: Path,
    out_dir: Path,
    *,
    name: str = "bach-chorale",
    genre: str = "Bach chorale",
    description: str = "",
    voice_order: tuple[str, ...] | None = None,
    pitch_temperature: float = 1.0,
    onset_temperature: float = 1.0,
    offbeat_temperature: float | None = None,
    beat_segments: bool = False,
    transpositions: tuple[tuple[int, ...], ...] = ((0,),),
    parallel_penalty: float | None = None,
    with_reference: bool = True,
) -> Path:
    """Write ``out_dir/model.onnx`` and ``out_dir/manifest.json``; returns the manifest path."""
    model, state = load_checkpoint(checkpoint)
    out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = out_dir / ONNX_NAME
    export_onnx(model, onnx_path)
    meta = dict(state.get("dataset_meta", {}))
    v = model.config.n_voices
    names = list(meta.get("voices", VOICE_NAMES))[:v]
    ranges = meta.get("voice_ranges_midi", [[LOW_PITCH, LOW_PITCH + N_CLASSES - 2]] * v)
    inputs, outputs = _tensor_specs(v)
    programs = meta.get("programs", [CHOIR_PROGRAM] * v)
    config = state.get("config", {})
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "genre": genre,
        "kind": "harmonizer",
        "description": description
        or "Four-part chorale harmonization of a melody: alto, tenor and bass.",
        "onnx": ONNX_NAME,
        "sha256": file_sha256(onnx_path),
        "size_bytes": onnx_path.stat().st_size,
        "opset": OPSET,
        "steps_per_beat": STEPS_PER_BEAT,
        "low_pitch": LOW_PITCH,
        "n_classes": N_CLASSES,
        "melody": {"name": names[0], "pitch_range": ranges[0]},
        "tracks": [
            {"name": names[i], "program": int(programs[i]), "pitch_range": ranges[i]}
            for i in range(1, v)
        ],
        "inputs": inputs,
        "outputs": outputs,
        "sampling": {
            "voice_order": list(voice_order or (DEFAULT_ORDER if v == 4 else names[:0:-1])),
            "pitch_temperature": pitch_temperature,
            "onset_temperature": onset_temperature,
            "offbeat_temperature": offbeat_temperature
            if offbeat_temperature is not None
            else pitch_temperature,
            "beat_segments": beat_segments,
            "transpositions": [list(t) for t in transpositions]
            if len(transpositions) > 1
            else list(transpositions[0]),
            **({} if parallel_penalty is None else {"parallel_penalty": parallel_penalty}),
        },
        "training": {
            "data": meta,
            "parameters": count_parameters(model),
            "epochs": state.get("epoch"),
            "adversarial": float(config.get("adversarial_weight", 0.0)) > 0,
            "config": config,
            "final_metrics": state.get("metrics", {}),
        },
        "reference_metrics": {},
    }
    parse_manifest(manifest, "the exported manifest")  # what the engine would refuse, refuse now
    manifest_path = out_dir / MANIFEST_NAME
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    if with_reference and names == list(VOICE_NAMES):
        manifest["reference_metrics"] = reference_metrics(out_dir)
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    if not onnx_path.is_file():
        raise ModelError(f"export did not write {onnx_path}")
    return manifest_path
