"""DeepComposer Desktop: play a melody, generate accompaniment offline, listen, judge, export."""

__version__ = "0.1.0"
