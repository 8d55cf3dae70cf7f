import subprocess
import sys

from deepcomposer_desktop import __version__
from deepcomposer_desktop.cli import COMMANDS, main


def test_version_is_printed(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert __version__ in capsys.readouterr().out


def test_every_subcommand_has_help() -> None:
    for name, _ in COMMANDS:
        result = subprocess.run(
            [sys.executable, "-m", "deepcomposer_desktop", name, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert "usage: deepcomposer " + name in result.stdout
