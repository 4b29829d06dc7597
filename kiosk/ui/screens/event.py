"""An event's card: when and where, the walk there, what it is, the shops taking part, a QR code."""
from __future__ import annotations

from kiosk import formatting
from kiosk.directions import NoRoute
from kiosk.share import event_share_url
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import tr
from kiosk.ui.widgets.detail import DetailColumn, Hero, WholeTitle
from kiosk.ui.widgets.route_parts import show_way, way_button


ALSO_TODAY = 3  # other events of today at the foot of a card


class EventScreen(KioskScreen):
    def build(self) -> None:
        self.hero = Hero()
        self.frame.hero.add_widget(self.hero)
        self.details = DetailColumn()
        self.frame.body.add_widget(self.details)
        self.way = way_button(self._show_the_way)
        self.frame.body.add_widget(self.way)
        self.way_to: dict = {}
        self.qr = None
        self.whole_title = WholeTitle(self.frame.header.title, self.details)

    def _show_the_way(self) -> None:
        if self.way_to:
            self.app.go("route", **self.way_to)

    def fill(self, content, now, lang) -> None:
        tz = content.timezone
        event = content.event(self.params.get("item", ""), now, lang)
        self.details.clear()
        self.whole_title.show("")
        # Events with a place go to that place; with only a location, to the event's own point.
        has_place = bool(event and event.place_id and content.place(event.place_id, None, lang))
        self.way_to = ({"item": event.place_id} if has_place else {"item": event.id, "kind": "event"}
                       if event is not None and event.lat is not None else {})
        show_way(self.frame.body, self.way, bool(self.way_to))
        if event is None:
            self.set_title(tr._("Not found"))
            self.hero.show(None, [])
            self.frame.snug_top(True)
            self.details.text(tr._("This event is no longer listed."), size_role="heading")
            return
        self.set_title(event.title)
        self.whole_title.show(event.title)
        plausible = content.clock_is_plausible(now)
        when = formatting.event_when(event.start, event.end, event.all_day, event.now and plausible, now, lang, tz,
                                     say_today=plausible)
        walk = self.app.walks.walk(event.lat, event.lon) if self.app.walks else None
        walk_line = formatting.walk_text(walk[0], walk[1], lang) if walk else ""
        image = content.image_file(event.image)
        self.hero.show(image, [(when, "accent"), (event.location_name, "text")])
        self.frame.snug_top(image is None)  # without a picture the card's lines start under its few words
        d = self.details
        d.text(walk_line, tone="muted")
        if event.free:
            d.text(tr._("Free entry"), tone="accent")
        d.text(event.summary)
        if event.place_id and content.place(event.place_id, None, lang):
            d.link(tr._("About the venue: {name}").format(name=event.location_name),
                   lambda: self.app.go("place", item=event.place_id))
        shops = [content.place(pid, now, lang) for pid in event.related_place_ids]
        shops = [s for s in shops if s is not None]
        if shops:
            d.heading(tr._("Shops taking part"))
            for shop in shops:
                hours = formatting.opening_text(shop.open, shop.next_change, now, lang, tz)
                d.link(f"{shop.name} · {hours}" if hours else shop.name, lambda p=shop.id: self.app.go("place", item=p))
        url = event_share_url({"url": event.url})
        if url is None and walk is not None:
            try:
                url = self.app.walks.directions(event.lat, event.lon, step_free=False, lang=lang).share_url
            except NoRoute:
                url = None
        self.qr = d.qr(url or "", tr._("Take it along: scan the code with your phone camera."))
        self._also_today(content, event.id, now, lang)

    def _also_today(self, content, shown_id: str, now, lang: str) -> None:
        """What else is on today, running first: a short card in portrait otherwise leaves a blank band
        above "Show the way", and a visitor who came for one event may well stay for the next."""
        tz = content.timezone
        today = content.todays_events(now, lang)
        others = [e for e in today.running + today.later if e.id != shown_id][:ALSO_TODAY]
        if not others:
            return
        plausible = content.clock_is_plausible(now)
        self.details.heading(tr._("Also today"))
        for other in others:
            when = formatting.event_when(other.start, other.end, other.all_day, other.now and plausible, now, lang,
                                         tz, say_today=plausible)
            self.details.link(f"{other.title} · {when}", lambda e=other.id: self.app.go("event", item=e))
