"""Next departures at a stop: the feed's timetable, with live predictions laid over when they are fresh.

Every departure says where its time comes from: "timetable" (the signed feed, works offline) or
"live" (a GTFS-Realtime or EFA prediction, with its age). A prediction older than `max_live_age` is not
used at all, so a terminal that lost the network falls back to the timetable and says so. With both
sources, GTFS-Realtime decides a departure it has a live time for (it names the run by trip id); EFA's
departure monitor (matched by stop area, line and minute: kiosk/live/efa.py) fills the others.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Union

from kiosk.content import Content
from kiosk.live.efa import AreaBoard, EfaDeparture, EfaSnapshot, Scheduled, match_departures, stop_area
from kiosk.live.gtfs_rt import Predictions, StopPrediction, TripPrediction

TIMETABLE = "timetable"
LIVE = "live"
LOOKBACK = timedelta(minutes=90)  # a run scheduled this long before now may still be on its way, late
MAX_LIVE_AGE = timedelta(minutes=5)
DEFAULT_LIMIT = 6


@dataclass(frozen=True)
class Departure:
    stop_id: str
    route: str
    headsign: str
    scheduled: datetime
    expected: datetime
    cancelled: bool
    source: str  # TIMETABLE or LIVE
    trip_id: str
    service_date: str = ""  # the run's service day (YYYYMMDD): a trip id alone names a run on every day
    stop_sequence: int | None = None
    start_time: str = ""  # a frequency-based trip's run: its first departure ("17:20:00")

    @property
    def delay_min(self) -> int:
        return round((self.expected - self.scheduled).total_seconds() / 60)

    def as_json(self) -> dict[str, Any]:
        return {"stop_id": self.stop_id, "route": self.route, "headsign": self.headsign,
                "scheduled": self.scheduled.isoformat(), "expected": self.expected.isoformat(),
                "delay_min": self.delay_min, "cancelled": self.cancelled, "source": self.source,
                "trip_id": self.trip_id}


@dataclass(frozen=True)
class Board:
    """The next departures at one stop at an instant; `live_age_s` is the age of the predictions used."""

    stop_id: str
    stop_name: str
    departures: list[Departure]
    live_age_s: int | None

    @property
    def source(self) -> str:
        return LIVE if any(d.source == LIVE for d in self.departures) else TIMETABLE

    def as_json(self) -> dict[str, Any]:
        return {"stop_id": self.stop_id, "stop_name": self.stop_name, "source": self.source,
                "live_age_s": self.live_age_s, "departures": [d.as_json() for d in self.departures]}


@dataclass(frozen=True)
class LiveSources:
    """What the live providers last said: GTFS-Realtime TripUpdates, EFA departure monitors, or both."""

    trip_updates: Predictions | None = None
    efa: EfaSnapshot | None = None


Live = Union[LiveSources, Predictions, EfaSnapshot, None]  # one source alone is accepted as itself


def _sources(predictions: Live) -> LiveSources:
    if isinstance(predictions, LiveSources):
        return predictions
    if isinstance(predictions, EfaSnapshot):
        return LiveSources(efa=predictions)
    return LiveSources(trip_updates=predictions)


def stops_near_kiosk(content: Content, kiosk_id: str) -> list[dict]:
    """The feed's stops within walking distance of the kiosk, nearest first."""
    kiosk = content.kiosk(kiosk_id)
    stops = [s for s in content.transit_stops() if kiosk_id in s.get("kiosk_ids", ())]
    if kiosk is None:
        return stops
    return sorted(stops, key=lambda s: (s["lat"] - kiosk["lat"]) ** 2 + (s["lon"] - kiosk["lon"]) ** 2)


def stops_of_place(content: Content, place_id: str) -> list[dict]:
    """The stops the feed links to a transit place (shown on its card)."""
    return [s for s in content.transit_stops() if place_id in s.get("place_ids", ())]


def next_departures(content: Content, stop: dict, at: datetime, lang: str, *, predictions: Live = None,
                    limit: int = DEFAULT_LIMIT, max_live_age: timedelta = MAX_LIVE_AGE) -> Board:
    """The next `limit` departures at `stop` from `at` on, live where a fresh prediction covers them."""
    live = _sources(predictions)
    fresh = live.trip_updates if live.trip_updates is not None and at - live.trip_updates.issued_at <= max_live_age \
        else None
    area = live.efa.board_for(stop["id"]) if live.efa is not None else None
    efa = area if area is not None and at - area.issued_at <= max_live_age else None
    routes = content.transit_routes()
    rows = content.timetable_departures(stop["id"], at, limit * 3)  # room for runs that turn out cancelled
    if fresh is not None or efa is not None:  # runs scheduled before now that a prediction may show still to come
        rows = content.timetable_departures(stop["id"], at - LOOKBACK, 10_000, before=at) + rows
    matched = _efa_matches(content, efa, routes) if efa is not None else {}
    found = []
    for row in rows:
        departure = _departure(row, routes, fresh)
        if departure.source == TIMETABLE:
            departure = _with_efa(departure, matched.get(_run_at_stop(row)))
        if departure.expected >= at or (departure.cancelled and departure.scheduled >= at):
            found.append(departure)
    found.sort(key=lambda d: (d.scheduled if d.cancelled else d.expected, d.route))
    used = [at - source.issued_at for source in (fresh, efa) if source is not None]
    age = max(0, int(max(used).total_seconds())) if used else None  # the older source's age: never fresher than true
    return Board(stop["id"], content.text(stop["name"], lang), found[:limit], age)


def _run_at_stop(row: dict) -> tuple[str, str, str, str]:
    return row["stop_id"], row["trip_id"], row["service_date"], row.get("start_time") or ""


def _efa_matches(content: Content, board: AreaBoard, routes: dict[str, dict]) -> dict[tuple, EfaDeparture]:
    """The EFA departures of the stop area matched to timetable runs (keyed by _run_at_stop): every timetable
    departure of the area's stops in the answer's time span takes part, so a platform can decide."""
    if not board.departures:
        return {}
    start = min(d.scheduled for d in board.departures)
    end = max(d.scheduled for d in board.departures) + timedelta(minutes=1)
    rows = [row for s in content.transit_stops() if stop_area(s["id"]) == board.area
            for row in content.timetable_departures(s["id"], start, 10_000, before=end)]
    timetable = [Scheduled(row["stop_id"], routes.get(row["route_id"], {}).get("name", row["route_id"]),
                           datetime.fromisoformat(row["time"])) for row in rows]
    return {_run_at_stop(rows[i]): departure for i, departure in match_departures(board, timetable).items()}


def _with_efa(departure: Departure, efa: EfaDeparture | None) -> Departure:
    """EFA's word on a timetable departure: cancelled, or its delay (realDateTime minus dateTime)."""
    if efa is None or not efa.live:
        return departure
    if efa.cancelled:
        return replace(departure, cancelled=True, source=LIVE)
    return replace(departure, expected=departure.scheduled + (efa.expected - efa.scheduled), source=LIVE)


def _departure(row: dict, routes: dict[str, dict], predictions: Predictions | None) -> Departure:
    scheduled = datetime.fromisoformat(row["time"])
    route = routes.get(row["route_id"], {}).get("name", row["route_id"])
    base = dict(stop_id=row["stop_id"], route=route, headsign=row.get("headsign", ""), scheduled=scheduled,
                trip_id=row["trip_id"], service_date=row["service_date"], stop_sequence=row.get("stop_sequence"),
                start_time=row.get("start_time") or "")
    after_midnight = scheduled.strftime("%Y%m%d") > row["service_date"]  # a GTFS time past 24:00
    trip = predictions.for_run(row["trip_id"], row["service_date"], row.get("start_time"),
                               after_midnight=after_midnight) if predictions else None
    if trip is None:
        return Departure(**base, expected=scheduled, cancelled=False, source=TIMETABLE)
    if trip.cancelled:
        return Departure(**base, expected=scheduled, cancelled=True, source=LIVE)
    update, exact = _stop_update(trip, row)
    if update is None or update.no_data:
        return Departure(**base, expected=scheduled, cancelled=False, source=TIMETABLE)
    if exact and update.skipped:
        return Departure(**base, expected=scheduled, cancelled=True, source=LIVE)
    if exact and update.time is not None:
        return Departure(**base, expected=update.time.astimezone(scheduled.tzinfo), cancelled=False, source=LIVE)
    if update.delay_s is not None:
        return Departure(**base, expected=scheduled + timedelta(seconds=update.delay_s), cancelled=False, source=LIVE)
    return Departure(**base, expected=scheduled, cancelled=False, source=TIMETABLE)


def _stop_update(trip: TripPrediction, row: dict) -> tuple[StopPrediction | None, bool]:
    """The update for this stop, else the last earlier one with a delay (delays carry on down the line)."""
    sequence = row.get("stop_sequence")
    for update in trip.stops:
        if (update.stop_sequence is not None and update.stop_sequence == sequence) or \
                (update.stop_sequence is None and update.stop_id == row["stop_id"]):
            return update, True
    if sequence is None:
        return None, False
    earlier = [u for u in trip.stops if u.stop_sequence is not None and u.stop_sequence < sequence
               and u.delay_s is not None and not u.skipped and not u.no_data]
    return (max(earlier, key=lambda u: u.stop_sequence), False) if earlier else (None, False)


def place_board(content: Content, place_id: str, at: datetime, lang: str, *, predictions: Live = None,
                limit: int = DEFAULT_LIMIT, max_live_age: timedelta = MAX_LIVE_AGE) -> Board | None:
    """The next departures from all the stops of a transit place (its platforms) as one board; None without stops."""
    return merged_board(content, stops_of_place(content, place_id), at, lang, predictions=predictions, limit=limit,
                        max_live_age=max_live_age)


def kiosk_board(content: Content, kiosk_id: str, at: datetime, lang: str, *, predictions: Live = None,
                limit: int = DEFAULT_LIMIT, max_live_age: timedelta = MAX_LIVE_AGE) -> Board | None:
    """The next departures at the stop nearest the kiosk, all its platforms (stops of the same name) together;
    None when no stop is within walking distance."""
    stops = stops_near_kiosk(content, kiosk_id)
    if not stops:
        return None
    nearest = stops[0]["name"]
    return merged_board(content, [s for s in stops if s["name"] == nearest], at, lang, predictions=predictions,
                        limit=limit, max_live_age=max_live_age)


def merged_board(content: Content, stops: list[dict], at: datetime, lang: str, *,
                 predictions: Live = None, limit: int = DEFAULT_LIMIT,
                 max_live_age: timedelta = MAX_LIVE_AGE) -> Board | None:
    """One board for several stops (the platforms of one place), soonest first; None without stops."""
    if not stops:
        return None
    boards = [next_departures(content, stop, at, lang, predictions=predictions, limit=limit, max_live_age=max_live_age)
              for stop in stops]
    # A run calling at two stops of the place (a bus passing both ends of a square) is shown once,
    # at the first of them: the same bus twice a minute apart reads as two buses.
    first_calls: dict[tuple[str, str, str], Departure] = {}
    for departure in (d for b in boards for d in b.departures):
        run = (departure.trip_id, departure.service_date, departure.start_time)
        if run not in first_calls or departure.scheduled < first_calls[run].scheduled:
            first_calls[run] = departure
    merged = sorted(first_calls.values(), key=lambda d: (d.scheduled if d.cancelled else d.expected, d.route))
    ages = [b.live_age_s for b in boards if b.live_age_s is not None]
    names = list(dict.fromkeys(b.stop_name for b in boards))
    return Board(",".join(b.stop_id for b in boards), ", ".join(names), merged[:limit], min(ages) if ages else None)
