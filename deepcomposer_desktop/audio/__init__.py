"""Sound: the built-in SoundFont synth, audio output and WAV rendering. No Qt.

FluidSynth (``synth.py``) and PortAudio (``output.py``) load lazily, on first use, so
importing this package is cheap and works on machines without either library.
"""

from deepcomposer_desktop.audio.output import AudioOutput, audio_available
from deepcomposer_desktop.audio.render import render_composition, write_wav
from deepcomposer_desktop.audio.soundfont import find_soundfont
from deepcomposer_desktop.audio.synth import Synth

__all__ = [
    "AudioOutput",
    "Synth",
    "audio_available",
    "find_soundfont",
    "render_composition",
    "write_wav",
]
