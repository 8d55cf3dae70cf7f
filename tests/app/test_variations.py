import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from deepcomposer_desktop.app import theme
from deepcomposer_desktop.app.variations_view import VariationsView, note_rects
from deepcomposer_desktop.core import Composition, Note, Track

pytestmark = pytest.mark.qt


def _variation(bass_pitch: int) -> Composition:
    melody = Track("Melody", tuple(Note(float(b), 72, 1.0) for b in range(8)))
    bass = Track("Bass", (Note(0.0, bass_pitch, 8.0),), program=33)
    return Composition(tracks=(melody, bass))


@pytest.fixture
def view(qtbot) -> VariationsView:
    widget = VariationsView()
    qtbot.addWidget(widget)
    widget.resize(800, 200)
    widget.set_variations([_variation(36), _variation(40), _variation(43)])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_clicking_a_thumbnail_chooses_it(qtbot, view: VariationsView) -> None:
    with qtbot.waitSignal(view.variationChosen) as chosen:
        qtbot.mouseClick(view.thumbnail(1), Qt.MouseButton.LeftButton)
    assert chosen.args == [1]
    assert view.current_index == 1


def test_arrow_keys_and_enter_choose(qtbot, view: VariationsView) -> None:
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # stays on the last one
    assert view.current_index == 2
    with qtbot.waitSignal(view.variationChosen) as chosen:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert chosen.args == [2]
    with qtbot.waitSignal(view.variationChosen) as chosen:
        qtbot.keyClick(view, Qt.Key.Key_1)
    assert chosen.args == [0]
    with qtbot.assertNotEmitted(view.variationChosen):
        qtbot.keyClick(view, Qt.Key.Key_9)  # there is no ninth variation


def test_thumbnails_paint_each_track_in_its_colour(qtbot, view: VariationsView) -> None:
    thumb = view.thumbnail(0)
    image = thumb.grab().toImage()
    melody_colour = theme.track_colour(0, 0)
    bass_colour = theme.track_colour(1, 0)
    for index, rect in note_rects(thumb.composition, thumb.width(), thumb.height()):
        centre = rect.center().toPoint()
        wanted = melody_colour if index == 0 else bass_colour
        assert QColor(image.pixel(centre)) == wanted
    # Higher pitches are drawn higher: the melody above the bass.
    rects = dict(note_rects(thumb.composition, thumb.width(), thumb.height()))
    assert rects[0].center().y() < rects[1].center().y()


def test_new_variations_replace_the_old_and_empty_shows_a_hint(qtbot, view) -> None:
    view.set_variations([_variation(50)])
    assert view.count == 1
    assert view.current_index == 0
    view.set_variations([])
    assert view.count == 0
    assert view.current_index == -1
    with qtbot.assertNotEmitted(view.variationChosen):
        qtbot.keyClick(view, Qt.Key.Key_Return)


def test_captions_are_numbered_for_the_keyboard(qtbot) -> None:
    view = VariationsView()
    qtbot.addWidget(view)
    view.set_variations([_variation(36), _variation(40)], ["Seed 7", "Seed 8"])
    texts = [label.text() for label in view.findChildren(QLabel) if label.text()[0].isdigit()]
    assert texts == ["1. Seed 7", "2. Seed 8"]


def test_note_rects_scale_time_over_whole_bars() -> None:
    rects = note_rects(_variation(36), 200.0, 100.0)
    [(_, bass)] = [(i, r) for i, r in rects if i == 1]
    assert bass.left() == 0.0
    assert bass.width() == pytest.approx(200.0)  # 8 beats = the 2 whole bars
    assert note_rects(Composition(), 200.0, 100.0) == []
