"""Shared for the live-departure tests: feeds built from a GTFS timetable (the GTFS specification's
sample feed, or WMATA's real one), applied to a real content store; GTFS-Realtime payloads made with
Google's bindings, or WMATA's real recorded answers; a provider on 127.0.0.1 that serves them."""
from __future__ import annotations

import gzip
import hashlib
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


# WMATA's real Metrobus timetable, cut to the Friday-night trips near Lockwood Drive in White Oak, and
# its real TripUpdates recorded that night (tests/fixtures/gtfs/README.md: source, commit, licence).
WMATA_GTFS = FIXTURES / "wmata-white-oak.zip"
WHITE_OAK_BASE = FIXTURES / "white_oak_base.json"
WMATA_GENERATED_AT = "2024-02-09T20:00:00-05:00"
RECORDED_SHA256 = {
    "2345": "54e93f72d22ded0907c5e0ec92bc74ab7fd1715c69fa1a99542b5f767ce5f625",
    "2354": "1daf66a54d8877536a208c086b47444153915e5dfd24068992f5b9e5c53779d3",
    "0004": "2e2efca4433165b06a5f245cf983d022cd354dd4f25d53d3774a577598667d5f",
    "0009": "db2f3af34c1c9d641dcf13750482a276cac75e1054000d72696c522ee6fd3011",
}


def at(clock: str, day: str = "2008-06-02") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}-07:00")


def in_white_oak(clock: str, day: str = "2024-02-09") -> datetime:
    """An instant of the recorded night in White Oak (New York time, UTC-5 in February)."""
    return datetime.fromisoformat(f"{day}T{clock}-05:00")


def recorded_gzip(moment: str) -> bytes:
    """WMATA's TripUpdates answer recorded at `moment` ("2354": 23:54:01), gzipped as stored."""
    return (FIXTURES / f"wmata-tripupdates-{moment}.pb.gz").read_bytes()


def recorded(moment: str) -> bytes:
    """The recorded bytes themselves, checked against the SHA-256 the fixture README gives."""
    payload = gzip.decompress(recorded_gzip(moment))
    assert hashlib.sha256(payload).hexdigest() == RECORDED_SHA256[moment], f"the recording {moment} was changed"
    return payload


def built_feed(tmp_path: Path, *, base: Path = BASE, gtfs: Path = SAMPLE_GTFS, generated_at: str = GENERATED_AT) -> dict:
    inputs = BuildInputs(base=base, out_dir=tmp_path / "site", gtfs=gtfs, sequence=1, generated_at=generated_at)
    return build_feed(inputs).feed


def applied_store(tmp_path: Path, *, base: Path = BASE, gtfs: Path = SAMPLE_GTFS,
                  generated_at: str = GENERATED_AT) -> Path:
    data_dir = tmp_path / "data"
    staging = store.stage(built_feed(tmp_path, base=base, gtfs=gtfs, generated_at=generated_at), data_dir,
                          demo=False, applied_at=generated_at, source="test", feed_sha256="0" * 64)
    store.swap_in(staging, data_dir)
    return data_dir


def white_oak_store(tmp_path: Path) -> Path:
    """WMATA's real timetable built into a feed for the White Oak kiosk and applied to a store."""
    return applied_store(tmp_path, base=WHITE_OAK_BASE, gtfs=WMATA_GTFS, generated_at=WMATA_GENERATED_AT)


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
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) of each request, in order
        release, requests = self.release, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append((self.path, dict(self.headers)))
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


def poller_for(url: str, timeout_s: float = 0.5):
    """A TripUpdates poller of `url` (http:// allowed) whose backoff jitter is always at its ceiling."""
    from kiosk.live.poller import TripUpdatesPoller
    from sync.fetch import Fetcher

    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=timeout_s, read_timeout_s=timeout_s)
    return TripUpdatesPoller(url, fetcher, interval_s=30, rand=lambda: 1.0)


def live_config(folder: Path, kiosk_id: str, trip_updates_url: str) -> Path:
    """A kiosk.toml for `kiosk departures` with live predictions from a provider on 127.0.0.1."""
    config = folder / "kiosk.toml"
    config.write_text(f'kiosk_id = "{kiosk_id}"\nfeed_url = "https://example.org/feed.json"\npublic_keys = ["x"]\n'
                      f'trip_updates_url = "{trip_updates_url}"\nallow_insecure_http = true\n')
    return config


def departures_json(config: Path, data_dir: Path, moment: datetime, limit: int = 3) -> list[dict]:
    """What `kiosk departures --json` prints at `moment`, parsed."""
    import json

    from click.testing import CliRunner

    from kiosk.cli import main as kiosk_main

    result = CliRunner().invoke(kiosk_main, ["--config", str(config), "departures", "--at", moment.isoformat(), "--json",
                                             "--data-dir", str(data_dir), "--lang", "en", "--limit", str(limit)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


class QueuedProvider(LocalProvider):
    """A provider that answers what the test queued, one answer per request (404 when none), and
    remembers each path it was asked for; by default a GTFS-Realtime endpoint."""

    def __init__(self, path: str = "/tripupdates.pb", content_type: str = "application/x-protobuf") -> None:
        self.answers: list[tuple[int, bytes, dict] | None] = []
        self.asked: list[str] = []
        self.content_type = content_type

        def respond(asked: str):
            self.asked.append(asked)
            return self.answers.pop(0) if self.answers else (404, b"", {})

        super().__init__(respond, path)

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.answers.append((status, body, {"Content-Type": self.content_type, **headers}))

    def answer_recording(self, moment: str) -> None:
        """WMATA's recorded answer, sent gzip-encoded as providers' servers often do."""
        self.answer(200, recorded_gzip(moment), **{"Content-Encoding": "gzip"})

    def hang(self) -> None:
        self.answers.append(None)


def assert_reader_never_waits(poller, provider: QueuedProvider, now: datetime) -> None:
    """With the provider hanging, the poller's own thread fetches and `latest()` answers at once."""
    import time

    provider.hang()
    poller.clock = lambda: now
    poller.start()
    started = time.perf_counter()
    assert poller.latest() is None  # the fetch hangs on its own thread
    assert time.perf_counter() - started < 0.05
    provider.release.set()
    poller.stop()


def city_centre_gtfs(path: Path) -> Path:
    """A small made-up GTFS timetable on the demo's real stop position (Reinoldikirche, U-Bahn):
    U43 and U47 every 10 minutes in both directions, every day of 2026 and 2027, U47 towards Aplerbeck
    calling at Stadtgarten too (for the UI tests; the rules are tested on the real sample feed)."""
    import zipfile

    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nDEMO,Demo transit,https://example.org,Europe/Berlin\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
                     "REI1,Reinoldikirche,51.51432,7.46760\nREI2,Reinoldikirche,51.51436,7.46768\n"
                     "WEST,Dorstfeld,51.5120,7.4200\nEAST,Wickede,51.5300,7.6200\n"
                     "NORTH,Westerfilde,51.5600,7.3900\nSOUTH,Aplerbeck,51.4900,7.5500\n"
                     "STG,Stadtgarten,51.50945,7.46585\n",
        "routes.txt": "route_id,route_short_name,route_type,route_color\nU43,U43,1,0066B3\nU47,U47,1,0066B3\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                        "ALL,1,1,1,1,1,1,1,20260101,20271231\n",
        "trips.txt": "route_id,service_id,trip_id,trip_headsign\nU43,ALL,U43W,Dorstfeld\nU43,ALL,U43E,Wickede\n"
                     "U47,ALL,U47N,Westerfilde\nU47,ALL,U47S,Aplerbeck\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                          "U43W,05:00:00,05:00:00,EAST,1\nU43W,05:12:00,05:12:00,REI1,2\nU43W,05:20:00,05:20:00,WEST,3\n"
                          "U43E,05:03:00,05:03:00,WEST,1\nU43E,05:11:00,05:11:00,REI2,2\nU43E,05:23:00,05:23:00,EAST,3\n"
                          "U47N,05:04:00,05:04:00,SOUTH,1\nU47N,05:15:00,05:15:00,REI1,2\nU47N,05:30:00,05:30:00,NORTH,3\n"
                          "U47S,05:02:00,05:02:00,NORTH,1\nU47S,05:17:00,05:17:00,REI2,2\nU47S,05:19:00,05:19:00,STG,3\n"
                          "U47S,05:28:00,05:28:00,SOUTH,4\n",
        "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nU43W,05:00:00,24:00:00,600\n"
                           "U43E,05:03:00,24:00:00,600\nU47N,05:04:00,24:00:00,600\nU47S,05:02:00,24:00:00,600\n",
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def demo_with_departures(data_dir: Path, at: datetime) -> Path:
    """The bundled demo content with a transit section from city_centre_gtfs for the day of `at`."""
    import json
    from datetime import timedelta

    from sync.build.gtfs import Window, read_transit
    from sync.build.report import BuildReport
    from sync.demo import DEMO_DIR

    feed = json.loads((DEMO_DIR / "feed.json").read_text(encoding="utf-8"))
    gtfs = city_centre_gtfs(Path(data_dir).parent / f"{Path(data_dir).name}-gtfs.zip")
    start = at.replace(hour=0, minute=0, second=0, microsecond=0)
    feed["transit"] = read_transit(gtfs, kiosks=feed["kiosks"], places=feed["places"],
                                   window=Window(start, start + timedelta(days=2)), report=BuildReport())
    staging = store.stage(feed, data_dir, demo=True, applied_at=at.isoformat(), source="test", feed_sha256="0" * 64)
    store.swap_in(staging, data_dir)
    return data_dir
