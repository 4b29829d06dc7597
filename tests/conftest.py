from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# No test may touch a developer's real content or Kivy settings.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")


@pytest.fixture
def keypair(tmp_path_factory) -> tuple[Path, str]:
    """A fresh Ed25519 key: (private key file, base64 public key)."""
    from sync.signing import write_keypair

    return write_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def provider():
    """A GTFS-Realtime TripUpdates endpoint on 127.0.0.1 that answers what the test queues."""
    from tests.live_kit import QueuedProvider

    served = QueuedProvider()
    yield served
    served.close()
