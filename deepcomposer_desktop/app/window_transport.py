"""Transport behaviour: play/stop/loop, record and keep-last-idea, devices, tempo and meter."""

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from deepcomposer_desktop.core import Composition
from deepcomposer_desktop.core.settings import Settings

from . import edits

if TYPE_CHECKING:
    from .mainwindow import MainWindow

log = logging.getLogger(__name__)


class TransportHandlers(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.cursor_beat = 0.0
        a, t = window.actions, window.transport
        a.play.triggered.connect(self.toggle_play)
        a.stop.triggered.connect(self.stop)
        a.record.triggered.connect(self.toggle_record)
        a.loop.toggled.connect(self._loop_toggled)
        a.keep_idea.triggered.connect(self.keep_last_idea)
        a.qwerty.toggled.connect(self._qwerty_toggled)
        t.tempoChanged.connect(self._tempo)
        t.timeSignatureChanged.connect(self._meter)
        t.gridChanged.connect(self._grid)
        t.inputChosen.connect(self.choose_input)
        t.outputChosen.connect(self.choose_output)
        window.playback.positionChanged.connect(self._position)
        window.playback.playingChanged.connect(self._playing_changed)
        window.live.recordingChanged.connect(a.record.setChecked)
        window.live.livePosition.connect(self._live_position)
        window.live.takeFinished.connect(self._take_finished)
        window.live.heldChanged.connect(window.piano.set_held)
        window.piano.noteOn.connect(window.live.key_down)
        window.piano.noteOff.connect(window.live.key_up)
        window.qwerty.noteOn.connect(window.live.key_down)
        window.qwerty.noteOff.connect(window.live.key_up)
        window.roll.positionClicked.connect(self._cursor_clicked)
        window.live.buttonPressed.connect(self._keyboard_button)
        window.live.buttonLearned.connect(self._button_learned)
        store = window.services.settings_store
        if store is not None and hasattr(store, "midi_learn_bindings"):
            window.live.set_bindings(store.midi_learn_bindings())

    def learn_button(self, action: str) -> None:
        """Arm MIDI-learn: the next button pressed on the keyboard will do ``action``."""
        if self.w.live.learn is None:
            return
        self.w.live.learn.learn(action)
        self.w.show_message(f"Press the button on your MIDI keyboard that should {action}…")

    @Slot(str)
    def _keyboard_button(self, action: str) -> None:
        {
            "record": self.w.actions.record.trigger,
            "play": self.w.actions.play.trigger,
            "stop": self.stop,
            "generate": self.w.actions.generate.trigger,
        }.get(action, lambda: None)()

    @Slot(str, object)
    def _button_learned(self, action: str, bindings: object) -> None:
        self.w.show_message(f"That keyboard button now does {action}.")
        store = self.w.services.settings_store
        if store is not None and hasattr(store, "set_midi_learn_bindings"):
            store.set_midi_learn_bindings(bindings.to_dict())  # type: ignore[attr-defined]

    def apply_settings(self, settings: Settings) -> None:
        """Put the stored choices into the toolbar and open the devices (if allowed)."""
        a, t = self.w.actions, self.w.transport
        a.metronome.setChecked(settings.metronome)
        a.play_along.setChecked(True)
        t.count_in.setValue(settings.count_in_bars)
        t.show_grid(settings.quantize_grid or 16)
        self._grid(settings.quantize_grid or 16)
        if not any(tr.notes for tr in self.w.controller.composition.tracks):
            t.show_clock(settings.tempo_bpm, 4, 4)
        self.w.qwerty.octaveChanged.connect(
            lambda octave: self.w.show_message(f"Computer keyboard: octave {octave} (Z / X)")
        )
        if self.w.services.open_devices:
            # after the window is up: port scans and the SoundFont take a moment
            QTimer.singleShot(100, lambda: self.open_devices(settings))

    def open_devices(self, settings: Settings) -> None:
        self.choose_output(settings.midi_output, update_picker=True)
        name = settings.midi_input
        if not name:
            try:
                from deepcomposer_desktop.midi import ports

                name = ports.default_input() or ""
            except Exception as err:  # no MIDI backend: say so, keep going
                self.w.show_message(f"No MIDI input available: {err}")
                name = ""
        if name:
            self.choose_input(name, update_picker=True)
        else:
            self.w.input_label.setText("No MIDI keyboard")

    # ----- devices ------------------------------------------------------------------------
    @Slot(str)
    def choose_input(self, name: str, update_picker: bool = False) -> None:
        if update_picker:
            self.w.transport.input.blockSignals(True)
            self.w.transport.input.choose(name)
            self.w.transport.input.blockSignals(False)
        ok = self.w.live.set_input(name)
        self.w.input_label.setText(f"In: {name}" if name and ok else "No MIDI keyboard")
        self._remember(midi_input=name)

    @Slot(str)
    def choose_output(self, name: str, update_picker: bool = False) -> None:
        if update_picker:
            self.w.transport.output.blockSignals(True)
            self.w.transport.output.choose(name)
            self.w.transport.output.blockSignals(False)
        self.w.playback.set_output(name)
        self._remember(midi_output=name)

    def _remember(self, **changes: object) -> None:
        store = self.w.services.settings_store
        if store is not None:
            try:
                store.update(**changes)
            except Exception:  # settings are a convenience
                log.exception("cannot store %s", changes)

    # ----- clock --------------------------------------------------------------------------
    @Slot(float)
    def _tempo(self, tempo_bpm: float) -> None:
        if any(t.notes for t in self.w.controller.composition.tracks):
            self.w.edit.set_tempo(tempo_bpm)
        self._remember(tempo_bpm=float(tempo_bpm))

    @Slot(int)
    def _grid(self, notes_per_whole: int) -> None:
        """The grid the mouse snaps to and Q quantizes to; remembered in the settings."""
        from dataclasses import replace

        self.w.roll.steps_per_beat = max(1, notes_per_whole // 4)
        self.w.roll.new_note_beats = max(0.25, 4 / notes_per_whole)
        self.w.roll.viewport().update()
        if self.w.settings.quantize_grid != notes_per_whole:
            self.w.settings = replace(self.w.settings, quantize_grid=notes_per_whole)
            self.w.services.settings = self.w.settings
            self._remember(quantize_grid=notes_per_whole)

    @Slot(int, int)
    def _meter(self, numerator: int, denominator: int) -> None:
        self.w.edit.set_time_signature(numerator, denominator)

    # ----- playback -----------------------------------------------------------------------
    @Slot(bool)
    def toggle_play(self, checked: bool = True) -> None:
        if self.w.live.is_recording:
            self.stop()
            return
        if self.w.playback.is_playing or not checked:
            self.w.playback.stop()
            return
        c = self.w.controller.composition
        loop = (0.0, c.bar_count * c.beats_per_bar) if self.w.actions.loop.isChecked() else None
        if not self.w.playback.play(c, from_beat=self.cursor_beat, loop=loop):
            self.w.actions.play.setChecked(False)

    @Slot()
    def stop(self) -> None:
        if self.w.live.is_recording:
            self.w.live.stop_take()
        self.w.playback.stop()
        self.w.roll.set_playhead(None)

    @Slot(bool)
    def _playing_changed(self, playing: bool) -> None:
        self.w.actions.play.setChecked(playing)
        if not playing:
            self.w.roll.set_playhead(None)

    @Slot(float)
    def _position(self, beat: float) -> None:
        self.w.roll.set_playhead(beat)
        self._show_position(beat)

    def _show_position(self, beat: float) -> None:
        per_bar = self.w.controller.composition.beats_per_bar
        if beat < 0:
            self.w.position_label.setText(f"Count-in {int(-beat // 1) + 1}")
            return
        self.w.position_label.setText(
            f"Bar {int(beat // per_bar) + 1}  beat {beat % per_bar + 1:.1f}"
        )

    @Slot(float)
    def _cursor_clicked(self, beat: float) -> None:
        self.cursor_beat = beat
        self.w.roll.set_cursor(beat)
        self._show_position(beat)
        if self.w.playback.is_playing:
            self.toggle_play(True)

    @Slot(bool)
    def _loop_toggled(self, on: bool) -> None:
        c = self.w.controller.composition
        self.w.roll.set_loop((0.0, c.bar_count * c.beats_per_bar) if on else None)

    # ----- recording ----------------------------------------------------------------------
    @Slot(bool)
    def toggle_record(self, checked: bool = True) -> None:
        if self.w.live.is_recording:
            self.w.live.stop_take()
            return
        self.w.playback.stop()
        t = self.w.transport
        num, den = t.meter.currentData()
        from deepcomposer_desktop.core import TimeSignature

        grid = self.w.settings.quantize_grid
        started = self.w.live.start_take(
            tempo_bpm=float(t.tempo.value()),
            time_signature=TimeSignature(num, den),
            count_in_bars=t.count_in.value(),
            metronome=self.w.actions.metronome.isChecked(),
            quantize_steps_per_beat=grid // 4 if grid else 0,
            quantize_strength=self.w.settings.quantize_strength,
        )
        self.w.actions.record.setChecked(started)
        if started:
            self.w.show_message("Recording… play your melody; R or Esc stops.")
            self._play_along(t.count_in.value(), float(t.tempo.value()), num, den)

    def _play_along(self, count_in_bars: int, tempo_bpm: float, num: int, den: int) -> None:
        """Start the accompaniment (melody muted) on the take's first downbeat."""
        c = self.w.controller.composition
        if not self.w.actions.play_along.isChecked() or c.melody_index is None:
            return
        if not any(t.notes for i, t in enumerate(c.tracks) if i != c.melody_index):
            return
        from dataclasses import replace

        from deepcomposer_desktop.core import TempoChange

        backing = c.replace_track(c.melody_index, replace(c.tracks[c.melody_index], muted=True))
        backing = replace(backing, tempo_map=(TempoChange(0.0, tempo_bpm),))
        delay_ms = int(count_in_bars * num * 4 / den * 60_000 / tempo_bpm)
        QTimer.singleShot(delay_ms, lambda: self._start_backing(backing))

    def _start_backing(self, backing: Composition) -> None:
        if self.w.live.is_recording:
            self.w.playback.play(backing)

    @Slot(float, object)
    def _live_position(self, beat: float, notes: list) -> None:
        self.w.roll.set_playhead(max(beat, 0.0))
        self.w.roll.set_live_notes(notes)
        self._show_position(beat)

    @Slot(object)
    def _take_finished(self, take: Composition) -> None:
        self.w.playback.stop()
        self.w.roll.set_live_notes([])
        self.w.roll.set_playhead(None)
        self._adopt(take, "Record take", "Nothing was played in that take.")

    @Slot()
    def keep_last_idea(self) -> None:
        t = self.w.transport
        num, den = t.meter.currentData()
        from deepcomposer_desktop.core import TimeSignature

        idea = self.w.live.last_idea(float(t.tempo.value()), TimeSignature(num, den))
        if idea is None:
            self.w.show_message("Nothing was played lately to keep.")
            return
        self._adopt(idea, "Keep last idea", "")

    def _adopt(self, take: Composition, description: str, empty_message: str) -> None:
        c = self.w.controller.composition
        new = edits.with_new_melody(c, take)
        if new is c:
            if empty_message:
                self.w.show_message(empty_message)
            return
        self.w.controller.apply(new, description)
        notes = len(take.melody.notes) if take.melody else 0
        self.w.show_message(f"{description}: {notes} notes. Press G to generate accompaniment.")

    @Slot(bool)
    def _qwerty_toggled(self, on: bool) -> None:
        self.w.qwerty.set_enabled(on)
        if on:
            self.w.show_message(
                "Computer keyboard plays notes: A-L white keys, W-P black, Z/X octave."
            )
