"""Pure music: notes, tracks, compositions, piano rolls, keys, metrics and MIDI files.

Only the standard library, numpy and mido are used here: no clocks, threads, Qt or devices.
"""

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track

__all__ = [
    "Composition",
    "DeepComposerError",
    "Note",
    "TempoChange",
    "TimeSignature",
    "Track",
]
