"""The transport toolbar: devices, tempo, meter, metronome, count-in and the play buttons.

It only reports what the user picked (signals); the main window decides what that means.
Port lists are refreshed each time a picker opens, so a keyboard plugged in later shows up.
"""

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QSpinBox, QToolBar, QWidget

BUILT_IN_SYNTH = "Built-in synth"
NO_INPUT = "No MIDI input"
TIME_SIGNATURES = ((4, 4), (3, 4), (2, 4), (6, 8), (2, 2), (5, 4), (12, 8))
GRIDS = (
    ("1/4", 4),
    ("1/8", 8),
    ("1/8 triplet", 12),
    ("1/16", 16),
    ("1/16 triplet", 24),
    ("1/32", 32),
)  # (label, Settings.quantize_grid: notes per whole note)


class PortCombo(QComboBox):
    """A port picker whose first entry is a fixed choice (the synth, or no input)."""

    def __init__(self, first: str, lister: Callable[[], list[str]], parent: QWidget | None = None):
        super().__init__(parent)
        self._first = first
        self._lister = lister
        self.setMinimumContentsLength(14)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.refresh()

    def chosen_port(self) -> str:
        """The chosen port name, or "" for the fixed first entry."""
        return "" if self.currentIndex() <= 0 else self.currentText()

    def names(self) -> list[str]:
        """The port names offered (without the fixed first entry)."""
        return [self.itemText(i) for i in range(1, self.count())]

    def refresh(self) -> None:
        current = self.chosen_port()
        try:
            names = list(self._lister())
        except Exception:  # no MIDI backend: only the fixed entry is offered
            names = []
        self.blockSignals(True)
        self.clear()
        self.addItem(self._first)
        self.addItems(names)
        if current and current not in names:
            self.addItem(current)  # keep showing a vanished port until the user picks another
        self.setCurrentIndex(self.findText(current) if current else 0)
        self.blockSignals(False)

    def choose(self, name: str) -> None:
        if name and self.findText(name) < 0:
            self.addItem(name)
        self.setCurrentIndex(self.findText(name) if name else 0)

    def showPopup(self) -> None:
        self.refresh()
        super().showPopup()


class TransportBar(QToolBar):
    inputChosen = Signal(str)  # "" = none
    outputChosen = Signal(str)  # "" = built-in synth
    tempoChanged = Signal(float)
    timeSignatureChanged = Signal(int, int)
    countInChanged = Signal(int)
    gridChanged = Signal(int)  # notes per whole note (16 = sixteenths)

    def __init__(
        self,
        actions: list[QAction | None],
        *,
        list_inputs: Callable[[], list[str]],
        list_outputs: Callable[[], list[str]],
        parent: QWidget | None = None,
    ):
        super().__init__("Transport", parent)
        self.setObjectName("transport")
        self.setMovable(False)
        for action in actions:
            if action is None:
                self.addSeparator()
            else:
                self.addAction(action)
                if action.objectName() == "record":
                    self.widgetForAction(action).setObjectName("recordButton")
        self.addSeparator()
        self.tempo = QDoubleSpinBox()
        self.tempo.setRange(20, 300)
        self.tempo.setDecimals(0)
        self.tempo.setSuffix(" BPM")
        self.tempo.setToolTip("Tempo")
        self.tempo.valueChanged.connect(self.tempoChanged.emit)
        self.meter = QComboBox()
        for num, den in TIME_SIGNATURES:
            self.meter.addItem(f"{num}/{den}", (num, den))
        self.meter.setToolTip("Time signature")
        self.meter.currentIndexChanged.connect(self._meter_changed)
        self.count_in = QSpinBox()
        self.count_in.setRange(0, 4)
        self.count_in.setSuffix(" bar")
        self.count_in.setToolTip("Count-in bars before recording starts")
        self.count_in.setSpecialValueText("None")
        self.count_in.valueChanged.connect(self.countInChanged.emit)
        self.grid = QComboBox()
        for label, value in GRIDS:
            self.grid.addItem(label, value)
        self.grid.setToolTip("Grid for drawing, moving and quantizing (Q) notes")
        self.grid.currentIndexChanged.connect(
            lambda i: self.gridChanged.emit(int(self.grid.itemData(i)))
        )
        self.input = PortCombo(NO_INPUT, list_inputs)
        self.input.setToolTip("MIDI keyboard to record from")
        self.input.currentIndexChanged.connect(
            lambda _i: self.inputChosen.emit(self.input.chosen_port())
        )
        self.output = PortCombo(BUILT_IN_SYNTH, list_outputs)
        self.output.setToolTip("Where playback and played notes sound")
        self.output.currentIndexChanged.connect(
            lambda _i: self.outputChosen.emit(self.output.chosen_port())
        )
        self.tempo.setFixedWidth(84)
        self.count_in.setFixedWidth(104)
        self.grid.setFixedWidth(112)
        for combo in (self.input, self.output):
            combo.setMaximumWidth(180)
        self.meter.setFixedWidth(64)
        for label, widget in (
            (None, self.tempo),
            (None, self.meter),
            ("Count-in", self.count_in),
            ("Grid", self.grid),
            ("In", self.input),
            ("Out", self.output),
        ):
            if label:
                self.addWidget(QLabel(label))
            self.addWidget(widget)

    @Slot(int)
    def _meter_changed(self, index: int) -> None:
        num, den = self.meter.itemData(index)
        self.timeSignatureChanged.emit(num, den)

    def show_grid(self, notes_per_whole: int) -> None:
        index = self.grid.findData(notes_per_whole)
        if index >= 0:
            self.grid.setCurrentIndex(index)

    def show_clock(self, tempo_bpm: float, numerator: int, denominator: int) -> None:
        """Reflect a loaded composition's clock without echoing it back as a user change."""
        for widget in (self.tempo, self.meter):
            widget.blockSignals(True)
        self.tempo.setValue(round(tempo_bpm))
        index = self.meter.findData((numerator, denominator))
        if index < 0:
            self.meter.addItem(f"{numerator}/{denominator}", (numerator, denominator))
            index = self.meter.count() - 1
        self.meter.setCurrentIndex(index)
        for widget in (self.tempo, self.meter):
            widget.blockSignals(False)
