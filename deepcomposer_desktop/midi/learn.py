"""MIDI-learn: bind keyboard buttons (CC or note messages) to app actions.

The DeepComposer keyboard and many others send a CC or a note from their transport buttons.
``MidiLearn.learn("record")`` arms learning; the next button press is bound. Bindings are
plain dicts for the app to store, and a loaded dict with bad entries keeps the good ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mido

from deepcomposer_desktop.core.errors import DeepComposerError

ACTIONS = ("record", "play", "stop", "generate")
PRESS_THRESHOLD = 64  # CC buttons send 127 when pressed and 0 when released


@dataclass(frozen=True, slots=True)
class Trigger:
    """A button: ``kind`` "cc" or "note", MIDI ``channel`` 0-15, controller or note number."""

    kind: str
    channel: int
    number: int

    def __post_init__(self) -> None:
        if self.kind not in ("cc", "note"):
            raise DeepComposerError(f"trigger kind {self.kind!r} is not 'cc' or 'note'")
        if not 0 <= self.channel <= 15 or not 0 <= self.number <= 127:
            raise DeepComposerError("trigger channel must be 0-15 and number 0-127")

    @classmethod
    def from_message(cls, msg: mido.Message) -> Trigger | None:
        """The trigger a *press* makes; releases and other messages give None."""
        if msg.type == "control_change" and msg.value >= PRESS_THRESHOLD:
            return cls("cc", msg.channel, msg.control)
        if msg.type == "note_on" and msg.velocity > 0:
            return cls("note", msg.channel, msg.note)
        return None

    def matches(self, msg: mido.Message) -> bool:
        """True for this button's press and its release (so releases don't leak through)."""
        if getattr(msg, "channel", None) != self.channel:
            return False
        if self.kind == "cc":
            return bool(msg.type == "control_change" and msg.control == self.number)
        return bool(msg.type in ("note_on", "note_off") and msg.note == self.number)

    def to_dict(self) -> dict[str, int | str]:
        return {"kind": self.kind, "channel": self.channel, "number": self.number}


@dataclass(frozen=True, slots=True)
class Bindings:
    """Action name -> trigger; one trigger drives at most one action."""

    triggers: tuple[tuple[str, Trigger], ...] = ()

    def get(self, action: str) -> Trigger | None:
        return dict(self.triggers).get(action)

    def bind(self, action: str, trigger: Trigger) -> Bindings:
        if action not in ACTIONS:
            raise DeepComposerError(f"unknown action {action!r}; expected one of {ACTIONS}")
        kept = tuple((a, t) for a, t in self.triggers if a != action and t != trigger)
        return Bindings((*kept, (action, trigger)))

    def unbind(self, action: str) -> Bindings:
        return Bindings(tuple((a, t) for a, t in self.triggers if a != action))

    def action_for(self, msg: mido.Message) -> str | None:
        """The action a button press fires (None for releases and unbound messages)."""
        pressed = Trigger.from_message(msg)
        if pressed is None:
            return None
        for action, trigger in self.triggers:
            if trigger == pressed:
                return action
        return None

    def consumes(self, msg: mido.Message) -> bool:
        """True when ``msg`` is a bound button's press or release: not music, don't record it."""
        return any(t.matches(msg) for _, t in self.triggers)

    def to_dict(self) -> dict[str, dict[str, int | str]]:
        return {action: trigger.to_dict() for action, trigger in self.triggers}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Bindings:
        """Rebuild stored bindings; unknown actions and malformed entries are skipped."""
        bindings = cls()
        if not isinstance(data, Mapping):
            return bindings
        for action, entry in data.items():
            try:
                trigger = Trigger(str(entry["kind"]), int(entry["channel"]), int(entry["number"]))
                bindings = bindings.bind(str(action), trigger)
            except (KeyError, TypeError, ValueError, DeepComposerError):
                continue
        return bindings


class MidiLearn:
    """Feeds on input messages: learns when armed, otherwise reports which action fired.

    ``on_learned(action, trigger)`` and ``on_action(action)`` run on the dispatcher thread:
    the app should only enqueue or emit a signal from them.
    """

    def __init__(
        self,
        bindings: Bindings | None = None,
        *,
        on_learned: Callable[[str, Trigger], None] | None = None,
        on_action: Callable[[str], None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._bindings = bindings or Bindings()
        self._armed: str | None = None
        self.on_learned = on_learned
        self.on_action = on_action

    @property
    def bindings(self) -> Bindings:
        return self._bindings

    @property
    def learning(self) -> str | None:
        return self._armed

    def learn(self, action: str) -> None:
        if action not in ACTIONS:
            raise DeepComposerError(f"unknown action {action!r}; expected one of {ACTIONS}")
        self._armed = action

    def cancel(self) -> None:
        self._armed = None

    def feed(self, msg: mido.Message, stamp_s: float = 0.0) -> bool:
        """Handle one message; True when it was a button (learned or bound), not music."""
        learned: tuple[str, Trigger] | None = None
        action: str | None = None
        with self._lock:
            if self._armed is not None:
                trigger = Trigger.from_message(msg)
                if trigger is None:
                    return False
                learned = (self._armed, trigger)
                self._bindings = self._bindings.bind(self._armed, trigger)
                self._armed = None
            else:
                action = self._bindings.action_for(msg)
                if action is None:
                    return self._bindings.consumes(msg)
        if learned is not None:
            if self.on_learned:
                self.on_learned(*learned)
        elif action is not None and self.on_action:
            self.on_action(action)
        return True
