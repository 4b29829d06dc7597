"""The bundled demo feed: where it lies, and whether a data directory still needs it.

Kept light on purpose (sync.store only; no jsonschema, no requests): `kiosk run` asks it on every
start, and importing the whole sync pipeline to learn "the content is already there" cost about
a fifth of the kiosk's cold start (docs/performance.md).
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sync import store

DEMO_DIR = Path(__file__).resolve().parent.parent / "assets" / "demo"


def demo_public_key() -> str:
    return (DEMO_DIR / "keys" / "demo-signing.key.pub").read_text(encoding="utf-8").split()[0]


def needs_demo_content(data_dir: Path) -> bool:
    """True for an empty terminal, or one still on an older demo feed than the bundled one."""
    current = store.info(data_dir)
    if current is not None and not current.demo:
        return False  # real content: the demo never replaces it
    bundled = json.loads((DEMO_DIR / "feed.json").read_bytes())["sequence"]
    return current is None or current.sequence < bundled


def apply_demo_if_needed(data_dir: Path, *, now: datetime) -> str | None:
    """Give a terminal in demo mode the bundled feed when it needs it; the reason it failed, else None.

    The sync pipeline (jsonschema, requests) is imported only when the demo must really be applied.
    """
    if not needs_demo_content(Path(data_dir)):
        return None
    from sync import service

    try:
        service.ensure_demo_content(Path(data_dir), now=now)
    except service.SyncFailed as exc:
        return f"The bundled demo content could not be applied: {exc}"
    return None
