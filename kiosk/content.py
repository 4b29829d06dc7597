"""The read model over the local store: what a terminal shows, for any instant it is asked about.

Plain Python, no Kivy. Every query takes the instant (`at`, timezone-aware) and the visitor's
language; nothing here reads the clock.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from kiosk import hours
from kiosk.i18n import localized, sign_name, with_sign_name
from kiosk.occurrences import Occurrence, day_bounds
from kiosk.occurrences import occurrences_between as _occurrences_between
from kiosk.place_words import search_words
from kiosk.search import Document, SearchIndex
from sync import store

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 200  # longer than any name; a pasted novel must not cost seconds of fuzzy matching


def occurrences_between(event: dict, tz: ZoneInfo, start: datetime, end: datetime) -> list[Occurrence]:
    """The event's occurrences, or none when a store written by older software holds a rule it cannot read."""
    try:
        return _occurrences_between(event, tz, start, end)
    except (ValueError, OverflowError) as exc:
        log.warning("Event %r is left out: %s", event.get("id"), exc)
        return []


FEATURED_LABEL = "qualitaetsroute"
UPCOMING_DAYS = 7
_UNKNOWN = hours.HoursState("unknown", None, None)


@dataclass(frozen=True)
class EventView:
    id: str
    title: str
    start: datetime | date
    end: datetime | date
    all_day: bool
    now: bool
    summary: str
    category: str | None
    place_id: str | None
    location_name: str
    lat: float | None
    lon: float | None
    related_place_ids: tuple[str, ...]
    url: str | None
    free: bool | None
    image: dict | None
    occurrence: Occurrence

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "all_day": self.all_day,
            "now": self.now,
            "summary": self.summary,
            "category": self.category,
            "place_id": self.place_id,
            "location": self.location_name or None,
            "related_place_ids": list(self.related_place_ids),
            "url": self.url,
            "free": self.free,
        }


@dataclass(frozen=True)
class TodaysEvents:
    running: list[EventView]
    later: list[EventView]
    # When nothing is left today: the next days' events, which the screen labels as such.
    upcoming: list[EventView] = field(default_factory=list)


@dataclass(frozen=True)
class PlaceView:
    id: str
    name: str
    kind: str
    category: str | None
    description: str
    address: str | None
    lat: float
    lon: float
    opening_hours: str | None
    open: bool | None  # None: unknown (no hours, or hours that say unknown)
    next_change: datetime | None
    owner_run: bool
    labels: tuple[str, ...]
    wheelchair: str | None
    website: str | None
    phone: str | None
    image: dict | None
    in_campaign: bool
    # The name on the sign (default locale) when the visitor reads a translation without it, else "".
    sign_name: str = ""

    @property
    def featured(self) -> bool:
        return self.owner_run or FEATURED_LABEL in self.labels

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "category": self.category,
            "open": self.open,
            "next_change": self.next_change.isoformat() if self.next_change else None,
            "opening_hours": self.opening_hours,
            "owner_run": self.owner_run,
            "labels": list(self.labels),
            "address": self.address,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass(frozen=True)
class TerminalView:
    """Where this terminal stands, for a caller to 112: its name (with the sign's) and address."""

    id: str
    name: str
    address: str


@dataclass(frozen=True)
class CampaignView:
    id: str
    title: str
    text: str
    place_ids: tuple[str, ...]
    image: dict | None
    weight: int


@dataclass(frozen=True)
class NoticeView:
    id: str
    level: str
    text: str
    until: datetime | None


@dataclass(frozen=True)
class ContactView:
    name: str
    phone: str | None
    place_id: str | None
    hours: str | None
    note: str
    open: bool | None
    # Open around the clock (24/7): an "Open" badge would say nothing.
    always_open: bool = False


@dataclass(frozen=True)
class PageView:
    id: str
    title: str
    body: str
    contacts: list[ContactView]


@dataclass(frozen=True)
class SearchResult:
    id: str
    type: str
    title: str
    score: float

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title, "score": round(self.score, 3)}


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


class Content:
    """Everything a terminal shows, read from one snapshot of the local store."""

    def __init__(self, conn: sqlite3.Connection, data_dir: Path | None = None):
        self._conn = conn
        self.data_dir = Path(data_dir) if data_dir else None
        self.meta = store.read_meta(conn)
        city = self.meta["city"]
        self.city_name: Any = city["name"]
        self.timezone = ZoneInfo(city["timezone"])
        self.country: str = city["country"]
        self.subdivision: str | None = city.get("subdivision")
        self.default_locale: str = city["default_locale"]
        self.locales: list[str] = city["locales"]
        self.share: dict | None = self.meta.get("share")
        self.sequence: int = int(self.meta["sequence"])
        self.generated_at = parse_instant(self.meta["generated_at"])
        self._day_cache: dict[date, list[tuple[dict, Occurrence]]] = {}
        # Opening states by hours value: (instant computed at, state); a state holds until its next change.
        self._hours_cache: dict[str, tuple[datetime, hours.HoursState]] = {}
        # A place's view per language, kept while its opening state (the same object) and campaign flag hold.
        self._view_cache: dict[tuple[str, str], tuple[hours.HoursState | None, bool, PlaceView]] = {}
        # The order of a list does not depend on the opening states: (lang, kinds, category, campaigns) -> places.
        self._order_cache: dict[tuple, list[dict]] = {}

    @classmethod
    def open(cls, data_dir: Path) -> "Content":
        return cls(store.open_reader(data_dir), data_dir)

    def close(self) -> None:
        self._conn.close()

    # -- raw rows -------------------------------------------------------------------------

    def _items(self, table: str, order: str = "rowid") -> list[dict]:
        return [json.loads(row[0]) for row in self._conn.execute(f"SELECT data FROM {table} ORDER BY {order}")]

    @cached_property
    def _places(self) -> dict[str, dict]:
        return {p["id"]: p for p in self._items("places")}

    @cached_property
    def _events(self) -> dict[str, dict]:
        return {e["id"]: e for e in self._items("events")}

    @cached_property
    def _kiosks(self) -> dict[str, dict]:
        return {k["id"]: k for k in self._items("kiosks")}

    @cached_property
    def _campaigns(self) -> list[dict]:
        return self._items("campaigns")

    @cached_property
    def _notices(self) -> list[dict]:
        return self._items("notices")

    @cached_property
    def _pages(self) -> dict[str, dict]:
        return {p["id"]: p for p in self._items("pages")}

    def map_features(self) -> list[dict]:
        return self._items("map_features", "id")

    def place_items(self) -> list[dict]:
        """Every place as the feed gave it."""
        return list(self._places.values())

    def entrances(self) -> dict[tuple[float, float], tuple[float, float]]:
        """The mapped entrance of every place that has one, by the place's (lat, lon): routes end there."""
        doors = {}
        for place in self._places.values():
            door = place.get("entrance")
            if isinstance(door, dict) and all(isinstance(door.get(k), (int, float)) for k in ("lat", "lon")):
                doors[(place["lat"], place["lon"])] = (door["lat"], door["lon"])
        return doors

    def levels(self) -> dict[tuple[float, float], float]:
        """The level of every place and kiosk off the street level, by (lat, lon): routes attach there."""
        return {(item["lat"], item["lon"]): float(item["level"])
                for item in [*self._places.values(), *self._kiosks.values()]
                if isinstance(item.get("level"), (int, float)) and item["level"] != 0}

    def text(self, value: Any, lang: str) -> str:
        return localized(value, lang, self.default_locale)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.timezone)

    def kiosk(self, kiosk_id: str) -> dict | None:
        return self._kiosks.get(kiosk_id)

    def transit_stops(self) -> list[dict]:
        """The stops of the feed's optional transit section, as the feed gave them (none in older feeds)."""
        return store.transit_items(self._conn, "transit_stops")

    def transit_routes(self) -> dict[str, dict]:
        return {r["id"]: r for r in store.transit_items(self._conn, "transit_routes")}

    def timetable_departures(self, stop_id: str, after: datetime, limit: int, before: datetime | None = None) -> list[dict]:
        """The stop's timetable departures at or after `after` (and before `before`), earliest first, as the feed gave them."""
        return store.departures_after(self._conn, stop_id, int(after.timestamp()), limit,
                                      int(before.timestamp()) if before is not None else None)

    def kiosks(self) -> list[dict]:
        return list(self._kiosks.values())

    def terminal(self, kiosk_id: str, lang: str) -> TerminalView | None:
        """This terminal's name in the visitor's language with the name on the sign, and its address."""
        kiosk = self._kiosks.get(kiosk_id)
        if kiosk is None:
            return None
        return TerminalView(kiosk["id"], with_sign_name(kiosk["name"], lang, self.default_locale),
                            self.text(kiosk.get("address"), lang))

    def image_file(self, image: dict | None) -> Path | None:
        """The cached file of an image, only when it is there (its bytes were checked on the way in)."""
        if not image or self.data_dir is None:
            return None
        path = store.image_path(self.data_dir, image["sha256"])
        return path if path.exists() else None

    # -- events ---------------------------------------------------------------------------

    def _occurrences_on(self, day: date) -> list[tuple[dict, Occurrence]]:
        cached = self._day_cache.get(day)
        if cached is None:
            start, end = day_bounds(day, self.timezone)
            cached = []
            for event in self._events.values():
                for occ in occurrences_between(event, self.timezone, start, end):
                    cached.append((event, occ))
            cached.sort(key=lambda pair: (pair[1].start, pair[0]["id"]))
            if len(self._day_cache) > 14:
                self._day_cache.clear()
            self._day_cache[day] = cached
        return cached

    def _event_view(self, event: dict, occ: Occurrence, at: datetime, lang: str) -> EventView:
        location = event.get("location") or {}
        place = self._places.get(event.get("place_id") or "")
        if place:
            location_name, lat, lon = self.text(place["name"], lang), place["lat"], place["lon"]
        else:
            location_name = self.text(location.get("name"), lang)
            lat, lon = location.get("lat"), location.get("lon")
        if occ.all_day:
            start, end = occ.first_day, occ.last_day
        else:
            start, end = occ.start, occ.end
        return EventView(
            id=event["id"],
            title=self.text(event["title"], lang),
            start=start,
            end=end,
            all_day=occ.all_day,
            now=occ.start <= at < occ.end,
            summary=self.text(event.get("summary"), lang),
            category=event.get("category"),
            place_id=event.get("place_id"),
            location_name=location_name,
            lat=lat,
            lon=lon,
            related_place_ids=tuple(event.get("related_place_ids", ())),
            url=event.get("url"),
            free=event.get("free"),
            image=event.get("image"),
            occurrence=occ,
        )

    def events_on(self, day: date, at: datetime, lang: str) -> list[EventView]:
        """Every occurrence on a local day that has not ended at `at`."""
        return [
            self._event_view(event, occ, at, lang)
            for event, occ in self._occurrences_on(day)
            if occ.end > at or occ.start == occ.end >= at
        ]

    def todays_events(self, at: datetime, lang: str) -> TodaysEvents:
        """Running now first, then later today; when today is empty, the next days."""
        today = self.local(at).date()
        views = self.events_on(today, at, lang)
        running = [v for v in views if v.now]
        later = [v for v in views if not v.now]
        upcoming = [] if views else self.upcoming_events(at, lang)
        return TodaysEvents(running, later, upcoming)

    def upcoming_events(self, at: datetime, lang: str, limit: int = 5) -> list[EventView]:
        """Events of the next days (from tomorrow), day by day until `limit` or UPCOMING_DAYS are reached."""
        today = self.local(at).date()
        upcoming: list[EventView] = []
        for offset in range(1, UPCOMING_DAYS + 1):
            upcoming += self.events_on(today + timedelta(days=offset), at, lang)
            if len(upcoming) >= limit:
                break
        return upcoming

    def event(self, event_id: str, at: datetime, lang: str) -> EventView | None:
        """An event's current or next occurrence within a year, else its latest one, else its first."""
        event = self._events.get(event_id)
        if event is None:
            return None
        year = timedelta(days=366)
        first = self._first_start(event)
        occs = occurrences_between(event, self.timezone, at, at + year)
        if not occs:
            # Searching back from the event's own start keeps the window finite (and within datetime's range).
            occs = occurrences_between(event, self.timezone, max(first, at - year), at)[-1:] or \
                occurrences_between(event, self.timezone, first, at)[-1:]
        if not occs:
            occs = occurrences_between(event, self.timezone, first, first + timedelta(days=1))[:1]
        if not occs:
            return None
        return self._event_view(event, occs[0], at, lang)

    def _first_start(self, event: dict) -> datetime:
        start = event["start"]
        if len(start) == 10:  # an all-day event's date
            return datetime.combine(date.fromisoformat(start), datetime.min.time(), self.timezone)
        return parse_instant(start)

    def events_at_place(self, place_id: str, at: datetime, lang: str, days: int = 14) -> list[EventView]:
        """Upcoming events held at a place or with it taking part."""
        found = []
        for event in self._events.values():
            if event.get("place_id") != place_id and place_id not in event.get("related_place_ids", ()):
                continue
            occs = occurrences_between(event, self.timezone, at, at + timedelta(days=days))
            if occs:
                found.append(self._event_view(event, occs[0], at, lang))
        return sorted(found, key=lambda v: (v.occurrence.start, v.id))

    # -- places ---------------------------------------------------------------------------

    def opening_state(self, value: str | None, at: datetime) -> hours.HoursState:
        """The state of an opening_hours value at `at`, reused from an earlier instant while it still holds.

        A state computed at t0 with its next change at t1 is the answer for every instant in [t0, t1),
        next change included; a state that never changes (within the horizon) only for t0 itself."""
        if not value:
            return _UNKNOWN
        cached = self._hours_cache.get(value)
        if cached is not None:
            since, state = cached
            if since == at or (state.next_change is not None and since <= at < state.next_change):
                return state
        try:
            state = hours.state_at(
                value, at, timezone=self.timezone.key, country=self.country, subdivision=self.subdivision
            )
        except hours.OpeningHoursError:
            state = _UNKNOWN
        self._hours_cache[value] = (at, state)
        return state

    def hours_on(self, value: str | None, day: date) -> list[tuple[datetime, datetime, str]]:
        if not value:
            return []
        try:
            return hours.intervals_on(
                value, day, timezone=self.timezone.key, country=self.country, subdivision=self.subdivision
            )
        except hours.OpeningHoursError:
            return []

    def _campaign_place_ids(self, at: datetime) -> set[str]:
        return {pid for c in self.active_campaigns(at, "en") for pid in c.place_ids}

    def _place_view(self, place: dict, at: datetime | None, lang: str, campaign_ids: set[str]) -> PlaceView:
        state = self.opening_state(place.get("opening_hours"), at) if at else None
        in_campaign = place["id"] in campaign_ids
        key = (place["id"], lang)
        cached = self._view_cache.get(key)
        if cached is not None and cached[0] is state and cached[1] == in_campaign:
            return cached[2]
        is_open = None if state is None or state.state == "unknown" else state.state == "open"
        view = PlaceView(
            id=place["id"],
            name=self.text(place["name"], lang),
            kind=place["kind"],
            category=place.get("category"),
            description=self.text(place.get("description"), lang),
            address=place.get("address"),
            lat=place["lat"],
            lon=place["lon"],
            opening_hours=place.get("opening_hours"),
            open=is_open,
            next_change=state.next_change if state else None,
            owner_run=bool(place.get("owner_run")),
            labels=tuple(place.get("labels", ())),
            wheelchair=place.get("wheelchair"),
            website=place.get("website"),
            phone=place.get("phone"),
            image=place.get("image"),
            in_campaign=in_campaign,
            sign_name=sign_name(place["name"], lang, self.default_locale),
        )
        self._view_cache[key] = (state, in_campaign, view)
        return view

    def place(self, place_id: str, at: datetime | None, lang: str) -> PlaceView | None:
        place = self._places.get(place_id)
        if place is None:
            return None
        ids = self._campaign_place_ids(at) if at else set()
        return self._place_view(place, at, lang, ids)

    def places(
        self,
        at: datetime | None,
        lang: str,
        *,
        kinds: Iterable[str] | None = None,
        category: str | None = None,
        label: str | None = None,
        open_only: bool = False,
    ) -> list[PlaceView]:
        """Places of some kinds (with a category, with a label such as `qualitaetsroute`): active campaigns
        first, then owner-run shops, then by name."""
        kinds = frozenset(kinds) if kinds else None
        ids = self._campaign_place_ids(at) if at else set()
        key = (lang, kinds, category, label, frozenset(ids))
        ordered = self._order_cache.get(key)
        if ordered is None:
            views = [
                self._place_view(p, at, lang, ids)
                for p in self._places.values()
                if (kinds is None or p["kind"] in kinds) and (category is None or p.get("category") == category)
                and (label is None or label in p.get("labels", ()))
            ]
            views.sort(key=lambda v: (not v.in_campaign, not v.featured, v.name.casefold()))
            ordered = [self._places[v.id] for v in views]
            if len(self._order_cache) > 64:
                self._order_cache.clear()
            self._order_cache[key] = ordered
        views = [self._place_view(p, at, lang, ids) for p in ordered]
        if open_only:
            views = [v for v in views if v.open]
        return views

    def kinds(self) -> set[str]:
        """The kinds of place this content has (a search suggestion for a kind must find something)."""
        return {p["kind"] for p in self._places.values()}

    def categories(self, kinds: Iterable[str]) -> list[str]:
        kinds = set(kinds)
        return sorted({p["category"] for p in self._places.values() if p["kind"] in kinds and p.get("category")})

    def featured_shops(self, at: datetime, lang: str) -> list[PlaceView]:
        """Active campaigns' shops first, then owner-run shops and those of the Qualitätsroute."""
        ids = self._campaign_place_ids(at)
        views = [
            self._place_view(p, at, lang, ids)
            for p in self._places.values()
            if p["id"] in ids or p.get("owner_run") or FEATURED_LABEL in p.get("labels", ())
        ]
        return sorted(views, key=lambda v: (not v.in_campaign, v.open is not True, v.name.casefold()))

    # -- campaigns, notices, pages --------------------------------------------------------

    def _active(self, item: dict, at: datetime) -> bool:
        start, until = item.get("from"), item.get("until")
        return (start is None or parse_instant(start) <= at) and (until is None or at < parse_instant(until))

    def active_campaigns(self, at: datetime, lang: str) -> list[CampaignView]:
        return [
            CampaignView(
                id=c["id"],
                title=self.text(c["title"], lang),
                text=self.text(c.get("text"), lang),
                place_ids=tuple(c["place_ids"]),
                image=c.get("image"),
                weight=int(c.get("weight", 1)),
            )
            for c in self._campaigns
            if self._active(c, at)
        ]

    def notices(self, at: datetime, lang: str, kiosk_id: str | None) -> list[NoticeView]:
        """Active notices for this terminal, emergencies first."""
        order = {"emergency": 0, "warning": 1, "info": 2}
        found = [
            NoticeView(n["id"], n["level"], self.text(n["text"], lang), parse_instant(n["until"]) if n.get("until") else None)
            for n in self._notices
            if self._active(n, at) and (not n.get("kiosk_ids") or kiosk_id in n["kiosk_ids"])
        ]
        return sorted(found, key=lambda n: (order.get(n.level, 3), n.id))

    def emergency(self, at: datetime, lang: str, kiosk_id: str | None) -> NoticeView | None:
        return next((n for n in self.notices(at, lang, kiosk_id) if n.level == "emergency"), None)

    def page(self, page_id: str, at: datetime | None, lang: str) -> PageView | None:
        page = self._pages.get(page_id)
        if page is None:
            return None
        contacts = []
        for c in page.get("contacts", []):
            state = self.opening_state(c.get("hours"), at) if at and c.get("hours") else None
            contacts.append(
                ContactView(
                    name=self.text(c["name"], lang),
                    phone=c.get("phone"),
                    place_id=c.get("place_id"),
                    hours=c.get("hours"),
                    note=self.text(c.get("note"), lang),
                    open=None if state is None or state.state == "unknown" else state.state == "open",
                    always_open=state is not None and state.state == "open" and state.next_change is None,
                )
            )
        return PageView(page["id"], self.text(page["title"], lang), self.text(page["body"], lang), contacts)

    # -- search ---------------------------------------------------------------------------

    @cached_property
    def _search_index(self) -> SearchIndex:
        titles: dict[tuple[str, str], list[str]] = {}
        texts: dict[tuple[str, str], list[str]] = {}
        for doc_type, doc_id, title, body in self._conn.execute(
            "SELECT type, id, title, body FROM search_documents ORDER BY type, id, lang"
        ):
            titles.setdefault((doc_type, doc_id), []).append(title)
            if body:
                texts.setdefault((doc_type, doc_id), []).append(body)
        docs = []
        for key, names in titles.items():
            boost = 0.0
            words: list[str] = []
            if key[0] == "place":
                place = self._places.get(key[1], {})
                boost = 0.2 if place.get("owner_run") or FEATURED_LABEL in place.get("labels", ()) else 0.0
                # Landmarks and stations are what most visitors look for by name.
                boost = 0.5 if place.get("kind") in ("landmark", "transit") else boost
                words = search_words(place.get("kind", ""), place.get("category"))
            docs.append(Document(key[0], key[1], tuple(dict.fromkeys(names)), (*texts.get(key, ()), *words), boost))
        return SearchIndex(docs)

    def title_of(self, doc_type: str, doc_id: str, lang: str) -> str:
        source = {"place": self._places, "event": self._events, "page": self._pages}[doc_type].get(doc_id, {})
        return self.text(source.get("name") or source.get("title"), lang)

    def prepare_search(self) -> None:
        """Build the search index now (the terminal's warm-up does), so the first keystroke does not."""
        self._search_index  # noqa: B018 - a cached property: reading it builds it

    def search(self, query: str, lang: str, limit: int = 20) -> list[SearchResult]:
        query = query[:MAX_QUERY_CHARS]
        return [
            SearchResult(hit.id, hit.type, self.title_of(hit.type, hit.id, lang), hit.score)
            for hit in self._search_index.search(query, limit=limit)
        ]

    # -- freshness ------------------------------------------------------------------------

    def clock_is_plausible(self, at: datetime) -> bool:
        """A terminal without a real-time clock may boot in 1970: such a clock cannot date 'today'."""
        return at >= self.generated_at

    def stale(self, at: datetime) -> bool:
        until = self.meta.get("valid_until")
        return bool(until) and at >= parse_instant(until)
