"""The ONNX generator: load a model directory, validate it, run it. onnxruntime + numpy."""

from deepcomposer_desktop.engine.generator import Generator
from deepcomposer_desktop.engine.manifest import Manifest, TrackSpec
from deepcomposer_desktop.engine.registry import ModelInfo, list_models, models_dirs

__all__ = ["Generator", "Manifest", "ModelInfo", "TrackSpec", "list_models", "models_dirs"]
