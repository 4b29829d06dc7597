"""'Or take U43 from Reinoldikirche, 3 min': for a destination farther than a set walk, the next run
from a stop near the terminal that also stops near the destination, from the feed's timetable with
live predictions laid over (kiosk/live/departures.py), so it is labelled timetable or live like
every other time on the screen."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.content import Content
from kiosk.live.departures import MAX_LIVE_AGE, Live, next_departures, stops_near_kiosk
from sync.build.common import metres_between

NEAR_DESTINATION_M = 400  # a stop this close to the destination: about five minutes' walk at the other end
HORIZON = timedelta(minutes=30)  # a ride leaving later than this is no alternative to walking now
CANDIDATES = 12  # departures looked at per stop near the terminal


@dataclass(frozen=True)
class Ride:
    route: str
    headsign: str
    from_stop: str
    departs: datetime  # expected: the live time where there is one
    to_stop: str
    source: str  # "timetable" or "live"
    live_age_s: int | None

    def minutes_from(self, at: datetime) -> int:
        return max(0, math.ceil((self.departs - at).total_seconds() / 60))


def ride_towards(content: Content, kiosk_id: str, lat: float, lon: float, at: datetime, lang: str, *,
                 predictions: Live = None, max_live_age: timedelta = MAX_LIVE_AGE) -> Ride | None:
    """The soonest run leaving a stop near the terminal within HORIZON that later stops near (lat, lon), or None."""
    origin = stops_near_kiosk(content, kiosk_id)
    origin_ids = {stop["id"] for stop in origin}
    targets = {stop["id"]: stop for stop in content.transit_stops()
               if stop["id"] not in origin_ids and metres_between(stop["lat"], stop["lon"], lat, lon) <= NEAR_DESTINATION_M}
    if not origin or not targets:
        return None
    # Each run (trip, service day, start of a frequency-based run) calling near the destination, with its
    # stop sequence there.
    arrivals: dict[tuple[str, str, str], tuple[int, str]] = {}
    for stop_id, stop in targets.items():
        for row in content.timetable_departures(stop_id, at, CANDIDATES * 4, before=at + HORIZON + timedelta(hours=1)):
            key = (row["trip_id"], row["service_date"], row.get("start_time") or "")
            arrivals.setdefault(key, (row.get("stop_sequence") or 0, content.text(stop["name"], lang)))
    best: Ride | None = None
    for stop in origin:
        board = next_departures(content, stop, at, lang, predictions=predictions, limit=CANDIDATES,
                                max_live_age=max_live_age)
        for departure in board.departures:
            if departure.cancelled or departure.expected > at + HORIZON:
                continue
            reached = arrivals.get((departure.trip_id, departure.service_date, departure.start_time))
            if reached is None or reached[0] <= (departure.stop_sequence or 0):
                continue  # the run does not go there, or has been there already
            if best is None or departure.expected < best.departs:
                best = Ride(departure.route, departure.headsign, board.stop_name, departure.expected, reached[1],
                            departure.source, board.live_age_s)
    return best
