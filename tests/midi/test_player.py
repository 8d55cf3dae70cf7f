import threading

import pytest
from fakes import FakeClock, FakeSink

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.midi.player import PANIC_CCS, Player

TOL_S = 0.0003  # the fake clock spins in 0.1 ms steps


def comp(*tracks, tempo=120.0, tempo_map=None):
    return Composition(tracks=tuple(tracks), tempo_map=tempo_map or (TempoChange(0, tempo),))


def melody(*starts, pitch=60, length=0.5, name="melody", **kw):
    return Track(name, tuple(Note(s, pitch + i, length) for i, s in enumerate(starts)), **kw)


def play(composition, **kwargs):
    clock = FakeClock()
    sink = FakeSink(clock)
    player = Player(sink, clock=clock, sleep=clock.sleep)
    player.play(composition, **kwargs)
    assert player.wait(10)
    return player, sink


def note_times(sink, kind="note_on"):
    events = sink.of_type(kind)
    t0 = sink.of_type("note_on")[0][0]
    return [(round(t - t0, 4), m.note) for t, m in events]


def test_notes_go_out_on_time_at_the_tempo():
    _, sink = play(comp(melody(0, 1, 2.5)))
    times = note_times(sink)
    assert [n for _, n in times] == [60, 61, 62]
    for (t, _), want in zip(times, (0.0, 0.5, 1.25), strict=True):
        assert t == pytest.approx(want, abs=TOL_S)
    offs = note_times(sink, "note_off")
    assert offs[0][0] == pytest.approx(0.25, abs=TOL_S)


def test_tempo_changes_are_followed():
    tempo_map = (TempoChange(0, 120), TempoChange(2, 60))
    _, sink = play(comp(melody(0, 2, 3), tempo_map=tempo_map))
    times = [t for t, _ in note_times(sink)]
    assert times == pytest.approx([0.0, 1.0, 2.0], abs=TOL_S)


def test_setup_messages_precede_notes_and_drums_use_channel_ten():
    drums = Track("drums", (Note(0, 36, 0.25),), is_drum=True)
    _, sink = play(comp(melody(0, program=40), drums))
    kinds = [m.type for _, m in sink.sent]
    assert kinds.index("program_change") < kinds.index("note_on")
    programs = {(m.channel, m.program) for _, m in sink.of_type("program_change")}
    assert programs == {(0, 40)}  # no program change for drums
    assert {m.channel for _, m in sink.of_type("note_on") if m.note == 36} == {9}


def test_start_from_a_bar_skips_what_comes_before():
    _, sink = play(comp(melody(0, 2, 4, 5)), from_bar=1)
    assert [n for _, n in note_times(sink)] == [62, 63]
    times = [t for t, _ in note_times(sink)]
    assert times == pytest.approx([0.0, 0.5], abs=TOL_S)


def test_every_note_on_gets_a_note_off_and_every_channel_is_reset_at_the_end():
    _, sink = play(comp(melody(0, 1), melody(0.5, pitch=40, name="bass", length=8)))
    ons = sorted((m.channel, m.note) for _, m in sink.of_type("note_on"))
    offs = sorted((m.channel, m.note) for _, m in sink.of_type("note_off"))
    assert ons == offs
    resets = {
        (m.channel, m.control) for _, m in sink.of_type("control_change") if m.control in PANIC_CCS
    }
    assert resets == {(ch, cc) for ch in (0, 1) for cc in PANIC_CCS}


def test_stop_silences_sounding_notes_immediately():
    clock = FakeClock()
    sink = FakeSink(clock)
    player = Player(sink, clock=clock, sleep=clock.sleep)
    player.on_position = lambda beat: player.stop() if beat > 1.0 else None
    player.play(comp(melody(0, length=16)))
    assert player.wait(10)
    assert not player.is_playing
    assert [m.note for _, m in sink.of_type("note_off")] == [60]
    assert any(m.control == 123 for _, m in sink.of_type("control_change"))
    stop_time = sink.of_type("note_off")[0][0] - sink.of_type("note_on")[0][0]
    assert stop_time < 1.0  # not at the note's end (8 s)


def test_loop_repeats_the_region_and_cuts_notes_at_its_end():
    clock = FakeClock()
    sink = FakeSink(clock)
    player = Player(sink, clock=clock, sleep=clock.sleep)
    done = threading.Event()

    def watch(beat):
        if len(sink.of_type("note_on")) >= 6:
            player.stop()
            done.set()

    player.on_position = watch
    player.play(comp(melody(0, 1, 1.75, 3, length=0.5)), loop=(0.0, 2.0))
    assert done.wait(10)
    player.wait(10)
    notes = [n for _, n in note_times(sink)][:6]
    assert notes == [60, 61, 62, 60, 61, 62]  # beat 3 is outside the loop
    times = [t for t, _ in note_times(sink)][:6]
    assert times == pytest.approx([0, 0.5, 0.875, 1.0, 1.5, 1.875], abs=TOL_S)
    first_62_off = next(t for t, m in sink.of_type("note_off") if m.note == 62)
    assert first_62_off - sink.sent[0][0] == pytest.approx(
        1.0 + 0.005, abs=0.002
    )  # cut at loop end


def test_muted_tracks_are_silent_and_solo_wins():
    a = melody(0, 1, name="a")
    b = melody(0, 1, pitch=40, name="b")
    clock = FakeClock()
    sink = FakeSink(clock)
    player = Player(sink, clock=clock, sleep=clock.sleep)
    player.set_mute(0, True)
    player.play(comp(a, b))
    player.wait(10)
    assert {m.note for _, m in sink.of_type("note_on")} == {40, 41}
    sink.sent.clear()
    player.set_mute(0, False)
    player.set_solo(0, True)
    player.play(comp(a, b))
    player.wait(10)
    assert {m.note for _, m in sink.of_type("note_on")} == {60, 61}


def test_track_muted_flag_in_the_composition_is_honoured():
    _, sink = play(comp(melody(0, name="a", muted=True), melody(0, pitch=40, name="b")))
    assert {m.note for _, m in sink.of_type("note_on")} == {40}


def test_muting_mid_note_releases_it():
    clock = FakeClock()
    sink = FakeSink(clock)
    player = Player(sink, clock=clock, sleep=clock.sleep)
    player.on_position = lambda beat: player.set_mute(0, True) if beat > 0.5 else None
    player.play(comp(melody(0, 4, length=8)))
    player.wait(10)
    assert [m.note for _, m in sink.of_type("note_on")] == [60]
    off_at = sink.of_type("note_off")[0][0] - sink.of_type("note_on")[0][0]
    assert off_at < 2.5  # released at the next event (beat 4 = 2 s), not at the note's end


def test_a_failing_sink_stops_playback_and_reports():
    clock = FakeClock()
    errors = []
    sink = FakeSink(clock, fail_after=5)
    player = Player(sink, clock=clock, sleep=clock.sleep, on_error=errors.append)
    player.play(comp(melody(0, 1, 2, 3)))
    assert player.wait(10)
    assert isinstance(player.error, OSError)
    assert errors == [player.error]


def test_pause_and_resume_continue_from_the_position():
    clock = FakeClock()
    sink = FakeSink(clock)
    player = Player(sink, clock=clock, sleep=clock.sleep)
    paused = threading.Event()

    def on_position(beat):
        if beat > 1.2 and not paused.is_set():
            paused.set()
            player.pause()

    player.on_position = on_position
    player.play(comp(melody(0, 1, 2, 3)))
    player.wait(10)
    assert not player.is_playing
    assert 1.2 < player.position_beat < 2.0
    assert [m.note for _, m in sink.of_type("note_on")] == [60, 61]
    player.resume()
    player.wait(10)
    assert [m.note for _, m in sink.of_type("note_on")] == [60, 61, 62, 63]


def test_position_is_reported_and_finished_called():
    clock = FakeClock()
    positions, finished = [], []
    player = Player(
        FakeSink(clock),
        clock=clock,
        sleep=clock.sleep,
        on_position=positions.append,
        on_finished=lambda: finished.append(True),
    )
    player.play(comp(melody(0, 3)))
    player.wait(10)
    assert finished == [True]
    assert positions == sorted(positions)
    assert positions[-1] == pytest.approx(3.5, abs=0.05)


def test_bad_loop_is_refused():
    with pytest.raises(ValueError):
        Player(FakeSink()).play(comp(melody(0)), loop=(2.0, 1.0))
