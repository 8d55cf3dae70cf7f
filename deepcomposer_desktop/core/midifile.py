"""MIDI files in and out: the only module in ``core`` that touches the file system.

Reading is strict and bounded (``midiread``: sizes checked before use, at most 64 MB, 1024
tracks, 2 million events) and then lenient about musical details (``midibuild``: how events
become notes and tracks). Writing produces type-1 files (``midiwrite``, our own encoder;
``composition_to_midi`` hands them to mido). Every failure is a ``MidiFileError`` or
``OutputFileError`` with a one-line message.
"""

import io
import os
from dataclasses import replace
from pathlib import Path

import mido

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError, MidiFileError, OutputFileError
from deepcomposer_desktop.core.midibuild import build_composition, choose_melody_track
from deepcomposer_desktop.core.midiread import MAX_FILE_BYTES, parse_smf
from deepcomposer_desktop.core.midiwrite import composition_to_smf

__all__ = [
    "choose_melody_track",
    "composition_to_bytes",
    "composition_to_midi",
    "read_midi",
    "read_midi_bytes",
    "write_midi",
]


def read_midi(path: str | os.PathLike[str], *, melody_track: int | None = None) -> Composition:
    """Read a type 0, 1 or 2 MIDI file; ``melody_track`` forces the melody (0-based index)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise MidiFileError(f"{path} is a folder, not a MIDI file")
        if not path.is_file():  # a FIFO or device could block or never end
            raise MidiFileError(f"{path} is not a regular file")
        if size > MAX_FILE_BYTES:
            raise MidiFileError(
                f"{path.name} is {size / 2**20:.0f} MB; MIDI files over "
                f"{MAX_FILE_BYTES // 2**20} MB are not supported"
            )
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as err:
        raise MidiFileError(f"{path} does not exist") from err
    except OSError as err:
        raise MidiFileError(f"cannot read {path}: {err.strerror or err}") from err
    try:
        return read_midi_bytes(data, melody_track=melody_track)
    except MidiFileError as err:
        raise MidiFileError(f"{path.name}: {err}") from err


def read_midi_bytes(data: bytes, *, melody_track: int | None = None) -> Composition:
    """Parse MIDI file bytes; the melody is ``melody_track`` or ``choose_melody_track``'s pick."""
    try:
        composition = build_composition(parse_smf(bytes(data)))
    except CompositionError as err:  # a value type refused something the parser let through
        raise MidiFileError(str(err)) from err
    if melody_track is not None:
        count = len(composition.tracks)
        if not 0 <= melody_track < count:
            raise CompositionError(
                f"melody track {melody_track} does not exist; the file has {count} tracks"
                + (f" (0-{count - 1})" if count else "")
            )
        chosen: int | None = melody_track
    else:
        chosen = choose_melody_track(composition)
    return replace(composition, melody_index=chosen)


def composition_to_bytes(composition: Composition) -> bytes:
    """The composition as the bytes of a type-1 Standard MIDI File (see ``midiwrite``)."""
    return composition_to_smf(composition)


def composition_to_midi(composition: Composition) -> mido.MidiFile:
    """The same file as a ``mido.MidiFile``, for callers that want mido messages."""
    data = io.BytesIO(composition_to_smf(composition))
    return mido.MidiFile(file=data, charset="utf-8")


def write_midi(composition: Composition, path: str | os.PathLike[str]) -> None:
    """Write a type-1 MIDI file atomically: a reader never sees half a file."""
    path = Path(path)
    data = composition_to_bytes(composition)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("wb") as file:
            file.write(data)
        os.replace(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise OutputFileError(f"cannot write {path}: {err.strerror or err}") from err
