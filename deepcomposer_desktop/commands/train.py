"""``deepcomposer train``: train a generator model from a prepared dataset (needs torch)."""

import argparse
import json
import logging
from pathlib import Path

from deepcomposer_desktop.core.errors import DatasetError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from deepcomposer_desktop.training.config import add_config_arguments

    parser.add_argument(
        "--config", type=Path, help="JSON file of training options (flags given override it)"
    )
    add_config_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        from deepcomposer_desktop.training.train import train
    except ImportError as err:
        raise DatasetError(
            f"training needs the 'train' extra (pip install '.[train]'): {err}"
        ) from err
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from deepcomposer_desktop.training.config import TrainConfig

    values = {k: v for k, v in vars(args).items() if k not in ("command", "config")}
    if args.config is not None:
        try:
            from_file = json.loads(args.config.read_text())
        except (OSError, ValueError) as err:
            raise DatasetError(f"cannot read training config {args.config}: {err}") from err
        if not isinstance(from_file, dict):
            raise DatasetError(f"{args.config} must hold a JSON object")
        TrainConfig.from_dict(from_file)  # unknown keys are errors
        defaults = TrainConfig()
        for key, value in values.items():
            if key not in from_file or value != getattr(defaults, key):
                from_file[key] = value
        values = from_file
    best = train(TrainConfig.from_dict(values))
    print(f"best checkpoint: {best}")
    return 0
