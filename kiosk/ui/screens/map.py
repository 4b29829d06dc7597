"""Map & routes: the city centre heads-up around this terminal; touch a marker to open its place, or
choose a kind ("Toilet") to see only those and the nearest of them by walking distance."""
from __future__ import annotations

import math

from kiosk import formatting
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.map_filters import ALL, MapFilters
from kiosk.ui.widgets.map_panel import MapLegend, MapPanel
from kiosk.ui.widgets.text import KButton, KLabel


HOME_RADIUS_M = 400  # a five-minute walk


class MapScreen(KioskScreen):
    title_msgid = N_("Map & routes")

    def build(self) -> None:
        self.hint = tr_txt(KLabel(size_role="small", tone="muted"),
                           N_("Touch a symbol on the map to see the place. A number stands for several places: "
                              "touch it to come closer."))
        self.legend = MapLegend()
        self.frame.hero.add_widget(self.legend)
        self.frame.hero.add_widget(self.hint)
        self.kind = ALL
        self.filters = MapFilters(self.choose)
        self.panel = MapPanel()
        self.map = self.panel.map
        self.map.markers_focusable = True
        self.map.bind(on_marker=lambda _map, place_id: self.app.go("place", item=place_id))
        # The nearest place of the chosen kind, over the map's top corner (the north arrow has the other).
        self.nearest = KButton(size_role="small", bg="accent", tone="on_accent", size_hint=(0.74, None),
                               pos_hint={"x": 0.015, "top": 0.985}, opacity=0, disabled=True,
                               on_release=self._open_nearest)
        self.nearest_id = ""
        self.panel.add_widget(self.nearest)
        self.map.keep_clear.append(self.nearest)
        self.frame.body.add_widget(self.filters)
        self.frame.body.add_widget(self.panel)
        self._kinds: set[str] = set()
        self._home_kind = None  # the kind the map's home view was fitted to

    def fill(self, content, now, lang) -> None:
        scene = self.app.map_scene
        self.map.lang = lang
        if self.map.scene is not scene:
            self.map.scene = scene
            # Once per scene: with 2,000 places these two walks over the markers were 5 ms of every visit.
            self._kinds = {marker.kind for marker in scene.markers} if scene else set()
            self._home_kind = None
        if self.kind not in self._kinds:
            self.kind = ALL
        if scene is not None and self._home_kind != self.kind:
            # A chosen kind's home view shows all its places with the terminal; else the neighbourhood.
            self._home_kind = self.kind
            self.map.home_points = home_points(scene, self.kind)
            self.map.reset_view()
        self.legend.show(self._kinds)
        self.filters.show(self._kinds, self.kind)
        self.map.kinds = {self.kind} if self.kind else None
        self._show_nearest(content, lang)

    def choose(self, kind: str) -> None:
        """Show only the places of `kind` ("" for all); choosing the shown kind again shows all."""
        self.kind = ALL if kind == self.kind else kind
        self.refresh()

    def _show_nearest(self, content, lang) -> None:
        scene = self.app.map_scene
        found = nearest(scene, self.kind, self.app.walks) if self.kind and scene is not None else None
        place = content.place(found[0], None, lang) if found else None
        if place is None:
            self.nearest_id, self.nearest.opacity, self.nearest.disabled = "", 0, True
            return
        self.nearest_id = place.id
        metres, seconds = found[1], found[2]
        way = formatting.walk_text(metres, seconds, lang) if seconds is not None else formatting.distance_text(metres, lang)
        arrow = "←" if self.app.rtl else "→"
        self.nearest.txt = tr._("Nearest: {name}, {way}").format(name=place.name, way=way) + f"  {arrow}"
        self.nearest.opacity, self.nearest.disabled = 1, False

    def _open_nearest(self, *args) -> None:
        if self.nearest_id:
            self.app.go("place", item=self.nearest_id)

    def activate(self, params: dict) -> None:
        # A screen may send the visitor here for one kind: go("map", kind="toilet").
        self.kind = params.get("kind", ALL) if params else ALL
        super().activate(params)
        self.map.reset_view()  # every visit starts heads-up around the terminal

    def reset(self) -> None:
        super().reset()
        self.kind = ALL
        self.map.reset_view()


def nearest(scene, kind: str, walks) -> tuple[str, float, float | None] | None:
    """(place id, metres, seconds) of the place of `kind` with the shortest walk from the terminal; as the
    crow flies (seconds None) when there is no walking network or no way to any of them."""
    markers = [m for m in scene.markers if m.kind == kind]
    best = None
    if walks is not None:
        for marker in markers:
            walk = walks.walk(*scene.projection.to_latlon(marker.x, marker.y))
            if walk is not None and (best is None or walk[0] < best[1]):
                best = (marker.place_id, walk[0], walk[1])
    if best is None and markers and scene.here is not None:
        marker = min(markers, key=lambda m: math.dist((m.x, m.y), scene.here))
        best = (marker.place_id, math.dist((marker.x, marker.y), scene.here), None)
    return best


def home_points(scene, kind: str = ALL) -> list[tuple[float, float]]:
    """Home is the neighbourhood of the terminal: the places within a short walk, readable at once; with
    a kind chosen, every place of that kind and the terminal."""
    here = scene.here or scene.bounds.centre
    if kind:
        return [(m.x, m.y) for m in scene.markers if m.kind == kind] + [here]
    near = [(m.x, m.y) for m in scene.markers if math.dist((m.x, m.y), here) <= HOME_RADIUS_M]
    return near + [here] if near else [(m.x, m.y) for m in scene.markers] + [here]
