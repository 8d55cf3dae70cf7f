"""The issue-3 quality measures for anything that harmonizes a melody.

A "harmonizer" is any object with ``generate(composition, *, seed, variations) ->
list[Composition]`` whose results are the melody first, then the accompaniment:
``engine.Generator`` and ``baseline.RuleBasedHarmonizer`` both are. Each measure is averaged
over a melody set; ``evaluate_real`` gives the same numbers for Bach's own parts, so the two
line up in one table (see ``report.py``).

Per accompaniment track (in voice order: alto, tenor, bass) the ``core.metrics`` values
pitch classes per bar, in-key ratio (against the key estimated from the melody, the same key
for real and generated), consonance with the melody and empty-bar rate, plus the share of
notes an eighth or longer. Then determinism (the same seed gives the same notes), seed
diversity (between seeds 0 and 1, the share of sounding note-steps, i.e. (track, 16th step,
pitch) cells, that are on in one result only: |A xor B| / |A or B|), whether the output keeps
the input's tempo map, time signatures and melody, the counterpoint rates and, where Bach's
parts are known, Bach similarity.
"""

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.evaluation.counterpoint import (
    bach_similarity,
    counterpoint_counts,
    four_voices,
)
from deepcomposer_desktop.training.evaluation.melodies import Melody

log = logging.getLogger(__name__)

ACCOMPANIMENT = ("alto", "tenor", "bass")
TRACK_METRICS = (
    "pitch_classes_per_bar",
    "in_key_ratio",
    "consonance_with_melody",
    "empty_bar_rate",
    "eighth_or_longer",
)
EIGHTH_BEATS = 0.5
STEPS_PER_BEAT = 4


class Harmonizer(Protocol):
    def generate(
        self, composition: Composition, *, seed: int, variations: int = 1
    ) -> list[Composition]: ...


def load_harmonizer(model: "str | Path | Harmonizer") -> Harmonizer:
    """A model directory or installed model name via ``engine.Generator``; objects pass through."""
    if hasattr(model, "generate"):
        return model  # type: ignore[return-value]
    from deepcomposer_desktop.engine import Generator

    return Generator.load(model, threads=1)  # type: ignore[no-any-return]


def eighth_or_longer(track: Track) -> float:
    """Share of the track's notes lasting at least an eighth (0.0 for an empty track)."""
    if not track.notes:
        return 0.0
    return sum(n.duration_beats >= EIGHTH_BEATS - 1e-6 for n in track.notes) / len(track.notes)


def melody_key(melody: Composition) -> Key:
    from deepcomposer_desktop.core.key import estimate_key

    return estimate_key(melody.tracks[0].notes)


def accompaniment_metrics(composition: Composition, key: Key) -> dict[str, dict[str, float]]:
    """``{track: {metric: value}}`` for alto, tenor and bass (by voice order) of one piece."""
    from deepcomposer_desktop.core.metrics import track_metrics

    voices = four_voices(composition)
    result: dict[str, dict[str, float]] = {}
    for name, voice in zip(ACCOMPANIMENT, voices[1:], strict=False):
        index = composition.tracks.index(voice)
        values = track_metrics(composition, index, key=key, steps_per_beat=STEPS_PER_BEAT)
        row = {m: float(values[m] or 0.0) for m in TRACK_METRICS if m in values}
        row["eighth_or_longer"] = eighth_or_longer(voice)
        result[name] = row
    return result


def _mean_tracks(rows: Sequence[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    means: dict[str, dict[str, float]] = {}
    for name in ACCOMPANIMENT:
        per_piece = [r[name] for r in rows if name in r]
        if per_piece:
            means[name] = {
                m: float(np.mean([p[m] for p in per_piece]))
                for m in TRACK_METRICS
                if m in per_piece[0]
            }
    return means


def _accompaniment_roll(composition: Composition, n_steps: int) -> np.ndarray:
    """Sounding cells of alto, tenor, bass: shape ``(3, n_steps, 128)`` bool."""
    from deepcomposer_desktop.core.pianoroll import to_piano_roll

    voices = four_voices(composition)[1:]
    roll = to_piano_roll(voices, steps_per_beat=STEPS_PER_BEAT, n_steps=n_steps).frames
    if roll.shape[0] < 3:
        roll = np.concatenate([roll, np.zeros((3 - roll.shape[0], n_steps, 128), bool)])
    return roll


def note_step_difference(a: Composition, b: Composition) -> float:
    """|A xor B| / |A or B| over the accompaniment's sounding (track, step, pitch) cells."""
    n_steps = int(np.ceil(max(a.end_beat, b.end_beat) * STEPS_PER_BEAT)) + 1
    roll_a, roll_b = _accompaniment_roll(a, n_steps), _accompaniment_roll(b, n_steps)
    union = np.logical_or(roll_a, roll_b).sum()
    return float(np.logical_xor(roll_a, roll_b).sum() / union) if union else 0.0


def _same_notes(a: Composition, b: Composition) -> bool:
    return [t.notes for t in a.tracks] == [t.notes for t in b.tracks]


def keeps_clock_and_melody(source: Composition, result: Composition) -> tuple[bool, bool]:
    """(tempo map and time signatures unchanged, melody track first and note-for-note equal)."""
    clock = (
        result.tempo_map == source.tempo_map and result.time_signatures == source.time_signatures
    )
    melody = bool(result.tracks) and result.tracks[0].notes == source.tracks[0].notes
    return clock, melody


def evaluate_model(
    model: "str | Path | Harmonizer", melodies: Sequence[Melody], *, seeds: tuple[int, int] = (0, 1)
) -> dict[str, Any]:
    """All issue-3 measures of one harmonizer over one melody set (see the module docstring)."""
    harmonizer = load_harmonizer(model)
    rows, outputs = [], []
    same_seed = diversity = clock_kept = melody_kept = 0.0
    similarities = []
    failed: list[str] = []
    for melody in melodies:
        source = melody.composition
        try:
            first = harmonizer.generate(source, seed=seeds[0], variations=1)[0]
            again = harmonizer.generate(source, seed=seeds[0], variations=1)[0]
            other = harmonizer.generate(source, seed=seeds[1], variations=1)[0]
        except DeepComposerError as err:  # a finding about the model, not a reason to stop
            log.warning("%s failed on %s: %s", type(harmonizer).__name__, melody.name, err)
            failed.append(f"{melody.name}: {err}")
            continue
        outputs.append(first)
        rows.append(accompaniment_metrics(first, melody_key(source)))
        same_seed += _same_notes(first, again)
        diversity += note_step_difference(first, other)
        clock, kept = keeps_clock_and_melody(source, first)
        clock_kept += clock
        melody_kept += kept
        if melody.reference is not None:
            similarities.append(bach_similarity(first, melody.reference))
    n = max(len(outputs), 1)
    result: dict[str, Any] = {
        "melodies": len(melodies),
        "failed_melodies": len(failed),
        "failures": failed,
        "tracks": _mean_tracks(rows),
        "determinism": same_seed / n,
        "seed_diversity": diversity / n,
        "keeps_tempo_and_meter": clock_kept / n,
        "keeps_melody": melody_kept / n,
        "counterpoint": counterpoint_counts(outputs),
    }
    if similarities:
        result["bach_similarity"] = {
            k: float(np.mean([s[k] for s in similarities]))
            for k in ("pitch_class_jaccard", "bass_match_rate")
        }
    return result


def evaluate_real(melodies: Sequence[Melody]) -> dict[str, Any] | None:
    """The same measures for Bach's own parts; None when the set has no reference parts."""
    pieces = [m for m in melodies if m.reference is not None]
    if not pieces:
        return None
    rows = [accompaniment_metrics(m.reference, melody_key(m.composition)) for m in pieces]  # type: ignore[arg-type]
    references = [m.reference for m in pieces]
    return {
        "melodies": len(pieces),
        "tracks": _mean_tracks(rows),
        "counterpoint": counterpoint_counts(references),  # type: ignore[arg-type]
        "bach_similarity": {"pitch_class_jaccard": 1.0, "bass_match_rate": 1.0},
    }


def meter_matched_real(
    melodies: Sequence[Melody], real_by_meter: Mapping[str, Mapping[str, Any]], *, fallback: str
) -> dict[str, Any]:
    """Bach's values for tunes that have no real parts, matched to each tune's meter.

    Per-bar measures depend on the bar's length (Bach's 3/4 chorales show about 2.2 pitch
    classes per bar against 3.0 in 4/4), so each tune is compared with Bach in its own
    meter: the track measures are the mean over the tunes of the real values for that
    tune's meter (``fallback`` for meters Bach has none of). Counterpoint is ``fallback``'s.
    """
    rows = []
    used: dict[str, int] = {}
    for melody in melodies:
        meter = str(melody.composition.time_signature)
        chosen = meter if meter in real_by_meter else fallback
        used[chosen] = used.get(chosen, 0) + 1
        rows.append(real_by_meter[chosen]["tracks"])
    mix = ", ".join(f"{meter} x{count}" for meter, count in sorted(used.items()))
    return {
        "melodies": len(melodies),
        "tracks": _mean_tracks(rows),
        "counterpoint": real_by_meter[fallback]["counterpoint"],
        "note": f"Bach's values in each tune's meter, averaged over the set ({mix})",
        "by_meter": {k: dict(v) for k, v in real_by_meter.items()},
    }
