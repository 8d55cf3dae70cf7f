"""Starting the app: QApplication, theme, settings, library, crash restore, the window.

``launch`` is what ``deepcomposer app`` calls. The window is shown before anything slow
(ports, SoundFont, models) happens; those load right after, off the GUI thread where slow.
"""

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from . import optional
from .theme import apply_theme

log = logging.getLogger(__name__)
APP_NAME = "DeepComposer Desktop"
ORGANIZATION = "DeepComposer"


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    return app  # type: ignore[return-value]


def build_services(*, open_devices: bool = True) -> Any:
    """Settings, library and defaults from the user's profile; missing pieces stay None."""
    from deepcomposer_desktop.core.settings import Settings

    from .mainwindow import Services

    services = Services(open_devices=open_devices)
    store_module = optional.component("settings_store")
    if store_module is not None:
        try:
            services.settings_store = store_module.SettingsStore()
            services.settings = services.settings_store.settings
        except Exception as err:  # bad settings must never stop the app
            log.warning("settings unavailable, using defaults: %s", err)
            services.settings = Settings()
    library_module = optional.component("library")
    if library_module is not None:
        try:
            services.library = library_module.Library(library_module.default_library_path())
        except Exception as err:  # the app runs without a library
            log.warning("library unavailable: %s", err)
    return services


def offer_restore(window: Any) -> None:
    """After a crash or kill, offer what was open (APP-B's RestoreDialog) and reopen it."""
    library = window.services.library
    dialogs = optional.component("library_dialog")
    if library is None or dialogs is None or not hasattr(dialogs, "RestoreDialog"):
        return
    try:
        restored = dialogs.RestoreDialog.ask(library, window)
    except Exception:  # restore is a courtesy; starting must not fail
        log.exception("restore failed")
        return
    if restored:
        first = restored[0]
        window.controller.load(first.composition, title=first.title, library_id=first.entry_id)
        more = f" ({len(restored) - 1} more in the library)" if len(restored) > 1 else ""
        window.show_message(f"Restored “{first.title}”{more}.")


def launch(path: Path | None = None, *, quit_after_ms: int | None = None) -> int:
    """Run the app until the window closes; ``quit_after_ms`` is for start-up benchmarks."""
    started = time.perf_counter()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = create_application()
    services = build_services()
    apply_theme(app, services.settings.theme)
    from .mainwindow import MainWindow

    window = MainWindow(services)
    window.show()
    if os.environ.get("DEEPCOMPOSER_STARTUP_PROBE"):
        # printed from the running event loop: the window is painted and takes input
        QTimer.singleShot(
            0, lambda: print(f"usable {time.perf_counter() - started:.3f}", flush=True)
        )
    if path is not None:
        QTimer.singleShot(0, lambda: window.files.open_file(Path(path)))
    else:
        QTimer.singleShot(0, lambda: offer_restore(window))
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    code = app.exec()
    # Let pool work (synth loading, inference) end before Python tears Qt down under it.
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(15000)
    return code
