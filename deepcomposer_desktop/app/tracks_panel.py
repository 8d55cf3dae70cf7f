"""One row per track: colour, name, instrument, volume, mute, solo, regenerate.

Rows are rebuilt from each new composition; changes go out as signals to the main window,
which turns them into undoable controller edits.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deepcomposer_desktop.core import Composition

from . import theme
from .gm_programs import GM_PROGRAM_NAMES


class TracksPanel(QWidget):
    trackChanged = Signal(int, object)  # track index, field changes (program/volume/muted/solo)
    regenerateRequested = Signal(int)  # track index
    removeRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._grid = QGridLayout()
        self._grid.setContentsMargins(6, 6, 6, 6)
        self._grid.setHorizontalSpacing(6)
        self._grid.setColumnStretch(2, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._grid)
        outer.addStretch(1)
        self._can_regenerate = False
        self.rows: list[dict[str, QWidget]] = []

    def set_can_regenerate(self, able: bool) -> None:
        self._can_regenerate = able
        for row in self.rows:
            if "regenerate" in row:
                row["regenerate"].setEnabled(able)

    def show_composition(self, composition: Composition) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = []
        for index in range(len(composition.tracks)):
            self._add_row(index, composition)
        if not composition.tracks:
            hint = QLabel("Record, play or import a melody to begin.")
            hint.setStyleSheet(f"color: {theme.TEXT_DIM};")
            self._grid.addWidget(hint, 0, 0, 1, 7)

    def _add_row(self, index: int, composition: Composition) -> None:
        track = composition.tracks[index]
        is_melody = index == composition.melody_index
        swatch = QFrame()
        swatch.setFixedSize(10, 22)
        colour = theme.track_colour(index, composition.melody_index).name()
        swatch.setStyleSheet(f"background: {colour}; border-radius: 3px;")
        name = QLabel(track.name)
        name.setMinimumWidth(70)
        if is_melody:
            name.setToolTip("The melody: the track the model accompanies")
            name.setStyleSheet("font-weight: bold;")
        program = QComboBox()
        program.addItems([f"{i + 1} {n}" for i, n in enumerate(GM_PROGRAM_NAMES)])
        program.setCurrentIndex(track.program)
        program.setEnabled(not track.is_drum)
        program.setMaximumWidth(190)
        program.currentIndexChanged.connect(
            lambda v, i=index: self.trackChanged.emit(i, {"program": v})
        )
        volume = QSlider(Qt.Orientation.Horizontal)
        volume.setRange(0, 127)
        volume.setValue(track.volume)
        volume.setFixedWidth(90)
        volume.setToolTip("Volume")
        volume.sliderReleased.connect(
            lambda i=index, s=volume: self.trackChanged.emit(i, {"volume": s.value()})
        )
        mute = self._toggle("M", "Mute", track.muted, index, "muted")
        solo = self._toggle("S", "Solo", track.solo, index, "solo")
        row: dict[str, QWidget] = {
            "name": name,
            "program": program,
            "volume": volume,
            "mute": mute,
            "solo": solo,
        }
        widgets: list[QWidget] = [swatch, name, program, volume, mute, solo]
        if not is_melody:
            regen = QToolButton()
            regen.setText("⟳")
            regen.setToolTip("Regenerate this track only")
            regen.setEnabled(self._can_regenerate)
            regen.clicked.connect(lambda _c=False, i=index: self.regenerateRequested.emit(i))
            remove = QToolButton()
            remove.setText("✕")
            remove.setToolTip("Remove this track")
            remove.clicked.connect(lambda _c=False, i=index: self.removeRequested.emit(i))
            row["regenerate"] = regen
            row["remove"] = remove
            widgets += [regen, remove]
        for column, widget in enumerate(widgets):
            self._grid.addWidget(widget, index, column)
        self.rows.append(row)

    def _toggle(self, text: str, tip: str, on: bool, index: int, field: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setChecked(on)
        button.toggled.connect(lambda v, i=index: self.trackChanged.emit(i, {field: v}))
        return button
