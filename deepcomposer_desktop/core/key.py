"""Musical keys: a tonic pitch class and a mode, with how sure an estimate is."""

from dataclasses import dataclass

from deepcomposer_desktop.core.errors import CompositionError

PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
NATURAL_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True, slots=True)
class Key:
    tonic: int  # pitch class 0-11, C = 0
    mode: str = "major"  # "major" or "minor"
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.tonic <= 11:
            raise CompositionError(f"key tonic {self.tonic} is not a pitch class 0-11")
        if self.mode not in ("major", "minor"):
            raise CompositionError(f"key mode {self.mode!r} is not 'major' or 'minor'")

    @property
    def scale_pitch_classes(self) -> frozenset[int]:
        steps = MAJOR_SCALE if self.mode == "major" else NATURAL_MINOR_SCALE
        return frozenset((self.tonic + s) % 12 for s in steps)

    def __str__(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.tonic]} {self.mode}"
