import pytest
from fakes import FakeClock, FakeSink

from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.midi.metronome import ClickSound, Metronome


def run_metronome(tempo, sig, bars, **kw):
    clock = FakeClock(0.0)
    sink = FakeSink(clock)
    beats = []
    m = Metronome(
        sink,
        tempo_bpm=tempo,
        time_signature=sig,
        clock=clock,
        sleep=clock.sleep,
        on_beat=lambda bar, beat: beats.append((bar, beat)),
        **kw,
    )
    m.start(1.0, end_s=1.0 + bars * sig.beats_per_bar * 60 / tempo)
    m._thread.join(10)
    return sink, beats


def test_clicks_fall_on_the_beats_with_an_accented_downbeat():
    sink, beats = run_metronome(120, TimeSignature(3, 4), 2)
    ons = sink.of_type("note_on")
    assert [t for t, _ in ons] == pytest.approx([1.0, 1.5, 2.0, 2.5, 3.0, 3.5], abs=0.0003)
    assert [m.note for _, m in ons] == [76, 77, 77, 76, 77, 77]
    assert ons[0][1].velocity > ons[1][1].velocity
    assert {m.channel for _, m in sink.sent} == {9}
    assert beats == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert len(sink.of_type("note_off")) == 6


def test_compound_meter_clicks_every_eighth():
    sink, _ = run_metronome(60, TimeSignature(6, 8), 1)
    times = [t for t, _ in sink.of_type("note_on")]
    assert times == pytest.approx([1.0 + 0.5 * k for k in range(6)], abs=0.0003)


def test_click_note_is_configurable():
    sink, _ = run_metronome(
        120, TimeSignature(2, 4), 1, sound=ClickSound(channel=0, accent_note=84, beat_note=72)
    )
    assert [(m.channel, m.note) for _, m in sink.of_type("note_on")] == [(0, 84), (0, 72)]


def test_stop_ends_clicking_without_a_hanging_note():
    clock = FakeClock(0.0)
    sink = FakeSink(clock)
    m = Metronome(sink, tempo_bpm=120, clock=clock, sleep=clock.sleep)
    m.on_beat = lambda bar, beat: m.stop() if bar == 1 else None
    m.start(0.0)
    m._thread.join(10)
    assert len(sink.of_type("note_on")) == len(sink.of_type("note_off")) == 5
