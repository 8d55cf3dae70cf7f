"""Run under X (Xvfb): open the window, load a tune, generate, save a PNG of the window.

Usage: python tests/app/screenshot_app.py OUT.png. Uses the real model when one is installed,
else the rule-based baseline harmonizer (so the picture shows real music either way).
Prints "generator: <which>" so the test can say what the picture shows.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

sys.path.insert(0, str(Path(__file__).resolve().parent))


class BaselineGenerator:
    """The evaluation baseline behind the engine's generate() signature."""

    def generate(self, composition, *, seed, variations=1, regenerate=None):
        from dataclasses import replace

        from deepcomposer_desktop.training.evaluation.baseline import harmonize_rule_based

        result = harmonize_rule_based(composition)
        programs = {"alto": 52, "tenor": 48, "bass": 32}  # choir, strings, acoustic bass
        tracks = [result.tracks[0]] + [
            replace(t, program=programs.get(t.name, t.program)) for t in result.tracks[1:]
        ]
        return [replace(result, tracks=tuple(tracks))] * variations


def main(out: Path) -> int:
    from deepcomposer_desktop.app.generation import _load_real, list_model_names
    from deepcomposer_desktop.app.main import APP_NAME, create_application
    from deepcomposer_desktop.app.mainwindow import MainWindow, Services
    from deepcomposer_desktop.app.theme import apply_theme

    app = create_application(["screenshot"])
    app.setApplicationName(APP_NAME)
    apply_theme(app, "dark")
    models = list_model_names()
    if "bach-chorale" in models:
        which, loader, names = "bach-chorale", _load_real, ["bach-chorale"]
    else:
        which, names = "baseline", ["bach-chorale (baseline stand-in)"]
        baseline = BaselineGenerator()

        def loader(_name, _threads):
            return baseline

    services = Services(
        open_devices=False,
        model_loader=loader,
        list_models=lambda: names,
        list_inputs=lambda: ["DeepComposer Keyboard"],
        list_outputs=lambda: [],
        autosave=False,
    )
    window = MainWindow(services)
    window.resize(1600, 960)
    window.show()
    window.transport.input.choose("DeepComposer Keyboard")
    window.input_label.setText("In: DeepComposer Keyboard")
    window.output_label.setText("Built-in synth")
    melody = Path(__file__).resolve().parents[2] / "resources" / "melodies" / "ode_to_joy.mid"
    window.files.open_file(melody)
    window.generate_panel.random_seed.setChecked(False)
    window.generate_panel.seed.setValue(42)
    window.generate_panel.variations.setValue(3)

    def shoot() -> None:
        window.roll.fit_to_composition()
        c = window.controller.composition
        window.roll.set_selection(list(c.melody.notes[4:7]))
        window.roll.set_playhead(5.5)
        window.position_label.setText("Bar 2  beat 2.5")
        app.processEvents()
        image = window.grab()
        image.save(str(out))
        print(f"generator: {which}", flush=True)
        print(f"tracks: {[t.name for t in c.tracks]}", flush=True)
        app.quit()

    window.generation.generated.connect(lambda *_: QTimer.singleShot(900, shoot))
    window.generation.failed.connect(lambda m: (print("failed:", m), app.exit(3)))
    QTimer.singleShot(300, window.actions.generate.trigger)
    QTimer.singleShot(60000, lambda: app.exit(4))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
