"""The content desk end to end in a real headless Chromium: an editor writes a weekly market in German and English,
a publisher publishes it, a terminal syncs the signed feed over HTTP on 127.0.0.1 and lists the market."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the desk extra is not installed")

from playwright.sync_api import expect  # noqa: E402

from sync.serve import FeedServer, start_in_thread  # noqa: E402
from tests.browser import headless_chromium  # noqa: E402

BIN = Path(sys.executable).parent
NEXT_MARKET = "2027-01-09T09:30:00+01:00"  # a Saturday after the first market on 2026-12-05


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def desk(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "kiosk-desk"), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def running_desk(tmp_path_factory):
    data = tmp_path_factory.mktemp("desk")
    env = {**os.environ, "DESK_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "desk.settings"}
    out = desk(env, "desk_demo", "--no-serve")
    public = out.split('public_keys = ["')[1].split('"')[0]
    desk(env, "desk_user", "erika", "--role", "editor", "--password", "erika-secret-1")
    desk(env, "desk_user", "paul", "--role", "publisher", "--password", "paul-secret-1")
    port = free_port()
    log = (data / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "kiosk-desk"), "runserver", f"127.0.0.1:{port}", "--insecure", "--noreload"],
                              env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=log, text=True)
    for line in server.stdout:  # blocks until the server says it listens; no sleeping
        if "Quit the server" in line:
            break
    else:
        raise AssertionError(f"the desk did not start: {(data / 'server.log').read_text()}")
    yield {"url": f"http://127.0.0.1:{port}", "site": data / "site", "public": public}
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


def log_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_an_editor_writes_a_market_a_publisher_publishes_and_a_terminal_lists_it(running_desk, browser, tmp_path):
    url = running_desk["url"]
    editor = browser.new_page(locale="en-GB")
    log_in(editor, url, "erika", "erika-secret-1")
    editor.goto(url + "/admin/content/event/add/")
    editor.fill("#id_feed_id", "bauernmarkt-friedensplatz")
    editor.fill("#id_title_0", "Bauernmarkt auf dem Friedensplatz")
    editor.fill("#id_title_1", "Farmers market on Friedensplatz")
    editor.select_option("#id_category", "market")
    editor.fill("#id_start_0", "2026-12-05")
    editor.fill("#id_start_1", "07:00:00")
    editor.fill("#id_end_0", "2026-12-05")
    editor.fill("#id_end_1", "13:00:00")
    editor.select_option("#id_repeat", "WEEKLY")
    editor.check("input[name=weekdays][value=SA]")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("bauernmarkt-friedensplatz")
    assert "FREQ=WEEKLY;BYDAY=SA" in editor.content()
    denied = editor.goto(url + "/admin/publish/")
    assert denied.status == 403  # an editor cannot publish
    editor.close()

    publisher = browser.new_page(locale="en-GB")
    log_in(publisher, url, "paul", "paul-secret-1")
    publisher.click("#desk-publish-link")
    expect(publisher.locator("#desk-diff")).to_contain_text("Event added: Bauernmarkt auf dem Friedensplatz")
    publisher.click("#desk-publish")
    expect(publisher.locator(".messagelist")).to_contain_text("Published sequence")
    publisher.close()

    site = FeedServer(running_desk["site"], quiet=True)
    start_in_thread(site)
    try:
        terminal = tmp_path / "terminal"
        feed_url = f"http://127.0.0.1:{site.server_address[1]}/feed.json"
        synced = subprocess.run([str(BIN / "kiosk"), "sync", "--once", "--feed-url", feed_url, "--public-key",
                                 running_desk["public"], "--allow-insecure-http", "--data-dir", str(terminal)],
                                capture_output=True, text=True, timeout=120)
        assert synced.returncode == 0, synced.stdout + synced.stderr
    finally:
        site.shutdown()
        site.server_close()
    listed = subprocess.run([str(BIN / "kiosk"), "events", "--json", "--at", NEXT_MARKET, "--lang", "en",
                             "--data-dir", str(terminal)], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    events = json.loads(listed.stdout)
    market = [e for e in events if "Farmers market on Friedensplatz" in json.dumps(e, ensure_ascii=False)]
    assert market, listed.stdout[:2000]


def test_five_wrong_passwords_lock_the_login(running_desk, browser):
    page = browser.new_page(locale="en-GB")
    for _ in range(5):
        log_in(page, running_desk["url"], "paul", "wrong-password")
    log_in(page, running_desk["url"], "paul", "paul-secret-1")
    expect(page.locator(".errornote")).to_contain_text("locked until")
    page.close()
