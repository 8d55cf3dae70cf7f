"""``deepcomposer metrics FILE.mid``: the DeepComposer quality metrics of each track."""

import argparse
import json

# Short column titles for the human-readable table, in METRIC_NAMES order.
_HEADERS = {
    "empty_bar_rate": "empty bars",
    "pitches_per_bar": "pitches/bar",
    "pitch_classes_per_bar": "classes/bar",
    "in_c_major_ratio": "in C major",
    "in_key_ratio": "in key",
    "polyphony_rate": "polyphony",
    "consonance_with_melody": "consonance",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.mid", help="the MIDI file to measure")
    parser.add_argument(
        "--melody-track",
        type=int,
        metavar="N",
        help="index of the melody track (0-based, as listed by 'deepcomposer info'); "
        "default: chosen by name, else the highest mostly-monophonic part",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.commands.info import print_table
    from deepcomposer_desktop.core.metrics import METRIC_NAMES, composition_metrics
    from deepcomposer_desktop.core.midifile import read_midi

    composition = read_midi(args.file, melody_track=args.melody_track)
    result = composition_metrics(composition)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Key: {result['key']}    Bars: {result['bars']}")
    print()
    rows = [("#", "Track", "Notes", "Range", *(_HEADERS[name] for name in METRIC_NAMES))]
    for index, track in enumerate(result["tracks"]):
        low_high = track["pitch_range"]
        name = track["name"] + (" (melody)" if index == composition.melody_index else "")
        values = [
            "-" if track[metric] is None else f"{track[metric]:.2f}" for metric in METRIC_NAMES
        ]
        rows.append(
            (
                str(index),
                name,
                str(track["notes"]),
                f"{low_high[0]}-{low_high[1]}" if low_high else "-",
                *values,
            )
        )
    print_table(rows)
    if not result["tracks"]:
        print("(no notes)")
    return 0
