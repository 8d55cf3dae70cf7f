"""Generate controls: which model, which seed (or a random one), how many variations.

The panel asks; the generation session answers (``set_busy`` while a worker runs).
"""

import random

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

MAX_SEED = 2**31 - 1


class GeneratePanel(QWidget):
    generateRequested = Signal(str, int, int)  # model name, seed, variations

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = QComboBox()
        self.model.setToolTip("Generator model (bundled in models/ or your own)")
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.seed.setValue(1)
        self.random_seed = QCheckBox("Random")
        self.random_seed.setChecked(True)
        self.random_seed.toggled.connect(lambda on: self.seed.setEnabled(not on))
        self.seed.setEnabled(False)
        self.variations = QSpinBox()
        self.variations.setRange(1, 8)
        self.variations.setValue(3)
        self.button = QPushButton("Generate  (G)")
        self.button.setObjectName("generateButton")
        self.button.clicked.connect(self.request)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.random_seed)
        form = QFormLayout()
        form.addRow("Model", self.model)
        form.addRow("Seed", seed_row)
        form.addRow("Variations", self.variations)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.button)
        layout.addWidget(self.status)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_models(self, names: list[str], *, preferred: str = "") -> None:
        current = preferred if preferred in names else self.model.currentText()
        self.model.clear()
        self.model.addItems(names)
        if current in names:
            self.model.setCurrentText(current)
        self.button.setEnabled(bool(names))
        self.model.setEnabled(bool(names))
        if not names:
            self.status.setText("No generator model is installed (models/ or your models folder).")

    def chosen_seed(self) -> int:
        """A fresh random seed is shown in the box, so a liked result can be made again."""
        if self.random_seed.isChecked():
            self.seed.setValue(random.randint(0, MAX_SEED))
        return self.seed.value()

    @Slot()
    def request(self) -> None:
        if not self.button.isEnabled() or not self.model.currentText():
            return
        self.generateRequested.emit(
            self.model.currentText(), self.chosen_seed(), self.variations.value()
        )

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.button.setEnabled(not busy and self.model.count() > 0)
        self.button.setText("Generating…" if busy else "Generate  (G)")
        self.status.setText(message)
