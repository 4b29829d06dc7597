"""An event's card: when and where, the walk there, what it is, the shops taking part, a QR code."""
from __future__ import annotations

from kiosk import formatting
from kiosk.share import event_share_url, route_share_url
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import tr
from kiosk.ui.widgets.detail import DetailColumn, Hero


class EventScreen(KioskScreen):
    def build(self) -> None:
        self.hero = Hero()
        self.frame.hero.add_widget(self.hero)
        self.details = DetailColumn()
        self.frame.body.add_widget(self.details)
        self.qr = None

    def fill(self, content, now, lang) -> None:
        tz = content.timezone
        event = content.event(self.params.get("item", ""), now, lang)
        self.details.clear()
        if event is None:
            self.set_title(tr._("Not found"))
            self.hero.show(None, [])
            self.details.text(tr._("This event is no longer listed."), size_role="heading")
            return
        self.set_title(event.title)
        plausible = content.clock_is_plausible(now)
        when = formatting.event_when(event.start, event.end, event.all_day, event.now and plausible, now, lang, tz,
                                     say_today=plausible)
        walk = self.app.walks.walk(event.lat, event.lon) if self.app.walks else None
        walk_line = formatting.walk_text(walk[0], walk[1], lang) if walk else ""
        self.hero.show(content.image_file(event.image), [(when, "accent"), (event.location_name, "text")])
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
        if url is None and walk is not None and self.app.walks.origin:
            origin = self.app.walks.origin
            url = route_share_url(content.share, from_lat=origin[0], from_lon=origin[1], to_lat=event.lat,
                                  to_lon=event.lon, lang=lang, points=walk[2].points)
        self.qr = d.qr(url or "", tr._("Take it along: scan the code with your phone camera."))
