"""Datasets, the PyTorch model, training and ONNX export. Only its CLI commands import it."""
