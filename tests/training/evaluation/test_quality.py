"""Quality measures and the report, with the baseline (and small fakes) as the "model"."""

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.midifile import write_midi
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.evaluation import __main__ as cli
from deepcomposer_desktop.training.evaluation import melodies as melody_sets
from deepcomposer_desktop.training.evaluation.baseline import (
    RuleBasedHarmonizer,
    harmonize_rule_based,
)
from deepcomposer_desktop.training.evaluation.melodies import Melody, melody_only
from deepcomposer_desktop.training.evaluation.quality import (
    eighth_or_longer,
    evaluate_model,
    evaluate_real,
    meter_matched_real,
    note_step_difference,
)
from deepcomposer_desktop.training.evaluation.report import build_report, judge_set

SCALE = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60, 60]


def tune(pitches: list[int], *, numerator: int = 4, tempo: float = 100.0) -> Composition:
    notes = tuple(Note(float(i), p + 12, 1.0) for i, p in enumerate(pitches))
    return Composition(
        tracks=(Track("melody", notes),),
        tempo_map=(TempoChange(0.0, tempo),),
        time_signatures=(TimeSignature(numerator, 4, 0.0),),
    )


def chorale_like(pitches: list[int]) -> Melody:
    """A 'real' four-part piece (here: the baseline's own harmonization) and its melody."""
    full = harmonize_rule_based(tune(pitches))
    full = full.with_tracks([replace(full.tracks[0], name="soprano"), *full.tracks[1:]])
    return Melody("fake chorale", melody_only(full), full)


class RandomBass:
    """A seeded 'model': the baseline with its bass moved by a seeded random octave."""

    def generate(self, composition: Composition, *, seed: int, variations: int = 1) -> list:
        result = harmonize_rule_based(composition)
        rng = random.Random(seed)
        bass = result.tracks[3]
        moved = bass.with_notes([n.moved(semitones=rng.choice((-12, 0))) for n in bass.notes])
        return [result.replace_track(3, moved)] * variations


class TempoChanger:
    def generate(self, composition: Composition, *, seed: int, variations: int = 1) -> list:
        result = harmonize_rule_based(composition)
        return [replace(result, tempo_map=(TempoChange(0.0, 120.0),))] * variations


def test_eighth_or_longer_share() -> None:
    track = Track("t", (Note(0, 60, 0.25), Note(1, 60, 0.5), Note(2, 60, 1.0), Note(3, 60, 0.49)))
    assert eighth_or_longer(track) == 0.5
    assert eighth_or_longer(Track("empty")) == 0.0


def test_note_step_difference_counts_cells_on_in_one_result_only() -> None:
    a = harmonize_rule_based(tune(SCALE[:4]))
    assert note_step_difference(a, a) == 0.0
    bass = a.tracks[3]
    # the bass's first note moved an octave: its 4 steps flip off, 4 others flip on
    moved = bass.with_notes([bass.notes[0].moved(semitones=-12), *bass.notes[1:]])
    b = a.replace_track(3, moved)
    union_cells = sum(round(n.duration_beats * 4) for t in a.tracks[1:] for n in t.notes)
    first = round(bass.notes[0].duration_beats * 4)
    assert note_step_difference(a, b) == pytest.approx(2 * first / (union_cells + first))


def test_the_baseline_is_deterministic_keeps_everything_and_has_no_diversity() -> None:
    melodies = [Melody("scale", tune(SCALE)), Melody("waltz", tune(SCALE[:12], numerator=3))]
    result = evaluate_model(RuleBasedHarmonizer(), melodies)
    assert result["melodies"] == 2
    assert result["determinism"] == 1.0
    assert result["seed_diversity"] == 0.0
    assert result["keeps_tempo_and_meter"] == 1.0
    assert result["keeps_melody"] == 1.0
    assert set(result["tracks"]) == {"alto", "tenor", "bass"}
    for row in result["tracks"].values():
        assert row["empty_bar_rate"] == 0.0
        assert row["eighth_or_longer"] == 1.0
        assert 0.0 < row["in_key_ratio"] <= 1.0
    assert "bach_similarity" not in result  # no reference parts here


def test_a_seeded_model_shows_diversity_and_bach_similarity_needs_a_reference() -> None:
    result = evaluate_model(RandomBass(), [chorale_like(SCALE)])
    assert result["seed_diversity"] > 0.0
    assert result["determinism"] == 1.0
    # octave moves keep every pitch class: Bach similarity is about classes, not registers
    assert result["bach_similarity"] == {"pitch_class_jaccard": 1.0, "bass_match_rate": 1.0}


def test_a_model_that_changes_the_tempo_is_caught() -> None:
    result = evaluate_model(TempoChanger(), [Melody("scale", tune(SCALE))])
    assert result["keeps_tempo_and_meter"] == 0.0
    assert result["keeps_melody"] == 1.0


class Refuser:
    def generate(self, composition: Composition, *, seed: int, variations: int = 1) -> list:
        if composition.time_signature.numerator == 3:
            raise CompositionError("no waltzes")
        return [harmonize_rule_based(composition)] * variations


def test_a_melody_the_model_refuses_is_counted_not_fatal() -> None:
    melodies = [Melody("scale", tune(SCALE)), Melody("waltz", tune(SCALE[:12], numerator=3))]
    result = evaluate_model(Refuser(), melodies)
    assert result["failed_melodies"] == 1
    assert result["failures"] == ["waltz: no waltzes"]
    assert result["keeps_melody"] == 1.0  # judged over the melodies it did harmonize
    records = {r["measure"]: r for r in judge_set(None, None, {"r": result})}
    assert records["melodies it failed on"]["pass"]["r"] is False


def test_real_values_come_from_the_reference_parts() -> None:
    assert evaluate_real([Melody("scale", tune(SCALE))]) is None
    real = evaluate_real([chorale_like(SCALE)])
    assert real is not None
    model = evaluate_model(RuleBasedHarmonizer(), [chorale_like(SCALE)])
    assert real["tracks"] == model["tracks"]  # the fake "Bach" is the baseline itself
    assert model["bach_similarity"] == {"pitch_class_jaccard": 1.0, "bass_match_rate": 1.0}


def test_tunes_without_parts_are_compared_with_bach_in_their_own_meter() -> None:
    four = {"tracks": {"alto": {"pitch_classes_per_bar": 3.0}}, "counterpoint": {"x": 1.0}}
    three = {"tracks": {"alto": {"pitch_classes_per_bar": 2.0}}, "counterpoint": {"x": 2.0}}
    melodies = [
        Melody("a", tune(SCALE)),
        Melody("b", tune(SCALE, numerator=3)),
        Melody("c", tune(SCALE, numerator=3)),
        Melody("d", tune(SCALE, numerator=2)),  # Bach has no 2/4 here: falls back to 4/4
    ]
    real = meter_matched_real(melodies, {"4/4": four, "3/4": three}, fallback="4/4")
    assert real["tracks"]["alto"]["pitch_classes_per_bar"] == pytest.approx(2.5)
    assert real["counterpoint"] == {"x": 1.0}
    assert real["note"].endswith("(3/4 x2, 4/4 x2)")


def test_report_judges_each_bound_against_real_and_baseline() -> None:
    real = {"tracks": {"alto": {"pitch_classes_per_bar": 3.0}}}
    baseline = {
        "tracks": {"alto": {"pitch_classes_per_bar": 2.0}},
        "bach_similarity": {"pitch_class_jaccard": 0.4, "bass_match_rate": 0.3},
        "counterpoint": {"parallel_fifths_octaves_rate": 0.0, "mean_melodic_leap": 3.0},
    }
    model = {
        "tracks": {"alto": {"pitch_classes_per_bar": 3.2}},
        "bach_similarity": {"pitch_class_jaccard": 0.56, "bass_match_rate": 0.44},
        "counterpoint": {"parallel_fifths_octaves_rate": 0.031, "mean_melodic_leap": 3.9},
    }
    records = {r["measure"]: r for r in judge_set(real, baseline, {"m": model})}
    pcs = records["alto: pitch classes per bar"]
    assert pcs["pass"] == {"baseline": False, "m": True}
    assert records["Bach similarity: pitch-class Jaccard"]["pass"] == {"baseline": None, "m": True}
    assert records["Bach similarity: bass match"]["pass"]["m"] is False
    assert records["parallel 5ths/8ves"]["pass"] == {"baseline": True, "m": False}
    assert records["mean melodic leap (semitones)"]["pass"] == {"baseline": True, "m": False}
    assert "voice crossings" not in records  # nobody reported it


def test_build_report_writes_columns_per_system_and_uses_chorale_reals_for_folk() -> None:
    chorales = [chorale_like(SCALE)]
    folk = [Melody("waltz", tune(SCALE[:12], numerator=3))]
    results = {
        "chorales": {
            "baseline": evaluate_model(RuleBasedHarmonizer(), chorales),
            "random": evaluate_model(RandomBass(), chorales),
        },
        "folk": {
            "baseline": evaluate_model(RuleBasedHarmonizer(), folk),
            "random": evaluate_model(RandomBass(), folk),
        },
    }
    real = {"chorales": evaluate_real(chorales), "folk": evaluate_real(folk)}
    markdown, dump = build_report(results, real, {"machine": "test"})
    assert "| measure | bound | real | baseline | ok | random | ok |" in markdown
    assert markdown.count("| alto: in-key ratio |") == 2
    assert dump["sets"]["folk"]["real"] == real["chorales"]
    json.dumps(dump)  # JSON-ready


def test_cli_writes_markdown_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "melodies"
    folder.mkdir()
    write_midi(tune(SCALE, numerator=3, tempo=90.0), folder / "waltz.mid")
    monkeypatch.setattr(melody_sets, "BUNDLED_MELODIES", folder)
    monkeypatch.setattr(melody_sets, "FOLK_TUNES", ())
    monkeypatch.setattr(
        melody_sets,
        "folk_melodies",
        lambda: melody_sets.bundled_melodies(folder) + melody_sets.corpus_melodies(()),
    )
    out = tmp_path / "report.md"
    assert cli.main(["--no-chorales", "--out", str(out)]) == 0
    assert "| keeps tempo and meter | = 1 | – | 1.000 | pass |" in out.read_text()
    dump = json.loads(out.with_suffix(".json").read_text())
    assert dump["sets"]["folk"]["systems"]["baseline"]["melodies"] == 1


def test_cli_reports_a_missing_model_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--model", str(tmp_path / "nope"), "--out", str(tmp_path / "r.md")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
