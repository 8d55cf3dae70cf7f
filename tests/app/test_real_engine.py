"""Generate in the window with the real ONNX engine (no fakes between the button and onnxruntime).

A tiny ONNX model built by the engine tests' helper always runs; the trained bundled model
(models/bach-chorale) runs too once it is installed.
"""

import sys
from pathlib import Path

import pytest
from windowkit import make_window, melody_composition

from deepcomposer_desktop.app.generation import _load_real, list_model_names

pytestmark = [pytest.mark.qt, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "engine"))


def generate_in_window(qtbot, window, model: str) -> None:
    window.generate_panel.set_models(list_model_names(), preferred=model)
    assert window.generate_panel.model.currentText() == model
    window.generate_panel.random_seed.setChecked(False)
    window.generate_panel.seed.setValue(5)
    window.generate_panel.variations.setValue(2)
    with qtbot.waitSignal(window.generation.generated, timeout=60000):
        window.actions.generate.trigger()


def test_generate_with_a_real_onnx_model(qtbot, tmp_path, monkeypatch):
    from engine_fake_model import write_model_dir

    models = tmp_path / "models"
    write_model_dir(models / "fake-chorale")
    monkeypatch.setenv("DEEPCOMPOSER_MODELS", str(models))
    w = make_window(
        qtbot, tmp_path, monkeypatch, model_loader=_load_real, list_models=list_model_names
    )
    w.controller.load(melody_composition(), title="x")
    generate_in_window(qtbot, w, "fake-chorale")
    c = w.controller.composition
    manifest = w.generation.loaded("fake-chorale").manifest
    assert [t.name for t in c.tracks][1:] == [t.name for t in manifest.tracks]
    assert c.melody.notes == melody_composition().melody.notes
    assert len(w.gen.variations) == 2
    assert not w.problems


def test_a_corrupt_model_is_a_message(qtbot, tmp_path, monkeypatch):
    from engine_fake_model import write_model_dir

    models = tmp_path / "models"
    folder = write_model_dir(models / "broken")
    for onnx in folder.glob("*.onnx"):
        onnx.write_bytes(b"not a model")
    monkeypatch.setenv("DEEPCOMPOSER_MODELS", str(models))
    w = make_window(
        qtbot, tmp_path, monkeypatch, model_loader=_load_real, list_models=list_model_names
    )
    w.controller.load(melody_composition(), title="x")
    w.generate_panel.set_models(["broken"])
    with qtbot.waitSignal(w.generation.failed, timeout=30000):
        w.actions.generate.trigger()
    assert w.problems and "Generation failed" in w.problems[-1]
    assert len(w.controller.composition.tracks) == 1


@pytest.mark.skipif(
    not (REPO / "models" / "bach-chorale").is_dir(),
    reason="models/bach-chorale is not trained/installed yet",
)
def test_generate_with_the_bundled_bach_chorale_model(qtbot, tmp_path, monkeypatch):
    w = make_window(
        qtbot, tmp_path, monkeypatch, model_loader=_load_real, list_models=list_model_names
    )
    w.files.open_file(REPO / "resources" / "melodies" / "ode_to_joy.mid")
    generate_in_window(qtbot, w, "bach-chorale")
    names = [t.name for t in w.controller.composition.tracks]
    assert len(names) >= 2 and not w.problems
