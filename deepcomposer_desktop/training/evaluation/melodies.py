"""The melody sets a model is judged on: held-out Bach chorales and tunes that are not chorales.

Chorales come with Bach's own alto, tenor and bass (the reference); the other tunes (bundled
``resources/melodies/*.mid`` plus a fixed pick of music21's Essen folk-song corpus: children's
songs, minor and modal ballads, pickups, 3/4 and 4/4) have none, so they are judged against the
chorale statistics and by rules only.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError, DeepComposerError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[3]
BUNDLED_MELODIES = REPO_ROOT / "resources" / "melodies"
DEFAULT_TEMPO_BPM = 100.0

# (corpus work, abc X: number): chosen for variety, listed with what each one exercises.
FOLK_TUNES: tuple[tuple[str, int], ...] = (
    ("essenFolksong/kinder0", 9),  # children's song, 4/4, G major
    ("essenFolksong/kinder0", 15),  # children's song, 3/4, F major
    ("essenFolksong/kinder0", 24),  # children's song, 3/4, pickup
    ("essenFolksong/kinder0", 25),  # children's song, 4/4
    ("essenFolksong/kinder0", 35),  # children's song, 4/4, pickup
    ("essenFolksong/kinder0", 45),  # children's song, 3/4, pickup
    ("essenFolksong/altdeu10", 8),  # ballad, 4/4, E minor, pickup
    ("essenFolksong/altdeu10", 27),  # ballad, 3/4, G minor, pickup
    ("essenFolksong/altdeu10", 32),  # ballad, 4/4, G minor, pickup
    ("essenFolksong/erk5", 3),  # old German song, 4/4, D minor (dorian colour), pickup
    ("essenFolksong/erk5", 7),  # old German song, 4/4, D minor
    ("essenFolksong/erk5", 13),  # old German song, 3/4, A minor, pickup
)


@dataclass(frozen=True, slots=True)
class Melody:
    """One tune to harmonize: the melody alone, and the real four parts when known."""

    name: str
    composition: Composition  # one track, melody_index 0, the tune's own tempo and meter
    reference: Composition | None = None  # soprano, alto, tenor, bass when it is a chorale


def melody_only(composition: Composition) -> Composition:
    """The composition reduced to its melody track (first, melody_index 0), clock kept."""
    melody = composition.melody
    if melody is None or not melody.notes:
        raise DatasetError(f"{composition.title or 'composition'} has no melody notes")
    return replace(composition, tracks=(melody,), melody_index=0)


def chorale_melodies(*, limit: int | None = None) -> list[Melody]:
    """The held-out chorales (Riemenschneider number % 10 == 0), 4/4 only, with Bach's parts."""
    from deepcomposer_desktop.training.chorales import is_test_chorale, iter_chorales

    result = []
    for chorale in iter_chorales():
        if not is_test_chorale(chorale.number):
            continue
        name = f"chorale {chorale.number}"
        result.append(Melody(name, melody_only(chorale.composition), chorale.composition))
        if limit is not None and len(result) >= limit:
            break
    return result


def validation_chorales(*, val_fraction: float = 0.1, seed: int = 0) -> list[Melody]:
    """The validation chorales of ``dataset.build_chorale_dataset`` (same split and seed).

    For tuning sampling settings without looking at the held-out test chorales: the same
    permutation picks the validation pieces, and those whose soprano repeats a training or
    test melody are dropped, as the dataset does.
    """
    import numpy as np

    from deepcomposer_desktop.training.chorales import is_test_chorale, iter_chorales
    from deepcomposer_desktop.training.dataset import _melody_signature, encode_composition

    pieces, test_sigs = [], set()
    for chorale in iter_chorales():
        encoded = encode_composition(chorale.composition, (0, 1, 2, 3))
        sig = _melody_signature(encoded["pitch"][:, 0])
        if is_test_chorale(chorale.number):
            test_sigs.add(sig)
        else:
            pieces.append((chorale, sig))
    order = np.random.default_rng(seed).permutation(len(pieces))
    n_val = max(1, round(len(pieces) * val_fraction)) if len(pieces) > 1 else 0
    val_set = set(order[:n_val].tolist())
    train_sigs = {sig for i, (_, sig) in enumerate(pieces) if i not in val_set}
    train_sigs -= test_sigs
    result = []
    for i, (chorale, sig) in enumerate(pieces):
        if i in val_set and sig not in test_sigs and sig not in train_sigs:
            name = f"chorale {chorale.number}"
            result.append(Melody(name, melody_only(chorale.composition), chorale.composition))
    return result


def chorales_in_meter(numerator: int, denominator: int) -> list[Melody]:
    """Every chorale (held out or not) in one meter: a reference for Bach's style only.

    Only two 3/4 chorales are held out, too few for stable statistics; describing how Bach
    writes in 3/4 does not evaluate a model on its training data, so all of them are used.
    """
    from deepcomposer_desktop.training.chorales import iter_chorales

    return [
        Melody(f"chorale {c.number}", melody_only(c.composition), c.composition)
        for c in iter_chorales(four_four_only=False)
        if (c.composition.time_signature.numerator, c.composition.time_signature.denominator)
        == (numerator, denominator)
    ]


def bundled_melodies(folder: Path = BUNDLED_MELODIES) -> list[Melody]:
    """Every ``.mid`` in the bundled melody folder (unreadable files are logged and skipped)."""
    from deepcomposer_desktop.core.midifile import read_midi

    result = []
    for path in sorted(folder.glob("*.mid")):
        try:
            result.append(Melody(path.stem, melody_only(read_midi(path))))
        except DeepComposerError as err:
            log.warning("skipping melody %s: %s", path.name, err)
    return result


def score_to_melody(score: Any, name: str) -> Melody:
    """A music21 score's first part as a melody; pickups shifted so bar lines stay bar lines."""
    part = score.parts[0]
    signatures = part.recurse().getElementsByClass("TimeSignature")
    numerator, denominator = (
        (signatures[0].numerator, signatures[0].denominator) if signatures else (4, 4)
    )
    measures = list(part.getElementsByClass("Measure"))
    shift = float(measures[0].paddingLeft) if measures else 0.0
    marks = part.recurse().getElementsByClass("MetronomeMark")
    tempo_bpm = DEFAULT_TEMPO_BPM
    if marks and marks[0].getQuarterBPM():
        tempo_bpm = min(max(float(marks[0].getQuarterBPM()), 20.0), 300.0)
    notes = []
    for element in part.flatten().stripTies().notes:
        duration = float(element.quarterLength)
        if duration <= 0:
            continue
        pitch = max(p.midi for p in element.pitches)
        notes.append(Note(float(element.offset) + shift, pitch, duration, 90))
    if not notes:
        raise DatasetError(f"{name} has no notes")
    composition = Composition(
        tracks=(Track(name="melody", notes=tuple(notes), program=73),),
        tempo_map=(TempoChange(0.0, tempo_bpm),),
        time_signatures=(TimeSignature(numerator, denominator, 0.0),),
        melody_index=0,
        title=name,
    )
    return Melody(name, composition)


def corpus_melodies(tunes: Iterable[tuple[str, int]] = FOLK_TUNES) -> list[Melody]:
    """The chosen tunes from music21's corpus (offline); unparsable ones are logged, skipped."""
    from music21 import corpus

    result = []
    for work, number in tunes:
        try:
            score = corpus.parse(work, number=number)
            title = score.metadata.title if score.metadata is not None else ""
            result.append(score_to_melody(score, f"{work.split('/')[-1]}#{number} {title}"))
        except Exception as err:  # music21 raises many kinds; one bad tune must not stop us
            log.warning("skipping %s #%s: %s", work, number, err)
    return result


def folk_melodies() -> list[Melody]:
    """The non-chorale set: bundled melodies then the music21 folk tunes."""
    return bundled_melodies() + corpus_melodies()


def describe_text(melodies: Sequence[Melody]) -> str:
    """E.g. "32 melodies (4/4: 32; 24 with a pickup)"."""
    info = describe(melodies)
    meters = ", ".join(f"{k}: {v}" for k, v in sorted(info["meters"].items()))
    return f"{info['melodies']} melodies ({meters}; {info['pickups']} with a pickup)"


def describe(melodies: Sequence[Melody]) -> dict[str, Any]:
    """Counts that show the set's variety (meters, pickups) for the report."""
    meters: dict[str, int] = {}
    pickups = 0
    for melody in melodies:
        meter = str(melody.composition.time_signature)
        meters[meter] = meters.get(meter, 0) + 1
        first = min(n.start_beat for n in melody.composition.tracks[0].notes)
        pickups += first % melody.composition.beats_per_bar > 1e-6
    return {"melodies": len(melodies), "meters": meters, "pickups": pickups}
