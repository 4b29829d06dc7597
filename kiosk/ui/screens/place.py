"""A place's card: picture, hours in human words (today and the week), the walk from this terminal,
description, events there, and a QR code to take it along."""
from __future__ import annotations

from datetime import timedelta

from kivy.clock import Clock

from kiosk import formatting
from kiosk.directions import NoRoute
from kiosk.share import place_share_url
from kiosk.ui.labels import category_label, kind_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import tr
from kiosk.ui.widgets.departures import REFRESH_S, DeparturesBlock
from kiosk.ui.widgets.detail import DetailColumn, Hero, WholeTitle
from kiosk.ui.widgets.route_parts import show_way, way_button


class PlaceScreen(KioskScreen):
    def build(self) -> None:
        self.hero = Hero()
        self.frame.hero.add_widget(self.hero)
        self.details = DetailColumn()
        self.frame.body.add_widget(self.details)
        self.way = way_button(lambda: self.app.go("route", item=self.params.get("item", "")))
        self.frame.body.add_widget(self.way)
        self.qr = None
        self.whole_title = WholeTitle(self.frame.header.title, self.details)
        self.departures = DeparturesBlock(spacing=self.details.column.spacing)
        self._ticker = None  # refreshes the departures while the card is shown (on_enter to on_leave)

    def fill(self, content, now, lang) -> None:
        tz = content.timezone
        place = content.place(self.params.get("item", ""), now, lang)
        self.details.clear()
        self.whole_title.show("")
        show_way(self.frame.body, self.way, place is not None)
        if place is None:
            self.set_title(tr._("Not found"))
            self.hero.show(None, [])
            self.frame.snug_top(True)
            self.details.text(tr._("This place is no longer listed."), size_role="heading")
            return
        self.set_title(place.name)
        self.whole_title.show(place.name)
        hours_now = formatting.opening_text(place.open, place.next_change, now, lang, tz)
        walk = self.app.walks.walk(place.lat, place.lon) if self.app.walks else None
        walk_line = formatting.walk_text(walk[0], walk[1], lang) if walk else ""
        kind = category_label(place.category) or kind_label(place.kind)
        if place.owner_run:
            kind = f"{kind} · {tr._('Owner-run')}"
        image = content.image_file(place.image)
        self.hero.show(image, [(hours_now, "accent"), (walk_line, "text")])
        self.frame.snug_top(image is None)  # without a picture the card's lines start under its few words
        d = self.details
        d.text(kind, tone="muted")
        if place.address:
            d.text(place.address)
        d.text(place.description)
        if place.kind == "transit":
            self.show_departures(content, place.id, now, lang)
        if place.opening_hours:
            today = formatting.local_day(now, tz)
            days = [(today + timedelta(days=i), content.hours_on(place.opening_hours, today + timedelta(days=i)))
                    for i in range(7)]
            d.heading(tr._("Opening hours"))
            d.table(formatting.week_hours(days, now, lang, tz))
        if place.wheelchair in ("yes", "limited", "no"):
            d.text({"yes": tr._("Step-free access"), "limited": tr._("Partly step-free access"),
                    "no": tr._("Not step-free")}[place.wheelchair], tone="muted")
        if place.phone:
            d.text(tr._("Phone: {number}").format(number=place.phone))
        events = content.events_at_place(place.id, now, lang)
        if events:
            d.heading(tr._("Events here"))
            for event in events[:6]:
                when = formatting.event_when(event.start, event.end, event.all_day, event.now, now, lang, tz,
                                             say_today=content.clock_is_plausible(now))
                d.link(f"{event.title} · {when}", lambda e=event.id: self.app.go("event", item=e))
        # With a take-along page the place's code carries the walk there, like the route screen's.
        takes_along = self.app.walks is not None and self.app.walks.wayfinder.page_url is not None
        url = None if takes_along else place_share_url(content.share, id=place.id, lat=place.lat, lon=place.lon,
                                                       lang=lang)
        if url is None and walk is not None:
            try:
                url = self.app.walks.directions(place.lat, place.lon, step_free=False, lang=lang,
                                                destination_id=place.id).share_url
            except NoRoute:
                url = None
        self.qr = d.qr(url or "", tr._("Take it along: scan the code with your phone camera."))

    def show_departures(self, content, place_id: str, now, lang: str) -> None:
        board = self._board(content, place_id, now, lang)
        if board is not None:
            self.departures.show(board, lang, content.timezone)
            self.details.column.add_widget(self.departures)

    def _board(self, content, place_id: str, now, lang: str):
        from kiosk.live.departures import place_board

        return place_board(content, place_id, now, lang, predictions=self.app.services.live_predictions(), limit=6,
                           max_live_age=timedelta(seconds=self.app.settings.live_max_age_s))

    def on_enter(self, *args) -> None:
        if self._ticker is None:
            self._ticker = Clock.schedule_interval(self.refresh_departures, REFRESH_S)

    def on_leave(self, *args) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def refresh_departures(self, *args) -> None:
        """The departures as of the app's clock, in place: a run that has left goes, a delay arrives."""
        app, content = self.app, self.app.content
        if self.departures.parent is None or content is None:
            return  # not a transit place
        board = self._board(content, self.params.get("item", ""), app.now(), app.language)
        if board is not None:
            self.departures.show(board, app.language, content.timezone)
