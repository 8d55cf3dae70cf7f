"""Generate behaviour: run the model in the pool, show variations, regenerate one track, metrics.

The first variation is applied at once (one undo step) so the tracks appear as soon as the
model answers; picking another variation replaces it (another undo step).
"""

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Slot

from deepcomposer_desktop.core import Composition

from .generation import GenerateRequest

if TYPE_CHECKING:
    from .mainwindow import MainWindow

log = logging.getLogger(__name__)


class GenerateHandlers(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.variations: list[Composition] = []
        self.base: Composition | None = None
        self.last_request: GenerateRequest | None = None
        self.last_duration_s: float | None = None
        self._metrics_timer: QTimer | None = None
        panel = window.generate_panel
        panel.set_models(window.services.list_models(), preferred=window.settings.default_model)
        panel.generateRequested.connect(self.generate)
        window.actions.generate.triggered.connect(panel.request)
        window.generation.started.connect(self._started)
        window.generation.generated.connect(self._generated)
        window.generation.failed.connect(self._failed)
        window.tracks_panel.regenerateRequested.connect(self.regenerate_track)
        window.tracks_panel.set_can_regenerate(panel.model.count() > 0)
        if window.variations_view is not None:
            window.variations_view.variationChosen.connect(self.choose_variation)
        if panel.model.count() == 0:
            window.actions.disable_missing("generate", "No generator model is installed")

    @Slot(str, int, int)
    def generate(self, model: str, seed: int, variations: int) -> None:
        c = self.w.controller.composition
        melody_only = c
        if c.melody is not None:
            melody_only = Composition(
                tracks=(c.melody,),
                tempo_map=c.tempo_map,
                time_signatures=c.time_signatures,
                ticks_per_beat=c.ticks_per_beat,
                melody_index=0,
                key=c.key,
                title=c.title,
            )
        self.base = c
        self.w.generation.generate(melody_only, model=model, seed=seed, variations=variations)

    @Slot(int)
    def regenerate_track(self, index: int) -> None:
        c = self.w.controller.composition
        panel = self.w.generate_panel
        if not panel.model.currentText() or index == c.melody_index:
            return
        self.base = c
        self.w.generation.generate(
            c,
            model=panel.model.currentText(),
            seed=panel.chosen_seed(),
            variations=1,
            regenerate=[c.tracks[index].name],
        )

    @Slot(object)
    def _started(self, request: GenerateRequest) -> None:
        self.last_request = request
        what = (
            "Regenerating " + ", ".join(request.regenerate)
            if request.regenerate
            else (f"Generating {request.variations} variation(s) with {request.model}")
        )
        self.w.generate_panel.set_busy(True, f"{what}… (seed {request.seed})")
        self.w.actions.generate.setEnabled(False)
        self.w.show_message(what + "…")

    @Slot(object, object)
    def _generated(self, variations: list[Composition], request: GenerateRequest) -> None:
        self.last_duration_s = time.monotonic() - request.started_s
        self.w.generate_panel.set_busy(
            False, f"Seed {request.seed}: done in {self.last_duration_s:.2f} s."
        )
        self.w.actions.generate.setEnabled(True)
        base = self.base or self.w.controller.composition
        self.variations = [self._keep_base_clock(v, base) for v in variations]
        view = self.w.variations_view
        if view is not None and len(self.variations) > 1 and not request.regenerate:
            view.set_variations(self.variations)
            if not self.w.variations_dock.isVisible():
                self.w.variations_dock.show()
                self.w.resizeDocks([self.w.variations_dock], [160], Qt.Orientation.Vertical)
        label = "Regenerate " + ", ".join(request.regenerate) if request.regenerate else "Generate"
        self.w.controller.apply(self.variations[0], label)
        names = [
            t.name
            for i, t in enumerate(self.variations[0].tracks)
            if i != self.variations[0].melody_index
        ]
        self.w.show_message(f"{label}: {', '.join(names)} in {self.last_duration_s:.2f} s.")

    @staticmethod
    def _keep_base_clock(result: Composition, base: Composition) -> Composition:
        """The result keeps the piece's title and, when unchanged, the user's mixer state."""
        from dataclasses import replace

        return replace(result, title=base.title, key=result.key or base.key)

    @Slot(int)
    def choose_variation(self, index: int) -> None:
        if 0 <= index < len(self.variations):
            self.w.controller.apply(self.variations[index], f"Choose variation {index + 1}")

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.w.generate_panel.set_busy(False, message)
        self.w.actions.generate.setEnabled(self.w.generate_panel.model.count() > 0)
        self.w.show_problem(message)

    def reference_metrics(self) -> dict[str, Any] | None:
        model = self.w.generate_panel.model.currentText()
        generator = self.w.generation.loaded(model) if model else None
        manifest = getattr(generator, "manifest", None)
        return getattr(manifest, "reference_metrics", None)

    def refresh_metrics(self, composition: Composition) -> None:
        """Recompute metrics a moment after the last change (drags make many changes)."""
        if self.w.metrics_panel is None:
            return
        if self._metrics_timer is None:
            self._metrics_timer = QTimer(self)
            self._metrics_timer.setSingleShot(True)
            self._metrics_timer.setInterval(250)
            self._metrics_timer.timeout.connect(self._show_metrics)
        self._metrics_timer.start()

    @Slot()
    def _show_metrics(self) -> None:
        panel = self.w.metrics_panel
        try:
            panel.show_metrics(self.w.controller.composition, self.reference_metrics())
        except Exception:  # metrics are advisory; never block editing
            log.exception("metrics panel failed")
