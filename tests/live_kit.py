"""Shared for the live-departure tests: the feed built from the GTFS specification's sample feed,
applied to a real content store, and GTFS-Realtime payloads made with Google's bindings."""
from __future__ import annotations

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from google.transit import gtfs_realtime_pb2

from sync import store
from sync.build.assemble import BuildInputs, build_feed

FIXTURES = Path(__file__).parent / "fixtures" / "gtfs"
SAMPLE_GTFS = FIXTURES / "sample-feed-1.zip"
BASE = FIXTURES / "beatty_base.json"
# Monday 2 June 2008 in Beatty (the feed's services run 2007-2010): the instants are passed in.
GENERATED_AT = "2008-06-02T00:00:00-07:00"


def at(clock: str, day: str = "2008-06-02") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}-07:00")


def built_feed(tmp_path: Path) -> dict:
    inputs = BuildInputs(base=BASE, out_dir=tmp_path / "site", gtfs=SAMPLE_GTFS, sequence=1,
                         generated_at=GENERATED_AT)
    return build_feed(inputs).feed


def applied_store(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    staging = store.stage(built_feed(tmp_path), data_dir, demo=False, applied_at=GENERATED_AT, source="test",
                          feed_sha256="0" * 64)
    store.swap_in(staging, data_dir)
    return data_dir


def trip_updates(issued_at: datetime, *updates: dict) -> bytes:
    """A FeedMessage: each update is {trip_id, start_date, start_time?, cancelled?, stops: [(seq, stop_id, delay, skipped)]}."""
    message = gtfs_realtime_pb2.FeedMessage()
    message.header.gtfs_realtime_version = "2.0"
    message.header.incrementality = gtfs_realtime_pb2.FeedHeader.FULL_DATASET
    message.header.timestamp = int(issued_at.timestamp())
    for index, update in enumerate(updates):
        entity = message.entity.add()
        entity.id = f"e{index}"
        trip = entity.trip_update.trip
        trip.trip_id = update["trip_id"]
        trip.start_date = update["start_date"]
        if "start_time" in update:
            trip.start_time = update["start_time"]
        if update.get("cancelled"):
            trip.schedule_relationship = gtfs_realtime_pb2.TripDescriptor.CANCELED
        for sequence, stop_id, delay, skipped in update.get("stops", []):
            stop = entity.trip_update.stop_time_update.add()
            stop.stop_sequence = sequence
            stop.stop_id = stop_id
            if skipped:
                stop.schedule_relationship = gtfs_realtime_pb2.TripUpdate.StopTimeUpdate.SKIPPED
            else:
                stop.departure.delay = delay
    return message.SerializeToString()


class LocalProvider:
    """A provider on 127.0.0.1: `respond(path)` gives (status, body, headers), or None to hang until closed."""

    def __init__(self, respond, path: str = "/") -> None:
        self.release = threading.Event()
        release = self.release

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer = respond(self.path)
                if answer is None:
                    release.wait(10)  # the client's timeout ends the wait first
                    return
                status, body, headers = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
