"""The evaluation panel: each track's quality metrics beside the model's training-set values.

As the original DeepComposer console did, every metric gets its own small bar chart; for each
track there is a bar in the track's colour (this composition, from ``core.metrics``) and, when
the model's manifest has one, a grey bar for the same-named track of the held-out real data
(``reference["real"][track][metric]``). Without any reference the panel still shows the
composition's values and says plainly that there is nothing to compare with.
"""

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from deepcomposer_desktop.app import theme
from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.metrics import METRIC_NAMES, composition_metrics

METRIC_LABELS = {
    "empty_bar_rate": "Empty bars (rate)",
    "pitches_per_bar": "Pitches per bar",
    "pitch_classes_per_bar": "Pitch classes per bar",
    "in_c_major_ratio": "Notes in C major",
    "in_key_ratio": "Notes in key",
    "polyphony_rate": "Polyphony (rate)",
    "consonance_with_melody": "Consonance with melody",
}
REFERENCE_COLOUR = "#8a909c"
COLUMNS = 4
BAR_WIDTH = 0.38


def _value(value: Any) -> float:
    """Metric values as plot heights: None (not applicable) becomes NaN, drawn as no bar."""
    return math.nan if value is None else float(value)


def reference_for(reference: dict[str, Any] | None, track_name: str) -> dict[str, Any] | None:
    """The "real" reference metrics of ``track_name`` (matched ignoring case), or None."""
    if not isinstance(reference, dict) or not isinstance(reference.get("real"), dict):
        return None
    for name, values in reference["real"].items():
        if str(name).casefold() == track_name.casefold() and isinstance(values, dict):
            return values
    return None


class MetricsPanel(QWidget):
    """Call ``show_metrics`` whenever the composition or the model changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = QStackedWidget(self)
        self._empty = QLabel(self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setObjectName("metricsEmptyState")
        self._graphs = pg.GraphicsLayoutWidget(self)
        self._graphs.setBackground(theme.BACKGROUND)
        self._note = QLabel(self)
        self._note.setObjectName("metricsNote")
        self._note.setWordWrap(True)
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self._graphs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self._note)
        self._track_names: list[str] = []
        self._has_reference = False
        # Plots and bar items are made once and updated in place: deleting pyqtgraph items
        # and making new ones on every update crashed PySide6 at interpreter exit.
        self._plots: dict[str, pg.PlotItem] = {}
        self._bars: dict[str, tuple[pg.BarGraphItem, pg.BarGraphItem]] = {}
        self._labels: dict[str, list[pg.TextItem]] = {}  # value labels, a pool per plot
        for n, metric in enumerate(METRIC_NAMES):
            plot = self._graphs.addPlot(row=n // COLUMNS, col=n % COLUMNS)
            plot.setTitle(METRIC_LABELS[metric], color=theme.TEXT_DIM, size="9pt")
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setMenuEnabled(False)
            own = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, pen=None)
            ref = pg.BarGraphItem(
                x=[], height=[], width=BAR_WIDTH, brush=REFERENCE_COLOUR, pen=None
            )
            plot.addItem(own)
            plot.addItem(ref)
            self._plots[metric] = plot
            self._bars[metric] = (own, ref)
            self._labels[metric] = []
        self.show_metrics(None, None)

    # -- what the tests and the window read back ------------------------------------------

    @property
    def is_empty(self) -> bool:
        return self._stack.currentWidget() is self._empty

    @property
    def message(self) -> str:
        """The empty-state text, or the note under the charts."""
        return self._empty.text() if self.is_empty else self._note.text()

    @property
    def track_names(self) -> list[str]:
        return list(self._track_names)

    def plotted(self, metric: str) -> tuple[list[float], list[float] | None]:
        """The bar heights drawn for ``metric``: per track, and the reference row (or None)."""
        generated, reference = self._bars[metric]
        own = [float(h) for h in generated.opts["height"]]
        if not self._has_reference:
            return own, None
        return own, [float(h) for h in reference.opts["height"]]

    def labels(self, metric: str) -> list[str]:
        """The value labels shown on ``metric``'s bars, left to right."""
        return [item.toPlainText() for item in self._labels[metric] if item.isVisible()]

    # -- drawing ------------------------------------------------------------------------------

    def _place_labels(self, metric: str, bars: list[tuple[float, float]]) -> None:
        """One small value label above each bar (NaN bars get none); spare labels hide."""
        pool = self._labels[metric]
        shown = [(x, h) for x, h in bars if not math.isnan(h)]
        while len(pool) < len(shown):
            item = pg.TextItem(color=theme.TEXT_DIM, anchor=(0.5, 1.0))
            font = QFont(item.textItem.font())
            font.setPointSizeF(7.0)
            item.setFont(font)
            self._plots[metric].addItem(item)
            pool.append(item)
        for item, (x, height) in zip(pool, shown, strict=False):
            item.setText(f"{height:.2f}")
            item.setPos(x, height)
            item.setVisible(True)
        for item in pool[len(shown) :]:
            item.setVisible(False)

    def _show_empty(self, message: str) -> None:
        for metric, (own, ref) in self._bars.items():
            own.setOpts(x=[], height=[])
            ref.setOpts(x=[], height=[])
            self._place_labels(metric, [])
        self._empty.setText(message)
        self._stack.setCurrentWidget(self._empty)
        self._note.setText("")

    def show_metrics(
        self, composition: Composition | None, reference: dict[str, Any] | None = None
    ) -> None:
        """Plot every track's metrics; ``reference`` is a manifest's ``reference_metrics``."""
        self._track_names = []
        self._has_reference = False
        if composition is None or not any(t.notes for t in composition.tracks):
            self._show_empty(
                "No metrics yet: record or import a melody and generate accompaniment to "
                "see how its tracks compare with the model's training data."
            )
            return
        try:
            result = composition_metrics(composition)
        except DeepComposerError as err:
            self._show_empty(f"Metrics cannot be computed: {err}")
            return
        tracks = result["tracks"]
        self._track_names = [t["name"] for t in tracks]
        references = [reference_for(reference, t["name"]) for t in tracks]
        has_reference = self._has_reference = any(r is not None for r in references)
        colours = [
            theme.track_colour(i, composition.melody_index).name() for i in range(len(tracks))
        ]
        x = list(range(len(tracks)))
        offset = BAR_WIDTH / 2 if has_reference else 0.0
        for metric in METRIC_NAMES:
            plot = self._plots[metric]
            own, ref = self._bars[metric]
            heights = [_value(t[metric]) for t in tracks]
            own.setOpts(
                x=[i - offset for i in x],
                height=heights,
                width=BAR_WIDTH if has_reference else 2 * BAR_WIDTH,
                brushes=colours,
            )
            ref_heights = [_value(r.get(metric)) if r else math.nan for r in references]
            ref.setOpts(x=[i + offset for i in x], height=ref_heights)
            ref.setVisible(has_reference)
            plot.getAxis("bottom").setTicks([[(i, t["name"]) for i, t in enumerate(tracks)]])
            finite = [h for h in heights if not math.isnan(h)]
            if has_reference:
                finite += [h for h in ref_heights if not math.isnan(h)]
            counts = metric in ("pitches_per_bar", "pitch_classes_per_bar")
            plot.setYRange(0.0, max([1.0, *finite]) * 1.2 if counts else 1.2)
            placed = list(zip(own.opts["x"], heights, strict=True))
            if has_reference:
                placed += list(zip(ref.opts["x"], ref_heights, strict=True))
            self._place_labels(metric, placed)
            plot.setXRange(-0.6, len(tracks) - 0.4)
        self._stack.setCurrentWidget(self._graphs)
        key = f"Key: {result['key']}, {result['bars']} bars. "
        if has_reference:
            self._note.setText(
                key + "Coloured bars: this composition. Grey bars: the model's training data "
                "(real music) for the same track."
            )
        else:
            self._note.setText(
                key + "This model has no training-set reference values, so only this "
                "composition's values are shown."
            )
