"""The quality table: real | baseline | each model, with a pass/fail mark per bound.

Every bound of issue 3 is one row of ``BOUNDS``: how to read the value out of an evaluation
result, and how to judge it against the real value and the baseline's. The folk/children's
set has no real accompaniment, so its "real" column is the held-out chorales' real values.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from deepcomposer_desktop.training.evaluation.quality import ACCOMPANIMENT

BACH_MEAN_LEAP = 3.05  # semitones, issue 3; our measurement on the held-out set is in "real"
SET_TITLES = {
    "chorales": "Held-out Bach chorales (Riemenschneider number % 10 == 0)",
    "folk": "Melodies that are not chorales (bundled tunes + music21 folk/children's songs)",
}

NOTES = """\
Notes: track measures are averaged over the melodies (core.metrics, 16th-note grid; in-key
against the key estimated from the melody, the same for every column). Counterpoint samples
all four voices on each quarter-note beat and pools over the set: parallels = moves where two
voices both change pitch into the same perfect interval class (fifth or octave/unison,
compound included) / all such moves; crossings = beat-voice-pairs out of S>A>T>B order /
sounding pairs; leap = mean |interval| between consecutive beats where a voice moves (repeats
left out, which is what gives Bach's 3.05). Bach similarity, per beat where Bach's parts
sound: Jaccard of the alto+tenor+bass pitch-class sets, and bass pitch-class matches. Seed
diversity = |A xor B| / |A or B| of sounding (track, step, pitch) cells, seeds 0 and 1. The
baseline is a rule-based harmonizer (diatonic triad per beat containing the melody note,
I/IV/V preferred, V-I cadence, voiced in range, passing tones); it ignores seeds.
"""

Result = Mapping[str, Any]
Judge = Callable[[float, float | None, float | None], bool | None]


@dataclass(frozen=True, slots=True)
class Bound:
    label: str
    bound: str
    path: tuple[str, ...]  # keys into an evaluation result
    judge: Judge  # (value, real, baseline) -> pass?, None when it cannot be judged
    versus_baseline: bool = False  # then the baseline's own column is not judged


def _within(share: float) -> Judge:
    return lambda v, real, _b: None if real is None else abs(v - real) <= share * abs(real)


def _at_least_real_minus(margin: float) -> Judge:
    return lambda v, real, _b: None if real is None else v >= real - margin


def _at_most(limit: float) -> Judge:
    return lambda v, _r, _b: v <= limit


def _at_least(limit: float) -> Judge:
    return lambda v, _r, _b: v >= limit


def _beats_baseline(margin: float) -> Judge:
    return lambda v, _r, base: None if base is None else v >= base + margin - 1e-9


def _leap(v: float, _real: float | None, _base: float | None) -> bool:
    return abs(v - BACH_MEAN_LEAP) <= 0.25 * BACH_MEAN_LEAP


def _bounds() -> list[Bound]:
    rows = []
    for track in ACCOMPANIMENT:
        t = ("tracks", track)
        rows += [
            Bound(
                f"{track}: pitch classes per bar",
                "real ±10 %",
                (*t, "pitch_classes_per_bar"),
                _within(0.10),
            ),
            Bound(f"{track}: in-key ratio", "real ±10 %", (*t, "in_key_ratio"), _within(0.10)),
            Bound(
                f"{track}: consonance with melody",
                "≥ real − 0.05",
                (*t, "consonance_with_melody"),
                _at_least_real_minus(0.05),
            ),
            Bound(f"{track}: empty bar rate", "≤ 0.05", (*t, "empty_bar_rate"), _at_most(0.05)),
            Bound(
                f"{track}: notes ≥ an eighth",
                "≥ real − 0.05",
                (*t, "eighth_or_longer"),
                _at_least_real_minus(0.05),
            ),
        ]
    rows += [
        Bound("melodies it failed on", "= 0", ("failed_melodies",), _at_most(0)),
        Bound("same seed, same notes", "= 1", ("determinism",), _at_least(1.0)),
        Bound("seed diversity (note-steps)", "≥ 0.20", ("seed_diversity",), _at_least(0.20)),
        Bound("keeps tempo and meter", "= 1", ("keeps_tempo_and_meter",), _at_least(1.0)),
        Bound("keeps the melody exactly", "= 1", ("keeps_melody",), _at_least(1.0)),
        Bound(
            "parallel 5ths/8ves",
            "≤ 0.03",
            ("counterpoint", "parallel_fifths_octaves_rate"),
            _at_most(0.03),
        ),
        Bound("voice crossings", "≤ 0.02", ("counterpoint", "voice_crossing_rate"), _at_most(0.02)),
        Bound(
            "mean melodic leap (semitones)",
            "3.05 ±25 %",
            ("counterpoint", "mean_melodic_leap"),
            _leap,
        ),
        Bound(
            "Bach similarity: pitch-class Jaccard",
            "≥ baseline + 0.15",
            ("bach_similarity", "pitch_class_jaccard"),
            _beats_baseline(0.15),
            True,
        ),
        Bound(
            "Bach similarity: bass match",
            "≥ baseline + 0.15",
            ("bach_similarity", "bass_match_rate"),
            _beats_baseline(0.15),
            True,
        ),
    ]
    return rows


BOUNDS = tuple(_bounds())


def _get(result: Result | None, path: tuple[str, ...]) -> float | None:
    value: Any = result
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) else None


def judge_set(
    real: Result | None, baseline: Result | None, systems: Mapping[str, Result]
) -> list[dict[str, Any]]:
    """One record per bound: value per column and pass/fail (None = not applicable)."""
    records = []
    for bound in BOUNDS:
        real_value = _get(real, bound.path)
        base_value = _get(baseline, bound.path)
        record: dict[str, Any] = {
            "measure": bound.label,
            "bound": bound.bound,
            "real": real_value,
            "values": {},
            "pass": {},
        }
        columns = {"baseline": baseline} | dict(systems)
        for name, result in columns.items():
            value = _get(result, bound.path)
            record["values"][name] = value
            skip = value is None or (bound.versus_baseline and name == "baseline")
            record["pass"][name] = None if skip else bound.judge(value, real_value, base_value)
        if all(v is None for v in record["values"].values()):
            continue  # e.g. Bach similarity on tunes without Bach's parts
        records.append(record)
    return records


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("pass" if ok else "**fail**")


def markdown_table(records: list[dict[str, Any]], names: list[str]) -> str:
    header = "| measure | bound | real | " + " | ".join(f"{n} | ok" for n in names) + " |"
    rule = "|---|---|---:|" + "---:|---|" * len(names)
    lines = [header, rule]
    for r in records:
        cells = " | ".join(f"{_cell(r['values'][n])} | {_mark(r['pass'][n])}" for n in names)
        lines.append(f"| {r['measure']} | {r['bound']} | {_cell(r['real'])} | {cells} |")
    return "\n".join(lines)


def build_report(
    results: Mapping[str, Mapping[str, Result]], real: Mapping[str, Result | None], info: Result
) -> tuple[str, dict[str, Any]]:
    """Markdown text and a JSON-ready dict.

    ``results[set_name][system_name]`` holds evaluation results, with "baseline" among the
    systems; ``real[set_name]`` the real values (None where the set has no real parts).
    """
    chorale_real = real.get("chorales")
    lines = ["# Accompaniment quality", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    dump: dict[str, Any] = {"info": dict(info), "sets": {}}
    for set_name, systems in results.items():
        reference = real.get(set_name) or chorale_real
        others = {k: v for k, v in systems.items() if k != "baseline"}
        records = judge_set(reference, systems.get("baseline"), others)
        names = ["baseline", *others]
        count = next(iter(systems.values()))["melodies"] if systems else 0
        lines += ["", f"## {SET_TITLES.get(set_name, set_name)}: {count} melodies", ""]
        if reference is not None and reference.get("note"):
            lines += [f"Real: {reference['note']}", ""]
        elif real.get(set_name) is None and chorale_real is not None:
            lines += ["Real = Bach's parts on the held-out chorales (these tunes have none).", ""]
        lines.append(markdown_table(records, names))
        dump["sets"][set_name] = {
            "real": reference,
            "systems": dict(systems),
            "table": records,
        }
    lines += ["", NOTES]
    return "\n".join(lines), dump


def to_json(dump: Mapping[str, Any]) -> str:
    return json.dumps(dump, indent=2, sort_keys=False, default=str)
