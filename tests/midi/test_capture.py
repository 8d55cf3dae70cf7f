import mido
import pytest

from deepcomposer_desktop.midi.capture import CaptureBuffer


def on(note, velocity=80):
    return mido.Message("note_on", note=note, velocity=velocity)


def off(note):
    return mido.Message("note_off", note=note)


def test_playing_before_record_is_kept_with_beat_zero_at_the_first_note():
    buf = CaptureBuffer(minutes=5)
    buf.feed(on(60), 50.0)
    buf.feed(off(60), 50.5)
    buf.feed(on(64), 51.0)
    buf.feed(off(64), 52.0)
    comp = buf.to_composition(120, now_s=53.0)
    got = [(n.pitch, n.start_beat, n.duration_beats) for n in comp.tracks[0].notes]
    assert got == [(60, 0.0, 1.0), (64, 2.0, 2.0)]
    assert comp.tempo_bpm == 120


def test_events_older_than_the_window_are_forgotten():
    buf = CaptureBuffer(minutes=1)
    buf.feed(on(60), 0.0)
    buf.feed(off(60), 1.0)
    buf.feed(on(62), 100.0)
    assert len(buf) == 1  # feeding prunes
    comp = buf.to_composition(60, now_s=101.0)
    assert [(n.pitch, n.start_beat, n.end_beat) for n in comp.tracks[0].notes] == [(62, 0.0, 1.0)]


def test_reading_prunes_by_the_clock_even_without_new_input(clock):
    buf = CaptureBuffer(minutes=1, clock=clock)
    buf.feed(on(60), clock())
    clock.sleep(61)
    assert buf.to_composition(100).tracks[0].notes == ()


def test_pedal_pressed_before_the_first_note_still_sustains():
    buf = CaptureBuffer()
    buf.feed(mido.Message("control_change", control=64, value=127), 9.0)
    buf.feed(on(60), 10.0)
    buf.feed(off(60), 10.5)
    buf.feed(mido.Message("control_change", control=64, value=0), 12.0)
    comp = buf.to_composition(60, now_s=13.0)
    assert comp.tracks[0].notes[0].duration_beats == pytest.approx(2.0)


def test_silence_gives_an_empty_melody_and_clear_empties():
    buf = CaptureBuffer()
    buf.feed(mido.Message("program_change", program=3), 1.0)
    assert len(buf) == 0
    buf.feed(on(60), 1.0)
    buf.clear()
    comp = buf.to_composition(100, now_s=2.0)
    assert comp.tracks[0].notes == ()
