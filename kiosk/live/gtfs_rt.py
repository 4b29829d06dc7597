"""GTFS-Realtime TripUpdates (protocol buffers, read with Google's gtfs-realtime-bindings) -> predictions.

Only what the departures board needs is kept: which trips are cancelled, which stops skipped, and
the delay or expected time of each stop-time update, keyed the way the timetable names a run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from google.protobuf.message import DecodeError
from google.transit import gtfs_realtime_pb2

from kiosk.live import LiveDataError

CANCELED = gtfs_realtime_pb2.TripDescriptor.ScheduleRelationship.Value("CANCELED")
SKIPPED = gtfs_realtime_pb2.TripUpdate.StopTimeUpdate.ScheduleRelationship.Value("SKIPPED")
NO_DATA = gtfs_realtime_pb2.TripUpdate.StopTimeUpdate.ScheduleRelationship.Value("NO_DATA")


@dataclass(frozen=True)
class StopPrediction:
    stop_sequence: int | None
    stop_id: str | None
    delay_s: int | None  # seconds late (negative: early)
    time: datetime | None  # expected departure (or arrival) as an instant
    skipped: bool = False
    no_data: bool = False


@dataclass(frozen=True)
class TripPrediction:
    cancelled: bool
    stops: tuple[StopPrediction, ...] = ()


@dataclass(frozen=True)
class Predictions:
    """One TripUpdates snapshot: `issued_at` is the provider's timestamp (else when it was fetched)."""

    issued_at: datetime
    trips: dict[tuple[str, str | None, str | None], TripPrediction] = field(default_factory=dict)

    def for_run(self, trip_id: str, service_date: str, start_time: str | None, *,
                after_midnight: bool = False) -> TripPrediction | None:
        """The prediction for one run of a trip; an update without a start date or time matches any.

        `after_midnight`: the run is at the stop asked about on the day after its service day (a GTFS
        time past 24:00). Some providers name a run that starts after midnight by the calendar day it
        starts on, not by its service day as the specification asks (WMATA's recorded TripUpdates in
        tests/fixtures/gtfs do); such an update is matched last, when nothing names the service day."""
        keys = [(trip_id, service_date, start_time), (trip_id, None, start_time),
                (trip_id, service_date, None), (trip_id, None, None)]
        if after_midnight:
            next_day = (date(int(service_date[:4]), int(service_date[4:6]), int(service_date[6:8]))
                        + timedelta(days=1)).strftime("%Y%m%d")
            keys += [(trip_id, next_day, start_time), (trip_id, next_day, None)]
        for key in keys:
            if key in self.trips:
                return self.trips[key]
        return None


def parse_trip_updates(payload: bytes, *, source: str, received_at: datetime) -> Predictions:
    """Predictions from a FeedMessage; LiveDataError for anything that is not one."""
    message = gtfs_realtime_pb2.FeedMessage()
    try:
        message.ParseFromString(payload)
    except (DecodeError, RuntimeWarning, ValueError) as exc:
        raise LiveDataError(f"The GTFS-Realtime answer from {source} is not a protocol buffer FeedMessage: {exc}.") from None
    if not message.IsInitialized() or not message.header.gtfs_realtime_version:
        raise LiveDataError(f"The GTFS-Realtime answer from {source} has no header with gtfs_realtime_version; "
                            "it is not a GTFS-Realtime feed.")
    stamp = message.header.timestamp
    issued_at = datetime.fromtimestamp(stamp, timezone.utc) if stamp else received_at
    trips: dict[tuple[str, str | None, str | None], TripPrediction] = {}
    for entity in message.entity:
        if entity.is_deleted or not entity.HasField("trip_update"):
            continue
        update = entity.trip_update
        trip = update.trip
        if not trip.trip_id:
            continue  # a route-and-direction match would need the timetable's directions: not kept
        key = (trip.trip_id, trip.start_date or None, trip.start_time or None)
        trips[key] = TripPrediction(cancelled=trip.schedule_relationship == CANCELED,
                                    stops=tuple(_stop(s) for s in update.stop_time_update))
    return Predictions(issued_at, trips)


def _stop(update) -> StopPrediction:
    event = update.departure if update.HasField("departure") else update.arrival
    has_event = update.HasField("departure") or update.HasField("arrival")
    delay = event.delay if has_event and event.HasField("delay") else None
    time = datetime.fromtimestamp(event.time, timezone.utc) if has_event and event.time else None
    return StopPrediction(
        stop_sequence=update.stop_sequence if update.HasField("stop_sequence") else None,
        stop_id=update.stop_id or None, delay_s=delay, time=time,
        skipped=update.schedule_relationship == SKIPPED, no_data=update.schedule_relationship == NO_DATA,
    )
