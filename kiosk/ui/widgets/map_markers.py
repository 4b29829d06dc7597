"""Place markers as sprites: each kind's marker is painted once per size, and all markers of a kind
are one textured mesh of quads.

Two thousand places drawn as Ellipses cost ~12,000 canvas instructions of ~180 segments each: two
seconds to lay out, a quarter of a second per frame and 230 MB on the large feed (docs/performance.md).
As sprites they are one draw call per kind. Painting with Pillow at four times the size and
scaling down also gives the discs the smooth edges that GL's Ellipse lacks.
"""
from __future__ import annotations

from array import array
from functools import lru_cache

from kivy.app import App
from kivy.graphics import Color, Mesh, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget
from PIL import Image, ImageDraw, ImageFont

from kiosk.ui.boot import BOLD
from kiosk.ui.widgets.map_style import CLUSTER_STYLE, KIND_STYLE, map_colours

EDGE_PX = 2  # the dark rim that keeps a marker readable on any layer
RING_PX = 4  # the route-coloured ring of a highlighted marker (a route's destination)
SUPERSAMPLE = 4
MAX_QUADS = 65_000 // 4  # a Mesh indexes its vertices with unsigned shorts
GROUP_SCALE = 1.2  # a group's marker is a little larger than one place's: it holds several


def _rgba(colour: tuple) -> tuple[int, int, int, int]:
    return tuple(round(c * 255) for c in (*colour[:3], colour[3] if len(colour) > 3 else 1.0))


def style_of(kind: str):
    if kind == "cluster":
        return CLUSTER_STYLE
    return KIND_STYLE.get(kind, KIND_STYLE["service"])


def count_text(count: int) -> str:
    """What a group's marker says: how many places it holds, exactly up to 9, then 10+, 20+, 50+, 100+:
    a handful of sprites per kind, so a layout after a pinch seldom paints a new one (~1.3 ms each)."""
    if count < 10:
        return str(count)
    return next(f"{step}+" for step in (100, 50, 20, 10) if count >= step)


@lru_cache(maxsize=256)
def marker_image(kind: str, size: int, ring: bool = False, high_contrast: bool = False, count: str = "") -> Image.Image:
    """A marker of `size` px across (its disc), rim and ring included, as an RGBA image; with `count`, the
    marker of a group of places (of `kind`, or "cluster" for several kinds) shows their number."""
    style = style_of(kind)
    colours = map_colours(high_contrast)
    margin = EDGE_PX + (RING_PX if ring else 0)
    side = size + 2 * margin
    k = SUPERSAMPLE
    image = Image.new("RGBA", (side * k, side * k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if ring:
        draw.ellipse((0, 0, side * k - 1, side * k - 1), fill=_rgba(colours["route"]))
    inset = (margin - EDGE_PX) * k
    draw.ellipse((inset, inset, side * k - 1 - inset, side * k - 1 - inset), fill=_rgba(colours["marker_edge"]))
    inset = margin * k
    draw.ellipse((inset, inset, side * k - 1 - inset, side * k - 1 - inset), fill=_rgba(style.colour))
    glyph = count or style.glyph
    glyph_px = round(size * 0.55 * (0.75 if len(glyph) > 1 else 1.0) * (0.85 if len(glyph) > 2 else 1.0)) * k
    font = ImageFont.truetype(str(BOLD), glyph_px)
    draw.text((side * k / 2, side * k / 2), glyph, font=font, fill=_rgba(style.on_colour), anchor="mm")
    return image.resize((side, side), Image.LANCZOS)


_TEXTURES: dict[tuple, Texture] = {}


def marker_texture(kind: str, size: float, ring: bool = False, high_contrast: bool = False,
                   count: str = "") -> Texture:
    """The marker's image as a GL texture, made once per kind, size, ring, theme and count."""
    key = (kind, round(size), ring, bool(high_contrast), count)
    texture = _TEXTURES.get(key)
    if texture is None:
        image = marker_image(kind, round(size), ring, bool(high_contrast), count)
        texture = Texture.create(size=image.size, colorfmt="rgba")
        texture.blit_buffer(image.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        texture.flip_vertical()  # Pillow's rows run top-down, GL's bottom-up
        _TEXTURES[key] = texture
    return texture


def marker_meshes(points_by_sprite: dict[tuple[str, str], list[tuple[float, float]]], size: float,
                  high_contrast: bool = False) -> list[Mesh]:
    """One textured Mesh of quads per sprite, (kind, count) (and per 16,250 markers), centred on each point."""
    meshes = []
    for (kind, count), points in points_by_sprite.items():
        texture = marker_texture(kind, size * (GROUP_SCALE if count else 1.0), False, high_contrast, count)
        w, h = texture.size
        u0, v0, u1, v1, u2, v2, u3, v3 = texture.tex_coords
        for start in range(0, len(points), MAX_QUADS):
            chunk = points[start:start + MAX_QUADS]
            vertices = array("f")
            for x, y in chunk:
                left, bottom = x - w / 2, y - h / 2
                vertices.extend((left, bottom, u0, v0, left + w, bottom, u1, v1,
                                 left + w, bottom + h, u2, v2, left, bottom + h, u3, v3))
            indices = array("H")
            for i in range(0, 4 * len(chunk), 4):
                indices.extend((i, i + 1, i + 2, i, i + 2, i + 3))
            meshes.append(Mesh(vertices=vertices, indices=indices, mode="triangles", texture=texture))
    return meshes


class MarkerIcon(Widget):
    """A place marker as the legend shows it: the same sprite as on the map."""

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *args):
        side = min(self.width, self.height)
        app = App.get_running_app()
        texture = marker_texture(self.kind, max(1, side - 2 * EDGE_PX), high_contrast=bool(app and app.high_contrast))
        self.canvas.clear()
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=texture, pos=(round(self.center_x - texture.width / 2),
                                            round(self.center_y - texture.height / 2)), size=texture.size)
