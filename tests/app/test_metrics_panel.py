import math

import pytest

from deepcomposer_desktop.app.metrics_panel import MetricsPanel
from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.metrics import METRIC_NAMES, composition_metrics

pytestmark = pytest.mark.qt


def _piece() -> Composition:
    melody = Track("soprano", tuple(Note(float(i), 67 + (i % 3), 1.0) for i in range(8)))
    alto = Track("alto", tuple(Note(float(i), 60 + (i % 5), 1.0) for i in range(0, 8, 2)))
    bass = Track("Bass", (Note(0.0, 36, 2.0), Note(0.0, 43, 2.0), Note(4.0, 38, 1.0)))
    return Composition(tracks=(melody, alto, bass), melody_index=0)


REFERENCE = {
    "real": {
        "alto": {m: 0.25 + 0.1 * i for i, m in enumerate(METRIC_NAMES)},
        "bass": {m: 0.5 for m in METRIC_NAMES},
    },
    "generated": {"alto": {m: 0.9 for m in METRIC_NAMES}},
}


def _same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(
        (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y)
        for x, y in zip(a, b, strict=True)
    )


def test_plotted_values_equal_core_metrics_and_the_real_reference(qtbot) -> None:
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    piece = _piece()
    panel.show_metrics(piece, REFERENCE)
    expected = composition_metrics(piece)["tracks"]
    assert not panel.is_empty
    assert panel.track_names == ["soprano", "alto", "Bass"]
    for metric in METRIC_NAMES:
        own, ref = panel.plotted(metric)
        wanted = [math.nan if t[metric] is None else t[metric] for t in expected]
        assert _same(own, wanted), metric
        # "Bass" matches the reference's "bass" regardless of case; soprano has none.
        assert ref is not None
        assert _same(ref, [math.nan, REFERENCE["real"]["alto"][metric], 0.5]), metric
    assert math.isnan(panel.plotted("consonance_with_melody")[0][0])  # the melody itself
    own, ref = panel.plotted("in_key_ratio")
    assert panel.labels("in_key_ratio") == [f"{v:.2f}" for v in own + ref if not math.isnan(v)]
    assert "training data" in panel.message


def test_without_reference_values_the_panel_says_so(qtbot) -> None:
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    for reference in (None, {}, {"generated": {"alto": {}}}, {"real": {"tenor": {}}}):
        panel.show_metrics(_piece(), reference)
        own, ref = panel.plotted("in_key_ratio")
        assert ref is None
        assert len(own) == 3
        assert "no training-set reference" in panel.message


def test_nothing_to_measure_shows_an_empty_state(qtbot) -> None:
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    assert panel.is_empty
    panel.show_metrics(_piece(), REFERENCE)
    panel.show_metrics(Composition(tracks=(Track("soprano"),)), REFERENCE)
    assert panel.is_empty
    assert panel.labels("polyphony_rate") == []
    assert "No metrics yet" in panel.message
    assert panel.track_names == []


def test_a_metrics_failure_becomes_the_empty_state_message(qtbot, monkeypatch) -> None:
    from deepcomposer_desktop.app import metrics_panel
    from deepcomposer_desktop.core.errors import CompositionError

    def refuse(_composition):
        raise CompositionError("the piece is too long to measure")

    monkeypatch.setattr(metrics_panel, "composition_metrics", refuse)
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    panel.show_metrics(_piece(), REFERENCE)
    assert panel.is_empty
    assert panel.message == "Metrics cannot be computed: the piece is too long to measure"
