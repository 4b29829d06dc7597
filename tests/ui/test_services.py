"""The app's services: usage counts from real navigation (never what was typed), handed over on the
hour and at stop; the sync worker thread applying a file:// feed and the UI thread redrawing;
systemd's READY and WATCHDOG from the UI loop."""
from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta

import pytest
from kivy.core.window import Window

from kiosk.config import Config
from kiosk.ui.services import Services
from kiosk.usage import UsageCounters
from sync.outbox import Outbox
from tests.feedkit import feed, write_signed
from tests.ui.harness import advance, find_button, frames, tap, tap_at, texts

WAIT_S = 20  # a bound for the worker thread; it normally finishes in well under a second


@pytest.fixture
def counted(app, monkeypatch):
    """A fresh set of counters on the running app, whose finished hours land in a list."""
    handed: list[dict] = []
    usage = UsageCounters(app.settings.kiosk_id, sink=lambda payload, at: handed.append(payload))
    monkeypatch.setattr(app.services, "usage", usage)
    return usage, handed


def test_navigation_counts_screens_languages_and_one_search_without_its_text(app, clock, counted):
    usage, handed = counted
    tap_at(Window.width / 2, Window.height * 0.7)
    home = app.current()
    tap(find_button(home, "English"))
    tap(home.tiles["today"])
    tap(app.current().frame.nav.home)
    tap(app.current().tiles["search"])
    search = app.current()
    search.type_text("kitap")
    frames(2)
    search.type_text("lar")
    frames(2)

    counts = usage.snapshot()
    assert counts["screens"] == {"home": 2, "today": 1, "search": 1}
    assert counts["languages"] == {"en": 1}
    assert counts["searches"] == 1
    assert "kitap" not in json.dumps(counts)

    advance(app, clock, app.settings.idle_timeout_s + 11)
    assert app.current().name == "attract"
    assert usage.snapshot()["idle_resets"] == 1
    assert usage.snapshot()["languages"] == {"en": 1}  # going back to German by itself is no visitor's choice

    clock.value = clock.value.replace(minute=59, second=55)
    # Past the hour by more than the check's 10-s interval: whatever its phase, a check runs after the hour.
    advance(app, clock, 21)
    assert len(handed) == 1 and handed[0]["hour"] == "2026-11-26T16:00:00+00:00"
    assert handed[0]["searches"] == 1 and "kitap" not in json.dumps(handed[0])


def test_routes_and_qr_codes_are_counted_through_the_app(app, counted):
    usage, _ = counted
    app.services.route_asked()
    app.services.qr_shown()
    app.services.screen_opened("night")  # the app's own screens are not visitor use
    counts = usage.snapshot()
    assert counts["routes"] == 1 and counts["qr_codes"] == 1 and counts["screens"] == {}


def test_stop_hands_the_hour_to_the_outbox(app, tmp_path):
    services = Services(app, settings=Config(), data_dir=tmp_path)
    services.search_made()
    services.stop()
    with Outbox.open(tmp_path) as outbox:
        items = outbox.due("usage", now=app.now() + timedelta(days=1))
    assert len(items) == 1 and items[0].payload["searches"] == 1


def test_the_sync_thread_applies_a_feed_and_the_ui_thread_redraws(app, tmp_path, keypair):
    key_path, public = keypair
    doc = feed(sequence=42, city={**feed()["city"], "name": {"de": "Testhausen", "en": "Testhausen"}})
    feed_path = write_signed(tmp_path / "published", doc, key_path)
    data = tmp_path / "data"
    settings = Config(feed_url=feed_path.as_uri(), public_keys=[public], sync_interval_s=3600)
    services = Services(app, settings=settings, data_dir=data)
    changed_on: list[str] = []
    original = app.content_changed

    def content_changed():
        changed_on.append(threading.current_thread().name)
        original()

    app.go("home")
    frames(2)
    assert not any("Testhausen" in t for t in texts(app.current()))
    old_dir = app.data_dir
    app.data_dir = data
    app.content_changed = content_changed
    try:
        services.start()
        assert services.sync_cycled.wait(WAIT_S), "the sync worker did not finish a cycle"
        assert services.worker.is_alive() and not changed_on  # handed over, not called from the thread
        frames(3)
        assert changed_on == [threading.main_thread().name]
        assert "Willkommen in Testhausen" in texts(app.current())
        services.sync_cycled.clear()
        assert services.sync_now()
        assert services.sync_cycled.wait(WAIT_S)  # woken at once, not after the hour-long interval
    finally:
        services.stop()
        del app.content_changed
        app.data_dir = old_dir
        app.content_changed()
    assert services.worker is None
    assert "Testhausen" not in " ".join(texts(app.current()))


def test_demo_mode_runs_no_sync_thread(app, tmp_path):
    services = Services(app, settings=Config(), data_dir=tmp_path)
    services.start()
    try:
        assert services.worker is None and not services.sync_now()
        assert not [t for t in threading.enumerate() if t.name.startswith("kiosk-")]
    finally:
        services.stop()


def test_systemd_hears_ready_after_the_first_frame_and_watchdog_from_the_ui_loop(app, clock, tmp_path, monkeypatch):
    path = tmp_path / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    listener.settimeout(WAIT_S)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", "2000000")  # WatchdogSec=2: a ping every second
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    services = Services(app, settings=Config(), data_dir=tmp_path)
    try:
        services.start()
        frames(2)
        assert listener.recv(256).startswith(b"READY=1")
        advance(app, clock, 1.5)
        assert listener.recv(256) == b"WATCHDOG=1"
    finally:
        services.stop()
        heard = [listener.recv(256)]
        while heard[-1] == b"WATCHDOG=1":  # a second ping may have gone out before the stop
            heard.append(listener.recv(256))
        listener.close()
    assert heard[-1] == b"STOPPING=1"


def test_opening_a_route_counts_one_route_and_its_qr_code(app, counted):
    usage, _ = counted
    app.go("route", item="teehaus-samowar")
    frames(2)
    assert app.current().directions is not None
    counts = usage.snapshot()
    assert counts["routes"] == 1 and counts["qr_codes"] == 1
    assert "teehaus" not in json.dumps(counts)


def test_configured_live_sources_run_on_their_own_threads_and_stop_with_the_app(app, tmp_path):
    """Weather and warnings from servers on 127.0.0.1 (real recorded answers): each fetched on its own
    thread as soon as the app starts, and ended by stop(); the demo's example weather needs no thread."""
    from tests.live_kit import LocalProvider
    from tests.test_dwd_warnings import HAVELSEE, RECORDED, UPDATE, DwdServer
    from tests.test_warnings import ARS, DWD_UPDATE, Nina
    from tests.test_weather import CURRENT, HOURLY

    asked = threading.Event()

    def respond(path):
        if path.startswith("/weather"):
            asked.set()
        return 200, CURRENT if path.startswith("/current_weather") else HOURLY, {}

    weather = LocalProvider(respond)
    nina = Nina()
    nina.serve(DWD_UPDATE)
    dwd = DwdServer()
    dwd.publish(RECORDED.read_bytes(), "recorded")
    settings = Config(allow_insecure_http=True, weather_url=weather.url, weather_lat=51.514, weather_lon=7.468,
                      warnings_url=nina.url, warnings_ars=ARS, dwd_warn_cell=HAVELSEE, dwd_warnings_url=dwd.url)
    services = Services(app, settings=settings, data_dir=tmp_path)
    try:
        services.start()
        pollers = services.weather, services.warnings
        live = {"live-weather", "live-official-warnings", "live-dwd-weather-warnings"}
        assert live <= {t.name for t in threading.enumerate()}
        assert asked.wait(WAIT_S), "the weather was not fetched at start"
    finally:
        services.stop()  # joins the threads: the fetch under way has finished
        weather.close()
        nina.close()
        dwd.close()
    assert pollers[0].latest().station == "Berlin-Tempelhof"
    if dwd.served:  # the DWD's thread got its answer before the stop
        assert [m.identifier for m in pollers[1].pollers[0].state_copy().messages.values()] == [UPDATE]
    assert services.weather is None and services.warnings is None
    assert not live & {t.name for t in threading.enumerate()}
    demo = Services(app, settings=Config(), data_dir=tmp_path)
    demo.start()
    try:
        assert demo.weather.latest().example and demo.trip_updates is None
        # The demo's recorded example warning (make run), unless demo_example_warning = false.
        assert [v.example_recorded is not None for v in demo.warnings.views(app.now(), "en")] == [True]
    finally:
        demo.stop()
    quiet = Services(app, settings=Config(demo_example_warning=False), data_dir=tmp_path)
    quiet.start()
    try:
        assert quiet.warnings is None and quiet.weather.latest().example
    finally:
        quiet.stop()
