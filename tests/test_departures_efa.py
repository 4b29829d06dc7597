"""Live departures from an EFA departure monitor: a real VRR answer (Essen Berliner Platz, Saturday
21 September 2024, 18:34, recorded by Travel::Status::DE::VRR; tests/fixtures/efa/README.md) served by a
local HTTP server on 127.0.0.1 and laid over a timetable built with `kiosk-feed build --gtfs`.

The GTFS is test scaffolding shaped after the recording: its stops are the recorded stop area's
platforms under their DHIDs (de:05113:9153:<area>:<platform>), its runs the recorded lines at their
recorded timetable minutes, plus two runs the answer does not list (a U11 the other way at the same
minute, an NE12) to show what stays timetable.
"""
from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as kiosk_main
from kiosk.config import efa_areas, efa_poller, from_mapping
from kiosk.content import Content
from kiosk.live import LiveDataError
from kiosk.live.departures import LIVE, TIMETABLE, LiveSources, kiosk_board
from kiosk.live.efa import AreaBoard, EfaDeparture, Scheduled, match_departures, parse_departure_monitor, stop_area
from kiosk.live.gtfs_rt import parse_trip_updates
from kiosk.live.poller import EFA_MIN_GAP_S, EfaDeparturesPoller
from sync import store
from sync.cli import main as feed_main
from sync.fetch import Fetcher
from tests.live_kit import QueuedProvider, assert_reader_never_waits, trip_updates

FIXTURES = Path(__file__).parent / "fixtures"
RECORDED = (FIXTURES / "efa" / "essen_bp.json").read_bytes()
AREA = "de:05113:9153"
KIOSK = "berliner-platz"
NOW = datetime.fromisoformat("2024-09-21T18:35:00+02:00")
SERVER_TIME = datetime.fromisoformat("2024-09-21T18:34:21+02:00")  # the answer's serverTime

BASE = {
    "city": {"name": "Essen", "timezone": "Europe/Berlin", "country": "DE", "subdivision": "NW",
             "default_locale": "de", "locales": ["de", "en"]},
    "valid_until": "2024-09-22T06:00:00+02:00",
    "kiosks": [{"id": KIOSK, "name": "Berliner Platz", "lat": 51.4593, "lon": 7.0066, "heading": 0}],
    "map": {"type": "FeatureCollection", "features": []},
    "places": [], "events": [], "campaigns": [], "notices": [], "pages": [],
}
# (trip, route, DHID suffix area:platform, time, headsign): the recorded runs at the recorded minutes.
RUNS = [
    ("T145", "145", "4:1", "18:33", "Essen Erbach"),  # recorded 18:40: 7 minutes late
    ("T106A", "106", "2:3", "18:35", "Essen Germaniaplatz"),
    ("T101A", "101", "2:4", "18:35", "Essen Helenenstr."),
    ("TU11R", "U11", "1:1", "18:36", "Gelsenkirchen Buerer Str."),
    ("TU11H", "U11", "1:2", "18:36", "Essen Messe West-Sued/Gruga"),  # not in the recording at 18:36
    ("T166", "166", "3:4", "18:36", "Essen Dellwig Bahnhof"),  # recorded without a real time
    ("TNE12", "NE12", "4:2", "18:39", "Essen Hauptbahnhof"),  # not in the recording at all
    ("T101B", "101", "2:4", "18:50", "Essen Helenenstr."),  # recorded 18:51
    ("T106B", "106", "2:3", "18:50", "Essen Germaniaplatz"),
]


def berliner_platz_gtfs(path: Path) -> Path:
    quays = sorted({quay for _, _, quay, _, _ in RUNS})
    stops = "".join(f"{AREA}:{q},Berliner Platz,{51.4593 - i * 0.0001:.4f},{7.0066 + i * 0.0001:.4f}\n"
                    for i, q in enumerate(quays))
    routes = "".join(f"{r},{r},{1 if r.startswith('U') else 0 if r in ('101', '106') else 3}\n"
                     for r in sorted({run[1] for run in RUNS}))
    trips = "".join(f"{route},SAT,{trip},{headsign}\n" for trip, route, _, _, headsign in RUNS)
    times = ""
    for trip, _, quay, clock, _ in RUNS:
        hour, minute = map(int, clock.split(":"))
        times += f"{trip},{clock}:00,{clock}:00,{AREA}:{quay},1\n"
        times += f"{trip},{hour + (minute + 10) // 60:02d}:{(minute + 10) % 60:02d}:00,,FAR,2\n"
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nT,Test,https://example.org,Europe/Berlin\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n" + stops + "FAR,Essen Hauptbahnhof,51.4513,7.0133\n",
        "routes.txt": "route_id,route_short_name,route_type\n" + routes,
        "calendar_dates.txt": "service_id,date,exception_type\nSAT,20240921,1\n",
        "trips.txt": "route_id,service_id,trip_id,trip_headsign\n" + trips,
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" + times,
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """The timetable as a terminal has it: `kiosk-feed build --gtfs`, then applied to a store."""
    folder = tmp_path_factory.mktemp("efa")
    (folder / "base.json").write_text(json.dumps(BASE), encoding="utf-8")
    gtfs = berliner_platz_gtfs(folder / "berliner-platz.zip")
    built = CliRunner().invoke(feed_main, ["build", "--base", str(folder / "base.json"), "--gtfs", str(gtfs),
                                           "--out", str(folder / "site"), "--sequence", "1",
                                           "--generated-at", "2024-09-21T06:00:00+02:00"])
    assert built.exit_code == 0, built.output
    feed = json.loads((folder / "site" / "feed.json").read_text(encoding="utf-8"))
    staging = store.stage(feed, folder / "data", demo=False, applied_at=feed["generated_at"], source="test",
                          feed_sha256="0" * 64)
    store.swap_in(staging, folder / "data")
    return folder / "data"


@pytest.fixture
def content(data_dir):
    opened = Content.open(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def provider():
    served = QueuedProvider("/standard/XML_DM_REQUEST", "application/json")  # an EFA departure monitor
    yield served
    served.close()


def poller_for(url: str, areas=(AREA,), timeout_s: float = 0.5) -> EfaDeparturesPoller:
    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=timeout_s, read_timeout_s=timeout_s)
    poller = EfaDeparturesPoller(url, fetcher, interval_s=30, rand=lambda: 1.0)
    poller.set_areas(areas)
    return poller


def with_cancellation(payload: bytes, line: str, hour: str, minute: str) -> bytes:
    """The recorded answer with one departure's cancellation marker set (servingLine.delay "-9999"): the
    recording has no cancelled run; nothing else is changed."""
    answer = json.loads(payload)
    for departure in answer["departureList"]:
        when = departure["dateTime"]
        if departure["servingLine"]["number"] == line and (when["hour"], when["minute"]) == (hour, minute):
            departure["servingLine"]["delay"] = "-9999"
    return json.dumps(answer, ensure_ascii=False, indent=3).encode("utf-8")


def board(content, predictions, moment=NOW, **kwargs):
    return kiosk_board(content, KIOSK, moment, "de", predictions=predictions, limit=9, **kwargs)


def rows(shown):
    return [(d.scheduled.strftime("%H:%M"), d.expected.strftime("%H:%M"), d.route, d.stop_id.removeprefix(AREA + ":"),
             d.cancelled, d.source) for d in shown.departures]


def test_the_recorded_answer_reads_as_the_recording_says():
    read = parse_departure_monitor(RECORDED, area=AREA, source="efa.vrr.de", received_at=NOW)
    assert read.issued_at == SERVER_TIME and len(read.departures) == 40
    first = read.departures[0]
    assert (first.line, first.area, first.platform, first.cancelled) == ("145", "4", "1", False)
    assert (first.expected - first.scheduled) == timedelta(minutes=7)
    assert [d.line for d in read.departures if not d.live] == ["166", "SB16"]  # recorded without a real time


def test_offline_the_board_is_the_timetable_and_says_so(content):
    shown = board(content, None)
    assert shown.source == TIMETABLE and shown.live_age_s is None
    assert rows(shown) == [
        ("18:35", "18:35", "101", "2:4", False, "timetable"), ("18:35", "18:35", "106", "2:3", False, "timetable"),
        ("18:36", "18:36", "166", "3:4", False, "timetable"), ("18:36", "18:36", "U11", "1:1", False, "timetable"),
        ("18:36", "18:36", "U11", "1:2", False, "timetable"), ("18:39", "18:39", "NE12", "4:2", False, "timetable"),
        ("18:50", "18:50", "101", "2:4", False, "timetable"), ("18:50", "18:50", "106", "2:3", False, "timetable")]


def test_the_recorded_answer_makes_the_board_live_with_its_delays_and_age(content, provider):
    provider.answer(200, RECORDED)
    poller = poller_for(provider.url)
    assert poller.poll_once(NOW) == 30  # one area: asked again after the interval
    shown = board(content, poller.latest())
    assert shown.source == LIVE and shown.live_age_s == 39  # 18:35:00 minus the answer's serverTime 18:34:21
    assert rows(shown) == [
        ("18:35", "18:35", "101", "2:4", False, "live"), ("18:35", "18:35", "106", "2:3", False, "live"),
        ("18:36", "18:36", "166", "3:4", False, "timetable"),  # EFA lists it, but without a real time
        ("18:36", "18:36", "U11", "1:1", False, "live"),  # the recorded U11 leaves from area 1, platform 1 ...
        ("18:36", "18:36", "U11", "1:2", False, "timetable"),  # ... so the other one at that minute is not it
        ("18:39", "18:39", "NE12", "4:2", False, "timetable"),  # not in the answer
        ("18:33", "18:40", "145", "4:1", False, "live"),  # scheduled 18:33, before now, but 7 minutes late
        ("18:50", "18:50", "106", "2:3", False, "live"), ("18:50", "18:51", "101", "2:4", False, "live")]
    assert [d.delay_min for d in shown.departures if d.route == "145"] == [7]
    asked = provider.asked[0]
    for parameter in ("outputFormat=JSON", "type_dm=any", "name_dm=de%3A05113%3A9153", "useRealtime=1"):
        assert parameter in asked
    poller.fetcher.close()


def test_a_cancelled_run_is_shown_cancelled_at_its_timetable_time(content, provider):
    provider.answer(200, with_cancellation(RECORDED, "106", "18", "50"))
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert ("18:50", "18:50", "106", "2:3", True, "live") in rows(board(content, poller.latest()))
    poller.fetcher.close()


def test_predictions_older_than_the_limit_give_way_to_the_timetable(content, provider):
    provider.answer(200, RECORDED)
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    later = NOW + timedelta(minutes=6)  # the network went away; the 18:34 answer is over five minutes old
    shown = board(content, poller.latest(), moment=later, max_live_age=timedelta(minutes=5))
    assert shown.source == TIMETABLE and shown.live_age_s is None
    assert {d.source for d in shown.departures} == {TIMETABLE}
    poller.fetcher.close()


def test_a_provider_timeout_is_a_sentence_backs_off_and_keeps_the_last_answer(content, provider):
    provider.answer(200, RECORDED)
    provider.hang()
    provider.hang()
    poller = poller_for(provider.url, timeout_s=0.3)
    poller.poll_once(NOW)
    assert (poller.poll_once(NOW), poller.poll_once(NOW)) == (30, 60)  # full jitter at its ceiling
    assert "stopped answering for more than 0.3 s" in poller.last_problem
    assert board(content, poller.latest()).source == LIVE
    poller.fetcher.close()


def test_a_500_is_logged_and_retry_after_honoured(content, provider, caplog):
    provider.answer(200, RECORDED)
    provider.answer(500, b"Internal Server Error", **{"Retry-After": "120"})
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert poller.poll_once(NOW + timedelta(seconds=30)) == pytest.approx(150)  # 120 s plus jitter
    assert poller.failures == 1 and "answered 500" in poller.last_problem
    assert "Keeping the last good state" in caplog.text
    assert board(content, poller.latest()).source == LIVE
    poller.fetcher.close()


@pytest.mark.parametrize(("payload", "sentence"), [
    (RECORDED[:5000], "is not JSON"),  # cut off on the way
    ((FIXTURES / "weather" / "brightsky_current_weather.json").read_bytes(),  # real JSON, another provider's
     "is JSON but not an EFA departure monitor answer"),
    ((FIXTURES / "efa" / "essen_alfred_ambiguous.json").read_bytes(),  # real EFA: a name matching several stops
     "does not name one stop (EFA says 'name list'; candidates: Essen, Alfred-Krupp-Schule"),
])
def test_an_answer_that_is_not_a_departure_list_is_a_sentence_and_ignored(content, provider, payload, sentence):
    provider.answer(200, payload)
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert poller.latest() is None and poller.failures == 1
    assert sentence in poller.last_problem and "127.0.0.1" in poller.last_problem and AREA in poller.last_problem
    assert board(content, poller.latest()).source == TIMETABLE
    with pytest.raises(LiveDataError, match="EFA departure monitor at efa.example"):
        parse_departure_monitor(payload, area=AREA, source="efa.example", received_at=NOW)
    poller.fetcher.close()


def test_an_answer_about_another_stop_area_is_refused():
    with pytest.raises(LiveDataError, match="is about stop area de:05113:9153, not the one asked for"):
        parse_departure_monitor(RECORDED, area="de:05913:485", source="efa.example", received_at=NOW)


def test_not_modified_keeps_the_answer_and_confirms_it(provider):
    provider.answer(200, RECORDED, ETag='"dm-1"')
    provider.answer(304)
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    assert poller.poll_once(NOW + timedelta(seconds=30)) == 30 and poller.failures == 0
    assert poller.latest().boards[AREA].issued_at == NOW + timedelta(seconds=30)
    poller.fetcher.close()


def test_one_request_per_stop_area_in_turn_spaced_over_the_interval(provider):
    other = "de:05113:9154"
    for _ in range(3):
        provider.answer(200, RECORDED)
    poller = poller_for(provider.url, areas=[AREA, other, AREA])
    assert poller.poll_once(NOW) == 15  # two areas: a request every 15 s, each area every 30 s
    poller.poll_once(NOW + timedelta(seconds=15))
    assert "is about stop area de:05113:9153" in poller.last_problem  # the replay answers for 9153 only
    poller.poll_once(NOW + timedelta(seconds=45))
    names = [path.split("name_dm=")[1].split("&")[0] for path in provider.asked]
    assert names == ["de%3A05113%3A9153", "de%3A05113%3A9154", "de%3A05113%3A9153"]
    poller.set_areas([f"de:05913:{n}" for n in range(100)])
    assert poller.next_delay_s() == EFA_MIN_GAP_S  # many areas: never closer than this
    poller.fetcher.close()


def test_the_background_thread_never_makes_a_reader_wait(provider):
    assert_reader_never_waits(poller_for(provider.url, timeout_s=5), provider, NOW)


def test_with_both_sources_gtfs_realtime_decides_the_runs_it_covers(content, provider):
    provider.answer(200, RECORDED)
    poller = poller_for(provider.url)
    poller.poll_once(NOW)
    issued = NOW - timedelta(seconds=10)
    gtfs_rt = parse_trip_updates(trip_updates(issued, {"trip_id": "T145", "start_date": "20240921",
                                                       "stops": [(1, f"{AREA}:4:1", 180, False)]}),
                                 source="gtfsr.example", received_at=NOW)
    shown = board(content, LiveSources(trip_updates=gtfs_rt, efa=poller.latest()))
    assert ("18:33", "18:36", "145", "4:1", False, "live") in rows(shown)  # GTFS-RT's 3 minutes, not EFA's 7
    assert ("18:50", "18:51", "101", "2:4", False, "live") in rows(shown)  # EFA fills the rest
    assert shown.live_age_s == 39  # the older of the two sources used
    poller.fetcher.close()


def test_a_departure_claimed_twice_is_left_to_the_timetable():
    one = EfaDeparture("U11", NOW, NOW + timedelta(minutes=2), False)  # no platform to decide by
    read = AreaBoard(AREA, NOW, (one,))
    both = [Scheduled(f"{AREA}:1:1", "U11", NOW), Scheduled(f"{AREA}:1:2", "U11", NOW)]
    assert match_departures(read, both) == {}
    assert match_departures(read, both[:1]) == {0: one}
    assert match_departures(read, [Scheduled(f"{AREA}:1:1", "U 11", NOW + timedelta(seconds=59))]) == {0: one}
    assert match_departures(read, [Scheduled(f"{AREA}:1:1", "U11", NOW + timedelta(minutes=1))]) == {}


def test_stop_areas_come_from_dhids_only():
    assert stop_area("de:05113:9153:2:3") == stop_area("de:05113:9153") == AREA
    assert stop_area("8000098") is None and stop_area("REI1") is None
    assert efa_areas([{"id": "de:05913:485:1:1"}, {"id": "de:05913:485:2:2"}, {"id": "STAGECOACH"}]) == ["de:05913:485"]


def test_a_configured_efa_url_makes_kiosk_departures_live(tmp_path, data_dir, provider):
    provider.answer(200, RECORDED)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'kiosk_id = "{KIOSK}"\nfeed_url = "https://example.org/feed.json"\npublic_keys = ["x"]\n'
                      f'efa_url = "{provider.url}"\nallow_insecure_http = true\n')
    result = CliRunner().invoke(kiosk_main, ["--config", str(config), "departures", "--at", NOW.isoformat(),
                                             "--json", "--data-dir", str(data_dir), "--stop", f"{AREA}:2:4"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)[0]
    assert shown["source"] == "live" and shown["live_age_s"] == 39
    assert [(d["expected"][11:16], d["delay_min"], d["source"]) for d in shown["departures"]] == [
        ("18:35", 0, "live"), ("18:51", 1, "live")]
    assert len(provider.asked) == 1  # one stop area, one request


def test_efa_is_off_unless_configured_and_the_url_is_checked():
    assert efa_poller(from_mapping({})) is None
    with pytest.raises(Exception, match="'efa_url' must be an https:// address"):
        from_mapping({"efa_url": "http://efa.example/standard/XML_DM_REQUEST"})
    poller = efa_poller(from_mapping({"efa_url": "https://efa.vrr.de/standard/XML_DM_REQUEST", "live_timeout_s": 2.0}))
    assert poller.fetcher.timeout == (2.0, 2.0)
    assert poller.request_url(AREA).startswith("https://efa.vrr.de/standard/XML_DM_REQUEST?outputFormat=JSON&")
    poller.fetcher.close()
