"""The controller owns the composition: every apply is one undo step; load starts afresh."""

from deepcomposer_desktop.app.controller import CompositionController
from deepcomposer_desktop.core import Composition, Note, Track


def with_note(pitch: int) -> Composition:
    return Composition(tracks=(Track("melody", (Note(0, pitch, 1),)),))


def test_apply_emits_and_undo_redo_restore(qtbot):
    controller = CompositionController()
    seen = []
    controller.compositionChanged.connect(seen.append)
    first, second = with_note(60), with_note(62)
    controller.apply(first, "one")
    controller.apply(second, "two")
    assert controller.composition is second
    controller.undo()
    assert controller.composition is first
    controller.undo()
    assert controller.composition == Composition()
    controller.redo()
    assert controller.composition is first
    assert seen == [first, second, first, Composition(), first]


def test_applying_the_same_value_adds_no_undo_step(qtbot):
    controller = CompositionController()
    controller.apply(with_note(60), "one")
    controller.apply(with_note(60), "again")
    assert controller.undo_stack.count() == 1


def test_load_is_not_undoable_and_sets_title_and_library_id(qtbot):
    controller = CompositionController()
    controller.apply(with_note(60), "edit")
    controller.load(with_note(70), title="Ode", library_id=7)
    assert controller.undo_stack.count() == 0
    assert (controller.title, controller.library_id) == ("Ode", 7)
    assert controller.composition.melody.notes[0].pitch == 70
