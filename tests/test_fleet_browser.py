"""The fleet pages in a real headless Chromium: a terminal's real heartbeat and uploader post to the desk on
127.0.0.1; a publisher sees the silent kiosks first and highlighted, the live one, the feedback charts and the CSV."""
from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

pytest.importorskip("django", reason="the desk extra is not installed")

from playwright.sync_api import expect  # noqa: E402

from kiosk.feedback import FeedbackAnswer  # noqa: E402
from sync.heartbeat import Heartbeat  # noqa: E402
from sync.outbox import Outbox  # noqa: E402
from sync.status import write_status  # noqa: E402
from sync.uploader import Uploader  # noqa: E402
from tests.browser import headless_chromium  # noqa: E402
from tests.desk_server import log_in, running_desk  # noqa: E402

TOKEN = "fleet-token-for-the-browser-test"
ANSWERED = datetime(2026, 11, 26, 15, 10, tzinfo=timezone.utc)  # the feedback's hour; the pages are asked ?at= then
AT = "2026-11-26T18:30"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    os.environ["DESK_FLEET_TOKEN"] = TOKEN  # running_desk hands the environment to the desk's processes
    try:
        with running_desk(tmp_path_factory.mktemp("fleet-desk")) as running:
            yield running
    finally:
        del os.environ["DESK_FLEET_TOKEN"]


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


def terminal_reports(url: str, folder) -> None:
    """What an installed terminal does: its heartbeat with status.json, and its outbox through the uploader."""
    write_status(folder, {"content_sequence": 202611260700, "last_error": "The feed server at https://feed.example answered HTTP 503."})
    result = Heartbeat(folder, kiosk_id="stadtgarten", url=url + "/heartbeat", token=TOKEN).beat(ANSWERED)
    assert result.sent, result.error
    with Outbox.open(folder) as outbox:
        for rating, topics in ((5, ("shops",)), (4, ("shops", "events")), (2, ("cleanliness",))):
            outbox.add("feedback", FeedbackAnswer(rating, topics, "de").to_outbox(kiosk_id="stadtgarten", at=ANSWERED),
                       now=ANSWERED)
        outbox.add("usage", {"hour": "2026-11-26T15:00:00+00:00", "screens": {"map": 9, "today": 4}}, now=ANSWERED)
        report = Uploader.from_settings(outbox, kiosk_id="stadtgarten", feedback_url=url + "/feedback",
                                        usage_url=url + "/usage", fleet_token=TOKEN).upload_due(ANSWERED)
        assert report.acknowledged == 4, report.errors


def test_a_publisher_sees_silent_terminals_first_the_charts_and_the_csv(desk, browser, tmp_path):
    url = desk["url"]
    terminal_reports(url, tmp_path)
    page = browser.new_page(locale="en-GB")
    log_in(page, url, "paul", "paul-secret-1")
    page.click("#desk-fleet-link")
    rows = page.locator("#fleet-terminals tbody tr")
    expect(rows.last).to_have_attribute("data-kiosk", "stadtgarten")  # heard from just now: below the silent ones
    expect(rows.last).to_contain_text("ago")
    expect(rows.last).to_contain_text("answered HTTP 503")
    first = rows.first
    expect(first).to_have_class("fleet-silent")  # the demo's kiosks never sent a heartbeat
    expect(first).to_contain_text("never sent a heartbeat")
    assert first.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor") == "rgb(253, 236, 234)"
    assert rows.last.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor") != "rgb(253, 236, 234)"

    page.goto(url + f"/admin/fleet/feedback/?at={AT}")
    charts = page.locator("#fleet-feedback-charts svg")
    expect(charts).to_have_count(7)
    shops = page.locator('#fleet-feedback-charts svg[aria-label="Shops"] rect title')
    expect(shops.last).to_have_text("2026-W48: 4.5 (2 answers)")
    assert page.locator('#fleet-feedback-charts svg[aria-label="Shops"]').bounding_box()["width"] > 200
    expect(page.locator("#fleet-answers tbody tr")).to_have_count(3)
    with page.expect_download() as download:
        page.click("#fleet-feedback-csv")
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "hour,kiosk_id,rating,topics,language" and len(lines) == 4
    assert "2026-11-26T15:00:00+00:00,stadtgarten,4,events shops,de" in lines

    page.click("#fleet-usage-link")
    expect(page.locator("#fleet-usage-charts svg")).to_have_count(2)
    expect(page.locator("#fleet-usage-charts")).to_contain_text("Map")
    page.close()


def test_the_pages_speak_german_and_an_editor_does_not_see_them(desk, browser):
    page = browser.new_page(locale="de-DE")
    log_in(page, desk["url"], "paul", "paul-secret-1")
    page.goto(desk["url"] + "/admin/fleet/")
    expect(page.locator(".fleet-nav")).to_contain_text("Rückmeldungen")
    expect(page.locator("#fleet-summary")).to_contain_text("seit über 15 Minuten still")
    page.close()
    editor = browser.new_page(locale="en-GB")
    log_in(editor, desk["url"], "erika", "erika-secret-1")
    expect(editor.locator("#desk-fleet-link")).to_have_count(0)
    assert editor.goto(desk["url"] + "/admin/fleet/").status == 403
    editor.close()
