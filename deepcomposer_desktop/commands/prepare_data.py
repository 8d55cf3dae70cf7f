"""``deepcomposer prepare-data``: build a training dataset file (chorales or a MIDI folder)."""

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--out", type=Path, default=Path("data/chorales.npz"))
    parser.add_argument("--midi-dir", type=Path, help="a folder of MIDI files instead of Bach")
    parser.add_argument("--name-filter", help="only files whose name contains this (MIDI folder)")
    parser.add_argument("--melody-track", type=int, help="melody track index (MIDI folder)")
    parser.add_argument(
        "--track-map",
        help="source track (name or index) = model track, e.g. 'Violin=alto,2=tenor,Cello=bass'",
    )
    parser.add_argument("--all-meters", action="store_true", help="keep 3/4 chorales too")
    parser.add_argument("--val-fraction", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.training.dataset import (
        build_chorale_dataset,
        save_dataset,
    )

    if args.midi_dir is not None:
        from deepcomposer_desktop.training.dataset import build_from_midi_folder, parse_track_map

        dataset = build_from_midi_folder(
            args.midi_dir,
            name_filter=args.name_filter,
            melody_track=args.melody_track,
            track_map=parse_track_map(args.track_map),
            val_fraction=args.val_fraction,
            seed=args.seed,
        )
    else:
        dataset = build_chorale_dataset(
            val_fraction=args.val_fraction, seed=args.seed, four_four_only=not args.all_meters
        )
    save_dataset(dataset, args.out)
    meta = dataset.meta
    print(
        f"wrote {args.out}: {meta['pieces_train']} training and {meta['pieces_validation']} "
        f"validation pieces, {len(dataset.pitch)} steps"
    )
    for key in ("dropped_repeating_test_melody", "dropped_repeating_train_melody", "skipped"):
        if key in meta:
            print(f"  {key.replace('_', ' ')}: {meta[key]}")
    return 0
