import mido
import pytest

from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.settings import Settings
from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.midi.recorder import Recorder, Take

ON = "note_on"
OFF = "note_off"


def msg(kind: str, note: int = 60, velocity: int = 90) -> mido.Message:
    return mido.Message(kind, note=note, velocity=velocity)


def pedal(down: bool) -> mido.Message:
    return mido.Message("control_change", control=64, value=127 if down else 0)


def record(events, take: Take, *, start_s=100.0, stop_beat=None):
    """Feed ``(beat, message)`` pairs at the take's tempo; beat 0 is after the count-in."""
    rec = Recorder(take)
    rec.start(start_s)
    beat_s = 60.0 / take.tempo_bpm
    for beat, m in events:
        rec.feed(m, rec.zero_s + beat * beat_s)
    last = max((b for b, _ in events), default=0.0) if stop_beat is None else stop_beat
    return rec, rec.stop(rec.zero_s + last * beat_s)


def test_beats_follow_the_tempo_after_the_count_in():
    take = Take(tempo_bpm=120, count_in_bars=1, quantize_steps_per_beat=0)
    rec = Recorder(take)
    rec.start(10.0)
    assert rec.zero_s == pytest.approx(12.0)  # one 4/4 bar at 120 BPM = 2 s
    rec.feed(msg(ON, 60), 12.5)
    rec.feed(msg(OFF, 60), 13.25)
    notes = rec.stop(14.0).tracks[0].notes
    assert [(n.start_beat, n.pitch, n.duration_beats) for n in notes] == [(1.0, 60, 1.5)]
    assert notes[0].velocity == 90


def test_take_becomes_a_one_track_composition_with_tempo_and_meter():
    take = Take(tempo_bpm=90, time_signature=TimeSignature(3, 4), quantize_steps_per_beat=0)
    _, comp = record([(0.0, msg(ON)), (1.0, msg(OFF))], take)
    assert comp.tempo_bpm == 90
    assert str(comp.time_signature) == "3/4"
    assert comp.melody_index == 0
    assert comp.tracks[0].name == "melody"


def test_quantize_snaps_starts_and_ends_to_the_grid():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=4)
    _, comp = record(
        [(0.27, msg(ON)), (0.98, msg(OFF)), (1.02, msg(ON, 62)), (1.4, msg(OFF, 62))], take
    )
    got = [(n.start_beat, n.duration_beats) for n in comp.tracks[0].notes]
    assert got == [(0.25, 0.75), (1.0, 0.5)]


def test_half_strength_moves_notes_halfway_to_the_grid():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=4, quantize_strength=0.5)
    _, comp = record([(0.35, msg(ON)), (1.0, msg(OFF))], take)
    assert comp.tracks[0].notes[0].start_beat == pytest.approx(0.30)


def test_requantize_keeps_the_raw_performance():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=4)
    rec, comp = record([(0.13, msg(ON)), (0.6, msg(OFF))], take)
    assert comp.tracks[0].notes[0].start_beat == 0.25
    raw = rec.requantize(0).tracks[0].notes[0]
    assert raw.start_beat == pytest.approx(0.13)
    eighth = rec.requantize(2).tracks[0].notes[0]
    assert eighth.start_beat == 0.0
    assert rec.composition().tracks[0].notes[0].start_beat == 0.25  # unchanged by requantize


def test_a_very_short_note_quantized_to_nothing_keeps_one_step():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=4)
    _, comp = record([(1.01, msg(ON)), (1.05, msg(OFF))], take)
    n = comp.tracks[0].notes[0]
    assert (n.start_beat, n.duration_beats) == (1.0, 0.25)


def test_sustain_pedal_holds_released_notes_until_it_lifts():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=0)
    events = [
        (0.0, pedal(True)),
        (0.0, msg(ON, 60)),
        (0.5, msg(OFF, 60)),
        (1.0, msg(ON, 64)),
        (1.5, msg(OFF, 64)),
        (3.0, pedal(False)),
        (3.5, msg(ON, 67)),
        (4.0, msg(OFF, 67)),
    ]
    _, comp = record(events, take)
    got = [(n.pitch, n.start_beat, n.end_beat) for n in comp.tracks[0].notes]
    assert got == [(60, 0.0, 3.0), (64, 1.0, 3.0), (67, 3.5, 4.0)]


def test_a_key_restruck_under_the_pedal_ends_the_previous_note():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=0)
    events = [
        (0, pedal(True)),
        (0, msg(ON)),
        (0.5, msg(OFF)),
        (1, msg(ON)),
        (1.5, msg(OFF)),
        (2, pedal(False)),
    ]
    _, comp = record(events, take)
    assert [(n.start_beat, n.end_beat) for n in comp.tracks[0].notes] == [(0, 1), (1, 2)]


def test_notes_held_at_stop_are_closed_there():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=0)
    _, comp = record(
        [(1.0, msg(ON, 60)), (1.5, pedal(True)), (2.0, msg(ON, 62)), (2.5, msg(OFF, 62))],
        take,
        stop_beat=3.0,
    )
    got = [(n.pitch, n.end_beat) for n in comp.tracks[0].notes]
    assert got == [(60, 3.0), (62, 3.0)]


def test_fixed_length_take_ignores_later_notes_and_cuts_held_ones():
    take = Take(tempo_bpm=120, bars=1, quantize_steps_per_beat=0)
    rec, comp = record(
        [(3.0, msg(ON, 60)), (4.5, msg(ON, 62)), (5.0, msg(OFF, 60))], take, stop_beat=6
    )
    assert [(n.pitch, n.start_beat, n.end_beat) for n in comp.tracks[0].notes] == [(60, 3.0, 4.0)]
    assert rec.is_finished(rec.zero_s + 2.0)
    assert not rec.is_finished(rec.zero_s + 1.99)


def test_count_in_notes_just_before_the_downbeat_land_on_it_and_earlier_ones_are_dropped():
    take = Take(tempo_bpm=120, quantize_steps_per_beat=0)
    events = [(-2.0, msg(ON, 50)), (-1.5, msg(OFF, 50)), (-0.1, msg(ON, 60)), (1.0, msg(OFF, 60))]
    _, comp = record(events, take)
    assert [(n.pitch, n.start_beat) for n in comp.tracks[0].notes] == [(60, 0.0)]


def test_messages_before_start_and_after_stop_are_ignored():
    rec = Recorder(Take(quantize_steps_per_beat=0, count_in_bars=0))
    rec.feed(msg(ON), 1.0)
    rec.start(2.0)
    rec.feed(msg(ON, 61), 2.0)
    comp = rec.stop(3.0)
    rec.feed(msg(ON, 62), 3.5)
    assert [n.pitch for n in comp.tracks[0].notes] == [61]
    assert [n.pitch for n in rec.composition().tracks[0].notes] == [61]


def test_current_notes_draws_held_notes_up_to_now(clock):
    rec = Recorder(Take(tempo_bpm=60, count_in_bars=0, quantize_steps_per_beat=4), clock=clock)
    rec.start()
    rec.feed(msg(ON), clock() + 0.1)
    clock.sleep(1.1)
    live = rec.current_notes()
    assert len(live) == 1
    assert live[0].start_beat == pytest.approx(0.1)  # live view is unquantized
    assert live[0].end_beat == pytest.approx(1.1)


def test_take_rejects_absurd_settings():
    with pytest.raises(CompositionError):
        Take(tempo_bpm=5)
    with pytest.raises(CompositionError):
        Take(bars=0)
    with pytest.raises(CompositionError):
        Take(quantize_strength=2)


def test_take_from_settings_converts_the_quantize_grid():
    take = Take.from_settings(Settings(quantize_grid=8, tempo_bpm=80, count_in_bars=2), bars=4)
    assert (take.quantize_steps_per_beat, take.tempo_bpm, take.count_in_bars, take.bars) == (
        2,
        80,
        2,
        4,
    )
    assert Take.from_settings(Settings(quantize_grid=0)).quantize_steps_per_beat == 0


def test_stop_without_start_is_an_error():
    with pytest.raises(CompositionError):
        Recorder(Take()).stop(1.0)
