"""Components that may be missing from a build (or fail to import) degrade to a disabled action.

The main window asks here instead of importing them directly, so a broken optional panel
costs one greyed-out menu entry, never the whole app.
"""

import importlib
import logging
from types import ModuleType

log = logging.getLogger(__name__)


def component(name: str) -> ModuleType | None:
    """``deepcomposer_desktop.app.<name>`` or None (logged) when it cannot be imported."""
    try:
        return importlib.import_module(f"deepcomposer_desktop.app.{name}")
    except Exception as err:  # any import failure means: feature unavailable
        log.warning("app component %s unavailable: %s", name, err)
        return None
