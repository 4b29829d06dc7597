"""The way from this terminal to a place or an event: the line on the map, distance and time,
a step-free switch, the steps in the visitor's language and a QR code that takes it to a phone."""
from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk import formatting
from kiosk.directions import NoRoute
from kiosk.route_steps import describe_route_structured, describe_step_free_gap
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import tr
from kiosk.ui.widgets.map_panel import MapPanel
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.route_parts import RouteSummary, StepList, TakeAlongCode, step_icon
from kiosk.ui.widgets.text import KButton
from kiosk.ui.widgets.transit_hint import TransitHint


class RouteScreen(KioskScreen):
    def build(self) -> None:
        self.summary = RouteSummary()
        self.frame.hero.add_widget(self.summary)
        self.transit_hint = TransitHint()  # "Or take U43 from Reinoldikirche, 3 min" for a long walk
        self.frame.hero.add_widget(self.transit_hint)
        if self.app.landscape:
            self.frame.hero.add_widget(Widget())  # the summary at the top of the panel's tall column
        self.panel = MapPanel(size_hint_y=1.15)
        self.map = self.panel.map
        self.map.bind(on_marker=lambda _map, place_id: self.app.go("place", item=place_id))
        self.step_free_button = KButton(size_role="button", on_release=self._toggle_step_free)
        self.steps = StepList()
        # The code needs 392 px or more (docs/wayfinding.md): beside the steps, not in the short hero.
        self.take_along = TakeAlongCode()
        steps_row = MirrorBox(spacing=28)
        # The row is never shorter than the code and its caption: the map gives way instead.
        self.take_along.bind(needed_height=steps_row.setter("size_hint_min_y"))
        steps_row.add_logical(self.steps)
        steps_row.add_logical(self.take_along)
        steps_row.apply_direction()
        for widget in (self.panel, self.step_free_button, steps_row):
            self.frame.body.add_widget(widget)
        # The calm top needs less than its third here (the distance, sometimes a tram): the map takes the
        # rest. Its controls stay at its foot, within reach; a marker near its top can be panned down.
        self.frame.snug_top(True)
        self.step_free = False
        self.directions = None

    def activate(self, params: dict) -> None:
        if params != self.params:
            self.step_free = False  # a new destination starts with the usual route
        super().activate(params)
        self.app.services.route_asked()  # counted once per destination opened, never which one
        if self.directions is not None:
            self.app.services.qr_shown()

    def reset(self) -> None:
        super().reset()
        self.step_free = False
        self.directions = None

    def _toggle_step_free(self, *args) -> None:
        self.step_free = not self.step_free
        self.refresh()

    def _destination(self, content, now, lang):
        """(name, lat, lon, place id or None) of the place or event in the params, or None."""
        item = self.params.get("item", "")
        if self.params.get("kind") != "event":
            place = content.place(item, now, lang)
            if place is not None:
                return place.name, place.lat, place.lon, place.id
        event = content.event(item, now, lang)
        if event is None or event.lat is None or event.lon is None:
            return None
        return event.location_name or event.title, event.lat, event.lon, event.place_id

    def fill(self, content, now, lang) -> None:
        # The wheelchair symbol and the words: the symbol alone is not understood by everyone.
        self.step_free_button.txt = ("✓ " if self.step_free else "") + "♿  " + tr._("Step-free route")
        self.step_free_button.bg = "accent" if self.step_free else "surface"
        self.step_free_button.tone = "on_accent" if self.step_free else "text"
        self.step_free_button.switched_on = self.step_free  # speech mode says "switch, on" (kiosk/ui/focus.py)
        target = self._destination(content, now, lang)
        self.map.lang = lang
        scene = self.app.map_scene
        if self.map.scene is not scene:
            self.map.scene = scene
        if target is None:
            self.set_title(tr._("Not found"))
            self.directions = None
            self.map.route, self.map.highlight, self.map.destination = [], "", None
            self.summary.show("", "")
            self.take_along.show("")
            self.transit_hint.hide()
            self.steps.show([], tr._("This place is no longer listed."))
            return
        name, lat, lon, place_id = target
        self.set_title(name)
        self.map.highlight = place_id or ""
        self.map.destination = None if place_id else (lat, lon)
        self.map.destination_name = name  # written beside the destination on the map
        walks = self.app.walks
        try:
            if walks is None:
                raise NoRoute("There is no walking network.")
            found = walks.directions(lat, lon, step_free=self.step_free, lang=lang,
                                     destination_id=place_id or "")
            why: list[str] = []
        except NoRoute as exc:
            found = None
            why = (describe_step_free_gap(exc.gap, lang, default_locale=self.app.content.default_locale)
                   if exc.gap is not None else [])
        self.directions = found
        self.transit_hint.show_for(lat, lon, found.duration_s if found is not None else None, now, lang)
        here = [scene.here] if scene and scene.here else []
        if found is None:
            self.map.route = []
            self.map.home_points = here + ([scene.xy(lat, lon)] if scene else [])
            self.summary.show("", "")
            self.take_along.show("")
            self.steps.show([], " ".join([tr._("Sorry, there is no step-free way there from here. The map shows "
                                                "where it is.") if self.step_free else
                                          tr._("Sorry, there is no walking route there from here. The map shows "
                                               "where it is."), *why]))
        else:
            self.map.route = list(found.route.points)
            self.map.home_points = here + [scene.xy(*p) for p in found.route.points] if scene else []
            note = tr._("Step-free: no steps on this way") if self.step_free else ""
            self.summary.show(formatting.walk_text(found.distance_m, found.duration_s, lang), note)
            self.take_along.show(found.share_url, tr._("Scan to take this route to your phone"))
            structured = describe_route_structured(found.route)
            self.steps.show([(step_icon(s.kind, s.direction), text) for s, text in zip(structured, found.steps)])
        self.map.reset_view()
