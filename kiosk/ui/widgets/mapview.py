"""The map: the feed's layers drawn heads-up, street names, place markers, "you are here", a route.

API in the manner of kivy-garden mapview: properties (`scene`, `view`, `route`, `highlight`) and
an event (`on_marker`). The geometry (map_layers.MapScene) sits under one Translate-Rotate-Scale
transform, so panning and pinching change three instructions, and the set of tiles drawn when the
view nears another part of a large map (map_layers.Tile). Screen-sized things
(names, markers, the route line) are laid out again only when a gesture ends, coalesced by a
Clock trigger; during a pinch they scale with the map.
"""
from __future__ import annotations

import math

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import (Color, Ellipse, InstructionGroup, Line, PopMatrix, PushMatrix, Rectangle, Rotate, Scale,
                           Translate, Triangle)
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.stencilview import StencilView

from kiosk import bidi
from kiosk.i18n import localized
from kiosk.map_projection import Bounds, Limits, View, fit, rotate, visible_labels
from kiosk.ui.widgets.map_layers import MapScene
from kiosk.ui.widgets.map_markers import marker_meshes, marker_texture
from kiosk.ui.widgets.map_style import MAP_COLOURS
from kiosk.ui.widgets.text import has_rtl_letters

TAP_SLOP_PX = 24
MAX_SCALE = 6.0  # pixels per metre: closer than this, a city map shows nothing more
MARKER_PX = 40
HIGHLIGHT_PX = 64


class MapView(StencilView):
    scene = ObjectProperty(None, allownone=True)
    view = ObjectProperty(None, allownone=True)
    route = ListProperty([])  # (lat, lon) points of the route line
    highlight = StringProperty("")  # the place drawn larger (a route's destination)
    destination = ObjectProperty(None, allownone=True)  # (lat, lon) of a destination that is no place
    lang = StringProperty("de")
    __events__ = ("on_marker",)

    def __init__(self, **kwargs):
        self.geometry_builds = 0  # meshes made from a scene: once per snapshot, never on pan or zoom
        self.layouts = 0
        self.tile_changes = 0  # the drawn tiles change as the view moves over a large map
        self._tiles_shown = None
        self.home_points: list[tuple[float, float]] = []
        self._touches: dict = {}
        self._moved = 0.0
        self._layout_scale = 1.0
        self._overlay_laid_out = None
        self._label_textures: dict[tuple[str, int], object] = {}
        self._relayout = Clock.create_trigger(self._layout_overlay, -1)
        super().__init__(**kwargs)
        with self.canvas.before:
            self._bg_colour = Color(*MAP_COLOURS["background"])
            self._bg = Rectangle()
        with self.canvas:
            PushMatrix()
            self._translate = Translate(0, 0)
            PushMatrix()
            self._rotate = Rotate(angle=0, axis=(0, 0, 1))
            self._scale = Scale(1, 1, 1)
            self._geometry = InstructionGroup()
            PopMatrix()
            self._overlay_scale = Scale(1, 1, 1)
            self._overlay = InstructionGroup()
            PopMatrix()
        self.fbind("pos", self._moved_widget)
        self.fbind("size", self._resized)
        self.fbind("scene", self._scene_changed)
        self.fbind("view", self._apply_view)
        for name in ("route", "highlight", "destination", "lang"):
            self.fbind(name, self._relayout)

    def on_marker(self, place_id: str) -> None:
        """A visitor tapped the marker of a place."""

    # -- the view -------------------------------------------------------------------------------

    @property
    def limits(self) -> Limits | None:
        if self.scene is None or self.width < 2:
            return None
        whole = fit(self.scene.bounds.corners(), self.scene.rotation, self.width, self.height)
        return Limits(self.scene.bounds, min(whole.scale, MAX_SCALE) * 0.9, MAX_SCALE)

    def home_view(self) -> View | None:
        if self.scene is None or self.width < 2:
            return None
        points = self.home_points or self.scene.bounds.corners()
        app = App.get_running_app()
        # Room for the map's own buttons along the edges, and for half a highlighted marker beyond a
        # point, so no marker of the subject (a route's destination) hides under a button.
        padding = (app.touch_px if app else 104) * 1.15 + HIGHLIGHT_PX / 2 + 6
        return fit(points, self.scene.rotation, self.width, self.height, padding_px=padding,
                   max_scale=MAX_SCALE / 2)

    def reset_view(self, *args) -> None:
        """Back to heads-up, showing what this map is about (the whole map, or the route)."""
        self.view = self.home_view()
        self._relayout()

    def zoom_by(self, factor: float) -> None:
        if self.view is not None:
            self.view = self.view.zoomed(factor, limits=self.limits)
            self._relayout()

    def _moved_widget(self, *args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self._apply_view()

    def _resized(self, *args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        if self.scene is not None:
            self.reset_view()  # a new size is a new layout: show the whole subject again
        self._apply_view()

    def _apply_view(self, *args) -> None:
        view = self.view
        if view is None:
            return
        ox, oy = view.offset()
        self._translate.xy = (self.center_x + ox, self.center_y + oy)
        self._rotate.angle = view.rotation
        self._scale.xyz = (view.scale, view.scale, 1)
        ratio = view.scale / self._layout_scale
        self._overlay_scale.xyz = (ratio, ratio, 1)
        self._show_tiles()

    # -- geometry: once per scene -----------------------------------------------------------------

    def _scene_changed(self, *args) -> None:
        self._label_textures.clear()
        self._overlay_laid_out = None
        self._build_geometry()
        self.view = None
        self.reset_view()

    def _build_geometry(self) -> None:
        self._geometry.clear()
        self._tiles_shown = None
        if self.scene is not None:
            self.geometry_builds += 1
            self._show_tiles()

    def _show_tiles(self) -> None:
        """Draw the tiles that reach into the view (and a tenth of its size around it); every view
        change checks, and the canvas changes only when the set of tiles does."""
        scene, view = self.scene, self.view
        if scene is None or view is None:
            return
        w, h = self.width, self.height
        corners = [view.to_map(sx * w * 0.6, sy * h * 0.6) for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        tiles = scene.tiles_in(Bounds.of(corners))
        if tiles == self._tiles_shown:
            return
        self._tiles_shown = tiles
        self.tile_changes += 1
        self._geometry.clear()
        for instruction in scene.instructions(tiles):  # made once per scene, shared by the map and route screens
            self._geometry.add(instruction)

    # -- the overlay: names, markers, route, "you are here"; after a zoom, never per frame ------------

    def to_local(self, x: float, y: float) -> tuple[float, float]:
        """Map metres to this widget's coordinates with the current view."""
        sx, sy = self.view.to_screen(x, y)
        return self.center_x + sx, self.center_y + sy

    def marker_pos(self, place_id: str) -> tuple[float, float] | None:
        for marker in self.scene.markers if self.scene else ():
            if marker.place_id == place_id:
                return self.to_local(marker.x, marker.y)
        return None

    def _overlay_key(self, scene, view) -> tuple:
        """Everything the overlay's instructions depend on (they are relative to the view's translation)."""
        app = App.get_running_app()
        return (id(scene), view.scale, view.rotation, tuple(map(tuple, self.route)), self.highlight,
                self.destination and tuple(self.destination), self.lang, app.sizes["small"] if app else None)

    def _layout_overlay(self, *args) -> None:
        overlay = self._overlay
        scene, view = self.scene, self.view
        key = self._overlay_key(scene, view) if scene is not None and view is not None else None
        if key is not None and key == self._overlay_laid_out:
            # A visit that shows the same view of the same scene: the markers and names are already there.
            self._apply_view()
            return
        overlay.clear()
        self._overlay_laid_out = key
        if key is None:
            return
        self.layouts += 1
        self._layout_scale = view.scale
        s, r = view.scale, view.rotation

        def px(x, y):
            sx, sy = rotate(x, y, r)
            return sx * s, sy * s

        self._labels(overlay, scene, s, px)
        highlighted = None
        # With a route, the other places step back (smaller) so the line stays readable above them.
        size = MARKER_PX * (0.7 if len(self.route) >= 2 else 1.0)
        by_kind: dict[str, list[tuple[float, float]]] = {}
        for marker in scene.markers:
            if marker.place_id == self.highlight:
                highlighted = marker
                continue
            by_kind.setdefault(marker.kind, []).append(px(marker.x, marker.y))
        overlay.add(Color(1, 1, 1, 1))
        for mesh in marker_meshes(by_kind, size):
            overlay.add(mesh)
        if len(self.route) >= 2:
            points = [c for lat, lon in self.route for c in px(*scene.xy(lat, lon))]
            overlay.add(Color(*MAP_COLOURS["route_casing"]))
            overlay.add(Line(points=points, width=9, cap="round", joint="round"))
            overlay.add(Color(*MAP_COLOURS["route"]))
            overlay.add(Line(points=points, width=6, cap="round", joint="round"))
        if highlighted is not None:
            self._marker(overlay, highlighted.kind, *px(highlighted.x, highlighted.y), HIGHLIGHT_PX, ring=True)
        elif self.destination is not None:
            self._marker(overlay, "destination", *px(*scene.xy(*self.destination)), HIGHLIGHT_PX, ring=True)
        if scene.here is not None:
            self._here(overlay, *px(*scene.here))
        self._apply_view()

    def _labels(self, overlay, scene: MapScene, scale: float, px) -> None:
        textures = [self._label_texture(i, scene.names[i]) for i in range(len(scene.names))]
        widths = [t.width for t in textures]
        height = max((t.height for t in textures), default=0)
        overlay.add(Color(1, 1, 1, 1))
        for i in visible_labels(scene.spots, widths, height, scale, scene.rotation):
            spot = scene.spots[i]
            texture = textures[spot.key]
            x, y = px(spot.x, spot.y)
            overlay.add(PushMatrix())
            overlay.add(Translate(x, y))
            overlay.add(Rotate(angle=spot.angle, axis=(0, 0, 1)))
            overlay.add(Rectangle(texture=texture, pos=(-texture.width / 2, -texture.height / 2), size=texture.size))
            overlay.add(PopMatrix())

    def _label_texture(self, index: int, name):
        key = (self.lang, index)
        texture = self._label_textures.get(key)
        if texture is None:
            text = localized(name, self.lang)
            if has_rtl_letters(text):
                text = bidi.display(text)
            app = App.get_running_app()
            size = app.sizes["small"] * 0.85 if app else 24
            label = CoreLabel(text=text, font_size=size, bold=True, color=MAP_COLOURS["label"],
                              outline_width=3, outline_color=MAP_COLOURS["label_halo"][:3])
            label.refresh()
            texture = self._label_textures[key] = label.texture
        return texture

    def _marker(self, overlay, kind: str, x: float, y: float, size: float, ring: bool = False) -> None:
        texture = marker_texture(kind, size, ring)
        overlay.add(Color(1, 1, 1, 1))
        overlay.add(Rectangle(texture=texture, pos=(x - texture.width / 2, y - texture.height / 2),
                              size=texture.size))

    def _here(self, overlay, x: float, y: float) -> None:
        # Heads-up: the way the viewer faces is always straight up on the screen.
        overlay.add(Color(*MAP_COLOURS["here_cone"]))
        overlay.add(Triangle(points=(x, y, x - 34, y + 86, x + 34, y + 86)))
        overlay.add(Color(1, 1, 1, 1))
        overlay.add(Ellipse(pos=(x - 24, y - 24), size=(48, 48)))
        overlay.add(Color(*MAP_COLOURS["here"]))
        overlay.add(Ellipse(pos=(x - 18, y - 18), size=(36, 36)))

    # -- touch: pan with one finger, pinch with two, tap a marker --------------------------------------

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or self.view is None:
            return False
        if getattr(touch, "is_mouse_scrolling", False):
            self.zoom_by(1.25 if touch.button == "scrolldown" else 0.8)
            return True
        touch.grab(self)
        self._touches[touch.uid] = touch.pos
        if len(self._touches) == 1:
            self._moved = 0.0
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self or touch.uid not in self._touches:
            return touch.grab_current is self
        old = self._touches[touch.uid]
        self._touches[touch.uid] = touch.pos
        limits = self.limits
        if len(self._touches) == 1:
            dx, dy = touch.x - old[0], touch.y - old[1]
            self._moved += math.hypot(dx, dy)
            self.view = self.view.panned(dx, dy, limits)
            return True
        other = next(pos for uid, pos in self._touches.items() if uid != touch.uid)
        before = math.dist(old, other)
        after = math.dist(touch.pos, other)
        self._moved += TAP_SLOP_PX  # two fingers are never a tap
        if before > 1:
            mid_old = ((old[0] + other[0]) / 2 - self.center_x, (old[1] + other[1]) / 2 - self.center_y)
            mid_new = ((touch.x + other[0]) / 2 - self.center_x, (touch.y + other[1]) / 2 - self.center_y)
            view = self.view.zoomed(after / before, mid_old, limits)
            self.view = view.panned(mid_new[0] - mid_old[0], mid_new[1] - mid_old[1], limits)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        self._touches.pop(touch.uid, None)
        if self._touches:
            return True
        if self._moved < TAP_SLOP_PX:
            place_id = self.marker_at(*touch.pos)
            if place_id:
                self.dispatch("on_marker", place_id)
        elif self.view is not None and self.view.scale != self._layout_scale:
            self._relayout()
        return True

    def marker_at(self, x: float, y: float) -> str | None:
        """The place whose marker is nearest to (x, y), within a finger's reach."""
        app = App.get_running_app()
        reach = max(MARKER_PX, (app.touch_px if app else 104) / 2)
        best, best_d = None, reach
        for marker in self.scene.markers if self.scene else ():
            mx, my = self.to_local(marker.x, marker.y)
            d = math.hypot(mx - x, my - y)
            if d <= best_d:
                best, best_d = marker.place_id, d
        return best
