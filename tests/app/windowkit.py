"""Shared helpers for APP-A's window tests: a tiny fake generator and a window factory.

The fake stands in for the ONNX engine in unit tests (the real one is tested separately once
a model is installed); it is deterministic per seed like the real contract demands.
"""

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from deepcomposer_desktop.core import Composition, Note, Track

MELODY = (60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72, 67, 64, 62, 60)


def melody_composition(title: str = "Test tune") -> Composition:
    notes = tuple(Note(i * 1.0, p, 0.9, 90) for i, p in enumerate(MELODY))
    return Composition(tracks=(Track("melody", notes),), melody_index=0, title=title)


@dataclass(frozen=True)
class FakeTrackSpec:
    name: str
    program: int


@dataclass(frozen=True)
class FakeManifest:
    name: str = "fake"
    genre: str = "test"
    tracks: tuple = (FakeTrackSpec("alto", 52), FakeTrackSpec("bass", 32))
    steps_per_beat: int = 4
    reference_metrics: dict = field(default_factory=dict)


class FakeGenerator:
    """Alto a third below the melody, bass two octaves below; the seed shifts the bass."""

    def __init__(self, delay_s: float = 0.0, fail: str | None = None):
        self.manifest = FakeManifest()
        self.calls: list[dict] = []
        self.delay_s = delay_s
        self.fail = fail
        self.release = threading.Event()
        self.release.set()

    def generate(self, composition, *, seed, variations=1, regenerate=None):
        self.release.wait(10)
        self.calls.append({"seed": seed, "variations": variations, "regenerate": regenerate})
        if self.fail:
            from deepcomposer_desktop.core.errors import ModelError

            raise ModelError(self.fail)
        melody = composition.melody
        results = []
        for v in range(variations):
            alto = Track("alto", tuple(replace(n, pitch=n.pitch - 4) for n in melody.notes), 52)
            bass = Track(
                "bass",
                tuple(replace(n, pitch=n.pitch - 24 + (seed + v) % 5) for n in melody.notes),
                32,
            )
            tracks = [melody, alto, bass]
            if regenerate:
                kept = {t.name: t for t in composition.tracks}
                tracks = [melody] + [
                    t if t.name in regenerate else kept.get(t.name, t) for t in (alto, bass)
                ]
            results.append(replace(composition, tracks=tuple(tracks), melody_index=0))
        return results


def make_window(qtbot, tmp_path: Path, monkeypatch, *, generator=None, **overrides):
    """A real MainWindow, offscreen, with no devices, a private profile and a fake model."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from deepcomposer_desktop.app.mainwindow import MainWindow, Services

    generator = generator if generator is not None else FakeGenerator()
    services = Services(
        open_devices=False,
        model_loader=lambda name, threads: generator,
        list_models=lambda: ["fake"],
        list_inputs=lambda: [],
        list_outputs=lambda: [],
        autosave=False,
    )
    for key, value in overrides.items():
        setattr(services, key, value)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.fake_generator = generator
    return window


class RecordingSink:
    """A sink that keeps every message (stands in for a MIDI port or the synth)."""

    def __init__(self):
        self.messages = []

    def send(self, msg):
        self.messages.append(msg)
