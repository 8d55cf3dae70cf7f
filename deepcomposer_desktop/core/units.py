"""Conversions between ticks, beats, seconds and tempi. A beat is always a quarter note."""

MICROSECONDS_PER_MINUTE = 60_000_000


def ticks_to_beats(tick: int, ticks_per_beat: int) -> float:
    return tick / ticks_per_beat


def beats_to_ticks(beat: float, ticks_per_beat: int) -> int:
    """Round to the nearest tick so that float beats never drift in a written file."""
    return round(beat * ticks_per_beat)


def beats_to_seconds(beats: float, tempo_bpm: float) -> float:
    return beats * 60.0 / tempo_bpm


def seconds_to_beats(seconds: float, tempo_bpm: float) -> float:
    return seconds * tempo_bpm / 60.0


def bpm_to_microseconds_per_beat(tempo_bpm: float) -> int:
    return round(MICROSECONDS_PER_MINUTE / tempo_bpm)


def microseconds_per_beat_to_bpm(microseconds: int) -> float:
    return MICROSECONDS_PER_MINUTE / microseconds


def beats_per_bar(numerator: int, denominator: int) -> float:
    """Quarter-note beats in one bar: 4/4 -> 4, 3/4 -> 3, 6/8 -> 3, 2/2 -> 4."""
    return numerator * 4.0 / denominator


def steps_to_beats(step: int, steps_per_beat: int) -> float:
    return step / steps_per_beat


def beats_to_steps(beat: float, steps_per_beat: int) -> int:
    """Nearest grid step: a note at 0.99 of a step lands on the next one, as a musician hears."""
    return round(beat * steps_per_beat)
