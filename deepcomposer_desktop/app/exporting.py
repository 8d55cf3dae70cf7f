"""Getting music out: MIDI and WAV files, and a button that drags a MIDI file into a DAW.

``export_midi`` and ``export_wav`` are plain functions (no widgets) that raise
``DeepComposerError`` subclasses with one-line messages, so the window can show ``str(err)``.
WAV rendering takes seconds, so ``start_wav_export`` runs it in a ``QThreadPool`` task and
reports back through signals on the GUI thread.
"""

import logging
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QMimeData,
    QObject,
    QPoint,
    QRunnable,
    Qt,
    QTemporaryDir,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.errors import CompositionError, DeepComposerError, OutputFileError
from deepcomposer_desktop.core.midifile import composition_to_bytes, write_midi

log = logging.getLogger(__name__)

# Signal objects of exports still running: Qt needs them alive until the task reports.
_IN_FLIGHT: set["WavExportSignals"] = set()

MIDI_MIME_TYPE = "audio/midi"


def _with_suffix(path: str | Path, suffix: str) -> Path:
    path = Path(path)
    return (
        path
        if path.suffix.lower() in (suffix, suffix + "i")
        else path.with_name(path.name + suffix)
    )


def _check_not_empty(composition: Composition) -> None:
    if not any(track.notes for track in composition.tracks):
        raise CompositionError("there is nothing to export: the composition has no notes")


def export_midi(composition: Composition, path: str | Path) -> Path:
    """Write a type-1 MIDI file (``.mid`` added when missing); returns the path written.

    Raises CompositionError (no notes) or OutputFileError (folder missing or unwritable, disk
    full).
    """
    _check_not_empty(composition)
    target = _with_suffix(path, ".mid")
    if not target.parent.is_dir():
        raise OutputFileError(f"cannot write {target}: the folder {target.parent} does not exist")
    write_midi(composition, target)
    return target


def export_wav(
    composition: Composition,
    path: str | Path,
    *,
    soundfont: str | Path | None = None,
    sample_rate: int = 44100,
) -> Path:
    """Render with the built-in synth and write 16-bit stereo WAV; returns the path written.

    Safe to call on a worker thread (no Qt). Raises CompositionError, SoundFontError,
    AudioError or OutputFileError.
    """
    from deepcomposer_desktop.audio.render import render_composition, write_wav

    _check_not_empty(composition)
    target = _with_suffix(path, ".wav")
    if not target.parent.is_dir():
        raise OutputFileError(f"cannot write {target}: the folder {target.parent} does not exist")
    audio = render_composition(composition, soundfont=soundfont, sample_rate=sample_rate)
    write_wav(target, audio, sample_rate)
    return target


class WavExportSignals(QObject):
    finished = Signal(str)  # the path written
    failed = Signal(str)  # one-line message


class WavExportTask(QRunnable):
    """Runs ``export_wav`` off the GUI thread; the signals arrive queued on the GUI thread."""

    def __init__(
        self, composition: Composition, path: str | Path, *, soundfont: str | Path | None = None
    ) -> None:
        super().__init__()
        self.signals = WavExportSignals()
        self._args = (composition, path, soundfont)

    def run(self) -> None:
        composition, path, soundfont = self._args
        try:
            written = export_wav(composition, path, soundfont=soundfont)
        except DeepComposerError as err:
            self.signals.failed.emit(str(err))
        except Exception as err:  # never let a worker die silently
            log.exception("WAV export failed")
            self.signals.failed.emit(f"WAV export failed: {err}")
        else:
            self.signals.finished.emit(str(written))


def start_wav_export(
    composition: Composition,
    path: str | Path,
    *,
    soundfont: str | Path | None = None,
    on_finished: Callable[[str], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    pool: QThreadPool | None = None,
) -> WavExportSignals:
    """Queue a WAV export; ``on_finished(path)`` / ``on_failed(message)`` run on the GUI thread.

    The task starts on the next turn of the event loop, so connecting to the returned signals
    right after this call is also safe; the signals object stays alive until it has reported.
    """
    task = WavExportTask(composition, path, soundfont=soundfont)
    signals = task.signals
    if on_finished is not None:
        signals.finished.connect(on_finished)
    if on_failed is not None:
        signals.failed.connect(on_failed)
    _IN_FLIGHT.add(signals)
    signals.finished.connect(lambda _path: _IN_FLIGHT.discard(signals))
    signals.failed.connect(lambda _message: _IN_FLIGHT.discard(signals))
    target = pool or QThreadPool.globalInstance()
    QTimer.singleShot(0, lambda: target.start(task))
    return signals


def drag_file_name(composition: Composition) -> str:
    """A safe file name from the title ("Untitled.mid" without one)."""
    title = re.sub(r"[^\w\- ]+", "", composition.title).strip()[:60]
    return f"{title or 'Untitled'}.mid"


class MidiDragButton(QToolButton):
    """Drag this button onto a DAW or the desktop to drop the composition as a .mid file.

    The file is written to a temporary folder owned by the button at drag start (receivers
    read it after the drop, so it stays until the button goes away).
    """

    dragStarted = Signal(str)  # path of the file offered

    drag_factory = QDrag  # replaceable in tests, where no drop target exists

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("Drag MIDI")
        self.setToolTip("Drag onto your DAW or desktop to drop the composition as a MIDI file")
        self._composition: Composition | None = None
        self._press_pos: QPoint | None = None
        self._temp_dir = QTemporaryDir()
        self.setEnabled(False)

    def set_composition(self, composition: Composition | None) -> None:
        self._composition = composition
        self.setEnabled(
            composition is not None and any(track.notes for track in composition.tracks)
        )

    def mime_data(self) -> QMimeData:
        """Write the temporary file and describe it as a file URL plus raw ``audio/midi``."""
        if self._composition is None:
            raise CompositionError("there is nothing to drag")
        _check_not_empty(self._composition)
        if not self._temp_dir.isValid():
            raise OutputFileError("cannot create a temporary folder for the dragged file")
        data = composition_to_bytes(self._composition)
        path = Path(self._temp_dir.path()) / drag_file_name(self._composition)
        try:
            path.write_bytes(data)
        except OSError as err:
            raise OutputFileError(f"cannot write {path}: {err.strerror or err}") from err
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        mime.setData(MIDI_MIME_TYPE, data)
        return mime

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press_pos is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return super().mouseMoveEvent(event)
        moved = (event.position().toPoint() - self._press_pos).manhattanLength()
        if moved >= QApplication.startDragDistance():
            self._press_pos = None
            self.setDown(False)
            self.start_drag()
        return None

    def start_drag(self) -> Qt.DropAction:
        try:
            mime = self.mime_data()
        except DeepComposerError as err:
            log.warning("cannot drag the composition: %s", err)
            return Qt.DropAction.IgnoreAction
        drag = self.drag_factory(self)
        drag.setMimeData(mime)
        self.dragStarted.emit(mime.urls()[0].toLocalFile())
        return drag.exec(Qt.DropAction.CopyAction)
