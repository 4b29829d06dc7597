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
from kivy.graphics import (Color, Ellipse, InstructionGroup, Line, PopMatrix, PushMatrix, Rectangle, Rotate,
                           RoundedRectangle, Scale, Translate, Triangle)
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk import bidi
from kiosk.i18n import localized
from kiosk.map_placement import Box, Occupied, group_markers, place_name, spread
from kiosk.map_projection import Bounds, Limits, View, fit, label_segment, rotate, visible_labels
from kiosk.ui.follow import followers
from kiosk.ui.widgets.map_layers import MapScene
from kiosk.ui.widgets.map_markers import GROUP_SCALE, count_text, marker_meshes, marker_texture
from kiosk.ui.widgets.map_style import map_colours
from kiosk.ui.widgets.text import _extent, has_rtl_letters

TAP_SLOP_PX = 24
MAX_SCALE = 6.0  # pixels per metre: closer than this, a city map shows nothing more
MARKER_PX = 40
HIGHLIGHT_PX = 64
GROUP_GAP = 1.1  # markers nearer than this many marker sizes are drawn as one group with their count
NAME_PAD_PX = 10  # around a place's name on its plate
REACH = 3.0  # markers are laid out within this many view sizes around the middle (1 view either side)
MAX_NAMED = 40  # names tried per layout, nearest the middle first: a map crowded with landmarks has room for fewer
# Which place anchors a group when markers crowd (and names it): landmarks, which a visitor finds the way
# by, then what they may need urgently.
KIND_RANK = {kind: rank for rank, kind in enumerate(("landmark", "aed", "pharmacy", "toilet", "help", "transit"))}


class MapView(StencilView):
    scene = ObjectProperty(None, allownone=True)
    view = ObjectProperty(None, allownone=True)
    route = ListProperty([])  # (lat, lon) points of the route line
    highlight = StringProperty("")  # the place drawn larger (a route's destination)
    destination = ObjectProperty(None, allownone=True)  # (lat, lon) of a destination that is no place
    destination_name = StringProperty("")  # its name, written beside it (a place's own name comes from the content)
    kinds = ObjectProperty(None, allownone=True)  # the kinds of place shown (a visitor's filter); None: all
    lang = StringProperty("de")
    # Speech mode reads the markers one by one (the Map screen; a route's map leaves them to its steps).
    markers_focusable = BooleanProperty(False)
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
        self._layout_centre = None  # the view's middle (map metres) when the overlay was laid out
        self._overlay_laid_out = None
        self._label_textures: dict[tuple, object] = {}
        self.shown: list[tuple[float, float, float, list[str]]] = []  # markers drawn: x, y, radius, place ids
        self.name_boxes: list[tuple[str, Box]] = []  # place names written: place id, box (overlay pixels)
        self.here_box: Box | None = None
        self.street_names: list[tuple] = []  # street names written: the line along each, its half height
        self.keep_clear: list = []  # widgets over the map (its buttons) that names must not go under
        self._relayout = Clock.create_trigger(self._layout_overlay, -1)
        self._spot: Widget | None = None  # what the focus ring goes around on a marker (speech mode)
        super().__init__(**kwargs)
        with self.canvas.before:
            self._bg_colour = Color(*map_colours(False)["background"])
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
        for name in ("route", "highlight", "destination", "destination_name", "lang", "kinds"):
            self.fbind(name, self._relayout)
        app = App.get_running_app()
        if app is not None:
            followers.follow(app, self, palette=self._theme_changed)  # weakly (kiosk/ui/follow.py)
            self._bg_colour.rgba = map_colours(app.high_contrast)["background"]

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
        if self.scene is not None:
            self.scene.recolour(self._high_contrast())
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
                self.destination and tuple(self.destination), self.destination_name, self.lang,
                self.kinds and frozenset(self.kinds), self._high_contrast(), app.rtl if app else False,
                app.sizes["small"] if app else None, tuple(self.size))  # names keep inside the map's edges

    def _high_contrast(self) -> bool:
        app = App.get_running_app()
        return bool(app and app.high_contrast)

    def _theme_changed(self, app, palette) -> None:
        high_contrast = bool(app.high_contrast)
        self._bg_colour.rgba = map_colours(high_contrast)["background"]
        if self.scene is not None:
            self.scene.recolour(high_contrast)  # shared with the other map: both follow the same App
        self._relayout()

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
        self.shown, self.name_boxes, self.here_box, self.street_names = [], [], None, []
        if key is None:
            return
        self.layouts += 1
        self._layout_scale, self._layout_centre = view.scale, view.centre
        s, r = view.scale, view.rotation
        high_contrast = self._high_contrast()
        colours = map_colours(high_contrast)
        app = App.get_running_app()
        rtl = bool(app and app.rtl)

        turn = math.radians(r)
        cos_s, sin_s = math.cos(turn) * s, math.sin(turn) * s

        def px(x, y):  # map metres to overlay pixels: rotate() and the scale, in one step per marker
            return x * cos_s - y * sin_s, x * sin_s + y * cos_s

        occupied = Occupied()
        if scene.here is not None:
            hx, hy = px(*scene.here)
            self.here_box = Box(hx - 34, hy - 24, hx + 34, hy + 86)  # the dot and the cone above it
            occupied.add_box(self.here_box)
        # With a route, the other places step back (smaller) so the line stays readable above them.
        size = MARKER_PX * (0.7 if len(self.route) >= 2 else 1.0)
        ox, oy = view.offset()
        for widget in self.keep_clear:  # the map's own buttons (siblings: the same coordinates)
            if widget.opacity > 0:
                occupied.add_box(Box(widget.x - self.center_x - ox, widget.y - self.center_y - oy,
                                     widget.right - self.center_x - ox, widget.top - self.center_y - oy))
        subject = self._subject(scene, px)
        if subject is not None:
            occupied.add_box(Box.around(subject[0], subject[1], HIGHLIGHT_PX / 2 + 6))
        # Only markers within reach of the view: zoomed in on 2,000 places, most are far out of sight.
        reach_x, reach_y = self.width * REACH / 2, self.height * REACH / 2
        markers, points = [], []
        for m in scene.markers:
            if m.place_id == self.highlight or (self.kinds and m.kind not in self.kinds):
                continue
            x, y = px(m.x, m.y)
            if -reach_x < x + ox < reach_x and -reach_y < y + oy < reach_y:
                markers.append(m)
                points.append((x, y))
        order = sorted(range(len(markers)), key=lambda i: KIND_RANK.get(markers[i].kind, len(KIND_RANK)))
        grid: dict = {}
        groups = group_markers(points, order, size * GROUP_GAP, grid)
        half = size * GROUP_SCALE / 2
        occupied.add_markers(grid, size * GROUP_GAP, half)  # each as wide as a group's marker, to be safe
        closest = view.scale >= MAX_SCALE * 0.999  # zooming in can no longer split a group: spread it
        by_sprite: dict[tuple[str, str], list[tuple[float, float]]] = {}
        shown = self.shown
        for group in groups:
            if len(group.members) == 1:
                member = markers[group.members[0]]
                by_sprite.setdefault((member.kind, ""), []).append((group.x, group.y))
                shown.append((group.x, group.y, size / 2, [member.place_id]))
                continue
            members = [markers[i] for i in group.members]
            if closest:
                for member, spot in zip(members, spread(group.x, group.y, len(members), size)):
                    by_sprite.setdefault((member.kind, ""), []).append(spot)
                    shown.append((spot[0], spot[1], size / 2, [member.place_id]))
                    occupied.add_box(Box.around(spot[0], spot[1], size / 2), soft=True)
                continue
            kinds = {m.kind for m in members}
            sprite = (kinds.pop() if len(kinds) == 1 else "cluster", count_text(len(members)))
            by_sprite.setdefault(sprite, []).append((group.x, group.y))
            shown.append((group.x, group.y, half, [m.place_id for m in members]))
        names = []
        if subject is not None:
            # The destination's name before the streets': what the map is about is named even where places
            # crowd (over a marker when there is no free spot beside it).
            names.append(self._name(subject[0], subject[1], HIGHLIGHT_PX / 2 + 6, subject[3], occupied, rtl, True))
        kinds = self._kind_of(scene)
        labelled = self._labelled(kinds)
        chosen = [item for item in labelled if kinds[item[3][0]] in (self.kinds or ())]
        # The places a visitor chose to see are named before the streets, landmarks after them.
        # Names keep clear of every marker as if it were a group's (Occupied.add_markers), their own too.
        for x, y, _radius, ids in chosen:
            names.append(self._name(x, y, half, ids[0], occupied, rtl))
        self._labels(overlay, scene, s, px, occupied)
        for x, y, _radius, ids in labelled:
            if kinds[ids[0]] not in (self.kinds or ()):
                names.append(self._name(x, y, half, ids[0], occupied, rtl))
        overlay.add(Color(1, 1, 1, 1))
        for mesh in marker_meshes(by_sprite, size, high_contrast):
            overlay.add(mesh)
        if len(self.route) >= 2:
            points = [c for lat, lon in self.route for c in px(*scene.xy(lat, lon))]
            overlay.add(Color(*colours["route_casing"]))
            overlay.add(Line(points=points, width=9, cap="round", joint="round"))
            overlay.add(Color(*colours["route"]))
            overlay.add(Line(points=points, width=6, cap="round", joint="round"))
        if subject is not None:
            self._marker(overlay, subject[2], subject[0], subject[1], HIGHLIGHT_PX, ring=True)
        for name in names:
            if name is not None:
                self._draw_name(overlay, *name)
        if scene.here is not None:
            self._here(overlay, *px(*scene.here), colours)
        self._apply_view()

    def _subject(self, scene, px):
        """(x, y, marker kind, place id or "") of what this map is about (a route's destination), or None."""
        if self.highlight:
            for marker in scene.markers:
                if marker.place_id == self.highlight:
                    return (*px(marker.x, marker.y), marker.kind, marker.place_id)
        if self.destination is not None:
            return (*px(*scene.xy(*self.destination)), "destination", "")
        return None

    def _kind_of(self, scene) -> dict[str, str]:
        """Place id -> kind, once per scene (a walk over 2,000 markers is a millisecond of every layout)."""
        if getattr(self, "_kinds_scene", None) is not scene:
            self._kinds_scene, self._kinds = scene, {m.place_id: m.kind for m in scene.markers}
        return self._kinds

    def _labelled(self, kinds: dict[str, str]):
        """Markers whose place gets its name written: landmarks (a group they lead too), and every place of
        a chosen kind; those nearest the middle of the view first, and only those within a view's reach."""
        wanted = {"landmark", *(self.kinds or ())}
        ox, oy = self.view.offset()
        found = [item for item in self.shown if kinds.get(item[3][0]) in wanted]
        found.sort(key=lambda item: math.hypot(item[0] + ox, item[1] + oy))
        return found[:MAX_NAMED]

    def _name(self, x: float, y: float, radius: float, place_id: str, occupied: Occupied, rtl: bool,
              destination: bool = False):
        """The texture and box of a place's name beside its marker, or None where there is no room. The
        box is measured from cached word sizes: the texture is made only for a name that is placed."""
        text = self._name_text(place_id, destination)
        if not text:
            return None
        size = self._name_size(destination)
        lines = text.split("\n")
        width = max(_extent(line, size, True)[0] for line in lines)
        height = _extent(lines[0], size, True)[1] * len(lines)
        pad = NAME_PAD_PX
        ox, oy = self.view.offset()
        edges = Box(-self.width / 2 - ox, -self.height / 2 - oy, self.width / 2 - ox, self.height / 2 - oy)
        box = place_name(x, y, radius, width + 2 * pad, height + pad, occupied, rtl=rtl,
                         within=edges, insist=destination)
        if box is None:
            return None
        self.name_boxes.append((place_id, box))
        return self._name_texture(place_id, destination, text, size), box, destination

    def _name_size(self, destination: bool) -> float:
        app = App.get_running_app()
        return app.sizes["small"] * (1.0 if destination else 0.85) if app else 24

    def _name_text(self, place_id: str, destination: bool) -> str:
        """A place's name in the visitor's language, with the name on its sign below where they differ,
        ready to draw (shaped and reordered for Arabic)."""
        key = ("text", self.lang, place_id, self.destination_name if destination and not place_id else "")
        text = self._label_textures.get(key)
        if text is None:
            lines = []
            app = App.get_running_app()
            place = app.content.place(place_id, None, self.lang) if place_id and app and app.content else None
            if place is not None:
                lines = [place.name, place.sign_name]
            elif destination:
                lines = [self.destination_name]
            text = "\n".join(line for line in lines if line)
            if has_rtl_letters(text):
                text = bidi.display(text)
            self._label_textures[key] = text
        return text

    def _name_texture(self, place_id: str, destination: bool, text: str, size: float):
        high_contrast = self._high_contrast()
        key = ("place", self.lang, place_id, destination, high_contrast, text, size)
        texture = self._label_textures.get(key)
        if texture is None:
            colours = map_colours(high_contrast)
            label = CoreLabel(text=text, font_size=size, bold=True, halign="center",
                              color=colours["route_casing"] if destination else colours["label"])
            label.refresh()
            texture = self._label_textures[key] = label.texture
        return texture

    def _draw_name(self, overlay, texture, box: Box, destination: bool) -> None:
        colours = map_colours(self._high_contrast())
        # A plate under the name: readable over streets, buildings and the route line alike.
        plate = colours["route"] if destination else (*colours["label_halo"][:3], 0.88)
        overlay.add(Color(*plate))
        overlay.add(RoundedRectangle(pos=(box.x0, box.y0), size=(box.x1 - box.x0, box.y1 - box.y0), radius=[8]))
        if self._high_contrast() and not destination:
            overlay.add(Color(*colours["label"]))
            overlay.add(Line(rounded_rectangle=(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0, 8), width=1.5))
        overlay.add(Color(1, 1, 1, 1))
        overlay.add(Rectangle(texture=texture, size=texture.size,
                              pos=((box.x0 + box.x1 - texture.width) / 2, (box.y0 + box.y1 - texture.height) / 2)))

    def _labels(self, overlay, scene: MapScene, scale: float, px, occupied: Occupied) -> None:
        """Street names where they fit, clear of the markers; each one taken is kept clear of place names."""
        textures = [self._label_texture(i, scene.names[i]) for i in range(len(scene.names))]
        widths = [t.width for t in textures]
        height = max((t.height for t in textures), default=0)
        overlay.add(Color(1, 1, 1, 1))
        for i in visible_labels(scene.spots, widths, height, scale, scene.rotation, clear=occupied.clear_of_capsule):
            spot = scene.spots[i]
            texture = textures[spot.key]
            a, b = label_segment(spot, texture.width, scale, scene.rotation)
            occupied.add_capsule(a, b, height / 2)
            self.street_names.append((a, b, height / 2))
            x, y = px(spot.x, spot.y)
            overlay.add(PushMatrix())
            overlay.add(Translate(x, y))
            overlay.add(Rotate(angle=spot.angle, axis=(0, 0, 1)))
            overlay.add(Rectangle(texture=texture, pos=(-texture.width / 2, -texture.height / 2), size=texture.size))
            overlay.add(PopMatrix())

    def _label_texture(self, index: int, name):
        high_contrast = self._high_contrast()
        key = (self.lang, index, high_contrast)
        texture = self._label_textures.get(key)
        if texture is None:
            text = localized(name, self.lang)
            if has_rtl_letters(text):
                text = bidi.display(text)
            app = App.get_running_app()
            size = app.sizes["small"] * 0.85 if app else 24
            colours = map_colours(high_contrast)
            label = CoreLabel(text=text, font_size=size, bold=True, color=colours["label"],
                              outline_width=3, outline_color=colours["label_halo"][:3])
            label.refresh()
            texture = self._label_textures[key] = label.texture
        return texture

    def _marker(self, overlay, kind: str, x: float, y: float, size: float, ring: bool = False) -> None:
        texture = marker_texture(kind, size, ring, self._high_contrast())
        overlay.add(Color(1, 1, 1, 1))
        overlay.add(Rectangle(texture=texture, pos=(x - texture.width / 2, y - texture.height / 2),
                              size=texture.size))

    def _here(self, overlay, x: float, y: float, colours) -> None:
        # Heads-up: the way the viewer faces is always straight up on the screen.
        overlay.add(Color(*colours["here_cone"]))
        overlay.add(Triangle(points=(x, y, x - 34, y + 86, x + 34, y + 86)))
        overlay.add(Color(1, 1, 1, 1))
        overlay.add(Ellipse(pos=(x - 24, y - 24), size=(48, 48)))
        overlay.add(Color(*colours["here"]))
        overlay.add(Ellipse(pos=(x - 18, y - 18), size=(36, 36)))

    def overlay_to_local(self, x: float, y: float) -> tuple[float, float]:
        """A point of the laid-out overlay (pixels from the map's origin at the layout's zoom) in this
        widget's coordinates with the current view."""
        ox, oy = self.view.offset()
        ratio = self.view.scale / self._layout_scale
        return self.center_x + ox + x * ratio, self.center_y + oy + y * ratio

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
            hit = self.shown_at(*touch.pos)
            if hit is not None and len(hit[3]) == 1:
                self.dispatch("on_marker", hit[3][0])
            elif hit is not None:
                self.zoom_to(hit[3])
        elif self.view is not None and (self.view.scale != self._layout_scale or self._left_layout()):
            self._overlay_laid_out = None  # the same zoom elsewhere: the markers there are laid out now
            self._relayout()
        return True

    def shown_at(self, x: float, y: float):
        """The marker drawn nearest to (x, y), within a finger's reach: (x, y, radius, place ids), the
        position in overlay pixels; several ids for a group."""
        if self.view is None:
            return None
        app = App.get_running_app()
        reach = max(MARKER_PX, (app.touch_px if app else 104) / 2)
        best, best_d = None, reach
        for item in self.shown:
            mx, my = self.overlay_to_local(item[0], item[1])
            d = math.hypot(mx - x, my - y)
            if d <= best_d:
                best, best_d = item, d
        return best

    def _left_layout(self) -> bool:
        """The view moved more than half its size from where the overlay was laid out: the markers and
        names are laid out only within REACH views of that middle."""
        if self._layout_centre is None:
            return False
        dx, dy = (self.view.scale * (a - b) for a, b in zip(self.view.centre, self._layout_centre))
        return abs(dx) > self.width * (REACH - 1) / 2 or abs(dy) > self.height * (REACH - 1) / 2

    def marker_at(self, x: float, y: float) -> str | None:
        """The place whose own marker is nearest to (x, y), within a finger's reach (a group is no place)."""
        hit = self.shown_at(x, y)
        return hit[3][0] if hit is not None and len(hit[3]) == 1 else None

    def markers_in_view(self) -> list[tuple[float, float, list[str], float]]:
        """The markers drawn inside the map's frame now, nearest to the terminal first: (x, y) in this
        widget's coordinates, their place ids (several for a group) and metres from "you are here" as the
        crow flies. Speech mode reads the map by these (kiosk/ui/focus.py)."""
        if self.view is None or self.scene is None:
            return []
        where = {m.place_id: (m.x, m.y) for m in self.scene.markers}
        here = self.scene.here or self.scene.bounds.centre
        found = []
        for x, y, _radius, ids in self.shown:
            lx, ly = self.overlay_to_local(x, y)
            if self.collide_point(lx, ly):
                near = [math.dist(where[i], here) for i in ids if i in where]
                found.append((lx, ly, list(ids), min(near, default=0.0)))
        found.sort(key=lambda item: item[3])
        return found

    def focus_spot(self, x: float, y: float) -> Widget:
        """An invisible widget over the marker at (x, y), for the focus ring to go around."""
        if self._spot is None:
            self._spot = Widget(size_hint=(None, None), opacity=0)
            self.add_widget(self._spot)
        side = MARKER_PX * 1.2
        self._spot.size = (side, side)
        self._spot.center = (x, y)
        return self._spot

    def zoom_to(self, place_ids: list[str]) -> None:
        """Zoom in on a group of places: all of them in view, at least twice as close, so they part."""
        where = {m.place_id: (m.x, m.y) for m in self.scene.markers}
        points = [where[i] for i in place_ids if i in where]
        if not points or self.view is None:
            return
        app = App.get_running_app()
        fitted = fit(points, self.view.rotation, self.width, self.height,
                     padding_px=(app.touch_px if app else 104) * 1.2, max_scale=MAX_SCALE)
        view = View(self.view.rotation, max(fitted.scale, self.view.scale * 2), fitted.centre)
        self.view = self.limits.apply(view) if self.limits else view
        self._relayout()
