"""One VEVENT into a feed event: times in the city's zone, the rule as text, texts, links, where.

Times become RFC 3339 in the city's time zone (floating times are read as city time); all-day
events keep dates with the feed's inclusive `end`; RRULE travels as text (UNTIL in UTC, or a date
for all-day events) and a series in another zone names it in `timezone`; EXDATE becomes `exdates`.
Translations come from X-KIOSK-* properties. A component that cannot become an event raises Skip.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from dateutil.rrule import rrulestr

from sync.build.common import fold, make_text, metres_between, text_values, website_problem

GEO_MATCH_M = 50.0
_UNTIL = re.compile(r"(?<![A-Z])UNTIL=([0-9TZ]+)")
_COUNT = re.compile(r"(?<![A-Z])COUNT=(-?[0-9]+)")


class Skip(Exception):
    """This component cannot become a feed event; the message says why."""


def _xtext(component, name: str) -> str:
    """An X- property's value; RFC 5545 gives X- properties the TEXT type, so undo TEXT escaping."""
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


class Converter:
    """Converts the components of one calendar file for one city."""

    def __init__(self, path, city_tz, locales, default_locale, places, images, report) -> None:
        self.path = path
        self.city_tz = city_tz
        self.locales = locales
        self.default_locale = default_locale
        self.others = [loc for loc in locales if loc != default_locale]
        self.places = places
        self.place_ids = {place["id"] for place in places}
        self.images = images
        self.report = report
        self.floating_noted = False

    # ---- times

    def when(self, value, *, all_day: bool) -> str:
        """A DTSTART-like value as the feed writes it: a date, or a date-time in the city's zone."""
        if isinstance(value, datetime):
            if all_day:
                return value.date().isoformat()
            return self.zoned(value).isoformat()
        if isinstance(value, date):
            if all_day:
                return value.isoformat()
            return self.zoned(datetime.combine(value, time())).isoformat()
        raise Skip(f"{value!r} is not a date or date-time")

    def point(self, value, *, all_day: bool) -> datetime:
        """A date or date-time value as a comparable point: aware in the city's zone, or midnight for all-day events."""
        if all_day:
            day = value.date() if isinstance(value, datetime) else value
            return datetime.combine(day, time())
        if isinstance(value, datetime):
            return self.zoned(value)
        if isinstance(value, date):
            return self.zoned(datetime.combine(value, time()))
        raise Skip(f"{value!r} is not a date or date-time")

    def zoned(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            if not self.floating_noted:
                self.report.note(f"{self.path.name}: times without a time zone were read as {self.city_tz.key} time")
                self.floating_noted = True
            return value.replace(tzinfo=self.city_tz)
        return value.astimezone(self.city_tz)

    def text(self, component, standard: str, prefix: str) -> str | dict | None:
        values = {self.default_locale: str(component.get(standard, "") or "")}
        values.update({loc: _xtext(component, f"{prefix}-{loc.upper()}") for loc in self.others})
        return make_text(values, self.default_locale)

    # ---- one component

    def event(self, component, where: str) -> dict:
        if "DTSTART" not in component:
            raise Skip("it has no DTSTART")
        try:
            start = component.decoded("DTSTART")
        except Exception as exc:
            raise Skip(f"its DTSTART cannot be read ({exc})") from None
        all_day = not isinstance(start, datetime)
        event: dict = {"start": self.when(start, all_day=all_day)}
        end = self.end(component, start, all_day)
        if end is not None:
            event["end"] = end
        title = self.text(component, "SUMMARY", "X-KIOSK-SUMMARY")
        if title is None or self.default_locale not in text_values(title, self.default_locale):
            raise Skip("it has no SUMMARY, so it would have no title")
        event["title"] = title
        summary = self.text(component, "DESCRIPTION", "X-KIOSK-DESCRIPTION")
        if summary is not None and self.default_locale in text_values(summary, self.default_locale):
            event["summary"] = summary
        if "RRULE" in component:
            rule = self.rrule(component, start, all_day, where)
            if rule:
                event["rrule"] = rule
                zone = self.series_zone(start, where)
                if zone:
                    event["timezone"] = zone
        exdates = self.exdates(component, all_day, where)
        if exdates:
            event["exdates"] = exdates
        self.extras(component, event, where)
        return event

    def end(self, component, start, all_day: bool) -> str | None:
        try:
            if "DTEND" in component:
                end = component.decoded("DTEND")
            elif "DURATION" in component:
                end = start + component.decoded("DURATION")
            else:
                return None
        except Exception as exc:
            raise Skip(f"its DTEND or DURATION cannot be read ({exc})") from None
        if all_day:
            if isinstance(end, datetime):
                end = end.date()
            last = end - timedelta(days=1)  # iCalendar's end is exclusive; the feed's is the last day
            return max(last, start).isoformat()
        if not isinstance(end, datetime):
            end = datetime.combine(end, time())
        if self.zoned(end) < self.zoned(start):
            raise Skip("its DTEND is before DTSTART")
        return self.when(end, all_day=False)

    def rrule(self, component, start, all_day: bool, where: str) -> str | None:
        rules = component["RRULE"]
        if isinstance(rules, list):
            self.report.note(f"{where}: several RRULEs; only the first is used")
            rules = rules[0]
        text = rules.to_ical().decode()
        if not text.strip():
            self.report.repair("empty RRULEs (read as no repetition)", where)
            return None
        count = _COUNT.search(text)
        if count and int(count.group(1)) <= 0:  # some exporters write COUNT=-1 for "no count"
            self.report.repair("RRULE COUNTs below 1 (read as no COUNT)", f"{where}: COUNT={count.group(1)}")
            text = ";".join(part for part in text.split(";") if not _COUNT.fullmatch(part))
        match = _UNTIL.search(text)
        if match:
            text = text.replace(match.group(0), "UNTIL=" + self.until(match.group(1), start, all_day))
        # Checked as the feed validator checks it: a UTC UNTIL for date-times, dates for all-day events.
        dtstart = start if isinstance(start, datetime) and start.tzinfo else (
            self.zoned(start) if isinstance(start, datetime) else datetime.combine(start, time()))
        try:
            if match and re.search(r"(?<![A-Z])COUNT=", text):
                text = self.one_limit(text, dtstart, where)
            limit = rrulestr(text, dtstart=dtstart)._until
        except Exception as exc:
            shown = text.replace("\\;", ";").replace("\\,", ",")
            raise Skip(f"its RRULE {shown!r} is not a valid recurrence rule ({exc})") from None
        if limit is not None and limit < dtstart:
            raise Skip(f"its RRULE ends (UNTIL) before its DTSTART, so it has no occurrence")
        return text

    def one_limit(self, text: str, dtstart: datetime, where: str) -> str:
        """UNTIL with COUNT (RFC 5545 forbids both) as the one that ends the series first."""
        parts = text.split(";")
        with_count = ";".join(p for p in parts if not p.upper().startswith("UNTIL="))
        with_until = ";".join(p for p in parts if not p.upper().startswith("COUNT="))
        counted = list(rrulestr(with_count, dtstart=dtstart))
        limit = rrulestr(with_until, dtstart=dtstart)._until  # dateutil's parsed UNTIL, on dtstart's clock
        kept, name = (with_count, "COUNT") if all(x <= limit for x in counted) else (with_until, "UNTIL")
        self.report.repair("RRULEs with both UNTIL and COUNT (the one that ends the series first is kept)",
                           f"{where}: kept {name}")
        return kept

    def series_zone(self, start, where: str) -> str | None:
        """The IANA zone a date-time series repeats in, when it is not the city's (floating: the city's)."""
        if not isinstance(start, datetime) or start.tzinfo is None:
            return None
        name = "UTC" if start.tzinfo is timezone.utc else getattr(start.tzinfo, "key", None)
        if name == self.city_tz.key:
            return None
        if name is None:
            self.report.note(f"{where}: its time zone {start.tzinfo} has no IANA name; terminals repeat it in "
                             f"{self.city_tz.key} wall-clock time")
        return name

    def until(self, value: str, start, all_day: bool) -> str:
        """UNTIL as the feed wants it: a date for all-day events, else a UTC date-time."""
        try:
            if "T" in value:
                moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
                if value.endswith("Z"):
                    moment = moment.replace(tzinfo=timezone.utc)
            else:
                moment = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            raise Skip(f"its RRULE has an UNTIL ({value}) that is not a date or date-time") from None
        if all_day:
            day = moment if not isinstance(moment, datetime) else (
                moment.astimezone(self.city_tz).date() if moment.tzinfo else moment.date())
            return day.strftime("%Y%m%d")
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(23, 59, 59))  # an UNTIL date includes that whole day
        if moment.tzinfo is None:
            zone = start.tzinfo if isinstance(start, datetime) and start.tzinfo else self.city_tz
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")

    def exdates(self, component, all_day: bool, where: str) -> list[str]:
        return sorted({self.when(value, all_day=all_day) for value in self.dates(component, "EXDATE", where)})

    def dates(self, component, name: str, where: str) -> list:
        """The values of a date-list property (EXDATE, RDATE); a line that cannot be read is reported."""
        raw = component.get(name)
        groups = raw if isinstance(raw, list) else [raw] if raw is not None else []
        values = []
        for group in groups:
            try:
                values += [item.dt for item in group.dts]
            except Exception as exc:  # icalendar keeps a broken line and raises when it is used
                self.report.drop("calendar values that cannot be read (left out)", f"{where} {name}: {exc}")
        return values

    def extras(self, component, event: dict, where: str) -> None:
        if "CATEGORIES" in component:
            groups = component["CATEGORIES"]
            groups = groups if isinstance(groups, list) else [groups]
            names = [str(name) for group in groups for name in group.cats]
            if names:
                event["category"] = names[0]
        if "URL" in component:
            url = str(component["URL"])
            problem = website_problem(url)
            if problem:
                self.report.drop("event links that are not https:// (left out)", f"{where}: {url} {problem}")
            else:
                event["url"] = url
        if "X-KIOSK-FREE" in component:
            event["free"] = _xtext(component, "X-KIOSK-FREE").upper() == "TRUE"
        self.where(component, event, where)
        if "X-KIOSK-RELATED-PLACE-IDS" in component:
            related = [x.strip() for x in _xtext(component, "X-KIOSK-RELATED-PLACE-IDS").split(",") if x.strip()]
            unknown = [x for x in related if x not in self.place_ids]
            for missing in unknown:
                self.report.drop("related places that are not in the feed (left out)", f"{where}: {missing}")
            related = [x for x in related if x in self.place_ids]
            if related:
                event["related_place_ids"] = related
        if "X-KIOSK-IMAGE" in component:
            alt = make_text({loc: _xtext(component, f"X-KIOSK-IMAGE-ALT-{loc.upper()}") for loc in self.locales},
                            self.default_locale)
            image = self.images.image(_xtext(component, "X-KIOSK-IMAGE"), self.path.parent, owner=where, alt=alt)
            if image is not None:
                event["image"] = image

    def where(self, component, event: dict, where: str) -> None:
        """place_id from X-KIOSK-PLACE-ID or a matching place; else a location from GEO; else nothing."""
        explicit = _xtext(component, "X-KIOSK-PLACE-ID").strip()
        if explicit:
            if explicit in self.place_ids:
                event["place_id"] = explicit
                return
            self.report.drop("X-KIOSK-PLACE-ID values naming no place (the event keeps LOCATION/GEO if any)",
                             f"{where}: {explicit}")
        location = str(component.get("LOCATION", "") or "").strip()
        geo = component.get("GEO")
        lat = lon = None
        if geo is not None:
            try:
                lat, lon = float(geo.latitude), float(geo.longitude)
            except (AttributeError, TypeError, ValueError):
                self.report.drop("GEO values that cannot be read (left out)", f"{where}: {geo!r}")
        matched = self.match_place(location, lat, lon)
        if matched:
            event["place_id"] = matched
            return
        if lat is not None and lon is not None:
            name = make_text({self.default_locale: location, **{
                loc: _xtext(component, f"X-KIOSK-LOCATION-{loc.upper()}") for loc in self.others}},
                self.default_locale)
            event["location"] = {"name": name if name is not None else event["title"], "lat": lat, "lon": lon}
        elif location:
            self.report.drop("event locations without GEO that match no place (the event has no route)",
                             f"{where}: {location!r}")

    def match_place(self, location: str, lat: float | None, lon: float | None) -> str | None:
        """A place named exactly like LOCATION (or its part before a comma), else one within 50 m
        whose name LOCATION mentions; proximity alone would pick the nearest snack bar."""
        if not location:
            return None
        wanted = {fold(location), fold(location.split(",")[0])}
        named = []
        for place in self.places:
            names = {fold(name) for name in text_values(place.get("name"), self.default_locale).values()}
            if names & wanted:
                named.append(place)
        if len(named) == 1:
            return named[0]["id"]
        if lat is None or lon is None:
            return None
        folded = fold(location)
        near = [
            (metres_between(lat, lon, place["lat"], place["lon"]), place["id"])
            for place in self.places
            if any(name and name in folded for name in
                   (fold(n) for n in text_values(place.get("name"), self.default_locale).values()))
        ]
        near = sorted(item for item in near if item[0] <= GEO_MATCH_M)
        return near[0][1] if near else None
