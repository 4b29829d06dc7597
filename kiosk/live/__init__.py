"""Live information beside the feed: departures (timetable and GTFS-Realtime) and official warnings
(CAP), fetched off the UI thread; see docs/live.md."""


class LiveDataError(Exception):
    """A provider's answer is not usable; the message says which provider and why."""
