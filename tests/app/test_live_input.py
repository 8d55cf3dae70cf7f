"""Playing without hardware: on-screen piano and computer keys are heard, recorded, captured."""

import time

import mido
import pytest
from PySide6.QtCore import QPoint, Qt
from windowkit import RecordingSink, make_window, melody_composition

pytestmark = [pytest.mark.qt, pytest.mark.integration]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.sink_log = RecordingSink()
    w.playback.sink.target = w.sink_log
    w.transport.count_in.setValue(0)
    w.actions.metronome.setChecked(False)
    return w


def click_key(qtbot, window, pitch, hold_ms=60):
    rect = window.piano.key_rect(pitch)
    pos = QPoint(int(rect.center().x()), int(rect.bottom() - 8))
    qtbot.mousePress(window.piano, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.wait(hold_ms)
    qtbot.mouseRelease(window.piano, Qt.MouseButton.LeftButton, pos=pos)


def test_on_screen_piano_records_a_take_and_is_heard(qtbot, window):
    window.actions.record.trigger()
    assert window.live.is_recording
    for pitch in (60, 64, 67):
        click_key(qtbot, window, pitch)
        qtbot.wait(40)
    qtbot.wait(80)  # a frame of live view
    window.actions.record.trigger()
    assert not window.live.is_recording
    melody = window.controller.composition.melody
    assert [n.pitch for n in melody.notes] == [60, 64, 67]
    ons = [m.note for m in window.sink_log.messages if m.type == "note_on" and m.velocity]
    assert ons[:3] == [60, 64, 67]  # thru: the player hears each key
    assert window.roll._live_notes == []
    window.controller.undo()
    assert (
        window.controller.composition.melody is None
        or not window.controller.composition.melody.notes
    )


def test_notes_appear_live_while_recording(qtbot, window):
    window.actions.record.trigger()
    rect = window.piano.key_rect(62)
    pos = QPoint(int(rect.center().x()), int(rect.bottom() - 8))
    qtbot.mousePress(window.piano, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: [n.pitch for n in window.roll._live_notes] == [62], timeout=2000)
    qtbot.mouseRelease(window.piano, Qt.MouseButton.LeftButton, pos=pos)
    window.actions.stop.trigger()
    assert [n.pitch for n in window.controller.composition.melody.notes] == [62]


def test_computer_keyboard_plays_notes_and_shifts_octaves(qtbot, window):
    played = []
    window.live.heldChanged.connect(lambda held: played.extend(sorted(held)))
    window.actions.qwerty.trigger()
    window.roll.setFocus()
    qtbot.keyClick(window.roll, Qt.Key.Key_A)  # C4
    qtbot.keyClick(window.roll, Qt.Key.Key_X)  # octave up
    qtbot.keyClick(window.roll, Qt.Key.Key_W)  # C#5
    assert 60 in played and 73 in played
    # G is a note key (G5 now): it plays and does not trigger Generate
    window.controller.load(melody_composition(), title="x")
    qtbot.keyClick(window.roll, Qt.Key.Key_G)
    assert 79 in played
    assert not window.generation.busy and len(window.controller.composition.tracks) == 1
    # R is not a note key, so it still records, the natural way to capture what you play
    qtbot.keyClick(window.roll, Qt.Key.Key_R)
    assert window.live.is_recording
    window.actions.stop.trigger()
    window.actions.qwerty.trigger()
    qtbot.keyClick(window.roll, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: len(window.controller.composition.tracks) == 3, timeout=5000)


def test_keep_last_idea_turns_unrecorded_playing_into_the_melody(qtbot, window):
    window.controller.load(melody_composition(), title="x")
    for pitch in (65, 69, 72):
        click_key(qtbot, window, pitch, hold_ms=30)
    window.actions.keep_idea.trigger()
    assert [n.pitch for n in window.controller.composition.melody.notes] == [65, 69, 72]
    window.actions.keep_idea.trigger()
    assert "Nothing was played" in window.statusBar().currentMessage()


def test_play_then_stop_leaves_no_note_sounding(qtbot, window):
    window.controller.load(melody_composition(), title="x")
    window.actions.play.trigger()
    assert window.playback.is_playing
    qtbot.waitUntil(lambda: window.roll._playhead_beat is not None, timeout=3000)
    qtbot.wait(300)
    window.actions.play.trigger()  # space again stops
    assert not window.playback.is_playing
    msgs = window.sink_log.messages
    sounding = set()
    for m in msgs:
        if m.type == "note_on" and m.velocity:
            sounding.add((m.channel, m.note))
        elif m.type in ("note_off", "note_on"):
            sounding.discard((m.channel, m.note))
    assert sounding == set()
    all_off = {m.channel for m in msgs if m.type == "control_change" and m.control == 123}
    assert all_off == set(range(16))
    assert window.roll._playhead_beat is None


def test_closing_the_window_releases_held_keys(qtbot, window):
    rect = window.piano.key_rect(60)
    qtbot.mousePress(
        window.piano,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(rect.center().x()), int(rect.bottom() - 8)),
    )
    window.close()
    offs = [m for m in window.sink_log.messages if m.type == "note_off" and m.note == 60]
    assert offs


def test_an_unknown_input_port_is_a_message_not_a_crash(qtbot, window, jack_server):
    window.transport_handlers.choose_input("No Such Keyboard 123")
    assert window.problems and "No Such Keyboard" in window.problems[-1]
    assert window.input_label.text() == "No MIDI keyboard"


def test_an_unknown_output_port_is_a_message_not_a_crash(qtbot, window, jack_server):
    window.transport_handlers.choose_output("No Such Synth 123")
    assert window.problems and "No Such Synth" in window.problems[-1]
    mido.Message("note_on", note=60)  # the window keeps working
    assert window.playback.sink.target is None
    time.sleep(0)


def test_midi_learned_buttons_drive_the_transport_and_are_not_recorded(qtbot, window):
    button = mido.Message("control_change", channel=0, control=20, value=127)
    release = mido.Message("control_change", channel=0, control=20, value=0)
    window.transport_handlers.learn_button("record")
    window.live.listener.messageReceived.emit(button, time.monotonic())
    assert "now does record" in window.statusBar().currentMessage()
    window.live.listener.messageReceived.emit(release, time.monotonic())
    assert not window.live.is_recording
    window.live.listener.messageReceived.emit(button, time.monotonic())
    assert window.live.is_recording
    window.live.listener.messageReceived.emit(
        mido.Message("note_on", note=64, velocity=80), time.monotonic()
    )
    qtbot.wait(50)
    window.live.listener.messageReceived.emit(mido.Message("note_off", note=64), time.monotonic())
    window.live.listener.messageReceived.emit(button, time.monotonic())  # press again: stop
    assert not window.live.is_recording
    assert [n.pitch for n in window.controller.composition.melody.notes] == [64]
    assert not any(m.type == "control_change" and m.control == 20 for m in window.sink_log.messages)


def test_clicking_the_bar_ruler_sets_where_play_starts(qtbot, window):
    window.controller.load(melody_composition(), title="x")
    g = window.roll.geometry_model
    pos = QPoint(int(g.beat_to_x(8.1)), int(g.header_height_px / 2))
    qtbot.mouseClick(window.roll.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.transport_handlers.cursor_beat == 8.0
    window.actions.play.trigger()
    qtbot.waitUntil(lambda: window.roll._playhead_beat is not None, timeout=5000)
    assert window.roll._playhead_beat >= 8.0
    window.actions.stop.trigger()


def test_recording_plays_the_accompaniment_along(qtbot, window):
    from windowkit import FakeGenerator

    window.controller.load(FakeGenerator().generate(melody_composition(), seed=1)[0], title="x")
    window.transport.tempo.setValue(240)
    window.actions.record.trigger()
    qtbot.waitUntil(lambda: window.playback.is_playing, timeout=5000)
    click_key(qtbot, window, 72)
    qtbot.waitUntil(
        lambda: any(
            m.type == "note_on" and m.channel not in (0, 9) and m.velocity
            for m in window.sink_log.messages
        ),
        timeout=5000,
    )
    window.actions.record.trigger()
    assert not window.playback.is_playing
    c = window.controller.composition
    assert [n.pitch for n in c.melody.notes] == [72]  # the backing is not recorded
    assert [t.name for t in c.tracks] == ["melody", "alto", "bass"]
    melody_channel_ons = [
        m for m in window.sink_log.messages if m.type == "note_on" and m.velocity and m.channel == 0
    ]
    assert [m.note for m in melody_channel_ons] == [72]  # the old melody stayed silent


def test_an_output_that_fails_mid_play_is_reported_and_recording_goes_on(qtbot, window):
    class GoneSink:
        def send(self, msg):
            from deepcomposer_desktop.core.errors import DeviceGoneError

            raise DeviceGoneError("MIDI output 'synth' is closed")

    window.playback.sink.target = GoneSink()
    window.actions.record.trigger()
    click_key(qtbot, window, 65)
    assert "stopped taking notes" in window.statusBar().currentMessage()
    window.actions.record.trigger()
    assert [n.pitch for n in window.controller.composition.melody.notes] == [65]


def test_played_notes_use_the_melody_instrument(qtbot, window):
    window.controller.load(melody_composition(), title="x")
    window.tracks_panel.rows[0]["program"].setCurrentIndex(73)  # flute
    changes = [m for m in window.sink_log.messages if m.type == "program_change"]
    assert changes and changes[-1].program == 73 and changes[-1].channel == 0
