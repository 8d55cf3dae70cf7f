"""How good is an accompaniment generator? Counterpoint, Bach similarity, a rule-based
baseline and the quality table of issue 3. torch-free: engine, core and music21 only."""
