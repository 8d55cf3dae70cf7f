"""A single note, in beats, so that it survives tempo changes and any ticks-per-beat."""

from dataclasses import dataclass, replace

from deepcomposer_desktop.core.errors import CompositionError


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """One sounding note. Ordered by start, then pitch, so sorting a track is meaningful.

    ``start_beat`` and ``duration_beats`` count quarter notes from the start of the piece.
    """

    start_beat: float
    pitch: int
    duration_beats: float
    velocity: int = 100

    def __post_init__(self) -> None:
        if not 0 <= self.pitch <= 127:
            raise CompositionError(f"pitch {self.pitch} is outside 0-127")
        if not 1 <= self.velocity <= 127:
            raise CompositionError(f"velocity {self.velocity} is outside 1-127")
        if self.start_beat < 0:
            raise CompositionError(f"note starts before the beginning ({self.start_beat} beats)")
        if not self.duration_beats > 0:
            raise CompositionError(f"note duration must be positive, got {self.duration_beats}")

    @property
    def end_beat(self) -> float:
        return self.start_beat + self.duration_beats

    def moved(self, *, beats: float = 0.0, semitones: int = 0) -> "Note":
        return replace(self, start_beat=self.start_beat + beats, pitch=self.pitch + semitones)
