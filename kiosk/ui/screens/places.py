"""Shops and places: lists with filters, open-now badges and today's hours; campaigns and owner-run
shops first (kiosk.content orders them); a RecycleView keeps long lists smooth."""
from __future__ import annotations

import weakref

from kivy.uix.widget import Widget

from kiosk import formatting
from kiosk.content import FEATURED_LABEL
from kiosk.ui.labels import category_label, kind_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.rows import RowList, row
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KButton, KLabel

ALL = ""
OPEN_NOW = "open-now"
QUALITY_ROUTE = FEATURED_LABEL
QUALITY_ROUTE_NAME = N_("Qualitätsroute")  # the city's label for its independent shops, a name


def place_row(place, content, now, lang, walks) -> dict:
    tz = content.timezone
    # The state in words ("Open until 20:00") leads the second line: a badge beside it would say it twice.
    parts = [formatting.opening_text(place.open, place.next_change, now, lang, tz)]
    if place.sign_name:
        parts.insert(0, place.sign_name)
    parts.append(category_label(place.category) or kind_label(place.kind))
    if QUALITY_ROUTE in place.labels:  # the list holds members and others: each member says it is one
        parts.append(tr._(QUALITY_ROUTE_NAME))
    if place.owner_run:
        parts.append(tr._("Owner-run"))
    walk = walks.walk(place.lat, place.lon) if walks else None
    side = formatting.distance_text(walk[0], lang) if walk else ""
    badge, badge_bg = "", "open"
    if place.open is False:
        badge, badge_bg = tr._("Closed"), "closed"
    return row(place.name, " · ".join(p for p in parts if p), target="place", item_id=place.id,
               badge=badge, badge_bg=badge_bg, highlight=place.in_campaign, side=side)


class PlacesScreen(KioskScreen):
    kinds: tuple[str, ...] = ()

    def build(self) -> None:
        app = self.app
        self.filter_key = ALL
        self.open_only = False
        self.summary = KLabel(size_role="heading", tone="muted")
        self.frame.hero.add_widget(self.summary)
        # One more line about the list (build_hero), then the campaign its highlighted rows belong to (its
        # title only: the top zone keeps its third of the screen).
        self.build_hero()
        self.campaign_title = KLabel(size_role="heading", bold=True, tone="accent")
        self.frame.hero.add_widget(self.campaign_title)
        self.frame.hero.add_widget(Widget())  # the hero's lines from the top down, no gap above them
        self.chips_scroll = KScrollView(do_scroll_y=False, size_hint_y=None, height=app.touch_px,
                                       bar_width=0, effect_cls="ScrollEffect")
        self.chips = MirrorBox(size_hint_x=None, spacing=12)
        self.chips.bind(minimum_width=self.chips.setter("width"))
        self.chips_scroll.add_widget(self.chips)
        self.frame.body.add_widget(self.chips_scroll)
        self.list = RowList()
        self.frame.body.add_widget(self.list)

    def build_hero(self) -> None:
        """More calm lines in the top zone, under the summary."""

    def fill_hero(self, content, now, lang) -> None:
        pass

    def filter_options(self, content) -> list[tuple[str, str]]:
        return []

    def query(self, content, now, lang):
        return content.places(now, lang, kinds=self.kinds, open_only=self.open_only)

    def reset(self) -> None:
        super().reset()
        self.filter_key = ALL
        self.open_only = False

    def choose(self, key: str) -> None:
        if key == OPEN_NOW:
            self.open_only = not self.open_only
        else:
            self.filter_key = key
        self.refresh()

    def _chips(self, content) -> None:
        options = [(ALL, tr._("All")), (OPEN_NOW, tr._("Open now"))] + self.filter_options(content)
        # The chips stay when nothing they show changed (the usual visit): building them is most of a fill.
        key = (tuple(options), self.filter_key, self.open_only, self.app.rtl, self.app.sizes["body"])
        if key == getattr(self, "_chips_key", None):
            self.chips_scroll.scroll_x = 1 if self.app.rtl else 0
            return
        self._chips_key = key
        self.chips.clear_widgets()
        self.chips._mirrored = False
        for key, label in options:
            on = self.open_only if key == OPEN_NOW else key == self.filter_key
            chip = KButton(txt=label, size_role="body", wrap=False, auto_height=False, size_hint_x=None,
                           bg="accent" if on else "surface", tone="on_accent" if on else "text",
                           on_release=lambda b, k=key: self.choose(k))
            chip.width = chip._measure(label) + 64
            self.chips.add_logical(chip)
        self.chips.apply_direction()
        self.chips_scroll.scroll_x = 1 if self.app.rtl else 0

    def _rows(self, places, content, now, lang, walks) -> list[dict]:
        """Rows for these places; a row is reused while its view (the same object) and context are unchanged."""
        # place_row depends on the view, the language, the local day (opening_text), the snapshot and its walks;
        # weak references, so an old snapshot is not kept alive by a screen the visitor does not open again.
        context = (weakref.ref(content), weakref.ref(walks) if walks is not None else None, lang,
                   formatting.local_day(now, content.timezone))
        memo = getattr(self, "_row_memo", None)
        if memo is None or memo[0] != context:
            memo = self._row_memo = (context, {})
        known = memo[1]
        rows = []
        for place in places:
            hit = known.get(place.id)
            if hit is None or hit[0] is not place:
                hit = known[place.id] = (place, place_row(place, content, now, lang, walks))
            rows.append(hit[1])
        return rows

    def fill(self, content, now, lang) -> None:
        self._chips(content)
        places = self.query(content, now, lang)
        walks = self.app.walks
        open_count = sum(1 for p in places if p.open)
        self.summary.txt = tr._("{count} places, {open} open now").format(
            count=formatting.number_text(len(places), lang), open=formatting.number_text(open_count, lang))
        rows = self._rows(places, content, now, lang, walks)
        if not rows:
            self.summary.txt = tr._("Nothing matches this filter.")
        self.fill_hero(content, now, lang)
        ids = {p.id for p in places}
        campaigns = [c for c in content.active_campaigns(now, lang) if ids.intersection(c.place_ids)]
        self.campaign_title.txt = campaigns[0].title if campaigns else ""
        self.list.show(rows)


class ShopsScreen(PlacesScreen):
    # Shops and places to eat, members of the Qualitätsroute or not: the title says what the list holds,
    # and the "Qualitätsroute" filter shows the members alone.
    title_msgid = N_("Shops & food")
    kinds = ("shop", "food")

    def build_hero(self) -> None:
        self.members = KLabel(size_role="heading", tone="muted")  # how many of the list are members
        self.frame.hero.add_widget(self.members)

    def fill_hero(self, content, now, lang) -> None:
        members = content.places(now, lang, kinds=self.kinds, label=QUALITY_ROUTE)
        self.members.txt = tr._("{count} of them on the Qualitätsroute").format(
            count=formatting.number_text(len(members), lang)) if members and self.filter_key == ALL else ""

    def filter_options(self, content):
        options = [(f"label:{QUALITY_ROUTE}", tr._(QUALITY_ROUTE_NAME)), ("kind:food", tr._("Food & drink"))]
        options += [(f"category:{c}", category_label(c)) for c in content.categories(["shop"])]
        return options

    def query(self, content, now, lang):
        kinds, category, label = self.kinds, None, None
        if self.filter_key == "kind:food":
            kinds = ("food",)
        elif self.filter_key.startswith("category:"):
            kinds, category = ("shop",), self.filter_key.split(":", 1)[1]
        elif self.filter_key.startswith("label:"):
            label = self.filter_key.split(":", 1)[1]
        return content.places(now, lang, kinds=kinds, category=category, label=label, open_only=self.open_only)


class DiscoverScreen(PlacesScreen):
    title_msgid = N_("Discover")
    kinds = ("culture", "art", "popup", "landmark", "market")

    def build_hero(self) -> None:
        self.kind_counts = KLabel(size_role="heading", tone="muted")  # "Sights: 5 · Culture: 4 · …"
        self.frame.hero.add_widget(self.kind_counts)

    def fill_hero(self, content, now, lang) -> None:
        counts = [(kind_label(k), len(content.places(now, lang, kinds=(k,)))) for k in self.kinds]
        self.kind_counts.txt = " · ".join(
            tr._("{kind}: {count}").format(kind=name, count=formatting.number_text(n, lang)) for name, n in counts if n
        ) if self.filter_key == ALL else ""

    def filter_options(self, content):
        return [(f"kind:{k}", kind_label(k)) for k in self.kinds]

    def query(self, content, now, lang):
        kinds = (self.filter_key.split(":", 1)[1],) if self.filter_key.startswith("kind:") else self.kinds
        return content.places(now, lang, kinds=kinds, open_only=self.open_only)

