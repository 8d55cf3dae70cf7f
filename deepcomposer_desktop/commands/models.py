"""``deepcomposer models``: the installed generator models."""

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.engine import list_models, models_dirs

    models = list_models()
    if args.json:
        rows = [
            {
                "name": m.name,
                "genre": m.genre,
                "tracks": list(m.tracks),
                "size_bytes": m.size_bytes,
                "sha256": m.sha256,
                "source": m.source,
                "path": str(m.path),
            }
            for m in models
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not models:
        print("no models installed; searched: " + ", ".join(str(d) for d in models_dirs()))
        return 0
    for m in models:
        size_kb = m.size_bytes / 1024
        print(
            f"{m.name:<20} {m.genre:<16} {', '.join(m.tracks):<20} {size_kb:8.0f} KB  "
            f"{m.source:<7} {m.sha256[:12]}  {m.path}"
        )
    return 0
