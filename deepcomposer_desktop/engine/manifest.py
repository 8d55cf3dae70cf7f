"""A model directory's ``manifest.json``: what the ONNX file is and how to drive it.

Parsed strictly: a missing field or a wrong type is a ``ModelError`` naming the field, so a
hand-edited or truncated manifest fails with one clear line instead of a KeyError later.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepcomposer_desktop.core.errors import ModelError

MANIFEST_NAME = "manifest.json"
FORMAT = "deepcomposer-model"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class TrackSpec:
    """One generated accompaniment track: its name, GM program and MIDI pitch range."""

    name: str
    program: int
    low_pitch: int = 0
    high_pitch: int = 127


@dataclass(frozen=True, slots=True)
class TensorSpec:
    """An ONNX input or output: name, element type and shape (str = dynamic axis name)."""

    name: str
    dtype: str
    shape: tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    genre: str
    kind: str
    onnx_file: str
    sha256: str
    steps_per_beat: int
    low_pitch: int
    n_classes: int
    melody_name: str
    melody_low_pitch: int
    melody_high_pitch: int
    tracks: tuple[TrackSpec, ...]
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    voice_order: tuple[str, ...]
    pitch_temperature: float = 1.0
    onset_temperature: float = 1.0
    offbeat_temperature: float = 1.0
    beat_segments: bool = False
    # semitone shifts averaged in each network run: one tuple for every pass, or one per pass
    transpositions: tuple[tuple[int, ...], ...] = ((0,),)
    parallel_penalty: float = math.inf  # nats a pitch may lose to avoid parallel 5ths/8ves
    description: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    reference_metrics: dict[str, Any] = field(default_factory=dict)

    def pass_transpositions(self, index: int) -> tuple[int, ...]:
        """The shifts averaged in network pass ``index`` (of ``voice_order``)."""
        return self.transpositions[min(index, len(self.transpositions) - 1)]

    @property
    def n_pitches(self) -> int:
        return self.n_classes - 1

    @property
    def track_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tracks)


def _get(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise ModelError(f"{where}: manifest field {key!r} is missing")
    value = data[key]
    int_as_float = kind is float and isinstance(value, int) and not isinstance(value, bool)
    if (isinstance(value, bool) or not isinstance(value, kind)) and not int_as_float:
        raise ModelError(f"{where}: manifest field {key!r} has the wrong type")
    return value


def _tensor(data: Any, where: str) -> TensorSpec:
    if not isinstance(data, dict):
        raise ModelError(f"{where}: inputs/outputs must be objects")
    shape = _get(data, "shape", list, where)
    if not all(isinstance(d, (int, str)) and not isinstance(d, bool) for d in shape):
        raise ModelError(f"{where}: tensor shape must list ints and axis names")
    return TensorSpec(_get(data, "name", str, where), _get(data, "dtype", str, where), tuple(shape))


def _transpositions(value: Any, passes: int, where: str) -> tuple[tuple[int, ...], ...]:
    """``[-1, 1]`` (every pass) or ``[[-1, 0, 1], [-1, 1]]`` (one list per voice_order pass)."""
    lists = value if isinstance(value, list) and value and isinstance(value[0], list) else [value]
    ok = isinstance(value, list) and len(lists) in (1, passes)
    for shifts in lists:
        ok = ok and isinstance(shifts, list) and bool(shifts)
        ok = ok and all(
            isinstance(d, int) and not isinstance(d, bool) and abs(d) <= 6 for d in shifts
        )
    if not ok:
        raise ModelError(
            f"{where}: sampling transpositions must be semitones between -6 and 6, "
            "one list for every pass or one per voice_order pass"
        )
    return tuple(tuple(shifts) for shifts in lists)


def parse_manifest(data: Any, where: str = "manifest") -> Manifest:
    """Validate a decoded manifest.json; raises ModelError with the offending field."""
    if not isinstance(data, dict):
        raise ModelError(f"{where}: the manifest must be a JSON object")
    if data.get("format") != FORMAT:
        raise ModelError(f"{where}: not a DeepComposer model manifest (format field)")
    if data.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{where}: unsupported manifest version {data.get('format_version')!r}")
    tracks = []
    for item in _get(data, "tracks", list, where):
        if not isinstance(item, dict):
            raise ModelError(f"{where}: each track must be an object")
        low, high = _get(item, "pitch_range", list, where)
        program = _get(item, "program", int, where)
        if not 0 <= program <= 127:
            raise ModelError(f"{where}: GM program {program} is outside 0-127")
        tracks.append(TrackSpec(_get(item, "name", str, where), program, int(low), int(high)))
    if not tracks:
        raise ModelError(f"{where}: the model generates no tracks")
    melody = _get(data, "melody", dict, where)
    mel_low, mel_high = _get(melody, "pitch_range", list, where)
    sampling = _get(data, "sampling", dict, where)
    order = tuple(_get(sampling, "voice_order", list, where))
    names = {t.name for t in tracks}
    if not order or any(
        not isinstance(entry, str) or any(n not in names for n in entry.split("+"))
        for entry in order
    ):
        raise ModelError(f"{where}: sampling voice_order must name generated tracks")
    sha = _get(data, "sha256", str, where)
    if len(sha) != 64:
        raise ModelError(f"{where}: sha256 must be 64 hex digits")
    spb = _get(data, "steps_per_beat", int, where)
    n_classes = _get(data, "n_classes", int, where)
    if spb < 1 or n_classes < 2:
        raise ModelError(f"{where}: steps_per_beat and n_classes must be positive")
    beat_segments = sampling.get("beat_segments", False)
    if not isinstance(beat_segments, bool):
        raise ModelError(f"{where}: sampling beat_segments must be true or false")
    transpositions = _transpositions(sampling.get("transpositions", [0]), len(order), where)
    parallel_penalty = sampling.get("parallel_penalty", math.inf)
    if isinstance(parallel_penalty, bool) or not isinstance(parallel_penalty, (int, float)):
        raise ModelError(f"{where}: sampling parallel_penalty must be a number of nats")
    if not parallel_penalty >= 0:
        raise ModelError(f"{where}: sampling parallel_penalty must not be negative")
    reference = data.get("reference_metrics", {})
    return Manifest(
        name=_get(data, "name", str, where),
        genre=_get(data, "genre", str, where),
        kind=_get(data, "kind", str, where),
        onnx_file=_get(data, "onnx", str, where),
        sha256=sha.lower(),
        steps_per_beat=spb,
        low_pitch=_get(data, "low_pitch", int, where),
        n_classes=n_classes,
        melody_name=_get(melody, "name", str, where),
        melody_low_pitch=int(mel_low),
        melody_high_pitch=int(mel_high),
        tracks=tuple(tracks),
        inputs=tuple(_tensor(t, where) for t in _get(data, "inputs", list, where)),
        outputs=tuple(_tensor(t, where) for t in _get(data, "outputs", list, where)),
        voice_order=order,
        pitch_temperature=float(sampling.get("pitch_temperature", 1.0)),
        onset_temperature=float(sampling.get("onset_temperature", 1.0)),
        offbeat_temperature=float(
            sampling.get("offbeat_temperature", sampling.get("pitch_temperature", 1.0))
        ),
        beat_segments=beat_segments,
        transpositions=transpositions,
        parallel_penalty=float(parallel_penalty),
        description=str(data.get("description", "")),
        training=dict(data.get("training", {})),
        reference_metrics=dict(reference) if isinstance(reference, dict) else {},
    )


def read_manifest(model_dir: Path) -> Manifest:
    path = model_dir / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ModelError(f"{model_dir} has no {MANIFEST_NAME}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ModelError(f"cannot read {path}: {err}") from err
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ModelError(f"{path} is not valid JSON: {err}") from err
    return parse_manifest(data, str(path))
