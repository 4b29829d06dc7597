"""Help & safety: the feed's `help` page (emergency numbers first, then pharmacies on duty, toilets,
defibrillators, counselling), one touch from every screen. Also shows any other page by id."""
from __future__ import annotations


from kiosk import formatting
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr
from kiosk.ui.widgets.rows import RowList, row
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KLabel

HELP_PAGE = "help"


class HelpScreen(KioskScreen):
    title_msgid = N_("Help & safety")

    def build(self) -> None:
        self.emergency = KLabel(size_role="title", bold=True, tone="accent")
        self.body_text = KLabel(size_role="small")
        # A long page body scrolls inside the top zone instead of running over the header.
        self.body_scroll = KScrollView(do_scroll_x=False, bar_width=8, effect_cls="ScrollEffect")
        self.body_scroll.add_widget(self.body_text)
        self.frame.hero.add_widget(self.emergency)
        self.frame.hero.add_widget(self.body_scroll)
        self.list = RowList()
        self.frame.body.add_widget(self.list)

    def fill(self, content, now, lang) -> None:
        page = content.page(self.params.get("item") or HELP_PAGE, now, lang)
        if page is None:
            self.set_title(tr._("Help & safety"))
            self.emergency.txt = tr._("Emergency: call 112")
            self.body_text.txt = ""
            self.list.show([])
            return
        self.set_title(page.title)
        first = page.contacts[0] if page.contacts and page.contacts[0].phone else None
        # The first contact with a number is the emergency call: large, in the calm top zone.
        self.emergency.txt = f"{first.name}: {first.phone}" if first else ""
        self.body_text.txt = page.body
        walks = self.app.walks
        rows = []
        for contact in page.contacts[1:] if first else page.contacts:
            parts = [contact.phone or "", contact.note]
            if contact.place_id:
                place = content.place(contact.place_id, now, lang)
                walk = walks.walk(place.lat, place.lon) if (walks and place) else None
                if walk:
                    parts.append(formatting.distance_text(walk[0], lang))
            badge, badge_bg = "", "open"
            if contact.open is True:
                badge = tr._("Open")
            elif contact.open is False:
                badge, badge_bg = tr._("Closed"), "closed"
            rows.append(row(contact.name, " · ".join(p for p in parts if p),
                            target="place" if contact.place_id else "", item_id=contact.place_id or "",
                            badge=badge, badge_bg=badge_bg))
        self.list.show(rows)
