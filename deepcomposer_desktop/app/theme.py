"""The look: a dark palette, a small style sheet and the colours that tell tracks apart.

Colours are chosen to stay distinct on the dark grid and for the common colour-vision
deficiencies (the melody is a warm amber, accompaniment tracks cool and saturated).
"""

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = "#1e2127"
SURFACE = "#262a31"
SURFACE_RAISED = "#2f343d"
TEXT = "#e6e6e6"
TEXT_DIM = "#9aa1ad"
ACCENT = "#f2a93b"
RECORD_RED = "#e5484d"

GRID_BACKGROUND = "#1b1e23"
GRID_BLACK_KEY_ROW = "#171a1e"
GRID_BEAT_LINE = "#2c3038"
GRID_BAR_LINE = "#4a505c"
GRID_C_LINE = "#30353e"
PLAYHEAD = "#ff5c5c"
LIVE_NOTE = "#ffffff"

MELODY_COLOUR = "#f2a93b"
TRACK_COLOURS = ("#4fa3f7", "#3ccf91", "#c77dff", "#ff6f91", "#2ec4d6", "#f7d154", "#9b8cff")


def track_colour(track_index: int, melody_index: int | None) -> QColor:
    """The melody is always amber; other tracks cycle through the palette in order."""
    if track_index == melody_index:
        return QColor(MELODY_COLOUR)
    offset = track_index if melody_index is None or track_index < melody_index else track_index - 1
    return QColor(TRACK_COLOURS[offset % len(TRACK_COLOURS)])


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {BACKGROUND}; }}
QToolBar {{ background: {SURFACE}; border: none; spacing: 4px; padding: 4px; }}
QToolBar QLabel {{ color: {TEXT_DIM}; padding-left: 6px; }}
QToolButton {{ color: {TEXT}; border-radius: 4px; padding: 4px 6px; }}
QToolButton:hover {{ background: {SURFACE_RAISED}; }}
QToolButton:checked {{ background: #3d4350; color: {ACCENT}; }}
QToolButton#recordButton:checked {{ background: {RECORD_RED}; color: white; }}
QPushButton {{ background: {SURFACE_RAISED}; color: {TEXT}; border: 1px solid #3a404b;
    border-radius: 4px; padding: 5px 12px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #666b75; }}
QPushButton#generateButton {{ background: {ACCENT}; color: #1b1e23; font-weight: bold;
    border: none; padding: 7px 14px; }}
QPushButton#generateButton:disabled {{ background: #6b5a3b; color: #2b2b2b; }}
QComboBox, QSpinBox, QDoubleSpinBox {{ background: {SURFACE_RAISED}; color: {TEXT};
    border: 1px solid #3a404b; border-radius: 4px; padding: 2px 6px; min-height: 20px; }}
QDockWidget {{ color: {TEXT_DIM}; }}
QDockWidget::title {{ background: {SURFACE}; padding: 4px 8px; }}
QStatusBar {{ background: {SURFACE}; color: {TEXT_DIM}; }}
QGroupBox {{ color: {TEXT_DIM}; border: 1px solid #353a44; border-radius: 6px;
    margin-top: 10px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QSlider::groove:horizontal {{ height: 4px; background: #3a404b; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {TEXT}; width: 12px; margin: -5px 0;
    border-radius: 6px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 2px; }}
QScrollBar:horizontal, QScrollBar:vertical {{ background: {GRID_BACKGROUND}; border: none;
    height: 10px; width: 10px; }}
QScrollBar::handle {{ background: #454b57; border-radius: 4px; min-width: 24px;
    min-height: 24px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
"""


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: BACKGROUND,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: SURFACE_RAISED,
        QPalette.ColorRole.ToolTipBase: SURFACE_RAISED,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: SURFACE_RAISED,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#1b1e23",
        QPalette.ColorRole.PlaceholderText: TEXT_DIM,
        QPalette.ColorRole.Link: "#4fa3f7",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(disabled, role, QColor("#666b75"))
    return palette


def apply_theme(app: QApplication, theme: str = "dark") -> None:
    """``theme`` is a ``Settings.theme`` value; "system" leaves Qt's own look alone."""
    if theme == "system":
        return
    app.setStyle("Fusion")
    if theme == "dark":
        app.setPalette(dark_palette())
        app.setStyleSheet(STYLE_SHEET)
