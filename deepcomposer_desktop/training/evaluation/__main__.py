"""Quality report: ``python -m deepcomposer_desktop.training.evaluation --model DIR --out FILE``

Evaluates each model, the rule-based baseline and Bach's real parts on the held-out chorales
and on the non-chorale melodies, then writes the markdown quality table and a JSON dump next
to it (``report.json``). A few minutes on one core.
"""

import argparse
import logging
import os
import platform
import sys
import time
from pathlib import Path

from deepcomposer_desktop.core.errors import DeepComposerError

VALIDATION_TITLE = "Validation chorales (the dataset's validation pieces, for tuning)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deepcomposer_desktop.training.evaluation", description=__doc__
    )
    parser.add_argument(
        "--model", action="append", default=[], help="model directory or name (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=Path("report.md"), help="markdown output")
    parser.add_argument(
        "--json", type=Path, default=None, help="JSON output (default: --out .json)"
    )
    parser.add_argument("--chorales", type=int, default=None, help="at most this many chorales")
    parser.add_argument("--no-chorales", action="store_true", help="skip the held-out chorales")
    parser.add_argument(
        "--validation",
        action="store_true",
        help="judge on the validation chorales instead of the held-out ones (for tuning)",
    )
    parser.add_argument("--no-folk", action="store_true", help="skip the non-chorale melodies")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.training.evaluation.baseline import RuleBasedHarmonizer
    from deepcomposer_desktop.training.evaluation.melodies import (
        chorale_melodies,
        chorales_in_meter,
        describe_text,
        folk_melodies,
        validation_chorales,
    )
    from deepcomposer_desktop.training.evaluation.quality import (
        evaluate_model,
        evaluate_real,
        load_harmonizer,
        meter_matched_real,
    )
    from deepcomposer_desktop.training.evaluation.report import SET_TITLES, build_report, to_json

    started = time.perf_counter()
    models = {Path(str(spec)).name: load_harmonizer(spec) for spec in args.model}
    sets = {}
    if not args.no_chorales:
        chosen = validation_chorales() if args.validation else chorale_melodies()
        sets["chorales"] = chosen[: args.chorales] if args.chorales is not None else chosen
    if not args.no_folk:
        sets["folk"] = folk_melodies()
    results: dict = {}
    real: dict = {}
    for set_name, melodies in sets.items():
        print(f"{set_name}: {describe_text(melodies)}", flush=True)
        real[set_name] = evaluate_real(melodies)
        if set_name == "folk" and "chorales" in real and real["chorales"] is not None:
            by_meter = {"4/4": real["chorales"], "3/4": evaluate_real(chorales_in_meter(3, 4))}
            real[set_name] = meter_matched_real(melodies, by_meter, fallback="4/4")
        results[set_name] = {"baseline": evaluate_model(RuleBasedHarmonizer(), melodies)}
        for name, harmonizer in models.items():
            t0 = time.perf_counter()
            results[set_name][name] = evaluate_model(harmonizer, melodies)
            print(f"  {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    info = {
        "models": ", ".join(models) or "(none: baseline only)",
        "sets": "; ".join(f"{k}: {describe_text(v)}" for k, v in sets.items()),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "threads": 1,
        "seconds": round(time.perf_counter() - started, 1),
    }
    markdown, dump = build_report(results, real, info)
    if args.validation:  # same tables, but say which chorales they are
        markdown = markdown.replace(SET_TITLES["chorales"], VALIDATION_TITLE)
    json_path = args.json or args.out.with_suffix(".json")
    try:
        args.out.write_text(markdown, encoding="utf-8")
        json_path.write_text(to_json(dump), encoding="utf-8")
    except OSError as err:
        print(f"error: cannot write the report: {err}", file=sys.stderr)
        return 2
    print(markdown)
    print(f"wrote {args.out} and {json_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(parse_args(argv))
    except DeepComposerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
