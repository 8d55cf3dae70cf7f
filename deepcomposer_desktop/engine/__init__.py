"""The ONNX generator: load a model directory, validate it, run it. onnxruntime + numpy."""
