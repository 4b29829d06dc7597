"""The desk's emergency notice (sync/alerts.py) on the real screen: it takes over in the visitor's language,
also from the copy a terminal kept before it restarted offline, and goes at its `until` without any network."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sync.alert_poll import AlertPoller
from sync.alerts import document_bytes, write_signed
from sync.signing import load_private_key
from tests.ui.harness import START, advance, frames

UNTIL = START + timedelta(minutes=20)


@pytest.fixture
def offline_alerts(app, keypair, tmp_path):
    """A poller that never reached a server: what it shows comes from the kept copy in its data folder."""
    notice = {"id": "emergency-7", "level": "emergency", "until": UNTIL.isoformat(),
              "text": {"de": "Bitte verlassen Sie den Friedensplatz.", "en": "Please leave Friedensplatz."}}
    write_signed(tmp_path, document_bytes(7, START, "de", [notice]), load_private_key(keypair[0]))
    app.services.alerts = AlertPoller("http://127.0.0.1:9/alerts.json", [keypair[1]], tmp_path,
                                      allow_insecure_http=True)
    yield app.services.alerts
    app.services.alerts = None
    app._tick(0)


def test_the_desks_notice_takes_over_in_the_visitors_language_and_ends_on_time_offline(app, clock, offline_alerts):
    app.set_language("en")  # the visitor chose English
    app.notices_changed()
    frames(2)
    assert app.emergency_shown
    assert app._emergency.text.txt == "Please leave Friedensplatz."
    assert app._emergency.until.txt == "Until 17:50"
    clock.value = UNTIL - timedelta(seconds=2)
    app.touched()
    advance(app, clock, 3)
    assert not app.emergency_shown  # past `until`, with no server ever reached


def test_a_language_without_the_text_falls_back_to_german(app, offline_alerts):
    app.set_language("tr")
    app.notices_changed()
    assert app._emergency.text.txt == "Bitte verlassen Sie den Friedensplatz."


def test_the_heartbeat_says_which_notices_the_terminal_holds(app, offline_alerts):
    offline_alerts.poll_once(START)  # nobody answers: the kept copy stays, the reason is reported
    extra = app.services._heartbeat_extra()
    assert extra["alert_sequence"] == 7
    assert "127.0.0.1:9" in extra["alert_problem"]
