"""Live information beside the feed: departures (timetable and GTFS-Realtime), fetched off the UI thread."""
