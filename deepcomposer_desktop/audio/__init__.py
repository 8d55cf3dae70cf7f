"""Sound: the built-in SoundFont synth, audio output and WAV rendering. No Qt."""
