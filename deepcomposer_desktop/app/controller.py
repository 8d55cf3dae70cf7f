"""The one place that holds the current Composition and turns edits into undoable steps.

Views never change data: they call ``apply`` (or an edit helper here) with a new value, and
every view redraws from ``compositionChanged``.
"""

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoStack

from deepcomposer_desktop.core import Composition

from . import edits


class CompositionController(QObject):
    compositionChanged = Signal(object)  # Composition
    titleChanged = Signal(str)
    loaded = Signal(object)  # Composition: a new piece was opened (views may re-fit)

    def __init__(self, composition: Composition | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._composition = composition if composition is not None else Composition()
        self._title = "Untitled"
        self._library_id: int | None = None
        self.undo_stack = QUndoStack(self)

    @property
    def composition(self) -> Composition:
        return self._composition

    @property
    def title(self) -> str:
        return self._title

    @property
    def library_id(self) -> int | None:
        return self._library_id

    @library_id.setter
    def library_id(self, value: int | None) -> None:
        self._library_id = value

    def set_title(self, title: str) -> None:
        self._title = title
        self.titleChanged.emit(title)

    def _set_composition(self, composition: Composition) -> None:
        self._composition = composition
        self.compositionChanged.emit(composition)

    def apply(self, new_composition: Composition, description: str) -> None:
        """Make ``new_composition`` current as one undo step (no step when nothing changed)."""
        if new_composition == self._composition:
            return
        self.undo_stack.push(
            edits.CompositionCommand(self, self._composition, new_composition, description)
        )

    def load(self, composition: Composition, *, title: str, library_id: int | None = None) -> None:
        """Replace everything (open, import, new): not undoable, so the stack starts fresh."""
        self.undo_stack.clear()
        self._library_id = library_id
        self.set_title(title)
        self._set_composition(composition)
        self.loaded.emit(composition)

    @Slot()
    def undo(self) -> None:
        self.undo_stack.undo()

    @Slot()
    def redo(self) -> None:
        self.undo_stack.redo()
