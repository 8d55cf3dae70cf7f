"""A tiny hand-built ONNX harmonizer (no torch) with the bach-chorale interface, for tests.

Its pitch logits favour a few pitches per voice (with a little dependence on the onset
input so the graph really uses its inputs); sampling noise does the rest.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper

N_CLASSES = 65
LOW_PITCH = 28
CENTRES = {"alto": 65, "tenor": 57, "bass": 45}


def build_onnx(path: Path, *, voices: int = 4, n_classes: int = N_CLASSES) -> None:
    rng = np.random.default_rng(0)
    bias = np.full((voices - 1, 1, n_classes), -4.0, dtype=np.float32)
    for i, centre in enumerate(CENTRES.values()):
        if i < voices - 1:
            for offset, value in ((0, 2.0), (3, 1.5), (4, 1.5), (7, 1.8), (-5, 1.2), (12, 0.5)):
                bias[i, 0, centre + offset - LOW_PITCH] = value
    weight = (rng.normal(size=(1, n_classes)) * 0.1).astype(np.float32)
    inits = [
        helper.make_tensor("starts", TensorProto.INT64, [1], [1]),
        helper.make_tensor("ends", TensorProto.INT64, [1], [voices]),
        helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
        helper.make_tensor("unsq", TensorProto.INT64, [1], [3]),
        helper.make_tensor("w", TensorProto.FLOAT, weight.shape, weight.ravel()),
        helper.make_tensor("b", TensorProto.FLOAT, bias.shape, bias.ravel()),
        helper.make_tensor("onset_bias", TensorProto.FLOAT, [], [-0.3]),
    ]
    nodes = [
        helper.make_node("Slice", ["onset", "starts", "ends", "axes"], ["acc"]),
        helper.make_node("Unsqueeze", ["acc", "unsq"], ["acc4"]),
        helper.make_node("MatMul", ["acc4", "w"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["pitch_logits"]),
        helper.make_node("Mul", ["acc", "onset_bias"], ["scaled"]),
        helper.make_node("Add", ["scaled", "onset_bias"], ["onset_logits"]),
    ]
    dims = ["batch", voices, "steps"]
    graph = helper.make_graph(
        nodes,
        "fake_harmonizer",
        [
            helper.make_tensor_value_info("pitch", TensorProto.INT64, dims),
            helper.make_tensor_value_info("onset", TensorProto.FLOAT, dims),
            helper.make_tensor_value_info("known", TensorProto.FLOAT, dims),
            helper.make_tensor_value_info("meter", TensorProto.FLOAT, ["batch", 2, "steps"]),
        ],
        [
            helper.make_tensor_value_info(
                "pitch_logits", TensorProto.FLOAT, ["batch", voices - 1, "steps", n_classes]
            ),
            helper.make_tensor_value_info(
                "onset_logits", TensorProto.FLOAT, ["batch", voices - 1, "steps"]
            ),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def manifest_for(onnx_path: Path, *, name: str = "fake-chorale") -> dict[str, Any]:
    sha = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    return {
        "format": "deepcomposer-model",
        "format_version": 1,
        "name": name,
        "genre": "test",
        "kind": "harmonizer",
        "onnx": onnx_path.name,
        "sha256": sha,
        "steps_per_beat": 2,
        "low_pitch": LOW_PITCH,
        "n_classes": N_CLASSES,
        "melody": {"name": "soprano", "pitch_range": [57, 81]},
        "tracks": [
            {"name": "alto", "program": 52, "pitch_range": [53, 74]},
            {"name": "tenor", "program": 53, "pitch_range": [48, 69]},
            {"name": "bass", "program": 32, "pitch_range": [36, 64]},
        ],
        "inputs": [
            {"name": "pitch", "dtype": "int64", "shape": ["batch", 4, "steps"]},
            {"name": "onset", "dtype": "float32", "shape": ["batch", 4, "steps"]},
            {"name": "known", "dtype": "float32", "shape": ["batch", 4, "steps"]},
            {"name": "meter", "dtype": "float32", "shape": ["batch", 2, "steps"]},
        ],
        "outputs": [
            {"name": "pitch_logits", "dtype": "float32", "shape": ["batch", 3, "steps", 65]},
            {"name": "onset_logits", "dtype": "float32", "shape": ["batch", 3, "steps"]},
        ],
        "sampling": {"voice_order": ["bass", "tenor", "alto", "bass"]},
        "reference_metrics": {"real": {}, "generated": {}},
    }


def write_model_dir(folder: Path, *, name: str = "fake-chorale") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    onnx_path = folder / "model.onnx"
    build_onnx(onnx_path)
    (folder / "manifest.json").write_text(json.dumps(manifest_for(onnx_path, name=name)))
    return folder
