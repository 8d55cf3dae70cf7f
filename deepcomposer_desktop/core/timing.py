"""Tempo and meter: the parts of a composition's clock that can change along the piece."""

from dataclasses import dataclass

from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.units import beats_per_bar

VALID_DENOMINATORS = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True, slots=True)
class TempoChange:
    start_beat: float
    tempo_bpm: float

    def __post_init__(self) -> None:
        if self.start_beat < 0:
            raise CompositionError(f"tempo change before the beginning ({self.start_beat})")
        if not 1.0 <= self.tempo_bpm <= 1000.0:
            raise CompositionError(f"tempo {self.tempo_bpm} BPM is outside 1-1000")


@dataclass(frozen=True, slots=True)
class TimeSignature:
    numerator: int = 4
    denominator: int = 4
    start_beat: float = 0.0

    def __post_init__(self) -> None:
        if not 1 <= self.numerator <= 64:
            raise CompositionError(f"time signature numerator {self.numerator} is outside 1-64")
        if self.denominator not in VALID_DENOMINATORS:
            raise CompositionError(f"time signature denominator {self.denominator} is invalid")
        if self.start_beat < 0:
            raise CompositionError(f"time signature before the beginning ({self.start_beat})")

    @property
    def beats_per_bar(self) -> float:
        return beats_per_bar(self.numerator, self.denominator)

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"
