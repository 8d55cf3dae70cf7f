"""Running the generator without freezing the window.

Models load and generate on the global QThreadPool; results come back on the GUI thread as
``generated(variations, request)``. The generator factory is injectable so tests can use a
tiny fake while the real engine is still being trained.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from deepcomposer_desktop.core import Composition

from .workers import run_in_pool

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GenerateRequest:
    model: str
    seed: int
    variations: int = 1
    regenerate: tuple[str, ...] | None = None
    started_s: float = 0.0


def _load_real(name: str, threads: int) -> Any:
    from deepcomposer_desktop.engine import Generator

    return Generator.load(name, threads=threads)


def list_model_names() -> list[str]:
    try:
        from deepcomposer_desktop.engine import list_models

        return [m.name for m in list_models()]
    except Exception as err:  # no engine or unreadable models: offer none
        log.warning("cannot list models: %s", err)
        return []


class GenerationSession(QObject):
    started = Signal(object)  # GenerateRequest
    generated = Signal(object, object)  # list[Composition], GenerateRequest
    failed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        loader: Callable[[str, int], Any] = _load_real,
        threads: int = 1,
    ):
        super().__init__(parent)
        self._loader = loader
        self._threads = threads
        self._cache: dict[str, Any] = {}
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def loaded(self, name: str) -> Any:
        """The generator already loaded under ``name`` (None until a run has loaded it)."""
        return self._cache.get(name)

    def generate(
        self,
        composition: Composition,
        *,
        model: str,
        seed: int,
        variations: int = 1,
        regenerate: Sequence[str] | None = None,
    ) -> bool:
        if self._busy:
            return False
        if composition.melody is None or not composition.melody.notes:
            self.failed.emit("There is no melody to accompany yet: record, play or import one.")
            return False
        request = GenerateRequest(
            model, seed, variations, tuple(regenerate) if regenerate else None, time.monotonic()
        )
        self._busy = True
        cache, loader, threads = self._cache, self._loader, self._threads

        def work() -> list[Composition]:
            generator = cache.get(model)
            if generator is None:
                generator = loader(model, threads)
                cache[model] = generator
            kwargs: dict[str, Any] = {"seed": seed, "variations": variations}
            if regenerate:
                kwargs["regenerate"] = list(regenerate)
            return list(generator.generate(composition, **kwargs))

        self.started.emit(request)
        run_in_pool(work, lambda result: self._done(result, request), self._failed)
        return True

    def _done(self, variations: list[Composition], request: GenerateRequest) -> None:
        self._busy = False
        if not variations:
            self.failed.emit("The model returned nothing.")
            return
        self.generated.emit(variations, request)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._busy = False
        self.failed.emit(f"Generation failed: {message}")
