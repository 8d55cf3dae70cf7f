"""Sound paths without a sound card: the synth says once that it is silent; clicks and thru."""

import pytest
from windowkit import RecordingSink, make_window

from deepcomposer_desktop.app.playback import PlaybackSession

pytestmark = [pytest.mark.qt, pytest.mark.integration]


def test_built_in_synth_without_an_audio_device_says_so_once(qtbot):
    from deepcomposer_desktop.audio.output import audio_available

    session = PlaybackSession()
    problems = []
    session.problem.connect(problems.append)
    with qtbot.waitSignal(session.outputReady, timeout=30000) as ready:
        session.set_output("")
    if audio_available():
        assert ready.args == ["Built-in synth"]
    else:
        assert len(problems) == 1 and "No audio output" in problems[0]
        assert "MIDI output" in problems[0]
    assert session.sink.target is not None  # the synth still takes messages
    session.set_output("")  # choosing it again does not repeat the message
    assert len(problems) <= 1
    session.close()


def test_count_in_and_metronome_click_on_the_drum_channel(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    sink = RecordingSink()
    w.playback.sink.target = sink
    w.transport.tempo.setValue(240)  # a beat every 250 ms
    w.transport.count_in.setValue(1)
    w.actions.metronome.setChecked(True)
    w.actions.record.trigger()
    qtbot.waitUntil(
        lambda: sum(m.type == "note_on" and m.channel == 9 for m in sink.messages) >= 5,
        timeout=5000,
    )
    w.actions.stop.trigger()
    clicks = [m.note for m in sink.messages if m.type == "note_on" and m.channel == 9]
    assert clicks[0] == clicks[4] != clicks[1]  # the bar's first beat is accented
    assert w.position_label.text().startswith("Bar") or "Count-in" in w.position_label.text()


def test_count_in_without_metronome_clicks_only_during_the_count_in(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    sink = RecordingSink()
    w.playback.sink.target = sink
    w.transport.tempo.setValue(300)  # 200 ms beats
    w.transport.count_in.setValue(1)
    w.actions.metronome.setChecked(False)
    w.actions.record.trigger()
    qtbot.wait(1700)  # the 4-beat count-in and about four beats of the take
    w.actions.stop.trigger()
    clicks = [m for m in sink.messages if m.type == "note_on" and m.channel == 9]
    assert len(clicks) == 4
