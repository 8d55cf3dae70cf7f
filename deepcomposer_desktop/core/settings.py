"""The user's preferences as one value. Defaults live here; the app maps it to QSettings."""

from dataclasses import dataclass, fields
from typing import Any

from deepcomposer_desktop.core.errors import DeepComposerError


@dataclass(frozen=True, slots=True)
class Settings:
    midi_input: str = ""  # port name; "" picks the best keyboard available
    midi_output: str = ""  # port name; "" means the built-in synth
    soundfont_path: str = ""  # "" means the bundled/system GM SoundFont
    default_model: str = "bach-chorale"
    audio_buffer_frames: int = 256
    sample_rate: int = 48000
    tempo_bpm: float = 100.0
    count_in_bars: int = 1
    metronome: bool = True
    quantize_grid: int = 16  # 16th notes; 0 = off
    quantize_strength: float = 1.0
    inference_threads: int = 1
    theme: str = "dark"  # "dark", "light" or "system"

    def __post_init__(self) -> None:
        if self.audio_buffer_frames not in (64, 128, 256, 512, 1024, 2048):
            raise DeepComposerError(f"audio buffer {self.audio_buffer_frames} is not a power of 2")
        if not 20 <= self.tempo_bpm <= 300:
            raise DeepComposerError(f"tempo {self.tempo_bpm} BPM is outside 20-300")
        if self.quantize_grid not in (0, 4, 8, 12, 16, 24, 32):
            raise DeepComposerError(f"quantize grid {self.quantize_grid} is not supported")
        if not 0.0 <= self.quantize_strength <= 1.0:
            raise DeepComposerError("quantize strength must be between 0 and 1")
        if self.theme not in ("dark", "light", "system"):
            raise DeepComposerError(f"theme {self.theme!r} is not dark, light or system")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "Settings":
        """Build from stored values, ignoring unknown keys and coercing types of known ones.

        Stored settings outlive versions of the app, so an old or hand-edited file must never
        stop the app from starting: bad values fall back to the defaults.
        """
        kwargs: dict[str, Any] = {}
        defaults = cls()
        for f in fields(cls):
            if f.name not in values:
                continue
            default = getattr(defaults, f.name)
            try:
                value = values[f.name]
                if isinstance(default, bool):
                    value = value if isinstance(value, bool) else str(value).lower() == "true"
                else:
                    value = type(default)(value)
                cls(**{f.name: value})
            except (TypeError, ValueError, DeepComposerError):
                continue
            kwargs[f.name] = value
        return cls(**kwargs)
