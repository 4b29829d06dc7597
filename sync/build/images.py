"""Local image files named by the sources: checked, hashed, and copied beside the feed by content hash."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sync.build.report import BuildReport

MAX_IMAGE_BYTES = 2 * 1024 * 1024
_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))


@dataclass
class ImageFiles:
    """Images for one build; files outside the output folder are copied in only when the build is written."""

    out_dir: Path
    report: BuildReport
    copies: dict[str, Path] = field(default_factory=dict)  # url relative to out_dir -> source file

    def image(self, reference: str, source_dir: Path, *, owner: str, alt: object = None) -> dict | None:
        """A feed image object for the local file `reference`, or None (reported) when it cannot be used."""
        reference = reference.strip()
        if reference.startswith(("https://", "http://")):
            self.report.drop("images given as web links (the build needs the file to compute its sha256)",
                             f"{owner}: {reference}")
            return None
        path = self._find(reference, source_dir)
        if path is None:
            self.report.drop("image files that do not exist", f"{owner}: {reference} (looked beside the source "
                             f"file in {source_dir} and in the output folder {self.out_dir})")
            return None
        data = path.read_bytes()
        problem = image_problem(data)
        if problem:
            self.report.drop("images that cannot be used", f"{owner}: {reference} {problem}")
            return None
        digest = hashlib.sha256(data).hexdigest()
        out = self.out_dir.resolve()
        if path.resolve().is_relative_to(out):
            url = path.resolve().relative_to(out).as_posix()  # already beside the feed: keep its name
        else:
            url = f"images/{digest}{image_suffix(data)}"
            self.copies[url] = path
        image = {"url": url, "sha256": digest}
        if alt is not None:
            image["alt"] = alt
        return image

    def _find(self, reference: str, source_dir: Path) -> Path | None:
        # A source names files relative to itself; a base made from a feed names them relative to the feed.
        for folder in (source_dir, self.out_dir):
            candidate = (folder / reference)
            if candidate.is_file():
                return candidate
        return None

    def fill_base_images(self, node: object, source_dir: Path, owner: str = "base") -> None:
        """Every `image` object in the base file gets its sha256 from its file; unusable ones are removed."""
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if key == "image" and isinstance(value, dict) and isinstance(value.get("url"), str):
                    url = value["url"]
                    item_owner = f"{owner} {node.get('id', '')}".strip()
                    if url.startswith("https://") and isinstance(value.get("sha256"), str):
                        continue  # a web image the publisher hashed already
                    made = self.image(url, source_dir, owner=item_owner, alt=value.get("alt"))
                    if made is None:
                        del node[key]
                    else:
                        node[key] = {**value, **made}
                else:
                    self.fill_base_images(value, source_dir, f"{owner} {key}" if isinstance(value, list) else owner)
        elif isinstance(node, list):
            for item in node:
                self.fill_base_images(item, source_dir, owner)

    def write(self) -> list[Path]:
        """Copy the images that live outside the output folder into DIR/images/ under their hash names."""
        written = []
        for url, source in sorted(self.copies.items()):
            target = self.out_dir / url
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(source.read_bytes())
            partial.replace(target)
            written.append(target)
        return written


def image_suffix(data: bytes) -> str:
    return next(suffix for magic, suffix in _MAGIC if data.startswith(magic))


def image_problem(data: bytes) -> str | None:
    if not any(data.startswith(magic) for magic, _ in _MAGIC):
        return "is neither a JPEG nor a PNG file"
    if len(data) > MAX_IMAGE_BYTES:
        return f"is {len(data):,} bytes, over the limit of {MAX_IMAGE_BYTES:,} (2 MiB)"
    return None
