"""Every menu command and shortcut of the main window, made in one table.

One row per action: (attribute, text, shortcut, checkable, tip). Keeping them in a table makes
the shortcut map easy to read and to test, and keeps mainwindow.py about layout.
"""

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

ACTION_TABLE: tuple[tuple[str, str, str, bool, str], ...] = (
    # file
    ("new", "&New", "Ctrl+N", False, "Start an empty composition"),
    ("import_midi", "&Import MIDI…", "Ctrl+O", False, "Open a MIDI file and choose its melody"),
    ("library", "&Library…", "Ctrl+L", False, "Your saved compositions"),
    ("save", "&Save to Library", "Ctrl+S", False, "Save this composition in the library"),
    ("export_midi", "&Export MIDI…", "Ctrl+E", False, "Type-1 MIDI file for any DAW"),
    ("export_wav", "Export &WAV…", "Ctrl+Shift+E", False, "Render with the built-in synth"),
    ("preferences", "&Preferences…", "Ctrl+,", False, "Devices, SoundFont, model, theme"),
    ("quit", "&Quit", "Ctrl+Q", False, ""),
    # edit
    ("undo", "&Undo", "Ctrl+Z", False, ""),
    ("redo", "&Redo", "Ctrl+Shift+Z", False, ""),
    ("select_all", "Select &All Notes", "Ctrl+A", False, ""),
    ("copy", "&Copy Notes", "Ctrl+C", False, "Copy the selected notes"),
    ("cut", "Cu&t Notes", "Ctrl+X", False, "Cut the selected notes"),
    ("paste", "&Paste Notes", "Ctrl+V", False, "Paste at the play-from marker"),
    ("duplicate", "D&uplicate Notes", "Ctrl+D", False, "Repeat the selection right after it"),
    ("delete", "&Delete Notes", "Delete", False, "Delete the selected notes"),
    ("quantize", "&Quantize", "Q", False, "Snap the selected notes (or all) to the grid"),
    ("move_left", "Move Left", "Left", False, "Move the selected notes one grid step earlier"),
    ("move_right", "Move Right", "Right", False, "Move the selected notes one grid step later"),
    ("move_up", "Up a Semitone", "Up", False, "Transpose the selection up a semitone"),
    ("move_down", "Down a Semitone", "Down", False, "Transpose the selection down a semitone"),
    ("octave_up", "Up an &Octave", "Ctrl+Up", False, "Transpose the selection (or all) up"),
    ("octave_down", "Down an O&ctave", "Ctrl+Down", False, "Transpose the selection down"),
    ("draw_mode", "&Draw Notes", "B", True, "Drag on the grid to draw notes"),
    ("keep_idea", "&Keep Last Idea", "Ctrl+Shift+K", False,
     "Turn what you just played (without recording) into the melody"),
    # transport
    ("play", "▶ Play", "Space", True, "Play / stop (Space)"),
    ("stop", "■ Stop", "Esc", False, "Stop playback or recording"),
    ("record", "● Record", "R", True, "Record a take from the keyboard (R)"),
    ("loop", "⟲ Loop", "L", True, "Loop the whole piece"),
    ("metronome", "Metronome", "M", True, "Click while recording"),
    ("play_along", "Play Along While Recording", "", True,
     "Hear the accompaniment while you record a new melody"),
    ("qwerty", "⌨ Keys", "Ctrl+K", True,
     "Play notes with A-L (white), W-P (black); Z / X octave"),
    ("generate", "Generate", "G", False, "Generate accompaniment for the melody (G)"),
    # view
    ("zoom_in", "Zoom &In", "Ctrl+=", False, ""),
    ("zoom_out", "Zoom &Out", "Ctrl+-", False, ""),
    ("zoom_fit", "Zoom to &Fit", "Ctrl+0", False, "Show the whole piece"),
)  # fmt: skip


class WindowActions(QObject):
    """Attribute access to each QAction (``actions.play``), all parented to the window."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.by_name: dict[str, QAction] = {}
        for name, text, shortcut, checkable, tip in ACTION_TABLE:
            action = QAction(text, parent)
            action.setObjectName(name)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.setCheckable(checkable)
            if tip:
                action.setToolTip(f"{tip}  [{shortcut}]" if shortcut else tip)
                action.setStatusTip(tip)
            self.by_name[name] = action
            setattr(self, name, action)

    def __getattr__(self, name: str) -> QAction:  # for type checkers; set in __init__
        raise AttributeError(name)

    def disable_missing(self, name: str, why: str) -> None:
        """A feature whose component is not installed: visible, greyed, saying why."""
        action = self.by_name[name]
        action.setEnabled(False)
        action.setToolTip(why)
        action.setStatusTip(why)
