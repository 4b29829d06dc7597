"""The desk's models <-> feed v1 objects: import a feed's content, and give sync/build its base input."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone as dj_timezone

from desk.content.models import Campaign, Event, HelpContact, Kiosk, Notice, Page, PlaceOverlay, SourceContent

EVENT_FIELDS = {"id", "title", "summary", "category", "start", "end", "rrule", "exdates", "place_id", "url", "free"}
OVERLAY_FIELDS = ("owner_run", "labels", "description", "opening_hours")


def sources() -> SourceContent:
    return SourceContent.objects.first() or SourceContent(city={"default_locale": "de", "locales": ["de", "en"],
                                                                "timezone": "Europe/Berlin"})


def city_locales() -> list[str]:
    """The city's locales, default first: the inputs every text field gets."""
    city = sources().city
    default = city.get("default_locale", "de")
    return [default] + [code for code in city.get("locales", []) if code != default]


def city_zone() -> ZoneInfo:
    return ZoneInfo(sources().city.get("timezone", "Europe/Berlin"))


def text(value: object, default_locale: str) -> dict:
    """A feed text (a string or {locale: text}) as the desk keeps it."""
    if isinstance(value, str):
        return {default_locale: value}
    return dict(value or {})


def parse_moment(value: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    """A feed date-time or date -> (aware datetime, all_day)."""
    if "T" not in value:
        return datetime.combine(date.fromisoformat(value), time(), zone), True
    return datetime.fromisoformat(value), False


def feed_moment(value: datetime, zone: ZoneInfo, all_day: bool = False) -> str:
    local = dj_timezone.localtime(value, zone)
    return local.date().isoformat() if all_day else local.isoformat(timespec="seconds")


@transaction.atomic
def import_feed(feed: dict, origin: str) -> dict[str, int]:
    """Replace the desk's content with the feed's; returns how many of each kind were imported."""
    city = feed["city"]
    zone, default = ZoneInfo(city["timezone"]), city["default_locale"]
    for model in (SourceContent, Notice, Kiosk, Event, Campaign, Page, PlaceOverlay):
        model.objects.all().delete()
    places = [dict(place) for place in feed.get("places", [])]
    for place in places:
        if place.get("owner_run") or place.get("labels"):
            PlaceOverlay.objects.create(
                place_id=place["id"], owner_run=bool(place.get("owner_run")),
                labels=", ".join(place.get("labels", [])), description=text(place.get("description"), default),
                opening_hours=place.get("opening_hours", ""))
    SourceContent.objects.create(city=city, map=feed.get("map", {}), places=places, share=feed.get("share", {}),
                                 origin=origin, imported_at=dj_timezone.now())
    kiosks = {}
    for item in feed.get("kiosks", []):
        kiosks[item["id"]] = Kiosk.objects.create(
            feed_id=item["id"], name=text(item["name"], default), lat=item["lat"], lon=item["lon"],
            heading=item.get("heading", 0), extra=_rest(item, {"id", "name", "lat", "lon", "heading"}))
    for item in feed.get("events", []):
        start, all_day = parse_moment(item["start"], zone)
        Event.objects.create(
            feed_id=item["id"], title=text(item["title"], default), summary=text(item.get("summary"), default),
            category=item.get("category", ""), all_day=all_day, start=start,
            end=parse_moment(item["end"], zone)[0] if item.get("end") else None, rrule=item.get("rrule", ""),
            exdates=list(item.get("exdates", [])), place_id=item.get("place_id", ""), url=item.get("url", ""),
            free=item.get("free"), extra=_rest(item, EVENT_FIELDS))
    for item in feed.get("notices", []):
        notice = Notice.objects.create(
            feed_id=item["id"], level=item["level"], text=text(item["text"], default),
            valid_from=datetime.fromisoformat(item["from"]) if item.get("from") else None,
            valid_until=datetime.fromisoformat(item["until"]) if item.get("until") else None,
            extra=_rest(item, {"id", "level", "text", "from", "until", "kiosk_ids"}))
        notice.kiosks.set([kiosks[k] for k in item.get("kiosk_ids", []) if k in kiosks])
    for item in feed.get("campaigns", []):
        Campaign.objects.create(
            feed_id=item["id"], title=text(item["title"], default), text=text(item.get("text"), default),
            place_ids=list(item["place_ids"]), valid_from=datetime.fromisoformat(item["from"]),
            valid_until=datetime.fromisoformat(item["until"]), weight=item.get("weight"),
            extra=_rest(item, {"id", "title", "text", "place_ids", "from", "until", "weight"}))
    for item in feed.get("pages", []):
        page = Page.objects.create(feed_id=item["id"], title=text(item["title"], default),
                                   body=text(item["body"], default), extra=_rest(item, {"id", "title", "body", "contacts"}))
        for position, contact in enumerate(item.get("contacts", [])):
            HelpContact.objects.create(page=page, position=position, name=text(contact["name"], default),
                                       phone=contact.get("phone", ""), place_id=contact.get("place_id", ""),
                                       hours=contact.get("hours", ""), note=text(contact.get("note"), default))
    return {"places": len(places), "kiosks": len(kiosks), "events": Event.objects.count(),
            "notices": Notice.objects.count(), "campaigns": Campaign.objects.count(), "pages": Page.objects.count(),
            "Qualitätsroute entries": PlaceOverlay.objects.count()}


def _rest(item: dict, handled: set[str]) -> dict:
    return {key: value for key, value in item.items() if key not in handled}


def event_object(event: Event, zone: ZoneInfo) -> dict:
    """One event as the feed carries it."""
    item = {**event.extra, "id": event.feed_id, "title": event.title,
            "start": feed_moment(event.start, zone, event.all_day)}
    optional = {"summary": event.summary, "category": event.category, "rrule": event.rrule,
                "exdates": event.exdates, "place_id": event.place_id, "url": event.url,
                "end": feed_moment(event.end, zone, event.all_day) if event.end else None}
    item.update({key: value for key, value in optional.items() if value})
    if event.free is not None:
        item["free"] = event.free
    return item


def place_objects(source: SourceContent) -> list[dict]:
    """The sources' places with the Qualitätsroute's overlay applied."""
    overlays = {overlay.place_id: overlay for overlay in PlaceOverlay.objects.all()}
    places = []
    for place in source.places:
        place = dict(place)
        overlay = overlays.get(place["id"])
        if overlay is not None:
            for key in OVERLAY_FIELDS:
                place.pop(key, None)
            if overlay.owner_run:
                place["owner_run"] = True
            labels = [label.strip() for label in overlay.labels.split(",") if label.strip()]
            if labels:
                place["labels"] = labels
            if overlay.description:
                place["description"] = overlay.description
            if overlay.opening_hours:
                place["opening_hours"] = overlay.opening_hours
        places.append(place)
    return places


def base_input() -> dict:
    """Everything the desk holds, as the `base.json` that `kiosk-feed build` reads (sync/build/assemble.py)."""
    source = sources()
    zone = ZoneInfo(source.city["timezone"])
    events = [event_object(e, zone) for e in Event.objects.all()]
    own = {event["id"] for event in events}
    events += [event for event in source.events if event["id"] not in own]  # calendars' events; the desk's own win
    base = {"city": source.city, "places": place_objects(source), "events": events}
    if source.map:
        base["map"] = source.map
    if source.share:
        base["share"] = source.share
    base["kiosks"] = [{**k.extra, "id": k.feed_id, "name": k.name, "lat": k.lat, "lon": k.lon, "heading": k.heading}
                      for k in Kiosk.objects.all()]
    base["notices"] = [notice_object(n, zone) for n in Notice.objects.prefetch_related("kiosks")]
    base["campaigns"] = [campaign_object(c, zone) for c in Campaign.objects.all()]
    base["pages"] = [page_object(p) for p in Page.objects.prefetch_related("contacts")]
    return base


def notice_object(notice: Notice, zone: ZoneInfo) -> dict:
    item = {**notice.extra, "id": notice.feed_id, "level": notice.level, "text": notice.text}
    if notice.valid_from:
        item["from"] = feed_moment(notice.valid_from, zone)
    if notice.valid_until:
        item["until"] = feed_moment(notice.valid_until, zone)
    kiosk_ids = sorted(k.feed_id for k in notice.kiosks.all()) if notice.pk else []
    if kiosk_ids:
        item["kiosk_ids"] = kiosk_ids
    return item


def campaign_object(campaign: Campaign, zone: ZoneInfo) -> dict:
    item = {**campaign.extra, "id": campaign.feed_id, "title": campaign.title, "place_ids": campaign.place_ids,
            "from": feed_moment(campaign.valid_from, zone), "until": feed_moment(campaign.valid_until, zone)}
    if campaign.text:
        item["text"] = campaign.text
    if campaign.weight:
        item["weight"] = campaign.weight
    return item


def page_object(page: Page) -> dict:
    item = {**page.extra, "id": page.feed_id, "title": page.title, "body": page.body}
    contacts = [contact_object(c) for c in page.contacts.all()] if page.pk else []
    if contacts:
        item["contacts"] = contacts
    return item


def contact_object(contact: HelpContact) -> dict:
    item = {"name": contact.name}
    optional = {"phone": contact.phone.strip(), "place_id": contact.place_id, "hours": contact.hours.strip(),
                "note": contact.note}
    item.update({key: value for key, value in optional.items() if value})
    return item
