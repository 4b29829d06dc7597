"""Help & safety, built around the emergency: where this terminal stands, large, in the calm top zone;
112 and 110 as fixed cards, then the nearest pharmacy on duty, defibrillator and toilet with their way,
then the rest of the feed's `help` page, all within reach in the lower two thirds. Also shows any other
page by id (its contacts as rows)."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.widget import Widget

from kiosk import formatting, help_points
from kiosk.ui.labels import kind_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.emergency import EmergencyCards
from kiosk.ui.widgets.rows import RowList, row
from kiosk.ui.widgets.text import KLabel, wrapped_height

HELP_PAGE = "help"


class HelpScreen(KioskScreen):
    title_msgid = N_("Help & safety")

    def build(self) -> None:
        self.frame.top_zone.remove_widget(self.frame.where)  # the hero says it, large
        self.here_intro = tr_txt(KLabel(size_role="heading", tone="muted"), N_("You are here:"))
        self.here_name = KLabel(size_role="title", bold=True, tone="accent")
        self.here_address = KLabel(size_role="heading", bold=True)
        # The page's words (when to call which number) fill the calm room above "You are here" when they fit
        # whole; when they do not (a long notice, larger text), the cards and rows below still say it all.
        self.page_text = KLabel(size_role="body", tone="muted", auto_height=False, size_hint_y=None, height=0)
        self.frame.hero.add_widget(self.page_text)
        self.frame.hero.add_widget(Widget())
        for label in (self.here_intro, self.here_name, self.here_address):
            self.frame.hero.add_widget(label)
        fit = Clock.create_trigger(self._fit_page_text, -1)
        self.frame.bind(height=fit)
        self.frame.hero.bind(width=fit)
        for widget in (self.frame.header, self.frame.banner, self.here_name, self.here_address):
            widget.bind(height=fit)
        self.page_text.bind(txt=fit, font_size=fit)
        self.cards = EmergencyCards()
        self.frame.body.add_widget(self.cards)
        self.list = RowList()
        self.frame.body.add_widget(self.list)

    def _fit_page_text(self, *args) -> None:
        # Measured against the top zone's share of the screen, not its current height: shown, the text would
        # otherwise hold the zone open for itself and push the cards down.
        frame, hero, label = self.frame, self.frame.hero, self.page_text
        zone = frame.top_zone
        share = frame.height * (zone.size_hint_y or 1)
        fixed = [w for w in zone.children if w is not hero]
        used = zone.padding[1] + zone.padding[3] + sum(w.height for w in fixed) + zone.spacing * len(fixed)
        used += sum(w.height for w in hero.children if w is not label and w.size_hint_y is None)
        used += hero.spacing * (len(hero.children) - 1)
        needed = wrapped_height(label.txt, label.font_size, False, hero.width) + label.padding[1] + label.padding[3]
        shown = bool(label.txt) and needed <= share - used
        label.opacity = 1 if shown else 0
        label.height = needed if shown else 0

    def _show_terminal(self) -> None:
        here = self.app.terminal_here()
        self.here_intro.opacity = 1 if here else 0
        self.here_name.txt = here.name if here else ""
        self.here_address.txt = here.address if here else ""

    def fill(self, content, now, lang) -> None:
        self._show_terminal()
        page_id = self.params.get("item") or HELP_PAGE
        page = content.page(page_id, now, lang)
        if page is None:
            self.set_title(tr._("Help & safety"))
            self.page_text.txt = ""
            self.cards.show([(tr._("Emergency"), "112", "")])
            self.list.show([])
            return
        self.set_title(page.title)
        self.page_text.txt = page.body
        self.cards.show([(c.name, c.phone or "", c.note) for c in help_points.emergency_contacts(page)])
        rows = []
        if page_id == HELP_PAGE:
            rows += [self._nearest_row(found, content, now, lang)
                     for found in help_points.nearest(content, now, lang, self._walker())]
        rows += [self._contact_row(c, content, now, lang) for c in help_points.other_contacts(page, content, now, lang)]
        self.list.show(rows)

    def _walker(self):
        walks = self.app.walks
        return walks.walk if walks else None

    def _nearest_row(self, found, content, now, lang) -> dict:
        place = found.place
        parts = [place.name, formatting.opening_text(place.open, place.next_change, now, lang, content.timezone)]
        if found.metres is not None and found.seconds is not None:
            parts.append(formatting.walk_text(found.metres, found.seconds, lang))
        # Touching it shows the way there at once: the route screen with its QR code.
        return row(tr._("Nearest: {kind}").format(kind=kind_label(found.kind)), " · ".join(p for p in parts if p),
                   target="route", item_id=place.id, side=tr._("Show the way"))

    def _contact_row(self, contact, content, now, lang) -> dict:
        title = f"{contact.phone} · {contact.name}" if contact.phone else contact.name
        parts = [contact.note]
        side = ""
        if contact.place_id:
            place = content.place(contact.place_id, now, lang)
            walks = self.app.walks
            walk = walks.walk(place.lat, place.lon) if (walks and place) else None
            if walk:
                side = formatting.distance_text(walk[0], lang)
        badge, badge_bg = "", "open"
        if contact.open is False:
            badge, badge_bg = tr._("Closed"), "closed"
        elif contact.open is True and not contact.always_open:
            badge = tr._("Open")
        return row(title, " · ".join(p for p in parts if p), target="place" if contact.place_id else "",
                   item_id=contact.place_id or "", badge=badge, badge_bg=badge_bg, side=side)
