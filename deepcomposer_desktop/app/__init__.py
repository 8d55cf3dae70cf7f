"""The Qt desktop application. The only package that imports PySide6 or pyqtgraph."""

from deepcomposer_desktop.app import qtfix as _qtfix  # noqa: F401 (PySide6 emit refcount fix)
