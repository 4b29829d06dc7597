"""Map & routes: the city centre heads-up around this terminal; touch a marker to open its place."""
from __future__ import annotations

import math

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr_txt
from kiosk.ui.widgets.map_panel import MapLegend, MapPanel
from kiosk.ui.widgets.text import KLabel


HOME_RADIUS_M = 400  # a five-minute walk


class MapScreen(KioskScreen):
    title_msgid = N_("Map & routes")

    def build(self) -> None:
        self.hint = tr_txt(KLabel(size_role="small", tone="muted"), N_("Touch a symbol on the map to see the place."))
        self.legend = MapLegend()
        self.frame.hero.add_widget(self.legend)
        self.frame.hero.add_widget(self.hint)
        self.panel = MapPanel()
        self.map = self.panel.map
        self.map.bind(on_marker=lambda _map, place_id: self.app.go("place", item=place_id))
        self.frame.body.add_widget(self.panel)
        self._kinds: set[str] = set()

    def fill(self, content, now, lang) -> None:
        scene = self.app.map_scene
        self.map.lang = lang
        if self.map.scene is not scene:
            self.map.scene = scene
            # Once per scene: with 2,000 places these two walks over the markers were 5 ms of every visit.
            self._kinds = {marker.kind for marker in scene.markers} if scene else set()
            if scene is not None:
                self.map.home_points = home_points(scene)
        self.legend.show(self._kinds)

    def activate(self, params: dict) -> None:
        super().activate(params)
        self.map.reset_view()  # every visit starts heads-up around the terminal

    def reset(self) -> None:
        super().reset()
        self.map.reset_view()


def home_points(scene) -> list[tuple[float, float]]:
    """Home is the neighbourhood of the terminal: the places within a short walk, readable at once."""
    here = scene.here or scene.bounds.centre
    near = [(m.x, m.y) for m in scene.markers if math.dist((m.x, m.y), here) <= HOME_RADIUS_M]
    return near + [here] if near else [(m.x, m.y) for m in scene.markers] + [here]
