import wave
from pathlib import Path
from typing import ClassVar

import mido
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt, QThreadPool
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from deepcomposer_desktop.app.exporting import (
    MIDI_MIME_TYPE,
    MidiDragButton,
    export_midi,
    export_wav,
    start_wav_export,
)
from deepcomposer_desktop.core import Composition, Note, Track
from deepcomposer_desktop.core.errors import CompositionError, OutputFileError
from deepcomposer_desktop.core.midifile import read_midi

pytestmark = pytest.mark.qt


def _piece(title: str = "My Song") -> Composition:
    melody = Track("Melody", tuple(Note(float(i), 60 + i, 1.0, 90) for i in range(4)))
    bass = Track("Bass", (Note(0.0, 36, 4.0, 80),), program=33)
    return Composition(tracks=(melody, bass), title=title)


def test_export_midi_writes_a_readable_type_1_file(tmp_path: Path) -> None:
    written = export_midi(_piece(), tmp_path / "song")
    assert written == tmp_path / "song.mid"
    assert mido.MidiFile(written).type == 1
    back = read_midi(written)
    assert [t.name for t in back.tracks] == ["Melody", "Bass"]
    assert back.tracks[1].program == 33
    assert export_midi(_piece(), tmp_path / "keep.MID") == tmp_path / "keep.MID"


def test_export_errors_are_one_line_typed_messages(tmp_path: Path) -> None:
    with pytest.raises(CompositionError, match="no notes"):
        export_midi(Composition(tracks=(Track("Melody"),)), tmp_path / "x.mid")
    with pytest.raises(OutputFileError, match="does not exist") as caught:
        export_midi(_piece(), tmp_path / "missing" / "x.mid")
    assert "\n" not in str(caught.value)


@pytest.mark.integration
def test_export_wav_renders_stereo_audio(tmp_path: Path) -> None:
    written = export_wav(_piece(), tmp_path / "song.wav")
    with wave.open(str(written)) as handle:
        assert handle.getnchannels() == 2
        assert handle.getframerate() == 44100
        assert handle.getnframes() > 44100 * 2  # 4 beats at 120 BPM plus the release tail


@pytest.mark.integration
def test_wav_export_runs_in_the_thread_pool_and_reports(qtbot, tmp_path: Path) -> None:
    pool = QThreadPool()
    done: list[str] = []
    failures: list[str] = []
    start_wav_export(_piece(), tmp_path / "out.wav", on_finished=done.append, pool=pool)
    start_wav_export(
        _piece(),
        tmp_path / "b.wav",
        soundfont=tmp_path / "nope.sf2",
        on_finished=done.append,
        on_failed=failures.append,
        pool=pool,
    )
    qtbot.waitUntil(lambda: len(done) + len(failures) == 2, timeout=30_000)
    assert done == [str(tmp_path / "out.wav")]
    assert Path(done[0]).stat().st_size > 44
    [message] = failures
    assert "nope.sf2" in message and "\n" not in message
    assert not (tmp_path / "b.wav").exists()


@pytest.mark.integration
def test_signals_connected_after_the_call_still_hear_a_fast_failure(qtbot, tmp_path) -> None:
    signals = start_wav_export(_piece(), tmp_path / "x.wav", soundfont=tmp_path / "no.sf2")
    with qtbot.waitSignal(signals.failed, timeout=30_000) as failure:
        pass
    assert "no.sf2" in failure.args[0]


def test_drag_mime_data_holds_a_readable_type_1_file(qtbot) -> None:
    button = MidiDragButton()
    qtbot.addWidget(button)
    button.set_composition(_piece("Night/Song?"))
    mime = button.mime_data()
    [url] = mime.urls()
    assert url.isLocalFile()
    path = Path(url.toLocalFile())
    assert path.name == "NightSong.mid"
    midi = mido.MidiFile(path)
    assert midi.type == 1
    assert bytes(mime.data(MIDI_MIME_TYPE)) == path.read_bytes()
    assert [t.name for t in read_midi(path).tracks] == ["Melody", "Bass"]


def test_button_is_disabled_without_notes(qtbot) -> None:
    button = MidiDragButton()
    qtbot.addWidget(button)
    assert not button.isEnabled()
    button.set_composition(Composition(tracks=(Track("Melody"),)))
    assert not button.isEnabled()
    button.set_composition(_piece())
    assert button.isEnabled()


class _FakeDrag:
    started: ClassVar[list["_FakeDrag"]] = []

    def __init__(self, source) -> None:
        self.source = source
        self.mime = None
        _FakeDrag.started.append(self)

    def setMimeData(self, mime) -> None:
        self.mime = mime

    def exec(self, action):
        return Qt.DropAction.CopyAction


def _mouse(button: MidiDragButton, kind: QEvent.Type, x: float, pressed: bool) -> None:
    buttons = Qt.MouseButton.LeftButton if pressed else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind,
        QPointF(x, 5),
        QPointF(x, 5),
        Qt.MouseButton.LeftButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(button, event)


def test_pressing_and_moving_starts_a_drag_with_the_file(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(MidiDragButton, "drag_factory", _FakeDrag)
    _FakeDrag.started.clear()
    button = MidiDragButton()
    qtbot.addWidget(button)
    button.resize(120, 30)
    button.set_composition(_piece())
    with qtbot.waitSignal(button.dragStarted) as started:
        _mouse(button, QEvent.Type.MouseButtonPress, 5, True)
        _mouse(button, QEvent.Type.MouseMove, 5 + QApplication.startDragDistance() + 2, True)
    [drag] = _FakeDrag.started
    assert drag.mime.urls()[0].toLocalFile() == started.args[0]
    assert mido.MidiFile(started.args[0]).type == 1
