"""Importing a MIDI file: show its tracks and let the user say which one is the melody.

``ImportDialog.choose(parent, path)`` is the whole job: read the file (a broken one gives a
message box with the one-line error and None), list each track (name, instrument, notes, pitch
range), preselect ``core``'s ``choose_melody_track`` guess, and return the composition with
``melody_index`` set to the user's pick, or None if they cancel.
"""

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deepcomposer_desktop.app.gm_programs import GM_PROGRAM_NAMES
from deepcomposer_desktop.core import Composition, Track
from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.key import PITCH_CLASS_NAMES
from deepcomposer_desktop.core.midifile import read_midi

COLUMNS = ("Track", "Instrument", "Notes", "Range")


def note_name(pitch: int) -> str:
    """Scientific pitch notation, middle C (60) = C4."""
    return f"{PITCH_CLASS_NAMES[pitch % 12]}{pitch // 12 - 1}"


def instrument_name(track: Track) -> str:
    if track.is_drum:
        return "Drums"
    if track.program < len(GM_PROGRAM_NAMES):
        return f"{track.program}: {GM_PROGRAM_NAMES[track.program]}"
    return f"Program {track.program}"


def range_text(track: Track) -> str:
    pitch_range = track.pitch_range
    if pitch_range is None:
        return "-"
    return f"{note_name(pitch_range[0])}-{note_name(pitch_range[1])}"


class ImportDialog(QDialog):
    """The track list of one read file; the selected row is the melody."""

    def __init__(
        self, composition: Composition, file_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._composition = composition
        self.setWindowTitle(f"Import {file_name}")
        self.setMinimumWidth(620)
        count = len(composition.tracks)
        summary = (
            f"{count} track{'s' if count != 1 else ''}, {composition.bar_count} bars, "
            f"{composition.tempo_bpm:.0f} BPM, {composition.time_signature}. "
            "Choose the melody track; generation adds accompaniment to it."
        )
        label = QLabel(summary, self)
        label.setWordWrap(True)
        self.table = QTableWidget(len(composition.tracks), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        for row, track in enumerate(composition.tracks):
            cells = (
                track.name or f"Track {row + 1}",
                instrument_name(track),
                str(len(track.notes)),
                range_text(track),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self.table.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        guess = composition.melody_index
        self.table.selectRow(guess if guess is not None else 0)
        self._update_ok()

    @property
    def melody_index(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.melody_index is not None)

    def chosen_composition(self) -> Composition:
        return replace(self._composition, melody_index=self.melody_index)

    @classmethod
    def choose(cls, parent: QWidget | None, path: str | Path) -> Composition | None:
        """Read ``path`` and ask for the melody track; None on error or cancel."""
        path = Path(path)
        try:
            composition = read_midi(path)
            if not any(track.notes for track in composition.tracks):
                raise DeepComposerError(f"{path.name} contains no notes")
        except DeepComposerError as err:
            QMessageBox.warning(parent, "Cannot import MIDI file", str(err))
            return None
        if not composition.title:
            composition = replace(composition, title=path.stem.replace("_", " "))
        dialog = cls(composition, path.name, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.chosen_composition()
        finally:
            dialog.deleteLater()
