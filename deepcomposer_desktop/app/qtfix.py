"""Work around a PySide6 reference-count bug in ``SignalInstance.emit`` (seen in 6.12.0).

``emit`` there returns ``True``/``False`` without taking a reference, so every emit from
Python drops one reference to a bool. On Python 3.11 (where bools are not immortal) the app
aborts with "bool_dealloc: deallocating True or False" after some hundreds of emits (a few
seconds of playhead updates). We probe once at import: if an emit loses a reference, we wrap
``emit`` to give the reference back. A fixed PySide6 passes the probe and is left alone.
"""

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    fired = Signal()


def _emit_loses_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True), sys.getrefcount(False)
    probe.fired.emit()  # the returned bool is released right here, as in normal use
    after = sys.getrefcount(True), sys.getrefcount(False)
    del probe
    lost_true, lost_false = before[0] - after[0], before[1] - after[1]
    for value, lost in ((True, lost_true), (False, lost_false)):
        for _ in range(max(lost, 0)):
            _incref(value)  # repay the probe's own emit
    return lost_true > 0 or lost_false > 0


def install() -> bool:
    """Patch ``SignalInstance.emit`` when needed; True when the workaround is active."""
    if getattr(SignalInstance.emit, "_deepcomposer_fixed", False):
        return True
    if not _emit_loses_a_reference():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: object) -> object:
        result = original(self, *args)
        if isinstance(result, bool):
            _incref(result)
        return result

    emit._deepcomposer_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True


ACTIVE = install()
