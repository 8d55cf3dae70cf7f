"""``deepcomposer app``: starts the window (Qt only inside run), refuses a missing file."""

import os
import subprocess
import sys

import pytest

from deepcomposer_desktop.cli import main


def test_app_help_loads_no_qt():
    code = (
        "import sys\n"
        "from deepcomposer_desktop.cli import build_parser\n"
        "build_parser('app')\n"
        "print('PySide6' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"


def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["app", str(tmp_path / "nope.mid")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.qt
@pytest.mark.integration
def test_the_app_starts_opens_a_file_and_closes_cleanly(tmp_path):
    from windowkit import melody_composition

    from deepcomposer_desktop.core.midifile import write_midi

    song = tmp_path / "song.mid"
    write_midi(melody_composition(), song)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        DEEPCOMPOSER_STARTUP_PROBE="1",
        XDG_CONFIG_HOME=str(tmp_path / "c"),
        XDG_DATA_HOME=str(tmp_path / "d"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", "app", str(song), "--quit-after", "1.5"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usable" in result.stdout
    assert "Traceback" not in result.stderr
