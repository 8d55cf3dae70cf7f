"""Encode the bundled public-domain melodies as MIDI files (run once; the .mid files ship).

Each tune is written in a small notation of our own: ``PITCH:BEATS`` tokens separated by
spaces, ``|`` for bar lines (checked against the meter), ``r`` for a rest. A pickup is a
leading rest, so that bar lines stay bar lines. Run:

    python resources/melodies/encode_melodies.py
"""

from pathlib import Path

import mido

HERE = Path(__file__).resolve().parent
TICKS_PER_BEAT = 480
NOTE_OFFSETS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

# (file stem, title, tempo BPM, meter, key signature, notation)
TUNES = [
    (
        "ode_to_joy",
        "Ode to Joy",
        110,
        (4, 4),
        "C",
        "E4:1 E4:1 F4:1 G4:1 | G4:1 F4:1 E4:1 D4:1 | C4:1 C4:1 D4:1 E4:1 | E4:1.5 D4:0.5 D4:2 |"
        " E4:1 E4:1 F4:1 G4:1 | G4:1 F4:1 E4:1 D4:1 | C4:1 C4:1 D4:1 E4:1 | D4:1.5 C4:0.5 C4:2 |",
    ),
    (
        "twinkle_twinkle",
        "Twinkle, Twinkle, Little Star",
        100,
        (4, 4),
        "C",
        "C4:1 C4:1 G4:1 G4:1 | A4:1 A4:1 G4:2 | F4:1 F4:1 E4:1 E4:1 | D4:1 D4:1 C4:2 |"
        " G4:1 G4:1 F4:1 F4:1 | E4:1 E4:1 D4:2 | G4:1 G4:1 F4:1 F4:1 | E4:1 E4:1 D4:2 |"
        " C4:1 C4:1 G4:1 G4:1 | A4:1 A4:1 G4:2 | F4:1 F4:1 E4:1 E4:1 | D4:1 D4:1 C4:2 |",
    ),
    (
        "frere_jacques",
        "Frère Jacques",
        110,
        (4, 4),
        "F",
        "F4:1 G4:1 A4:1 F4:1 | F4:1 G4:1 A4:1 F4:1 | A4:1 Bb4:1 C5:2 | A4:1 Bb4:1 C5:2 |"
        " C5:0.5 D5:0.5 C5:0.5 Bb4:0.5 A4:1 F4:1 | C5:0.5 D5:0.5 C5:0.5 Bb4:0.5 A4:1 F4:1 |"
        " F4:1 C4:1 F4:2 | F4:1 C4:1 F4:2 |",
    ),
    (
        "amazing_grace",
        "Amazing Grace",
        80,
        (3, 4),
        "G",
        "r:2 D4:1 | G4:2 B4:0.5 G4:0.5 | B4:2 A4:1 | G4:2 E4:1 | D4:2 D4:1 |"
        " G4:2 B4:0.5 G4:0.5 | B4:2 A4:1 | D5:3 | D5:2 B4:1 | D5:2 B4:0.5 G4:0.5 | B4:2 A4:1 |"
        " G4:2 E4:1 | D4:2 D4:1 | G4:2 B4:0.5 G4:0.5 | B4:2 A4:1 | G4:3 |",
    ),
    (
        "greensleeves",
        "Greensleeves",
        96,
        (3, 4),
        "Am",
        "r:2 A4:1 | C5:2 D5:1 | E5:1.5 F5:0.5 E5:1 | D5:2 B4:1 | G4:1.5 A4:0.5 B4:1 |"
        " C5:2 A4:1 | A4:1.5 G#4:0.5 A4:1 | B4:2 G#4:1 | E4:2 A4:1 | C5:2 D5:1 |"
        " E5:1.5 F5:0.5 E5:1 | D5:2 B4:1 | G4:1.5 A4:0.5 B4:1 | C5:1.5 B4:0.5 A4:1 |"
        " G#4:1.5 F#4:0.5 G#4:1 | A4:3 |",
    ),
    (
        "scarborough_fair",
        "Scarborough Fair",
        100,
        (3, 4),
        "Dm",
        "D4:2 D4:1 | A4:2 A4:1 | E4:1.5 F4:0.5 E4:1 | D4:3 | A4:1 C5:2 | D5:2 C5:1 |"
        " A4:1 B4:1 G4:1 | A4:3 | D5:2 D5:1 | C5:2 A4:1 | A4:1 G4:1 F4:1 | E4:1 C4:2 |"
        " D4:2 A4:1 | G4:2 F4:1 | E4:1 D4:1 C4:1 | D4:3 |",
    ),
    (
        "when_the_saints",
        "When the Saints Go Marching In",
        120,
        (4, 4),
        "F",
        "r:1 F4:1 A4:1 Bb4:1 | C5:4 | r:1 F4:1 A4:1 Bb4:1 | C5:4 | r:1 F4:1 A4:1 Bb4:1 |"
        " C5:2 A4:2 | F4:2 A4:2 | G4:4 | r:1 A4:1 A4:1 G4:1 | F4:3 F4:1 | A4:2 C5:2 |"
        " C5:1 Bb4:3 | r:2 A4:1 Bb4:1 | C5:2 A4:2 | F4:2 G4:2 | F4:4 |",
    ),
    (
        "auld_lang_syne",
        "Auld Lang Syne",
        84,
        (4, 4),
        "F",
        "r:3 C4:1 | F4:1.5 F4:0.5 F4:1 A4:1 | G4:1.5 F4:0.5 G4:1 A4:1 |"
        " F4:1.5 F4:0.5 A4:1 C5:1 | D5:3 D5:1 | C5:1.5 A4:0.5 A4:1 F4:1 |"
        " G4:1.5 F4:0.5 G4:1 A4:1 | F4:1.5 D4:0.5 D4:1 C4:1 | F4:3 r:1 |",
    ),
    (
        "minuet_in_g",
        "Minuet in G (Petzold)",
        120,
        (3, 4),
        "G",
        "D5:1 G4:0.5 A4:0.5 B4:0.5 C5:0.5 | D5:1 G4:1 G4:1 | E5:1 C5:0.5 D5:0.5 E5:0.5 F#5:0.5 |"
        " G5:1 G4:1 G4:1 | C5:1 D5:0.5 C5:0.5 B4:0.5 A4:0.5 | B4:1 C5:0.5 B4:0.5 A4:0.5 G4:0.5 |"
        " F#4:1 G4:0.5 A4:0.5 B4:0.5 G4:0.5 | A4:3 | D5:1 G4:0.5 A4:0.5 B4:0.5 C5:0.5 |"
        " D5:1 G4:1 G4:1 | E5:1 C5:0.5 D5:0.5 E5:0.5 F#5:0.5 | G5:1 G4:1 G4:1 |"
        " C5:1 D5:0.5 C5:0.5 B4:0.5 A4:0.5 | B4:1 C5:0.5 B4:0.5 A4:0.5 G4:0.5 |"
        " A4:1 B4:0.5 A4:0.5 G4:0.5 F#4:0.5 | G4:3 |",
    ),
    (
        "yankee_doodle",
        "Yankee Doodle",
        120,
        (4, 4),
        "C",
        "C4:1 C4:1 D4:1 E4:1 | C4:1 E4:1 D4:1 G3:1 | C4:1 C4:1 D4:1 E4:1 | C4:2 B3:2 |"
        " C4:1 C4:1 D4:1 E4:1 | F4:1 E4:1 D4:1 C4:1 | B3:1 G3:1 A3:1 B3:1 | C4:2 C4:2 |",
    ),
    (
        "god_rest_ye",
        "God Rest Ye Merry, Gentlemen",
        108,
        (4, 4),
        "Em",
        "r:3 E4:1 | E4:1 B4:1 B4:1 A4:1 | G4:1 F#4:1 E4:1 D4:1 | E4:1 F#4:1 G4:1 A4:1 |"
        " B4:3 E4:1 | E4:1 B4:1 B4:1 A4:1 | G4:1 F#4:1 E4:1 D4:1 | E4:1 F#4:1 G4:1 A4:1 |"
        " B4:3 B4:1 | C5:1 A4:1 B4:1 C5:1 | D5:1 E5:1 B4:1 A4:1 | G4:1 E4:1 F#4:1 G4:1 |"
        " A4:2 G4:1 A4:1 | B4:2 C5:1 B4:1 | B4:1 A4:1 G4:1 F#4:1 | E4:4 |",
    ),
]


def midi_number(name: str) -> int:
    letter, rest = name[0], name[1:]
    accidental = 0
    while rest and rest[0] in "#b":
        accidental += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    return 12 * (int(rest) + 1) + NOTE_OFFSETS[letter] + accidental


def parse(notation: str, beats_per_bar: float) -> list[tuple[int | None, float]]:
    """Tokens to (pitch or None for a rest, beats); raises if a bar has the wrong length."""
    events: list[tuple[int | None, float]] = []
    for number, bar in enumerate(notation.split("|"), start=1):
        tokens = bar.split()
        if not tokens:
            continue
        length = 0.0
        for token in tokens:
            name, beats = token.split(":")
            events.append((None if name == "r" else midi_number(name), float(beats)))
            length += float(beats)
        if abs(length - beats_per_bar) > 1e-9:
            raise ValueError(f"bar {number} has {length} beats, expected {beats_per_bar}")
    return events


def encode(
    title: str, tempo_bpm: int, meter: tuple[int, int], key: str, notation: str
) -> mido.MidiFile:
    numerator, denominator = meter
    events = parse(notation, numerator * 4 / denominator)
    conductor = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name=title, time=0),
            mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm), time=0),
            mido.MetaMessage(
                "time_signature", numerator=numerator, denominator=denominator, time=0
            ),
            mido.MetaMessage("key_signature", key=key, time=0),
            mido.MetaMessage("end_of_track", time=0),
        ]
    )
    melody = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name="Melody", time=0),
            mido.Message("program_change", program=0, channel=0, time=0),
        ]
    )
    pending_ticks = 0
    for pitch, beats in events:
        ticks = round(beats * TICKS_PER_BEAT)
        if pitch is None:
            pending_ticks += ticks
            continue
        melody.append(
            mido.Message("note_on", note=pitch, velocity=90, channel=0, time=pending_ticks)
        )
        melody.append(mido.Message("note_off", note=pitch, velocity=0, channel=0, time=ticks))
        pending_ticks = 0
    melody.append(mido.MetaMessage("end_of_track", time=pending_ticks))
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.extend([conductor, melody])
    return midi


def main() -> None:
    for stem, title, tempo_bpm, meter, key, notation in TUNES:
        encode(title, tempo_bpm, meter, key, notation).save(HERE / f"{stem}.mid")
        print(f"wrote {stem}.mid")


if __name__ == "__main__":
    main()
