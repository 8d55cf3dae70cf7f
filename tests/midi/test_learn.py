import mido
import pytest

from deepcomposer_desktop.core.errors import DeepComposerError
from deepcomposer_desktop.midi.learn import Bindings, MidiLearn, Trigger


def cc(control, value=127, channel=0):
    return mido.Message("control_change", control=control, value=value, channel=channel)


def test_learning_binds_the_next_button_press_and_then_fires_the_action():
    learned, fired = [], []
    learn = MidiLearn(on_learned=lambda a, t: learned.append((a, t)), on_action=fired.append)
    learn.learn("record")
    assert learn.feed(cc(20, 0)) is False  # a release is not a press: keep waiting
    assert learn.learning == "record"
    assert learn.feed(cc(20)) is True
    assert learned == [("record", Trigger("cc", 0, 20))]
    assert learn.learning is None
    assert learn.feed(cc(20)) is True
    assert fired == ["record"]


def test_note_buttons_can_be_bound_and_their_release_is_consumed_too():
    learn = MidiLearn()
    learn.learn("play")
    learn.feed(mido.Message("note_on", note=36, velocity=100, channel=9))
    assert learn.bindings.get("play") == Trigger("note", 9, 36)
    assert learn.feed(mido.Message("note_off", note=36, channel=9)) is True  # not music
    assert learn.feed(mido.Message("note_on", note=36, velocity=100, channel=0)) is False


def test_unbound_music_passes_through():
    fired = []
    learn = MidiLearn(Bindings().bind("stop", Trigger("cc", 0, 21)), on_action=fired.append)
    assert learn.feed(mido.Message("note_on", note=60, velocity=80)) is False
    assert learn.feed(cc(64)) is False
    assert fired == []


def test_one_button_drives_one_action():
    b = Bindings().bind("record", Trigger("cc", 0, 20)).bind("play", Trigger("cc", 0, 20))
    assert b.get("record") is None
    assert b.action_for(cc(20)) == "play"


def test_bindings_round_trip_through_a_plain_dict():
    b = Bindings().bind("record", Trigger("cc", 0, 20)).bind("generate", Trigger("note", 1, 48))
    data = b.to_dict()
    assert data == {
        "record": {"kind": "cc", "channel": 0, "number": 20},
        "generate": {"kind": "note", "channel": 1, "number": 48},
    }
    assert Bindings.from_dict(data) == b


def test_stored_bindings_with_bad_entries_keep_the_good_ones():
    data = {
        "record": {"kind": "cc", "channel": 0, "number": 20},
        "explode": {"kind": "cc", "channel": 0, "number": 1},
        "play": {"kind": "cc", "channel": 99, "number": 1},
        "stop": "nonsense",
    }
    assert Bindings.from_dict(data).to_dict() == {"record": data["record"]}
    assert Bindings.from_dict(None) == Bindings()


def test_unknown_actions_are_refused():
    with pytest.raises(DeepComposerError):
        MidiLearn().learn("dance")
    with pytest.raises(DeepComposerError):
        Trigger("pitchbend", 0, 0)
