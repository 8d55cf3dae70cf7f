"""``deepcomposer devices``: which MIDI backend runs and which ports it sees."""

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from deepcomposer_desktop.midi import ports

    status = ports.backend_status()
    inputs = ports.list_inputs()
    outputs = ports.list_outputs()
    default = ports.default_input(inputs)
    if args.json:
        print(
            json.dumps(
                {
                    "backend": status.name,
                    "inputs": inputs,
                    "outputs": outputs,
                    "default_input": default,
                    "missing": list(status.missing),
                    "virtual_ports": status.supports_virtual,
                }
            )
        )
        return 0
    print(f"backend: {status.describe()}")
    print("inputs:" if inputs else "inputs: none")
    for name in inputs:
        print(f"  {name}" + ("  (default)" if name == default else ""))
    print("outputs:" if outputs else "outputs: none")
    for name in outputs:
        print(f"  {name}")
    return 0
