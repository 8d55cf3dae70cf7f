import pytest
from fakes import FakeClock

from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.midi.timeline import TempoTimeline, bar_start_beat, wait_until


def test_seconds_follow_tempo_changes_and_invert():
    tl = TempoTimeline([TempoChange(0, 120), TempoChange(4, 60)])
    assert tl.seconds_at(4) == pytest.approx(2.0)
    assert tl.seconds_at(6) == pytest.approx(4.0)
    assert tl.beat_at(4.0) == pytest.approx(6.0)
    assert tl.beat_at(1.0) == pytest.approx(2.0)
    assert tl.tempo_at(5) == 60


def test_bar_starts_follow_meter_changes():
    sigs = [TimeSignature(4, 4, 0), TimeSignature(3, 4, 8)]
    assert bar_start_beat(sigs, 0) == 0
    assert bar_start_beat(sigs, 2) == 8
    assert bar_start_beat(sigs, 3) == 11
    assert bar_start_beat([TimeSignature(6, 8)], 2) == 6


def test_wait_until_never_returns_early():
    clock = FakeClock(0.0)
    done = wait_until(0.0105, clock=clock, sleep=clock.sleep)
    assert 0.0105 <= done < 0.0107
