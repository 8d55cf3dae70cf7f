"""The custom-genre dataset path on real MIDI files written by core, plus broken ones."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepcomposer_desktop.core.composition import Composition
from deepcomposer_desktop.core.errors import DatasetError
from deepcomposer_desktop.core.midifile import write_midi
from deepcomposer_desktop.core.note import Note
from deepcomposer_desktop.core.timing import TimeSignature
from deepcomposer_desktop.core.track import Track
from deepcomposer_desktop.training.midi_folder import build_midi_folder_dataset


def track(name: str, pitch: int, *, beats: int = 8, program: int = 0, drum: bool = False) -> Track:
    notes = tuple(Note(float(b), pitch + b % 3, 1.0) for b in range(beats))
    return Track(name=name, notes=notes, program=program, is_drum=drum)


def song(*tracks: Track, title: str = "", numerator: int = 4) -> Composition:
    return Composition(
        tracks=tracks,
        time_signatures=(TimeSignature(numerator, 4, 0.0),),
        melody_index=0,
        title=title,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "songs"
    (root / "jazz").mkdir(parents=True)
    write_midi(
        song(track("Lead", 72), track("Piano", 60, program=1), track("Bass", 40, program=33)),
        root / "jazz" / "blue_tune.mid",
    )
    write_midi(
        song(track("Melody", 76), track("Strings", 64, program=48), track("Cello", 45, program=42)),
        root / "folk_song.MIDI",
    )
    write_midi(song(track("Melody", 70)), root / "lonely_melody.mid")  # nothing to learn
    (root / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01")  # truncated header
    (root / "empty.midi").write_bytes(b"")
    (root / "notes.txt").write_text("not a MIDI file, and not named like one")
    return root


def test_reads_every_midi_file_and_skips_unusable_ones_with_a_reason(folder: Path) -> None:
    compositions, summary = build_midi_folder_dataset(folder)
    assert summary.kept == ("folk_song.MIDI", "jazz/blue_tune.mid")
    assert [c.tracks[0].name for c in compositions] == ["Melody", "Lead"]
    assert all(c.melody_index == 0 for c in compositions)
    reasons = {s.path: s.reason for s in summary.skipped}
    assert set(reasons) == {"broken.mid", "empty.midi", "lonely_melody.mid"}
    assert reasons["lonely_melody.mid"] == "no accompaniment track besides the melody"
    assert reasons["broken.mid"].startswith("broken.mid: ")  # core's MidiFileError message
    assert reasons["empty.midi"].startswith("empty.midi: ")
    assert summary.files_seen == 5
    assert summary.bars == 4  # two files of two 4/4 bars each
    assert summary.tracks == ("Strings", "Cello", "Piano", "Bass")
    assert all(len(reason.splitlines()) == 1 for reason in reasons.values())


def test_name_filter_matches_path_title_or_track_name(folder: Path) -> None:
    _, by_path = build_midi_folder_dataset(folder, name_filter="JAZZ")
    assert by_path.kept == ("jazz/blue_tune.mid",)
    assert "folk_song.MIDI" in by_path.filtered_out
    _, by_track = build_midi_folder_dataset(folder, name_filter="cello")
    assert by_track.kept == ("folk_song.MIDI",)


def test_track_map_merges_sources_into_the_models_tracks(folder: Path) -> None:
    track_map = {"piano": "alto", "Strings": "alto", "bass": "bass", "Cello": "bass", "oboe": "x"}
    compositions, summary = build_midi_folder_dataset(folder, track_map=track_map)
    assert summary.tracks == ("alto", "bass", "x")
    for composition in compositions:
        assert [t.name for t in composition.tracks[1:]] == ["alto", "bass", "x"]
        assert composition.tracks[1].notes and composition.tracks[2].notes
        assert composition.tracks[3].notes == ()
    assert compositions[0].tracks[1].program == 48  # from Strings
    assert summary.unused_map_keys == ("oboe",)
    assert summary.notes_per_track["alto"] == 16


def test_track_map_by_index_and_a_file_it_does_not_fit(folder: Path) -> None:
    compositions, _ = build_midi_folder_dataset(folder, track_map={"2": "bass"})
    assert [len(c.tracks) for c in compositions] == [2, 2]
    assert [c.tracks[1].program for c in compositions] == [42, 33]
    _, only_piano = build_midi_folder_dataset(folder, track_map={"piano": "alto"})
    reasons = {s.path: s.reason for s in only_piano.skipped}
    assert reasons["folk_song.MIDI"].startswith("no track matches the track map (tracks: ")


def test_melody_track_choice_is_honoured_and_checked(folder: Path) -> None:
    compositions, _ = build_midi_folder_dataset(folder, melody_track=2)
    assert [c.tracks[0].name for c in compositions] == ["Cello", "Bass"]
    with pytest.raises(DatasetError, match="no usable MIDI file"):
        build_midi_folder_dataset(folder, melody_track=7)


def test_drum_tracks_are_left_out_unless_mapped(tmp_path: Path) -> None:
    write_midi(song(track("Melody", 72), track("Drums", 36, drum=True)), tmp_path / "beat.mid")
    with pytest.raises(DatasetError, match="no accompaniment track"):
        build_midi_folder_dataset(tmp_path)
    compositions, _ = build_midi_folder_dataset(tmp_path, track_map={"drums": "drums"})
    assert compositions[0].tracks[1].is_drum


def test_the_clock_of_each_file_is_kept(tmp_path: Path) -> None:
    write_midi(song(track("Melody", 72), track("Bass", 40), numerator=3), tmp_path / "w.mid")
    (composition,), summary = build_midi_folder_dataset(tmp_path)
    assert str(composition.time_signature) == "3/4"
    assert composition.title == "w"
    assert summary.bars == 3


def test_missing_or_empty_folders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="is not a folder"):
        build_midi_folder_dataset(tmp_path / "nope")
    with pytest.raises(DatasetError, match=r"holds no \.mid or \.midi files"):
        build_midi_folder_dataset(tmp_path)
    with pytest.raises(DatasetError, match="empty name"):
        (tmp_path / "a.mid").write_bytes(b"x")
        build_midi_folder_dataset(tmp_path, track_map={"piano": " "})


def test_summary_lines_name_each_skipped_file(folder: Path) -> None:
    _, summary = build_midi_folder_dataset(folder, track_map={"piano": "alto", "tuba": "bass"})
    text = "\n".join(summary.lines())
    assert "5 MIDI files, 1 kept, 4 skipped, 0 filtered out by name" in text
    assert "skipped lonely_melody.mid: " in text
    assert "track map entries matching no track: tuba" in text
    assert summary.to_dict()["kept"] == ["jazz/blue_tune.mid"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_any_bytes_are_skipped_or_kept_never_a_crash(tmp_path: Path, data: bytes) -> None:
    write_midi(song(track("Melody", 72), track("Bass", 40)), tmp_path / "good.mid")
    (tmp_path / "random.mid").write_bytes(b"MThd" + data)
    _, summary = build_midi_folder_dataset(tmp_path)
    assert "good.mid" in summary.kept
    assert summary.files_seen == 2
