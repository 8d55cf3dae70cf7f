"""Run the real ``deepcomposer`` command in a subprocess, as a user would."""

import subprocess
import sys


def deepcomposer(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deepcomposer_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
