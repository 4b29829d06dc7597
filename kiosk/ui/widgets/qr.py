"""A QR code drawn crisp: the module matrix from kiosk.share blitted into a texture with nearest
filtering and shown at a whole number of pixels per module (never below 8: a 720p phone camera
reads that from 50-60 cm, docs/wayfinding.md). Codes shorter than version 6 are padded to it, so
the code keeps one size whatever it carries."""
from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.share import qr_matrix

MIN_MODULE_PX = 8
FIXED_VERSION = 6


class QRCode(Widget):
    data = StringProperty("")
    module_px = NumericProperty(MIN_MODULE_PX)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._texture = None
        self._modules = 0
        self.bind(data=self._rebuild, pos=self._draw, size=self._draw)

    def _rebuild(self, *args):
        if not self.data:
            self._texture, self._modules = None, 0
            self._draw()
            return
        matrix = qr_matrix(self.data, FIXED_VERSION)
        n = len(matrix)
        # Texture rows run bottom-up, the matrix top-down.
        pixels = bytes(0 if dark else 255 for row in reversed(matrix) for dark in row for _ in range(3))
        texture = Texture.create(size=(n, n), colorfmt="rgb")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        texture.blit_buffer(pixels, colorfmt="rgb", bufferfmt="ubyte")
        self._texture, self._modules = texture, n
        self._draw()

    def side_for(self, modules: int) -> int:
        return modules * max(MIN_MODULE_PX, int(self.module_px))

    def _draw(self, *args):
        self.canvas.clear()
        if self._texture is None:
            return
        side = self.side_for(self._modules)
        self.width = side
        self.height = side
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=self._texture, pos=self.pos, size=(side, side))
