"""Typed errors for every layer, mapped once to a one-line message by the CLI and the app.

Each subclass also inherits the builtin that fits it, so callers that only know Python's own
exceptions still catch the right thing.
"""


class DeepComposerError(Exception):
    """Something the user can fix; ``str(err)`` is a one-line explanation."""


class MidiFileError(DeepComposerError, ValueError):
    """A MIDI file is missing, unreadable, broken or absurd."""


class CompositionError(DeepComposerError, ValueError):
    """A composition cannot be used for the requested job (e.g. no melody track)."""


class ModelError(DeepComposerError, ValueError):
    """A generator model is missing, corrupt or does not match its manifest."""


class DatasetError(DeepComposerError, ValueError):
    """Training data cannot be built from what was given."""


class PortError(DeepComposerError, OSError):
    """A MIDI port problem."""


class PortNotFoundError(PortError):
    """No MIDI port of that name exists."""


class PortInUseError(PortError):
    """The MIDI port exists but cannot be opened (busy or refused)."""


class DeviceGoneError(PortError):
    """A MIDI device disappeared while in use."""


class BackendUnavailableError(PortError):
    """No MIDI backend (ALSA, CoreMIDI, WinMM, JACK) could be started."""


class AudioError(DeepComposerError, OSError):
    """No audio output device, or it failed."""


class SoundFontError(DeepComposerError, OSError):
    """A SoundFont file is missing or not a SoundFont."""


class OutputFileError(DeepComposerError, OSError):
    """An output file cannot be written (unwritable folder, full disk)."""
