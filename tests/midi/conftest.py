"""Fixtures for the live-MIDI unit tests."""

import pytest
from fakes import FakeClock, FakeSink


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sink(clock) -> FakeSink:
    return FakeSink(clock)
