"""The Bach chorales from music21's bundled corpus, as four-track compositions.

Parsing the corpus with music21 takes minutes, so the notes are cached once as JSON under the
user's cache folder (``$DEEPCOMPOSER_CACHE`` or ``~/.cache/deepcomposer-desktop``); later
calls read the cache in well under a second. No torch here: the evaluation code uses it too.

Numbers are Riemenschneider numbers as given by the default numbering of
``music21.corpus.chorales.Iterator()``. Chorales whose number is divisible by 10 are the
held-out test set (``is_test_chorale``) and must never be trained on.

Pickups (anacrusis) are handled by shifting every note right so that the first full bar starts
on a bar line: a one-beat pickup in 4/4 starts at beat 3 and bar 1 starts at beat 4.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track

log = logging.getLogger(__name__)

VOICES = ("soprano", "alto", "tenor", "bass")
CACHE_VERSION = 2
DEFAULT_TEMPO_BPM = 80.0  # the corpus has no metronome marks; a calm chorale tempo
CHOIR_PROGRAMS = (52, 52, 52, 52)  # GM "Choir Aahs"


@dataclass(frozen=True, slots=True)
class Chorale:
    """One chorale: its Riemenschneider number, title and four voices (soprano first)."""

    number: int
    title: str
    composition: Composition


def is_test_chorale(number: int) -> bool:
    """True for the held-out chorales (Riemenschneider number divisible by 10)."""
    return number % 10 == 0


def cache_dir() -> Path:
    env = os.environ.get("DEEPCOMPOSER_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "deepcomposer-desktop"


def cache_path() -> Path:
    return cache_dir() / f"chorales-v{CACHE_VERSION}.json"


def _parse_score(number: int, score: Any) -> dict[str, Any] | None:
    """Return a plain record of a four-part chorale, or None when it is not usable."""
    parts = list(score.parts)
    if len(parts) != 4:
        return None
    ts = score.recurse().getElementsByClass("TimeSignature").first()
    numerator, denominator = (ts.numerator, ts.denominator) if ts is not None else (4, 4)
    bar_beats = numerator * 4.0 / denominator
    measures = list(parts[0].getElementsByClass("Measure"))
    shift = 0.0
    if len(measures) > 1 and measures[0].number == 0:
        first_full = float(measures[1].offset)
        shift = (bar_beats - first_full % bar_beats) % bar_beats
    voices: list[list[list[float]]] = []
    for part in parts:
        notes: list[list[float]] = []
        for element in part.flatten().stripTies().notes:
            pitches = [p.midi for p in element.pitches]
            duration = float(element.quarterLength)
            if not pitches or duration <= 0:
                continue
            notes.append([float(element.offset) + shift, float(max(pitches)), duration])
        if not notes:
            return None
        voices.append(notes)
    md = score.metadata
    title = (md.bestTitle or md.title or "") if md is not None else ""
    return {
        "number": number,
        "title": str(title),
        "numerator": int(numerator),
        "denominator": int(denominator),
        "voices": voices,
    }


def _parse_corpus() -> list[dict[str, Any]]:
    try:
        from music21 import corpus
    except ImportError as err:  # pragma: no cover - music21 is in the train extra
        raise DatasetError("the chorales need music21 (pip install '.[train]')") from err
    records: list[dict[str, Any]] = []
    iterator = corpus.chorales.Iterator(returnType="filename")
    number = iterator.currentNumber
    for filename in iterator:
        try:
            score = corpus.parse(filename)
            record = _parse_score(int(number), score)
        except Exception as err:  # music21 raises many kinds; one bad file must not stop us
            log.warning("skipping chorale %s (%s): %s", number, filename, err)
            record = None
        if record is not None:
            records.append(record)
        number += 1
    return records


def load_records(*, refresh: bool = False) -> list[dict[str, Any]]:
    """All usable four-part chorales as plain records, parsed once and cached on disk."""
    path = cache_path()
    if path.exists() and not refresh:
        try:
            data = json.loads(path.read_text())
            if data.get("version") == CACHE_VERSION:
                return list(data["chorales"])
        except (OSError, ValueError, KeyError) as err:
            log.warning("ignoring unreadable chorale cache %s: %s", path, err)
    log.info("parsing the Bach chorales with music21 (once; cached at %s)", path)
    records = _parse_corpus()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": CACHE_VERSION, "chorales": records}))
    tmp.replace(path)
    return records


def record_to_chorale(record: dict[str, Any]) -> Chorale:
    tracks = []
    for name, program, notes in zip(VOICES, CHOIR_PROGRAMS, record["voices"], strict=True):
        track_notes = tuple(
            Note(start_beat=start, pitch=int(pitch), duration_beats=duration, velocity=80)
            for start, pitch, duration in notes
        )
        tracks.append(Track(name=name, notes=track_notes, program=program))
    composition = Composition(
        tracks=tuple(tracks),
        tempo_map=(TempoChange(0.0, DEFAULT_TEMPO_BPM),),
        time_signatures=(TimeSignature(record["numerator"], record["denominator"], 0.0),),
        melody_index=0,
        title=record["title"],
    )
    return Chorale(number=int(record["number"]), title=record["title"], composition=composition)


def iter_chorales(*, four_four_only: bool = True) -> Iterator[Chorale]:
    """Yield the four-part chorales in Riemenschneider order (4/4 only unless asked)."""
    for record in load_records():
        if four_four_only and (record["numerator"], record["denominator"]) != (4, 4):
            continue
        yield record_to_chorale(record)


def pickup_beats(chorale: Chorale) -> float:
    """Beats of silence added before a pickup so that bar lines stay bar lines."""
    first = min(n.start_beat for t in chorale.composition.tracks for n in t.notes)
    bar = chorale.composition.beats_per_bar
    return first if first < bar and not math.isclose(first, 0.0) else 0.0
