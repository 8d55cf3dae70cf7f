"""The library window (open, rename, duplicate, delete) and the restore offer after a crash.

``LibraryDialog`` shows every saved composition and emits ``openRequested(entry_id)``; the
main window loads it through its controller. ``RestoreDialog.ask`` runs at start: if the last
run ended without a clean exit it lists what was open, and returns what the user chose to
reopen. Nothing is lost either way: the autosaved compositions are library entries already,
and a recording that was in progress is saved as a new entry before its session is forgotten.
"""

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deepcomposer_desktop.app.autosave import RecoverableSession, recoverable_sessions
from deepcomposer_desktop.app.library import Library, LibraryError
from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import DeepComposerError

COLUMNS = ("Title", "Modified", "Bars", "Tracks")


def format_time(seconds_since_epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds_since_epoch))


class LibraryDialog(QDialog):
    """Browse the library; double-click or Open emits ``openRequested`` and closes."""

    openRequested = Signal(int)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.setWindowTitle("Library")
        self.resize(640, 420)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty_label = QLabel("The library is empty: compositions appear here as you work.")
        self.open_button = QPushButton("Open", self)
        self.rename_button = QPushButton("Rename…", self)
        self.duplicate_button = QPushButton("Duplicate", self)
        self.delete_button = QPushButton("Delete…", self)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_selected)
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        buttons = QHBoxLayout()
        for button in (self.rename_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        """Reload the entries (newest first), keeping or moving the selection."""
        select_id = self.selected_id() if select_id is None else select_id
        try:
            entries = self._library.entries()
        except LibraryError as err:
            self._error(err)
            entries = []
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (entry.title, format_time(entry.modified_s), str(entry.bars))
            for column, text in enumerate((*cells, str(entry.tracks))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.table.setItem(row, column, item)
            if entry.id == select_id:
                self.table.selectRow(row)
        if entries and self.selected_id() is None:
            self.table.selectRow(0)
        self.empty_label.setVisible(not entries)
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _selected_title(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        return "" if item is None else item.text()

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        for button in (
            self.open_button,
            self.rename_button,
            self.duplicate_button,
            self.delete_button,
        ):
            button.setEnabled(chosen)

    def _error(self, err: DeepComposerError) -> None:
        QMessageBox.warning(self, "Library", str(err))

    def open_selected(self) -> None:
        entry_id = self.selected_id()
        if entry_id is not None:
            self.openRequested.emit(entry_id)
            self.accept()

    def rename_selected(self, title: str | None = None) -> None:
        """Rename the selected entry; asks for the title when none is given."""
        entry_id = self.selected_id()
        if entry_id is None:
            return
        if title is None:
            current = self._selected_title()
            title, ok = QInputDialog.getText(self, "Rename", "Title:", text=current)
            if not ok:
                return
        title = title.strip()
        if not title:
            return
        try:
            self._library.rename(entry_id, title)
        except LibraryError as err:
            self._error(err)
        self.refresh(entry_id)

    def duplicate_selected(self) -> None:
        entry_id = self.selected_id()
        if entry_id is None:
            return
        try:
            new_id = self._library.duplicate(entry_id)
        except LibraryError as err:
            self._error(err)
            new_id = entry_id
        self.refresh(new_id)

    def delete_selected(self, *, confirm: bool = True) -> None:
        entry_id = self.selected_id()
        if entry_id is None:
            return
        title = self._selected_title()
        if confirm:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Delete composition",
                f"Delete “{title}” from the library? This cannot be undone.",
                QMessageBox.StandardButton.Cancel,
                self,
            )
            delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            confirmed = box.clickedButton() is delete
            box.deleteLater()
            if not confirmed:
                return
        try:
            self._library.delete(entry_id)
        except LibraryError as err:
            self._error(err)
        self.refresh()


@dataclass(frozen=True, slots=True)
class RestoredItem:
    """Something to reopen after a crash; ``entry_id`` is its library entry."""

    title: str
    composition: Composition
    entry_id: int


def settle_sessions(
    library: Library, sessions: list[RecoverableSession], chosen_ids: set[int]
) -> list[RestoredItem]:
    """Keep every unfinished recording as a library entry, forget the sessions, and return
    the compositions of the ``chosen_ids`` sessions (what was open, then its recording)."""
    restored = []
    for session in sessions:
        items = []
        if session.entry_id is not None:
            items.append(
                RestoredItem(session.title, library.load(session.entry_id), session.entry_id)
            )
        take = library.session_take(session.session_id) if session.has_take else None
        if take is not None and any(t.notes for t in take.tracks):
            title = f"Recovered recording {format_time(session.saved_s)}"
            items.append(RestoredItem(title, take, library.save(take, title=title)))
        library.discard_session(session.session_id)
        if session.session_id in chosen_ids:
            restored.extend(items)
    return restored


class RestoreDialog(QDialog):
    """ "DeepComposer did not close normally" with a checkable list of what can be reopened."""

    def __init__(self, sessions: list[RecoverableSession], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Restore your work")
        self._sessions = sessions
        label = QLabel(
            "DeepComposer Desktop did not close normally last time. Your work was autosaved: "
            "choose what to reopen. Everything also stays in the library.",
            self,
        )
        label.setWordWrap(True)
        self.list = QListWidget(self)
        for session in sessions:
            text = f"{session.title} — saved {format_time(session.saved_s)}"
            if session.has_take:
                text += " (with an unfinished recording)"
            item = QListWidgetItem(text, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, session.session_id)
        self.buttons = QDialogButtonBox(self)
        self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Not now", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)

    def chosen_ids(self) -> set[int]:
        return {
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        }

    @classmethod
    def ask(cls, library: Library, parent: QWidget | None = None) -> list[RestoredItem]:
        """At start: offer the recoverable sessions (if any) and return what to reopen."""
        try:
            sessions = recoverable_sessions(library)
            if not sessions:
                return []
            dialog = cls(sessions, parent)
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            chosen = dialog.chosen_ids() if accepted else set()
            dialog.deleteLater()
            return settle_sessions(library, sessions, chosen)
        except DeepComposerError as err:
            QMessageBox.warning(parent, "Restore your work", str(err))
            return []
