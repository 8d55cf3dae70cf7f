"""A whole piece: tracks plus its clock (tempo map, meter) and resolution for export."""

from dataclasses import dataclass, replace

from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track


@dataclass(frozen=True, slots=True)
class Composition:
    """Immutable; every edit builds a new one with ``dataclasses.replace``.

    ``tempo_map`` and ``time_signatures`` are sorted by ``start_beat`` and always start at
    beat 0. ``melody_index`` names the melody track (None when there is none). ``key`` is an
    optional ``core.key.Key`` read from the file or estimated.
    """

    tracks: tuple[Track, ...] = ()
    tempo_map: tuple[TempoChange, ...] = (TempoChange(0.0, 120.0),)
    time_signatures: tuple[TimeSignature, ...] = (TimeSignature(4, 4, 0.0),)
    ticks_per_beat: int = 480
    melody_index: int | None = 0
    key: object | None = None
    title: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.ticks_per_beat <= 32767:
            raise CompositionError(f"ticks per beat {self.ticks_per_beat} is outside 1-32767")
        if not self.tempo_map or self.tempo_map[0].start_beat != 0:
            raise CompositionError("the tempo map must start at beat 0")
        if not self.time_signatures or self.time_signatures[0].start_beat != 0:
            raise CompositionError("the time signatures must start at beat 0")
        if self.melody_index is not None and not 0 <= self.melody_index < max(len(self.tracks), 1):
            raise CompositionError(f"melody track {self.melody_index} does not exist")
        object.__setattr__(
            self, "tempo_map", tuple(sorted(self.tempo_map, key=lambda t: t.start_beat))
        )
        object.__setattr__(
            self, "time_signatures", tuple(sorted(self.time_signatures, key=lambda t: t.start_beat))
        )

    @property
    def tempo_bpm(self) -> float:
        """The opening tempo, which is what most of our music keeps throughout."""
        return self.tempo_map[0].tempo_bpm

    @property
    def time_signature(self) -> TimeSignature:
        return self.time_signatures[0]

    @property
    def melody(self) -> Track | None:
        if self.melody_index is None or not self.tracks:
            return None
        return self.tracks[self.melody_index]

    @property
    def end_beat(self) -> float:
        return max((t.end_beat for t in self.tracks), default=0.0)

    @property
    def beats_per_bar(self) -> float:
        return self.time_signature.beats_per_bar

    @property
    def bar_count(self) -> int:
        """Whole bars needed to hold every note (at the opening meter), at least one."""
        end = self.end_beat
        per_bar = self.beats_per_bar
        bars = int(end // per_bar) + (1 if end % per_bar > 1e-9 else 0)
        return max(bars, 1)

    def with_tracks(self, tracks: "tuple[Track, ...] | list[Track]") -> "Composition":
        tracks = tuple(tracks)
        melody = self.melody_index if self.melody_index is not None and tracks else None
        if melody is not None and melody >= len(tracks):
            melody = None
        return replace(self, tracks=tracks, melody_index=melody)

    def replace_track(self, index: int, track: Track) -> "Composition":
        tracks = list(self.tracks)
        tracks[index] = track
        return replace(self, tracks=tuple(tracks))
