"""The one place the app touches QSettings: preferences, MIDI-learn bindings, recent files.

Components never read QSettings; they get a ``core.settings.Settings`` value (or listen to
``settingsChanged``). Loading goes through ``Settings.from_mapping`` so a stale or hand-edited
file falls back to defaults field by field instead of stopping the app.
"""

import json
import logging
from dataclasses import asdict, fields, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal

from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.core.settings import Settings

log = logging.getLogger(__name__)

ORGANIZATION = "DeepComposer Desktop"
APPLICATION = "DeepComposer Desktop"
MAX_RECENT_FILES = 10
_GROUP = "settings"
_BINDINGS_KEY = "midi_learn/bindings"
_RECENT_KEY = "recent/files"


class SettingsStore(QObject):
    """Preferences as one immutable ``Settings``; ``update`` validates, stores and signals."""

    settingsChanged = Signal(object)  # Settings
    recentFilesChanged = Signal(list)  # list[str], most recent first
    bindingsChanged = Signal(dict)

    def __init__(self, qsettings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if qsettings is None:  # the app's own names when set (app.main sets them), else ours
            qsettings = QSettings(
                QSettings.Format.IniFormat,
                QSettings.Scope.UserScope,
                QCoreApplication.organizationName() or ORGANIZATION,
                QCoreApplication.applicationName() or APPLICATION,
            )
        self._qsettings = qsettings
        self._settings = self._read()

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def file_name(self) -> str:
        return self._qsettings.fileName()

    def _read(self) -> Settings:
        self._qsettings.beginGroup(_GROUP)
        try:
            stored = {key: self._qsettings.value(key) for key in self._qsettings.childKeys()}
        finally:
            self._qsettings.endGroup()
        return Settings.from_mapping(stored)

    def update(self, **changes: Any) -> Settings:
        """Change some fields; raises ``DeepComposerError`` for unknown names or bad values."""
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise DeepComposerError(f"unknown setting {', '.join(unknown)}")
        try:
            settings = replace(self._settings, **changes)
        except TypeError as err:
            raise DeepComposerError(f"bad setting value: {err}") from err
        return self.set_settings(settings)

    def set_settings(self, settings: Settings) -> Settings:
        """Store a whole ``Settings`` (e.g. from the preferences dialog); signals if changed."""
        if settings == self._settings:
            return settings
        self._qsettings.beginGroup(_GROUP)
        try:
            for name, value in asdict(settings).items():
                self._qsettings.setValue(name, value)
        finally:
            self._qsettings.endGroup()
        self._sync()
        self._settings = settings
        self.settingsChanged.emit(settings)
        return settings

    def _sync(self) -> None:
        self._qsettings.sync()
        if self._qsettings.status() != QSettings.Status.NoError:
            log.warning("preferences could not be written to %s", self.file_name)

    # -- MIDI-learn bindings (control name -> whatever the learn feature records) -------------

    def midi_learn_bindings(self) -> dict[str, Any]:
        raw = self._qsettings.value(_BINDINGS_KEY, "")
        if not raw:
            return {}
        try:
            value = json.loads(str(raw))
        except ValueError:
            log.warning("ignoring unreadable MIDI-learn bindings in %s", self.file_name)
            return {}
        return value if isinstance(value, dict) else {}

    def set_midi_learn_bindings(self, bindings: dict[str, Any]) -> None:
        """Stored as JSON, so the values must be JSON-friendly (numbers, strings, lists)."""
        self._qsettings.setValue(_BINDINGS_KEY, json.dumps(bindings, sort_keys=True))
        self._sync()
        self.bindingsChanged.emit(dict(bindings))

    # -- recent files ------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        raw = self._qsettings.value(_RECENT_KEY, "")
        try:
            value = json.loads(str(raw)) if raw else []
        except ValueError:
            return []
        if not isinstance(value, list):
            return []
        return [str(p) for p in value if isinstance(p, str)][:MAX_RECENT_FILES]

    def add_recent_file(self, path: str) -> list[str]:
        """Put ``path`` first (once), keeping at most ``MAX_RECENT_FILES``."""
        files = [path] + [p for p in self.recent_files() if p != path]
        return self._set_recent(files[:MAX_RECENT_FILES])

    def remove_recent_file(self, path: str) -> list[str]:
        return self._set_recent([p for p in self.recent_files() if p != path])

    def clear_recent_files(self) -> list[str]:
        return self._set_recent([])

    def _set_recent(self, files: list[str]) -> list[str]:
        self._qsettings.setValue(_RECENT_KEY, json.dumps(files))
        self._sync()
        self.recentFilesChanged.emit(list(files))
        return files
