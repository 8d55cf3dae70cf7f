"""A real X server (Xvfb) shows the main window with a generated piece; we keep its picture.

The PNG goes to $ARTIFACTS_DIR (default: artifacts/, ignored by git); with
UPDATE_SCREENSHOT=1 it also replaces resources/screenshot.png, the README's picture.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from deepcomposer_desktop.app import theme

pytestmark = [pytest.mark.qt, pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def start_xvfb():
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed (apt-get install xvfb)")
        pytest.skip("Xvfb is not installed")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        display = reader.readline().strip()
    if not display:
        proc.kill()
        pytest.fail("Xvfb did not start")
    return proc, f":{display}"


def has_colour(image: QImage, colour: str, *, step: int = 3, tolerance: int = 12) -> int:
    target = QColor(colour)
    count = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - target.red()) <= tolerance
                and abs(c.green() - target.green()) <= tolerance
                and abs(c.blue() - target.blue()) <= tolerance
            ):
                count += 1
    return count


def test_screenshot_of_the_main_window_with_a_generated_piece(tmp_path):
    proc, display = start_xvfb()
    out = tmp_path / "screenshot.png"
    env = dict(
        os.environ,
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    try:
        result = subprocess.run(
            [sys.executable, str(REPO / "tests" / "app" / "screenshot_app.py"), str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert result.returncode == 0, result.stdout + result.stderr
    image = QImage(str(out))
    assert image.width() >= 1500 and image.height() >= 900
    assert has_colour(image, theme.MELODY_COLOUR) > 50  # the melody
    assert has_colour(image, theme.TRACK_COLOURS[0]) > 50  # the first generated track
    assert has_colour(image, theme.BACKGROUND) > 1000  # the dark theme
    artifacts = Path(os.environ.get("ARTIFACTS_DIR") or REPO / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(out, artifacts / "screenshot.png")
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copy(out, REPO / "resources" / "screenshot.png")
    print(result.stdout)
