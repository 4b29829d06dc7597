"""The emergency notice document (sync/alerts.py) and its poller (sync/alert_poll.py), against a real HTTP
server on 127.0.0.1 serving a folder with ETag and 304s, as nginx serves the desk's web root."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.alerts import emergency_notice
from kiosk.config import ConfigError, Config, alert_poller, from_mapping
from sync.alert_poll import AlertPoller
from sync.alerts import (ALERTS_NAME, SIGNATURE_NAME, AlertError, document_bytes, parse_document, write_signed)
from sync.serve import FeedServer, start_in_thread
from sync.signing import load_private_key, write_keypair

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=timezone.utc)
UNTIL = NOW + timedelta(hours=2)


def notice(id="street-closed-1", until=UNTIL, **extra) -> dict:
    return {"id": id, "level": "emergency", "until": until.isoformat(),
            "text": {"de": "Die Kampstraße ist gesperrt.", "en": "Kampstraße is closed."}, **extra}


def publish(folder, key, sequence, notices, issued_at=NOW) -> bytes:
    data = document_bytes(sequence, issued_at, "de", notices)
    write_signed(folder, data, key)
    return data


@pytest.fixture
def site(tmp_path, keypair):
    folder = tmp_path / "site"
    folder.mkdir()
    server = FeedServer(folder, quiet=True)
    start_in_thread(server)
    yield {"folder": folder, "url": server.url + ALERTS_NAME, "key": load_private_key(keypair[0]),
           "public": keypair[1]}
    server.shutdown()
    server.server_close()


def poller(site, data_dir, **kwargs) -> AlertPoller:
    return AlertPoller(site["url"], [site["public"]], data_dir, allow_insecure_http=True, rand=lambda: 0.5,
                       **kwargs)


def shown(poll: AlertPoller, at=NOW, lang="en", kiosk="reinoldikirche"):
    found = emergency_notice(poll.document(), at, lang, kiosk)
    return found.text if found else None


# -- the document ----------------------------------------------------------------------------


def test_a_document_round_trips_and_a_notice_shows_in_the_visitors_language_else_the_default():
    doc = parse_document(document_bytes(7, NOW, "de", [notice()]))
    assert doc.sequence == 7 and doc.notices[0].until == UNTIL
    assert emergency_notice(doc, NOW, "en", "x").text == "Kampstraße is closed."
    assert emergency_notice(doc, NOW, "tr", "x").text == "Die Kampstraße ist gesperrt."  # no Turkish: German
    assert emergency_notice(doc, UNTIL, "en", "x") is None  # over at `until`


def test_some_terminals_only_and_not_before_from():
    doc = parse_document(document_bytes(1, NOW, "de", [notice(kiosk_ids=["hbf-nord"], **{"from": (NOW + timedelta(minutes=5)).isoformat()})]))
    assert emergency_notice(doc, NOW + timedelta(minutes=6), "de", "reinoldikirche") is None
    assert emergency_notice(doc, NOW, "de", "hbf-nord") is None
    assert emergency_notice(doc, NOW + timedelta(minutes=6), "de", "hbf-nord").id == "street-closed-1"


@pytest.mark.parametrize("change, words", [
    (lambda d: d["notices"][0].pop("until"), "'until' is a required property"),
    (lambda d: d["notices"][0].update(until="2026-11-28T17:00"), "no UTC offset"),
    (lambda d: d["notices"][0].update(text={"en": "closed"}), "no text in the default language 'de'"),
    (lambda d: d["notices"][0].update(level="info"), "$.notices[0].level"),
    (lambda d: d.update(type="kiosk-feed"), "$.type"),
    (lambda d: d["notices"].append(dict(d["notices"][0])), "lists the notice id 'street-closed-1' twice"),
])
def test_a_broken_document_is_refused_with_where(change, words):
    doc = json.loads(document_bytes(3, NOW, "de", [notice()]))
    change(doc)
    with pytest.raises(AlertError) as refused:
        parse_document(json.dumps(doc).encode())
    assert words in str(refused.value)


# -- the poller against a real server ----------------------------------------------------------


def test_publish_then_quiet_polls_are_304s_then_ending_clears_it(site, data_dir):
    poll = poller(site, data_dir)
    assert poll.poll_once(NOW) == 15 and shown(poll) is None  # nothing published yet: a 404 is no problem
    publish(site["folder"], site["key"], 10, [notice()])
    poll.poll_once(NOW)
    assert shown(poll) == "Kampstraße is closed."
    for _ in range(3):
        poll.poll_once(NOW)
    assert poll.not_modified == 3 and poll.failures == 0
    publish(site["folder"], site["key"], 11, [])  # ended
    poll.poll_once(NOW)
    assert shown(poll) is None and poll.document().sequence == 11


def test_an_older_document_is_refused_as_a_replay_and_the_newer_one_stays(site, data_dir):
    poll = poller(site, data_dir)
    old = publish(site["folder"], site["key"], 20, [])
    publish(site["folder"], site["key"], 21, [notice()])
    poll.poll_once(NOW)
    assert shown(poll) == "Kampstraße is closed."
    # a stale cache (or an attacker) serves the older, validly signed document again
    write_signed(site["folder"], old, site["key"])
    delay = poll.poll_once(NOW)
    assert "sequence 20, but sequence 21 is already held" in poll.last_problem
    assert shown(poll) == "Kampstraße is closed." and poll.document().sequence == 21
    assert 0 < delay <= 15


def test_a_wrong_signature_is_refused_and_the_last_good_document_kept(site, data_dir, tmp_path):
    poll = poller(site, data_dir)
    publish(site["folder"], site["key"], 30, [notice()])
    poll.poll_once(NOW)
    stranger, _public = write_keypair(tmp_path / "stranger")
    publish(site["folder"], load_private_key(stranger), 31, [])  # "ended", signed by someone else
    poll.poll_once(NOW)
    assert "the signature does not match" in poll.last_problem
    assert shown(poll) == "Kampstraße is closed."
    # it is fetched in full again (its validators were not kept) and refused again until fixed
    poll.poll_once(NOW)
    assert poll.failures == 2 and poll.not_modified == 0
    publish(site["folder"], site["key"], 32, [])
    poll.poll_once(NOW)
    assert shown(poll) is None and poll.failures == 0


def test_a_terminal_restarted_offline_shows_the_kept_notice_until_it_expires(site, data_dir):
    publish(site["folder"], site["key"], 40, [notice()])
    poller(site, data_dir).poll_once(NOW)
    assert (data_dir / ALERTS_NAME).is_file() and (data_dir / SIGNATURE_NAME).is_file()
    offline = AlertPoller("http://127.0.0.1:9/alerts.json", [site["public"]], data_dir, allow_insecure_http=True,
                          rand=lambda: 0.5)
    delay = offline.poll_once(NOW)  # nobody answers on the discard port
    assert offline.failures == 1 and 0 < delay <= 120
    assert shown(offline, NOW + timedelta(minutes=90)) == "Kampstraße is closed."
    assert shown(offline, UNTIL + timedelta(seconds=1)) is None  # past `until`: gone, even offline


def test_a_terminal_that_was_offline_does_not_show_a_notice_that_ended_meanwhile(site, data_dir):
    publish(site["folder"], site["key"], 50, [notice()])
    poller(site, data_dir).poll_once(NOW)
    publish(site["folder"], site["key"], 51, [])  # ended while the terminal was off
    back = poller(site, data_dir)
    assert shown(back) == "Kampstraße is closed."  # the kept copy, before the first poll
    back.poll_once(NOW)
    assert shown(back) is None


def test_a_kept_copy_signed_by_a_key_no_longer_trusted_is_not_shown(site, data_dir, tmp_path):
    publish(site["folder"], site["key"], 60, [notice()])
    poller(site, data_dir).poll_once(NOW)
    _path, other = write_keypair(tmp_path / "rotated")
    assert AlertPoller(site["url"], [other], data_dir, allow_insecure_http=True).document() is None


def test_a_change_is_reported_once_to_the_ui(site, data_dir):
    seen = []
    poll = poller(site, data_dir, on_change=seen.append)
    publish(site["folder"], site["key"], 70, [notice()])
    poll.poll_once(NOW)
    poll.poll_once(NOW)
    assert [doc.sequence for doc in seen] == [70]


# -- settings ------------------------------------------------------------------------------


def test_the_poller_looks_beside_the_feed_unless_told_otherwise(tmp_path, keypair):
    config = from_mapping({"feed_url": "https://feed.example.org/city/feed.json", "public_keys": [keypair[1]]})
    assert alert_poller(config, tmp_path).url == "https://feed.example.org/city/alerts.json"
    assert alert_poller(config, tmp_path).interval_s == 15
    assert alert_poller(Config(), tmp_path) is None  # demo mode
    usb = from_mapping({"feed_url": "file:///media/usb/feed.json", "public_keys": [keypair[1]]})
    assert alert_poller(usb, tmp_path) is None
    off = from_mapping({"feed_url": "https://feed.example.org/feed.json", "public_keys": [keypair[1]], "alerts_url": ""})
    assert alert_poller(off, tmp_path) is None


def test_an_interval_over_a_minute_is_refused():
    with pytest.raises(ConfigError, match="'alert_interval_s' is 300, but must be between 5 and 60"):
        from_mapping({"alert_interval_s": 300})
    with pytest.raises(ConfigError, match="'alerts_url' must be an https:// address"):
        from_mapping({"alerts_url": "ftp://x/alerts.json", "public_keys": ["k"]})
