"""The piano roll edits the melody with the mouse, one undo step per gesture."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from deepcomposer_desktop.app.controller import CompositionController
from deepcomposer_desktop.app.pianoroll_geometry import RollGeometry, note_name
from deepcomposer_desktop.app.pianoroll_view import PianoRollView
from deepcomposer_desktop.core import Composition, Note, Track

pytestmark = pytest.mark.qt


def test_geometry_round_trips_beats_and_pitches():
    g = RollGeometry(pixels_per_beat=40, row_height_px=10).scrolled(100, 300)
    assert g.x_to_beat(g.beat_to_x(3.25)) == pytest.approx(3.25)
    for pitch in (0, 60, 127):
        assert g.y_to_pitch(g.pitch_to_y(pitch) + 5) == pitch
    assert note_name(60) == "C4" and note_name(61) == "C#4"


@pytest.fixture
def roll(qtbot):
    controller = CompositionController(
        Composition(tracks=(Track("melody", (Note(1.0, 60, 1.0),)),), melody_index=0)
    )
    view = PianoRollView(controller)
    view.resize(900, 500)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.center_on_pitch(60)
    return view, controller


def at(view, beat, pitch) -> QPoint:
    g = view.geometry_model
    return QPoint(int(g.beat_to_x(beat)), int(g.pitch_to_y(pitch) + g.row_height_px / 2))


def test_double_click_adds_a_note_and_undo_removes_it(qtbot, roll):
    view, controller = roll
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, 2.1, 64))
    notes = controller.composition.melody.notes
    assert Note(2.0, 64, 1.0, 100) in notes and len(notes) == 2
    controller.undo()
    assert len(controller.composition.melody.notes) == 1


def test_drag_moves_a_note_by_beats_and_semitones(qtbot, roll):
    view, controller = roll
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=at(view, 1.3, 60))
    qtbot.mouseMove(vp, at(view, 3.3, 62))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=at(view, 3.3, 62))
    assert controller.composition.melody.notes == (Note(3.0, 62, 1.0),)
    assert view.selected_notes() == [Note(3.0, 62, 1.0)]
    assert controller.undo_stack.count() == 1


def test_dragging_the_right_edge_resizes(qtbot, roll):
    view, controller = roll
    vp = view.viewport()
    g = view.geometry_model
    edge = QPoint(int(g.beat_to_x(2.0)) - 2, at(view, 1.5, 60).y())
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=edge)
    qtbot.mouseMove(vp, QPoint(int(g.beat_to_x(3.5)), edge.y()))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(int(g.beat_to_x(3.5)), edge.y()))
    assert controller.composition.melody.notes == (Note(1.0, 60, 2.5),)


def test_rubber_band_selects_and_right_click_deletes(qtbot, roll):
    view, controller = roll
    controller.apply(
        Composition(tracks=(Track("melody", (Note(1, 60, 1), Note(2, 62, 1), Note(8, 70, 1))),)),
        "setup",
    )
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=at(view, 0.5, 64))
    qtbot.mouseMove(vp, at(view, 3.5, 58))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=at(view, 3.5, 58))
    assert sorted(view.selected_notes()) == [Note(1, 60, 1), Note(2, 62, 1)]
    qtbot.mouseClick(vp, Qt.MouseButton.RightButton, pos=at(view, 2.5, 62))
    assert controller.composition.melody.notes == (Note(8, 70, 1),)


def test_draw_mode_draws_a_note_as_long_as_the_drag(qtbot, roll):
    view, controller = roll
    view.draw_mode = True
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=at(view, 4.05, 67))
    qtbot.mouseMove(vp, at(view, 6.0, 67))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=at(view, 6.0, 67))
    assert Note(4.0, 67, 2.0, 100) in controller.composition.melody.notes


def test_accompaniment_notes_are_not_editable(qtbot, roll):
    view, controller = roll
    controller.apply(
        Composition(tracks=(Track("melody"), Track("bass", (Note(0, 48, 4),))), melody_index=0),
        "setup",
    )
    assert view.melody_note_at(QPointF(at(view, 1.0, 48))) is None


def test_ctrl_wheel_zooms_horizontally(qtbot, roll):
    view, _ = roll
    before = view.geometry_model.pixels_per_beat
    pos = QPointF(400, 200)
    event = QWheelEvent(
        pos,
        view.viewport().mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.geometry_model.pixels_per_beat == pytest.approx(before * 1.2)


def test_live_notes_and_playhead_are_view_state_only(qtbot, roll):
    view, controller = roll
    before = controller.composition
    view.set_live_notes([Note(0, 72, 1)])
    view.set_playhead(2.0)
    view.repaint()
    assert controller.composition is before
