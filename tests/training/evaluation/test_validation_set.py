"""The validation chorales used for tuning sampling: the dataset's split, never the test set."""

from deepcomposer_desktop.training.chorales import is_test_chorale
from deepcomposer_desktop.training.evaluation.melodies import (
    chorale_melodies,
    validation_chorales,
)


def test_validation_chorales_are_the_datasets_validation_pieces_not_held_out_ones() -> None:
    validation = validation_chorales()
    numbers = [int(m.name.split()[-1]) for m in validation]
    assert len(validation) == 19  # pieces_validation in the shipped manifests
    assert not any(is_test_chorale(n) for n in numbers)
    held_out = {m.composition.tracks[0].notes for m in chorale_melodies()}
    assert all(m.composition.tracks[0].notes not in held_out for m in validation)
    assert all(m.reference is not None and len(m.reference.tracks) == 4 for m in validation)
