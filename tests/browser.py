"""A real headless Chromium (Debian's package, driven by Playwright) and a local map tile stub,
for the take-along page's tests and tools/take_along_screenshots.py (docs/dependencies.md)."""
from __future__ import annotations

import io
import shutil
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str:
    """Debian's chromium; Playwright never downloads a browser here (docs/dependencies.md)."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("No chromium on PATH: install Debian's 'chromium' package (tools/setup.sh does, as root).")


def launch(playwright):
    # --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])


@contextmanager
def headless_chromium():
    """One browser for a module's tests, closed after them."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def _tile_png() -> bytes:
    """A pale tile with a faint grid: the map's place without any real map data."""
    image = Image.new("RGB", (256, 256), (236, 233, 226))
    draw = ImageDraw.Draw(image)
    for i in range(0, 256, 64):
        draw.line([(i, 0), (i, 255)], fill=(222, 218, 210))
        draw.line([(0, i), (255, i)], fill=(222, 218, 210))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class TileStub(ThreadingHTTPServer):
    """Answers every /z/x/y.png with the same tile and remembers the paths it was asked for."""

    daemon_threads = True

    def __init__(self):
        self.asked: list[str] = []
        self.tile = _tile_png()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.asked.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(stub.tile)))
                self.end_headers()
                self.wfile.write(stub.tile)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def tile_url(self) -> str:
        return self.origin + "/{z}/{x}/{y}.png"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
