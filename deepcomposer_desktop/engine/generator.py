"""``Generator``: load a model directory, check it once, and harmonize melodies with it.

Generation fills the accompaniment voices pass by pass in the manifest's ``voice_order``
(e.g. ``bass+tenor, alto``): each pass runs the network once for all variations in a batch,
optionally averaged over transposed copies of the piece (``transpositions``), and samples
its voices in turn. Rhythm first (an onset per step, drawn from the onset logits), then one
pitch per note segment (Gumbel-max over the segment's mean log-probabilities), so notes do
not fragment. With the manifest's ``beat_segments`` a segment also ends at each beat, so
every beat gets its own (most likely) pitch, while a pitch repeated without a sampled onset
stays one held note. Pitches that would cross a known neighbouring voice are penalised, and
a pitch moving in parallel fifths/octaves with one is re-chosen (``parallel_penalty``).
"""

from __future__ import annotations

import functools
import logging
import statistics
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import CompositionError, ModelError
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.engine.encoding import (
    bar_start_flags,
    decode_voice,
    encode_notes,
    meter_channels,
    steps_for,
)
from deepcomposer_desktop.engine.manifest import Manifest, TensorSpec, read_manifest
from deepcomposer_desktop.engine.registry import file_sha256, resolve_model

log = logging.getLogger(__name__)

CROSSING_PENALTY = 20.0  # log-prob units per step where a candidate crosses a known voice
PARALLEL_CANDIDATES = 8  # best-scoring pitches tried when a segment moves in parallels
PARALLEL_PASSES = 1
FLOOR_LOGP = -30.0  # log-prob for pitches a transposed run cannot speak for (range edges)
_ORT_TYPES = {"tensor(int64)": "int64", "tensor(float)": "float32"}


def _check_tensors(kind: str, expected: Sequence[TensorSpec], actual: Sequence[Any]) -> None:
    by_name = {t.name: t for t in actual}
    if set(by_name) != {t.name for t in expected}:
        raise ModelError(
            f"model {kind}s {sorted(by_name)} do not match the manifest "
            f"{sorted(t.name for t in expected)}"
        )
    for spec in expected:
        real = by_name[spec.name]
        if _ORT_TYPES.get(real.type, real.type) != spec.dtype:
            raise ModelError(f"{kind} {spec.name!r} is {real.type}, manifest says {spec.dtype}")
        if len(real.shape) != len(spec.shape):
            raise ModelError(f"{kind} {spec.name!r} has rank {len(real.shape)}, manifest differs")
        for have, want in zip(real.shape, spec.shape, strict=True):
            if isinstance(want, int) and have != want:
                raise ModelError(f"{kind} {spec.name!r} has shape {real.shape}, manifest differs")


def _parallel(
    line: list[int], others: list[list[int]], beat: int, pitch: int, rest: int, before: int = -1
) -> bool:
    """Whether ``line`` moving into ``pitch`` at ``beat`` (from ``before``, default the line's
    own previous beat) makes parallel fifths or octaves with any of ``others``."""
    if beat < 1 or beat >= len(line):
        return False
    prev = line[beat - 1] if before < 0 else before
    if prev in (pitch, rest) or pitch == rest:
        return False
    for other in others:
        b0, b1 = other[beat - 1], other[beat]
        if b0 in (b1, rest) or b1 == rest:
            continue
        interval = abs(pitch - b1) % 12
        if (interval == 0 or interval == 7) and abs(prev - b0) % 12 == interval:
            return True
    return False


def _parallel_arrivals(line: np.ndarray, others: np.ndarray, rest: int) -> np.ndarray:
    """(B, beats - 1) bool: ``line`` (B, beats) moves into a parallel fifth or octave with
    one of ``others`` (B, U, beats) at beat i + 1. The vectorized form of ``_parallel``."""
    a0, a1 = line[:, None, :-1], line[:, None, 1:]
    b0, b1 = others[:, :, :-1], others[:, :, 1:]
    moving = (a0 != a1) & (b0 != b1) & (a0 != rest) & (a1 != rest) & (b0 != rest) & (b1 != rest)
    after = np.abs(a1 - b1) % 12
    perfect = moving & ((after == 0) | (after == 7)) & (np.abs(a0 - b0) % 12 == after)
    result: np.ndarray = perfect.any(axis=1)
    return result


class Generator:
    """A loaded, verified, warmed-up model. Thread-safe for concurrent ``generate`` calls."""

    def __init__(self, manifest: Manifest, session: Any, path: Path) -> None:
        self.manifest = manifest
        self.path = path
        self._session = session
        self._voices = (manifest.melody_name, *manifest.track_names)
        self._candidates = np.arange(manifest.n_classes)
        midi = manifest.low_pitch + self._candidates
        self._range_penalty = []
        for spec in manifest.tracks:
            outside = (midi < spec.low_pitch - 2) | (midi > spec.high_pitch + 2)
            outside[manifest.n_pitches] = False
            self._range_penalty.append(np.where(outside, -CROSSING_PENALTY, 0.0).astype(np.float32))

    @classmethod
    def load(cls, name_or_path: str | Path, *, threads: int = 1) -> Generator:
        path = resolve_model(name_or_path)
        manifest = read_manifest(path)
        onnx_path = path / manifest.onnx_file
        if not onnx_path.is_file():
            raise ModelError(f"{path} has no {manifest.onnx_file}")
        if file_sha256(onnx_path) != manifest.sha256:
            raise ModelError(f"{onnx_path} does not match the sha256 in its manifest (corrupt?)")
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(
                str(onnx_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime raises its own untyped errors
            raise ModelError(f"onnxruntime cannot load {onnx_path}: {err}") from err
        _check_tensors("input", manifest.inputs, session.get_inputs())
        _check_tensors("output", manifest.outputs, session.get_outputs())
        generator = cls(manifest, session, path)
        generator._warm_up()
        return generator

    def _warm_up(self) -> None:
        steps = 8 * self.manifest.steps_per_beat
        voices = len(self._voices)
        feed = {
            "pitch": np.full((1, voices, steps), self.manifest.n_pitches, dtype=np.int64),
            "onset": np.zeros((1, voices, steps), dtype=np.float32),
            "known": np.zeros((1, voices, steps), dtype=np.float32),
            "meter": np.zeros((1, 2, steps), dtype=np.float32),
        }
        try:
            pitch_logits, onset_logits = self._session.run(None, feed)
        except Exception as err:
            raise ModelError(f"model {self.manifest.name} fails to run: {err}") from err
        want = (1, voices - 1, steps, self.manifest.n_classes)
        if tuple(pitch_logits.shape) != want or tuple(onset_logits.shape) != want[:3]:
            raise ModelError(
                f"model {self.manifest.name} returns shape {pitch_logits.shape}, expected {want}"
            )

    # ------------------------------------------------------------------ generation

    def generate(
        self,
        composition: Composition,
        *,
        seed: int,
        variations: int = 1,
        regenerate: Sequence[str] | None = None,
    ) -> list[Composition]:
        """Accompany ``composition``'s melody; one Composition per variation.

        Each result holds the input melody Track object unchanged (first), then the
        manifest's tracks. With ``regenerate``, only those tracks are new and the other
        accompaniment tracks are taken from the input (matched by name).
        """
        m = self.manifest
        if variations < 1:
            raise CompositionError("variations must be at least 1")
        melody = composition.melody
        if melody is None or not melody.notes:
            raise CompositionError("the composition has no melody notes to accompany")
        names = m.track_names
        wanted = list(names) if regenerate is None else list(dict.fromkeys(regenerate))
        unknown = [n for n in wanted if n not in names]
        if unknown or not wanted:
            raise CompositionError(
                f"cannot regenerate {unknown or wanted}; this model makes {', '.join(names)}"
            )
        existing = {
            t.name: t for i, t in enumerate(composition.tracks) if i != composition.melody_index
        }
        kept = [n for n in names if n not in wanted]
        missing = [n for n in kept if n not in existing]
        if missing:
            raise CompositionError(f"cannot keep tracks {missing}: the composition lacks them")

        spb = m.steps_per_beat
        n_steps = steps_for(composition, melody.end_beat, spb)
        transpose = self._octave_shift(melody)
        voices = len(self._voices)
        pitch = np.full((variations, voices, n_steps), m.n_pitches, dtype=np.int64)
        onset = np.zeros((variations, voices, n_steps), dtype=np.float32)
        known = np.zeros((variations, voices, n_steps), dtype=np.float32)
        sources = [(0, melody)] + [(1 + names.index(n), existing[n]) for n in kept]
        for v, track in sources:
            cls, on = encode_notes(
                track.notes,
                n_steps,
                steps_per_beat=spb,
                low_pitch=m.low_pitch,
                n_pitches=m.n_pitches,
                transpose=transpose,
            )
            pitch[:, v, :] = cls
            onset[:, v, :] = on
            known[:, v, :] = 1.0
        bars = bar_start_flags(composition, n_steps, spb)
        meter = np.broadcast_to(meter_channels(bars, spb), (variations, 2, n_steps)).copy()
        rng = np.random.default_rng(seed)
        for index, group in enumerate(self._passes(wanted)):
            deltas = m.pass_transpositions(index)
            self._sample_group(group, pitch, onset, known, meter, rng, deltas)
        results = []
        for b in range(variations):
            tracks = [melody]
            for i, spec in enumerate(m.tracks):
                if spec.name in kept:
                    tracks.append(existing[spec.name])
                    continue
                notes = decode_voice(
                    pitch[b, i + 1],
                    onset[b, i + 1] > 0,
                    steps_per_beat=spb,
                    low_pitch=m.low_pitch,
                    n_pitches=m.n_pitches,
                    transpose=-transpose,
                    bar_start=bars,
                )
                tracks.append(Track(name=spec.name, notes=tuple(notes), program=spec.program))
            results.append(replace(composition, tracks=tuple(tracks), melody_index=0))
        return results

    def _passes(self, wanted: Sequence[str]) -> list[list[int]]:
        """Voice indices per network run, from the manifest order, limited to ``wanted``."""
        names = self.manifest.track_names
        passes = []
        for entry in self.manifest.voice_order:
            group = [1 + names.index(n) for n in entry.split("+") if n in wanted]
            if group:
                passes.append(group)
        done = {v for group in passes for v in group}
        missing = [1 + names.index(n) for n in wanted if 1 + names.index(n) not in done]
        if missing:  # a regenerated voice missing from the order still gets one pass
            passes.append(missing)
        return passes

    def _octave_shift(self, melody: Track) -> int:
        """Whole octaves that move the melody's median pitch nearest the trained melody range."""
        m = self.manifest
        centre = (m.melody_low_pitch + m.melody_high_pitch) / 2
        median = float(statistics.median(n.pitch for n in melody.notes))
        return int(12 * round((centre - median) / 12))

    def _sample_group(
        self,
        group: Sequence[int],
        pitch: np.ndarray,
        onset: np.ndarray,
        known: np.ndarray,
        meter: np.ndarray,
        rng: np.random.Generator,
        deltas: tuple[int, ...] = (0,),
    ) -> None:
        """One network run, then voices ``group`` (indices into all voices) chosen in turn."""
        for v in group:
            known[:, v, :] = 0.0
        outputs = [u - 1 for u in group]
        log_probs, onset_logits = self._run(pitch, onset, known, meter, outputs, deltas)
        for i, v in enumerate(group):
            self._choose(v, log_probs[:, i], onset_logits[:, i], pitch, onset, known, rng)

    def _run(
        self,
        pitch: np.ndarray,
        onset: np.ndarray,
        known: np.ndarray,
        meter: np.ndarray,
        outputs: list[int],
        deltas: tuple[int, ...] = (0,),
    ) -> tuple[np.ndarray, np.ndarray]:
        """Log-probabilities (B, O, T, K), unnormalized, and onset logits (B, O, T) of ``outputs``.

        With several ``deltas`` (the manifest's transpositions for this pass) the network
        also hears the piece moved by a semitone or two, all copies in one batched run; each
        copy's answer is moved back and the log-probabilities are averaged. The network is not
        exactly transposition-invariant, so this is a cheap ensemble (on the validation
        chorales it is worth more than a model twice the size).
        """
        n, batch = len(deltas), pitch.shape[0]
        if n > 1:
            moved = self._moved_classes(deltas)[:, pitch]
            pitch = moved.reshape(n * batch, *pitch.shape[1:])
            onset, known, meter = (np.tile(x, (n, 1, 1)) for x in (onset, known, meter))
        feed = {"pitch": pitch, "onset": onset, "known": known, "meter": meter}
        logits, on_logits = self._session.run(None, feed)
        logits, on_logits = logits[:, outputs], on_logits[:, outputs]
        # log-probabilities up to a constant per step, which no choice depends on (each segment
        # compares classes); the step's best class sits at 0, so FLOOR_LOGP stays far below it
        logits = logits - logits.max(axis=-1, keepdims=True)
        if n == 1:
            return logits, on_logits
        rest = self.manifest.n_pitches
        total = np.full_like(logits[:batch], FLOOR_LOGP * n)
        total[..., rest] = 0.0
        for i, d in enumerate(deltas):
            copy = logits[i * batch : (i + 1) * batch]  # its class c + d is class c of the piece
            lo, hi = max(0, -d), min(rest, rest - d)
            total[..., lo:hi] += copy[..., lo + d : hi + d] - FLOOR_LOGP
            total[..., rest] += copy[..., rest]
        on_total = on_logits.reshape(n, batch, *on_logits.shape[1:]).mean(axis=0)
        return total / n, on_total

    @functools.cache  # noqa: B019 (one small entry per generator; it lives as long)
    def _moved_classes(self, deltas: tuple[int, ...]) -> np.ndarray:
        """(n, K): where each class goes in the copy moved by ``d``, folded into range."""
        rest = self.manifest.n_pitches
        to: np.ndarray = self._candidates[None, :] + np.array(deltas)[:, None]
        to = np.where(to < 0, to + 12, np.where(to >= rest, to - 12, to))
        to[:, rest] = rest
        return to

    def _choose(
        self,
        v: int,
        logp: np.ndarray,
        on_logits: np.ndarray,
        pitch: np.ndarray,
        onset: np.ndarray,
        known: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """Sample voice ``v`` from (B, T, K) log-probabilities and (B, T) onset logits, in place."""
        m = self.manifest
        batch, _, steps = pitch.shape
        k = m.n_classes
        logp = logp + self._penalties(v, pitch, known)
        uniform = rng.random((batch, steps))
        on = np.log(uniform / (1.0 - uniform + 1e-12) + 1e-12) < on_logits / m.onset_temperature
        on[:, 0] = True
        split = on.copy()
        if m.beat_segments:  # every beat picks its own pitch; a repeat stays one held note
            split[:, :: m.steps_per_beat] = True
        starts = np.flatnonzero(split.reshape(-1))
        lengths = np.diff(np.append(starts, batch * steps))
        seg_logp = np.add.reduceat(logp.reshape(-1, k), starts, axis=0) / lengths[:, None]
        on_beat = (starts % steps) % m.steps_per_beat == 0
        temperature = np.where(on_beat, m.pitch_temperature, m.offbeat_temperature)
        gumbel = -np.log(rng.standard_exponential(seg_logp.shape))
        score = seg_logp / temperature[:, None] + gumbel
        choice = np.argmax(score, axis=1)
        classes = np.repeat(choice, lengths).reshape(batch, steps)
        for _ in range(PARALLEL_PASSES):
            if not self._fix_parallels(
                v, classes, pitch, known, starts, lengths, score, choice, temperature
            ):
                break
            classes = np.repeat(choice, lengths).reshape(batch, steps)
        pitch[:, v, :] = classes
        onset[:, v, :] = on & (classes != m.n_pitches)
        known[:, v, :] = 1.0

    def _fix_parallels(
        self,
        v: int,
        classes: np.ndarray,
        pitch: np.ndarray,
        known: np.ndarray,
        starts: np.ndarray,
        lengths: np.ndarray,
        score: np.ndarray,
        choice: np.ndarray,
        temperature: np.ndarray,
    ) -> bool:
        """Re-choose segments that move in parallel fifths/octaves with a known voice.

        Only motion between beats counts (as in the counterpoint measure). A flagged
        segment takes its best-scoring candidate (of the top ``PARALLEL_CANDIDATES``) that
        makes no parallel into or out of it, given its neighbours, unless every such candidate
        is less likely by more than the manifest's ``parallel_penalty`` (nats): like Bach, the
        model may keep a parallel it is sure of. ``choice`` is updated in place. Plain Python
        on short lists: the loops are tiny and numpy calls cost more.
        """
        m = self.manifest
        rest = m.n_pitches
        spb = m.steps_per_beat
        steps = pitch.shape[2]
        known_voices = np.all(known[:, :, 0] > 0, axis=0).tolist()
        others = [u for u, ok in enumerate(known_voices) if u != v and ok]
        if not others or steps <= spb:
            return False
        changed = False
        flagged = _parallel_arrivals(classes[:, ::spb], pitch[:, others, ::spb], rest)
        for b in np.flatnonzero(flagged.any(axis=1)).tolist():
            vb = classes[b, ::spb].tolist()
            lines = [pitch[b, u, ::spb].tolist() for u in others]
            arrivals = (np.flatnonzero(flagged[b]) + 1).tolist()
            flat = b * steps + np.asarray(arrivals) * spb
            for seg in sorted(set((np.searchsorted(starts, flat, side="right") - 1).tolist())):
                first = int(starts[seg]) - b * steps
                last = first + int(lengths[seg]) - 1
                first_beat, last_beat = -(-first // spb), last // spb
                ranked = np.argsort(-score[seg])[:PARALLEL_CANDIDATES].tolist()
                floor = score[seg, choice[seg]] - m.parallel_penalty / float(temperature[seg])
                for cand in ranked:
                    if cand == rest or score[seg, cand] < floor:
                        continue
                    if _parallel(vb, lines, first_beat, cand, rest) or (
                        last_beat + 1 < len(vb)
                        and _parallel(vb, lines, last_beat + 1, vb[last_beat + 1], rest, cand)
                    ):
                        continue
                    choice[seg] = cand
                    for beat in range(first_beat, last_beat + 1):
                        vb[beat] = cand
                    changed = True
                    break
        return changed

    def _penalties(self, v: int, pitch: np.ndarray, known: np.ndarray) -> np.ndarray:
        """(B, T, K) additive log-prob penalties: outside the voice's range, crossing voices."""
        m = self.manifest
        rest = m.n_pitches
        cand = self._candidates
        penalty = self._range_penalty[v - 1][None, None, :]
        sounding = (known > 0) & (pitch != rest)  # (B, V, T)
        big = np.where(sounding, pitch, 10_000)
        small = np.where(sounding, pitch, -10_000)
        upper = big[:, :v, :].min(axis=1)  # nearest known voice above (lower index)
        lower = small[:, v + 1 :, :].max(axis=1) if v + 1 < pitch.shape[1] else None
        crossing = cand[None, None, :] > upper[:, :, None]
        if lower is not None:
            crossing = crossing | (cand[None, None, :] < lower[:, :, None])
        crossing[:, :, rest] = False
        result: np.ndarray = penalty - CROSSING_PENALTY * crossing
        return result
