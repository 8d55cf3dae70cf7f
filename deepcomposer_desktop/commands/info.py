"""``deepcomposer info FILE.mid``: tempo, meter, bars, estimated key and tracks of a MIDI file."""

import argparse
import json
from collections.abc import Sequence
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.mid", help="the MIDI file to describe")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def describe(path: str) -> dict[str, Any]:
    """Everything ``info`` prints, as a JSON-ready dict."""
    from deepcomposer_desktop.core.metrics import composition_key
    from deepcomposer_desktop.core.midifile import read_midi

    composition = read_midi(path)
    key = composition_key(composition)
    return {
        "file": path,
        "title": composition.title,
        "ticks_per_beat": composition.ticks_per_beat,
        "tempo_bpm": composition.tempo_bpm,
        "tempo_changes": [
            {"beat": t.start_beat, "tempo_bpm": t.tempo_bpm} for t in composition.tempo_map
        ],
        "time_signature": str(composition.time_signature),
        "time_signatures": [
            {"beat": m.start_beat, "time_signature": str(m)} for m in composition.time_signatures
        ],
        "bars": composition.bar_count,
        "key": str(key),
        "key_confidence": round(key.confidence, 3),
        "key_signature": str(composition.key) if composition.key is not None else None,
        "melody_track": composition.melody_index,
        "tracks": [
            {
                "index": i,
                "name": t.name,
                "program": t.program,
                "is_drum": t.is_drum,
                "channel": t.channel,
                "notes": len(t.notes),
                "pitch_range": list(t.pitch_range) if t.pitch_range else None,
            }
            for i, t in enumerate(composition.tracks)
        ],
    }


def run(args: argparse.Namespace) -> int:
    info = describe(args.file)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    tempo = f"{info['tempo_bpm']:g} BPM"
    if len(info["tempo_changes"]) > 1:
        tempo += f" ({len(info['tempo_changes']) - 1} tempo changes)"
    meter = info["time_signature"]
    if len(info["time_signatures"]) > 1:
        meter += f" ({len(info['time_signatures']) - 1} meter changes)"
    key = f"{info['key']} (confidence {info['key_confidence']:.2f})"
    if info["key_signature"]:
        key += f"; key signature in file: {info['key_signature']}"
    rows = [
        ("File", info["file"]),
        ("Title", info["title"] or "-"),
        ("Tempo", tempo),
        ("Time signature", meter),
        ("Bars", str(info["bars"])),
        ("Key", key),
        ("Ticks per beat", str(info["ticks_per_beat"])),
    ]
    for label, value in rows:
        print(f"{label + ':':<16}{value}")
    print()
    table = [("#", "Track", "Program", "Channel", "Notes", "Range", "")]
    for t in info["tracks"]:
        low_high = t["pitch_range"]
        table.append(
            (
                str(t["index"]),
                t["name"],
                "drums" if t["is_drum"] else str(t["program"]),
                str(t["channel"] + 1) if t["channel"] is not None else "-",
                str(t["notes"]),
                f"{low_high[0]}-{low_high[1]}" if low_high else "-",
                "melody" if t["index"] == info["melody_track"] else "",
            )
        )
    print_table(table)
    if not info["tracks"]:
        print("(no notes)")
    return 0


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell, separated by two spaces."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())
