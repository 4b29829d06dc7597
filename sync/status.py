"""data_dir/status.json: what a terminal's sync last did, for people, the admin panel and monitoring."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATUS_FILE = "status.json"


def read_status(data_dir: Path) -> dict[str, Any]:
    path = Path(data_dir) / STATUS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json_atomically(path: Path, document: Any) -> None:
    """Write beside the target, fsync, rename: a reader sees the old or the new file, whole."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def update_status(data_dir: Path, **changes: Any) -> dict[str, Any]:
    """Merge `changes` into status.json and return the new status."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    status = read_status(data_dir)
    status.update(changes)
    write_json_atomically(data_dir / STATUS_FILE, status)
    return status
