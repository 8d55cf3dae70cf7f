"""Live MIDI: ports, recording, playback scheduling. No Qt."""
