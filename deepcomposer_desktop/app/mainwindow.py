"""The main window: layout and wiring. Behaviour lives in the window_* handler modules.

Layout: transport toolbar on top; the piano roll in the middle with the on-screen piano under
it; Generate, Tracks and Metrics docked on the right; Variations docked at the bottom; status
bar with the active output/input and the position.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.settings import Settings

from . import optional, window_edit, window_files, window_generate, window_transport
from .actions import WindowActions
from .controller import CompositionController
from .generate_panel import GeneratePanel
from .generation import GenerationSession, _load_real, list_model_names
from .keyboard_widget import PianoKeyboardWidget, QwertyKeyboard
from .live_input import LiveInputSession
from .pianoroll_view import PianoRollView
from .playback import PlaybackSession
from .tracks_panel import TracksPanel
from .transport import TransportBar

log = logging.getLogger(__name__)


def _ports(kind: str) -> Callable[[], list[str]]:
    def lister() -> list[str]:
        from deepcomposer_desktop.midi import ports

        return ports.list_inputs() if kind == "in" else ports.list_outputs()

    return lister


@dataclass
class Services:
    """What the window talks to; tests replace pieces (a fake model loader, no devices)."""

    settings: Settings = field(default_factory=Settings)
    settings_store: Any = None  # app.settings_store.SettingsStore, when available
    library: Any = None  # app.library.Library, when available
    model_loader: Callable[[str, int], Any] = _load_real
    list_models: Callable[[], list[str]] = list_model_names
    list_inputs: Callable[[], list[str]] = field(default_factory=lambda: _ports("in"))
    list_outputs: Callable[[], list[str]] = field(default_factory=lambda: _ports("out"))
    open_devices: bool = True  # open the chosen input/output at start (off in unit tests)
    autosave: bool = True


class MainWindow(QMainWindow):
    def __init__(self, services: Services | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services or Services()
        self.settings = self.services.settings
        self.problems: list[str] = []  # every message shown in a box, for tests and logs
        self.controller = CompositionController(parent=self)
        self.actions = WindowActions(self)
        self.playback = PlaybackSession(
            self,
            soundfont=self.settings.soundfont_path,
            buffer_frames=self.settings.audio_buffer_frames,
        )
        self.live = LiveInputSession(self.playback.sink, self)
        self.generation = GenerationSession(
            self, loader=self.services.model_loader, threads=self.settings.inference_threads
        )
        self._build_central()
        self._build_docks()
        self.transport = TransportBar(
            [
                self.actions.play,
                self.actions.stop,
                self.actions.record,
                self.actions.loop,
                self.actions.metronome,
                None,
                self.actions.qwerty,
            ],
            list_inputs=self.services.list_inputs,
            list_outputs=self.services.list_outputs,
            parent=self,
        )
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        self._build_status_bar()
        self.qwerty = QwertyKeyboard(self)
        QApplication.instance().installEventFilter(self.qwerty)
        self.edit = window_edit.EditHandlers(self)
        self.transport_handlers = window_transport.TransportHandlers(self)
        self.files = window_files.FileHandlers(self)
        self.gen = window_generate.GenerateHandlers(self)
        self._build_menus()
        self.controller.compositionChanged.connect(self._composition_changed)
        self.controller.titleChanged.connect(lambda _t: self._update_title())
        self.controller.undo_stack.cleanChanged.connect(self._update_title)
        self.playback.message.connect(self.show_message)
        self.playback.problem.connect(self.show_problem)
        self.playback.outputReady.connect(self.output_label.setText)
        self.playback.outputReady.connect(lambda _d: self._send_thru_program(force=True))
        self._thru_program: int | None = None
        self.live.message.connect(self.show_message)
        self.live.problem.connect(self.show_problem)
        self.setWindowTitle("DeepComposer Desktop")
        self.resize(1280, 800)
        self._composition_changed(self.controller.composition)
        self.transport_handlers.apply_settings(self.settings)

    # ----- construction -------------------------------------------------------------------
    def _build_central(self) -> None:
        self.roll = PianoRollView(self.controller)
        self.piano = PianoKeyboardWidget()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.roll, 1)
        layout.addWidget(self.piano)
        self.setCentralWidget(central)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower() + "Dock")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.generate_panel = GeneratePanel()
        self.tracks_panel = TracksPanel()
        self.generate_dock = self._dock("Generate", self.generate_panel, right)
        self.tracks_dock = self._dock("Tracks", self.tracks_panel, right)
        # pyqtgraph takes ~0.5 s to import: the Metrics dock fills in just after start-up
        self.metrics_panel = None
        self.metrics_dock = self._dock("Metrics", QLabel("Loading metrics…"), right)
        QTimer.singleShot(400, self._load_metrics_panel)
        self.variations_view = None
        variations = optional.component("variations_view")
        if variations is not None:
            try:
                self.variations_view = variations.VariationsView()
                self.variations_dock = self._dock(
                    "Variations", self.variations_view, Qt.DockWidgetArea.BottomDockWidgetArea
                )
                self.variations_dock.hide()
            except Exception:  # an optional view must not stop the window
                log.exception("variations view failed")
        self.resizeDocks([self.generate_dock], [460], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [self.generate_dock, self.tracks_dock, self.metrics_dock],
            [170, 190, 420],
            Qt.Orientation.Vertical,
        )

    @Slot()
    def _load_metrics_panel(self) -> None:
        metrics = optional.component("metrics_panel")
        try:
            panel = metrics.MetricsPanel() if metrics is not None else None
        except Exception:  # an optional panel must not stop the window
            log.exception("metrics panel failed")
            panel = None
        if panel is None:
            self.metrics_dock.setWidget(QLabel("Metrics are not available in this build."))
            return
        self.metrics_panel = panel
        self.metrics_dock.setWidget(panel)
        self.gen.refresh_metrics(self.controller.composition)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.position_label = QLabel("Bar 1")
        self.output_label = QLabel("")
        self.input_label = QLabel("")
        for label in (self.input_label, self.output_label, self.position_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def _build_menus(self) -> None:
        a = self.actions
        menus = (
            ("&File", [a.new, a.import_midi, "recent", "melodies", a.library, a.save, None,
                       a.export_midi, a.export_wav, None, a.preferences, None, a.quit]),
            ("&Edit", [a.undo, a.redo, None, a.copy, a.cut, a.paste, a.duplicate, None,
                       a.select_all, a.delete, a.quantize, None,
                       a.move_left, a.move_right, a.move_up, a.move_down, a.octave_up,
                       a.octave_down, None, a.draw_mode, a.keep_idea]),
            ("&Play", [a.play, a.stop, a.record, a.loop, a.metronome, a.play_along, a.qwerty,
                       None,
                       a.generate, None, "learn"]),
            ("&View", [a.zoom_in, a.zoom_out, a.zoom_fit, None, "docks"]),
        )  # fmt: skip
        for title, entries in menus:
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                elif entry == "melodies":
                    self.melodies_menu = menu.addMenu("Sample &Melodies")
                    self.files.fill_melodies_menu(self.melodies_menu)
                elif entry == "recent":
                    self.recent_menu = menu.addMenu("Open &Recent")
                    self.recent_menu.aboutToShow.connect(
                        lambda: self.files.fill_recent_menu(self.recent_menu)
                    )
                elif entry == "learn":
                    learn = menu.addMenu("MIDI-Learn Keyboard Buttons")
                    for name in ("record", "play", "stop", "generate"):
                        act = learn.addAction(f"Button for {name.title()}…")
                        act.triggered.connect(
                            lambda _c=False, n=name: self.transport_handlers.learn_button(n)
                        )
                elif entry == "docks":
                    for dock in self.findChildren(QDockWidget):
                        menu.addAction(dock.toggleViewAction())
                else:
                    menu.addAction(entry)
        for action in self.actions.by_name.values():
            self.addAction(action)  # shortcuts work even with the menu bar hidden

    # ----- reacting -----------------------------------------------------------------------
    @Slot(object)
    def _composition_changed(self, composition: Composition) -> None:
        self.tracks_panel.show_composition(composition)
        self.transport.show_clock(
            composition.tempo_bpm,
            composition.time_signature.numerator,
            composition.time_signature.denominator,
        )
        self.playback.set_mix(composition)
        self._send_thru_program()
        if self.metrics_panel is not None:
            self.gen.refresh_metrics(composition)
        self.files.composition_changed(composition)
        self._update_title()

    def _send_thru_program(self, *, force: bool = False) -> None:
        """What you play sounds with the melody track's instrument."""
        melody = self.controller.composition.melody
        program = melody.program if melody is not None else 0
        if program == self._thru_program and not force:
            return
        self._thru_program = program
        import mido

        try:
            self.playback.sink.send(
                mido.Message("program_change", channel=self.live.thru_channel, program=program)
            )
        except Exception as err:  # the output may be gone; playing will say so
            log.debug("program change failed: %s", err)

    @Slot()
    def _update_title(self) -> None:
        try:
            dirty = "" if self.controller.undo_stack.isClean() else " •"
        except RuntimeError:  # the stack is cleared while the window is being destroyed
            return
        self.setWindowTitle(f"{self.controller.title}{dirty} — DeepComposer Desktop")

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    @Slot(str)
    def show_problem(self, text: str) -> None:
        """A one-line problem: in the status bar and in a non-blocking message box."""
        log.warning("%s", text)
        self.problems.append(text)
        self.statusBar().showMessage(text, 15000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "DeepComposer Desktop",
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        """No stuck notes and no open devices survive the window."""
        self.qwerty.release_all()
        QApplication.instance().removeEventFilter(self.qwerty)
        self.live.close()
        self.playback.close()
        self.files.close()
        super().closeEvent(event)
