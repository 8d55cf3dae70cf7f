"""A minimal, valid SoundFont 2 written from scratch: one preset, one looped sine sample.

Tests use it as "the user's own SoundFont": its only instrument is a pure 440 Hz sine at key
69, so audio made with it is easy to tell from FluidR3's (no harmonics).
"""

import struct
from pathlib import Path

import numpy as np

SAMPLE_RATE = 44000  # 100 samples per 440 Hz cycle: the loop closes exactly
CYCLES = 10


def _chunk(tag: bytes, data: bytes) -> bytes:
    pad = b"\0" if len(data) % 2 else b""
    return tag + struct.pack("<I", len(data)) + data + pad


def _list(kind: bytes, *chunks: bytes) -> bytes:
    return _chunk(b"LIST", kind + b"".join(chunks))


def _name(text: str) -> bytes:
    return text.encode("ascii").ljust(20, b"\0")


def write_sine_sf2(path: Path, *, preset: int = 0, bank: int = 0) -> Path:
    n = 100 * CYCLES
    wave = np.round(np.sin(2 * np.pi * np.arange(n) / 100) * 20000).astype("<i2")
    smpl = wave.tobytes() + b"\0\0" * 46  # the spec asks for 46 zero samples after each
    info = _list(
        b"INFO",
        _chunk(b"ifil", struct.pack("<HH", 2, 1)),
        _chunk(b"isng", b"EMU8000\0"),
        _chunk(b"INAM", b"Test sine\0"),
    )
    sdta = _list(b"sdta", _chunk(b"smpl", smpl))
    phdr = struct.pack("<20sHHHIII", _name("Sine"), preset, bank, 0, 0, 0, 0)
    phdr += struct.pack("<20sHHHIII", _name("EOP"), 0, 0, 1, 0, 0, 0)
    pbag = struct.pack("<HH", 0, 0) + struct.pack("<HH", 1, 0)
    pmod = b"\0" * 10
    pgen = struct.pack("<HH", 41, 0) + struct.pack("<HH", 0, 0)  # instrument 0
    inst = struct.pack("<20sH", _name("Sine"), 0) + struct.pack("<20sH", _name("EOI"), 1)
    ibag = struct.pack("<HH", 0, 0) + struct.pack("<HH", 2, 0)
    imod = b"\0" * 10
    igen = (
        struct.pack("<HH", 54, 1)  # sampleModes: loop continuously
        + struct.pack("<HH", 53, 0)  # sampleID 0 (always last)
        + struct.pack("<HH", 0, 0)
    )
    shdr = struct.pack("<20sIIIIIBbHH", _name("sine"), 0, n, 0, n, SAMPLE_RATE, 69, 0, 0, 1)
    shdr += struct.pack("<20sIIIIIBbHH", _name("EOS"), 0, 0, 0, 0, 0, 0, 0, 0, 0)
    pdta = _list(
        b"pdta",
        _chunk(b"phdr", phdr),
        _chunk(b"pbag", pbag),
        _chunk(b"pmod", pmod),
        _chunk(b"pgen", pgen),
        _chunk(b"inst", inst),
        _chunk(b"ibag", ibag),
        _chunk(b"imod", imod),
        _chunk(b"igen", igen),
        _chunk(b"shdr", shdr),
    )
    body = b"sfbk" + info + sdta + pdta
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path
