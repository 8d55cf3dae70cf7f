from pathlib import Path

import pytest
from engine_fake_model import write_model_dir


@pytest.fixture(scope="session")
def fake_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("models") / "fake-chorale")
