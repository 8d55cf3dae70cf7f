"""Compositions as versioned JSON, for the library and autosave.

MIDI files lose things the app must keep (mute/solo, tags, the key estimate's confidence, the
melody index, float beats that are not on a tick), so the library stores this JSON instead.
The document carries ``"format": 1``; a newer or unknown format is refused rather than guessed
at, and every bad field becomes one ``CompositionError`` line.
"""

import json
import math
from typing import Any

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError
from deepcomposer_desktop.core.key import Key
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TempoChange, TimeSignature
from deepcomposer_desktop.core.track import Track

FORMAT_VERSION = 1

_COMPOSITION_KEYS = frozenset(
    {
        "format",
        "title",
        "ticks_per_beat",
        "melody_index",
        "key",
        "tempo_map",
        "time_signatures",
        "tracks",
    }
)
_TRACK_KEYS = frozenset(
    {"name", "program", "is_drum", "channel", "volume", "pan", "muted", "solo", "tags", "notes"}
)


def composition_to_json(composition: Composition) -> str:
    """The whole composition as compact JSON text (notes as ``[start, pitch, dur, vel]``).

    Raises ``CompositionError`` for values JSON cannot hold (NaN or infinite beats) or a key
    that is not a ``core.key.Key``.
    """
    key = composition.key
    if key is not None and not isinstance(key, Key):
        raise CompositionError(f"cannot store a key of type {type(key).__name__}")
    document = {
        "format": FORMAT_VERSION,
        "title": composition.title,
        "ticks_per_beat": composition.ticks_per_beat,
        "melody_index": composition.melody_index,
        "key": None
        if key is None
        else {"tonic": key.tonic, "mode": key.mode, "confidence": key.confidence},
        "tempo_map": [[t.start_beat, t.tempo_bpm] for t in composition.tempo_map],
        "time_signatures": [
            [s.numerator, s.denominator, s.start_beat] for s in composition.time_signatures
        ],
        "tracks": [_track_document(t) for t in composition.tracks],
    }
    try:
        return json.dumps(document, allow_nan=False, separators=(",", ":"))
    except ValueError as err:
        raise CompositionError(f"composition holds a value JSON cannot store: {err}") from err


def _track_document(track: Track) -> dict[str, Any]:
    return {
        "name": track.name,
        "program": track.program,
        "is_drum": track.is_drum,
        "channel": track.channel,
        "volume": track.volume,
        "pan": track.pan,
        "muted": track.muted,
        "solo": track.solo,
        "tags": list(track.tags),
        "notes": [[n.start_beat, n.pitch, n.duration_beats, n.velocity] for n in track.notes],
    }


def composition_from_json(text: str | bytes) -> Composition:
    """Rebuild a composition written by ``composition_to_json``; bad input -> CompositionError."""
    try:
        document = json.loads(text)
    except (ValueError, TypeError, RecursionError) as err:
        raise CompositionError(f"stored composition is not valid JSON: {err}") from err
    if not isinstance(document, dict):
        raise CompositionError("stored composition is not a JSON object")
    version = document.get("format")
    if version != FORMAT_VERSION:
        raise CompositionError(
            f"stored composition has format {version!r}; this version reads format "
            f"{FORMAT_VERSION} (made by a newer app?)"
        )
    _check_keys(document, _COMPOSITION_KEYS, "composition")
    try:
        return Composition(
            tracks=tuple(_track(t) for t in _list(document["tracks"], "tracks")),
            tempo_map=tuple(
                TempoChange(_number(s), _number(b))
                for s, b in (
                    _row(r, 2, "tempo change") for r in _list(document["tempo_map"], "tempo map")
                )
            ),
            time_signatures=tuple(
                TimeSignature(_int(n), _int(d), _number(s))
                for n, d, s in (
                    _row(r, 3, "time signature")
                    for r in _list(document["time_signatures"], "time signatures")
                )
            ),
            ticks_per_beat=_int(document["ticks_per_beat"]),
            melody_index=None
            if document["melody_index"] is None
            else _int(document["melody_index"]),
            key=_key(document["key"]),
            title=_str(document["title"]),
        )
    except (TypeError, KeyError) as err:
        raise CompositionError(f"stored composition is malformed: {err}") from err


def _check_keys(document: dict[str, Any], expected: frozenset[str], what: str) -> None:
    missing = expected - document.keys()
    unknown = document.keys() - expected
    if missing:
        raise CompositionError(f"stored {what} lacks {', '.join(sorted(missing))}")
    if unknown:
        raise CompositionError(f"stored {what} has unknown fields {', '.join(sorted(unknown))}")


def _track(document: Any) -> Track:
    if not isinstance(document, dict):
        raise CompositionError("stored track is not a JSON object")
    _check_keys(document, _TRACK_KEYS, "track")
    return Track(
        name=_str(document["name"]),
        notes=tuple(
            Note(_number(s), _int(p), _number(d), _int(v))
            for s, p, d, v in (_row(r, 4, "note") for r in _list(document["notes"], "notes"))
        ),
        program=_int(document["program"]),
        is_drum=_bool(document["is_drum"]),
        channel=None if document["channel"] is None else _int(document["channel"]),
        volume=_int(document["volume"]),
        pan=_int(document["pan"]),
        muted=_bool(document["muted"]),
        solo=_bool(document["solo"]),
        tags=tuple(_str(t) for t in _list(document["tags"], "tags")),
    )


def _key(document: Any) -> Key | None:
    if document is None:
        return None
    if not isinstance(document, dict):
        raise CompositionError("stored key is not a JSON object")
    _check_keys(document, frozenset({"tonic", "mode", "confidence"}), "key")
    return Key(_int(document["tonic"]), _str(document["mode"]), _number(document["confidence"]))


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise CompositionError(f"stored {what} is not a list")
    return value


def _row(value: Any, length: int, what: str) -> list[Any]:
    if not isinstance(value, list) or len(value) != length:
        raise CompositionError(f"stored {what} is not a list of {length} values: {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CompositionError(f"expected a number, found {value!r}")
    if not math.isfinite(value):
        raise CompositionError(f"expected a finite number, found {value!r}")
    return float(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CompositionError(f"expected a whole number, found {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise CompositionError(f"expected true or false, found {value!r}")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise CompositionError(f"expected text, found {value!r}")
    return value
