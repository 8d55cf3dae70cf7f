"""Preferences: devices, sound, recording defaults, generation and look, as one Settings value.

The dialog edits a copy: ``chosen_settings()`` builds a new ``core.settings.Settings`` from the
widgets, and the caller hands it to ``SettingsStore.set_settings``. Device names that are not
connected now stay selectable (marked), so unplugging a keyboard never loses the preference.
A chosen SoundFont is checked at once and OK stays disabled until it is valid.
"""

import os
from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deepcomposer_desktop.audio.soundfont import check_soundfont
from deepcomposer_desktop.core.errors import SoundFontError
from deepcomposer_desktop.core.settings import Settings

BUFFER_SIZES = (64, 128, 256, 512, 1024, 2048)
SAMPLE_RATES = (44100, 48000)
QUANTIZE_GRIDS = (
    ("Off", 0),
    ("1/4 notes", 4),
    ("1/8 notes", 8),
    ("1/8 triplets", 12),
    ("1/16 notes", 16),
    ("1/16 triplets", 24),
    ("1/32 notes", 32),
)
THEMES = (("Dark", "dark"), ("Light", "light"), ("Follow the system", "system"))


def _combo(items: list[tuple[str, object]], current: object) -> QComboBox:
    """A combo box of (label, value) pairs with ``current`` selected."""
    combo = QComboBox()
    for label, value in items:
        combo.addItem(label, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


def _device_items(names: list[str], current: str, default_label: str) -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = [(default_label, "")]
    items += [(name, name) for name in names]
    if current and current not in names:
        items.append((f"{current} (not connected)", current))
    return items


class PreferencesDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        *,
        inputs: list[str],
        outputs: list[str],
        models: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(520)
        self._original = settings
        tabs = QTabWidget(self)

        self.midi_input = _combo(
            _device_items(inputs, settings.midi_input, "Automatic (best keyboard)"),
            settings.midi_input,
        )
        self.midi_output = _combo(
            _device_items(outputs, settings.midi_output, "Built-in synth"), settings.midi_output
        )
        self.soundfont = QLineEdit(settings.soundfont_path)
        self.soundfont.setPlaceholderText("Bundled or system General MIDI SoundFont")
        self.soundfont.textChanged.connect(self._validate)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_soundfont)
        self.soundfont_status = QLabel()
        self.soundfont_status.setWordWrap(True)
        soundfont_row = QHBoxLayout()
        soundfont_row.addWidget(self.soundfont, 1)
        soundfont_row.addWidget(browse)
        self.buffer = _combo(
            [(f"{n} frames", n) for n in BUFFER_SIZES], settings.audio_buffer_frames
        )
        rates = sorted({*SAMPLE_RATES, settings.sample_rate})
        self.sample_rate = _combo([(f"{r} Hz", r) for r in rates], settings.sample_rate)
        self.latency = QLabel()
        self.buffer.currentIndexChanged.connect(self._show_latency)
        self.sample_rate.currentIndexChanged.connect(self._show_latency)
        devices = QFormLayout()
        devices.addRow("MIDI input", self.midi_input)
        devices.addRow("MIDI output", self.midi_output)
        devices.addRow("SoundFont", soundfont_row)
        devices.addRow("", self.soundfont_status)
        devices.addRow("Audio buffer", self.buffer)
        devices.addRow("Sample rate", self.sample_rate)
        devices.addRow("", self.latency)
        tabs.addTab(self._page(devices), "Devices and sound")

        self.tempo = QDoubleSpinBox()
        self.tempo.setRange(20.0, 300.0)
        self.tempo.setDecimals(1)
        self.tempo.setSuffix(" BPM")
        self.tempo.setValue(settings.tempo_bpm)
        self.count_in = QSpinBox()
        self.count_in.setRange(0, 4)
        self.count_in.setSuffix(" bars")
        self.count_in.setValue(settings.count_in_bars)
        self.metronome = QCheckBox("Click while recording")
        self.metronome.setChecked(settings.metronome)
        self.quantize = _combo(list(QUANTIZE_GRIDS), settings.quantize_grid)
        self.strength = QSpinBox()
        self.strength.setRange(0, 100)
        self.strength.setSuffix(" %")
        self.strength.setValue(round(settings.quantize_strength * 100))
        recording = QFormLayout()
        recording.addRow("Tempo", self.tempo)
        recording.addRow("Count-in", self.count_in)
        recording.addRow("Metronome", self.metronome)
        recording.addRow("Quantize", self.quantize)
        recording.addRow("Quantize strength", self.strength)
        tabs.addTab(self._page(recording), "Recording")

        model_names = list(models)
        if settings.default_model and settings.default_model not in model_names:
            model_names.append(settings.default_model)
        self.model = _combo([(name, name) for name in model_names], settings.default_model)
        self.threads = QSpinBox()
        self.threads.setRange(1, max(os.cpu_count() or 1, settings.inference_threads))
        self.threads.setValue(settings.inference_threads)
        self.theme = _combo(list(THEMES), settings.theme)
        general = QFormLayout()
        general.addRow("Default model", self.model)
        general.addRow("Inference threads", self.threads)
        general.addRow("Theme", self.theme)
        tabs.addTab(self._page(general), "Generation and look")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.buttons)
        self._validate()
        self._show_latency()

    @staticmethod
    def _page(form: QFormLayout) -> QWidget:
        page = QWidget()
        page.setLayout(form)
        return page

    def _browse_soundfont(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a SoundFont", self.soundfont.text(), "SoundFonts (*.sf2 *.sf3)"
        )
        if path:
            self.soundfont.setText(path)

    @property
    def soundfont_ok(self) -> bool:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    def _validate(self) -> None:
        text = self.soundfont.text().strip()
        ok = True
        if not text:
            self.soundfont_status.setText("Using the bundled or system SoundFont.")
        else:
            try:
                check_soundfont(text)
                self.soundfont_status.setText("SoundFont OK.")
            except SoundFontError as err:
                self.soundfont_status.setText(str(err))
                ok = False
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _show_latency(self) -> None:
        frames, rate = self.buffer.currentData(), self.sample_rate.currentData()
        self.latency.setText(f"About {1000 * frames / rate:.1f} ms per buffer")

    def chosen_settings(self) -> Settings:
        """The settings as the widgets show them now (unchanged fields kept)."""
        return replace(
            self._original,
            midi_input=str(self.midi_input.currentData()),
            midi_output=str(self.midi_output.currentData()),
            soundfont_path=self.soundfont.text().strip(),
            default_model=str(self.model.currentData() or ""),
            audio_buffer_frames=int(self.buffer.currentData()),
            sample_rate=int(self.sample_rate.currentData()),
            tempo_bpm=round(self.tempo.value(), 1),
            count_in_bars=self.count_in.value(),
            metronome=self.metronome.isChecked(),
            quantize_grid=int(self.quantize.currentData()),
            quantize_strength=self.strength.value() / 100,
            inference_threads=self.threads.value(),
            theme=str(self.theme.currentData()),
        )
