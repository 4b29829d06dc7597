"""Uploaded images: checked with the builder's own rules (JPEG or PNG, at most 2 MiB), kept under their hash."""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from sync.build.images import image_problem, image_suffix
from sync.files import write_bytes_atomically


def upload_problem(data: bytes, name: str) -> str | None:
    problem = image_problem(data)
    return f"The image {name} {problem}." if problem else None


def store(data: bytes, alt: dict) -> dict:
    """The feed's image object for `data`, its file written to the desk's images (the build hashes it again)."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest}{image_suffix(data)}"
    folder = Path(settings.DESK_MEDIA_DIR) / "images"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).exists():
        write_bytes_atomically(folder / name, data)
    image = {"url": f"images/{name}", "sha256": digest}
    if alt:
        image["alt"] = alt
    return image
