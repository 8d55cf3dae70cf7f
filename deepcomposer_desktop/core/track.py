"""A part: one instrument's notes plus how it should sound (program, drums, mix)."""

from dataclasses import dataclass, field, replace
from itertools import pairwise
from operator import attrgetter

from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.note import Note

DRUM_CHANNEL = 9  # MIDI channel 10, counted from zero
_ORDER = attrgetter("start_beat", "pitch", "duration_beats", "velocity")  # Note's field order


@dataclass(frozen=True, slots=True)
class Track:
    """Notes are kept sorted by start then pitch; ``channel`` None means "assign on export".

    ``volume`` (CC7) and ``pan`` (CC10) are 0-127; ``muted``/``solo`` are mixer state that
    playback honours and the library keeps, but exported files still contain every track.
    """

    name: str
    notes: tuple[Note, ...] = ()
    program: int = 0
    is_drum: bool = False
    channel: int | None = None
    volume: int = 100
    pan: int = 64
    muted: bool = False
    solo: bool = False
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0 <= self.program <= 127:
            raise CompositionError(f"GM program {self.program} is outside 0-127")
        if self.channel is not None and not 0 <= self.channel <= 15:
            raise CompositionError(f"MIDI channel {self.channel} is outside 0-15")
        if not 0 <= self.volume <= 127 or not 0 <= self.pan <= 127:
            raise CompositionError("volume and pan must be 0-127")
        keys = [_ORDER(n) for n in self.notes]  # C-level tuples: far cheaper than Note.__lt__
        if not isinstance(self.notes, tuple) or any(b < a for a, b in pairwise(keys)):
            object.__setattr__(self, "notes", tuple(sorted(self.notes, key=_ORDER)))

    @property
    def end_beat(self) -> float:
        return max((n.end_beat for n in self.notes), default=0.0)

    @property
    def pitch_range(self) -> tuple[int, int] | None:
        if not self.notes:
            return None
        pitches = [n.pitch for n in self.notes]
        return min(pitches), max(pitches)

    def with_notes(self, notes: "tuple[Note, ...] | list[Note]") -> "Track":
        return replace(self, notes=tuple(notes))
