"""Synths shared by the audio tests: loading a SoundFont once keeps the suite fast."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deepcomposer_desktop.audio.synth import Synth

sys.path.insert(0, str(Path(__file__).parent))  # audio_analysis

DRY = {"reverb": False, "chorus": False}  # exact onsets and silences; same code path otherwise


@pytest.fixture(scope="session")
def dry_synth() -> Iterator[Synth]:
    """44.1 kHz, no reverb or chorus, samples loaded per program (offline style)."""
    synth = Synth(sample_rate=44100, dynamic_loading=True, **DRY)
    yield synth
    synth.close()


@pytest.fixture()
def synth(dry_synth: Synth) -> Synth:
    """The shared dry synth, reset to GM defaults and silence for each test."""
    dry_synth.reset()
    dry_synth.render(4096)
    return dry_synth
