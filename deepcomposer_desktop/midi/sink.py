"""What playback, thru and the metronome send to: anything with ``send(msg)``.

A MIDI output port (``ports.OutputPort``) is one; so is the built-in SoundFont synth, which
lives in ``audio/`` and never imports this layer: the protocol is structural.
"""

from typing import Protocol

import mido


class Sink(Protocol):
    def send(self, msg: mido.Message) -> None: ...
