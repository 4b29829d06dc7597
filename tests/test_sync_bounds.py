"""Deadlines, sizes and settings a slow network or a careless operator still broke (issue 19, points 5, 6, 7, 10)."""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.config import ConfigError, load_config
from sync import service
from sync.demo import demo_public_key
from sync.fetch import Fetcher, FetchError
from sync.status import describe, read_status
from tests import feedkit
from tests.test_sync_http import Site, body

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def ticking(step_s: float):
    """A monotonic clock that moves `step_s` on every reading: a slow network without waiting for one."""
    counter = itertools.count()
    return lambda: next(counter) * step_s


# ---- 5. an overall deadline, and "in progress" in status


def fetch_failure(tmp_path, serve, fetcher: Fetcher) -> FetchError:
    """The FetchError of fetching feed.json from a real server on 127.0.0.1 that `serve(site)` set up."""
    site = Site(tmp_path / "pub")
    serve(site)
    try:
        with pytest.raises(FetchError) as raised:
            fetcher.get(site.url(), what="the feed", limit=50 * 1024 * 1024, now=NOW)
    finally:
        fetcher.close()
        site.close()
    return raised.value


def test_a_drip_feed_is_stopped_at_the_overall_deadline_not_after_days(tmp_path):
    failure = fetch_failure(tmp_path, lambda site: (site.root / "feed.json").write_bytes(b" " * (4 * 1024 * 1024)),
                            Fetcher(allow_insecure_http=True, deadline_s=900, clock=ticking(60)))
    assert "took longer than 900 s in all" in str(failure) and failure.unreachable


def test_a_fast_download_is_not_cut_by_the_deadline(tmp_path):
    site = Site(tmp_path / "pub")
    (site.root / "feed.json").write_bytes(b"{}" * 100_000)
    fetcher = Fetcher(allow_insecure_http=True, deadline_s=900)
    try:
        assert fetcher.get(site.url(), what="the feed", limit=1024 * 1024, now=NOW).size == 200_000
    finally:
        fetcher.close()
        site.close()


def test_a_cut_download_reports_every_byte_that_arrived(tmp_path):
    data = b"x" * 300_000
    failure = fetch_failure(tmp_path, lambda site: site.overrides.update(
        {"/feed.json": body(data, content_length=len(data), close_after=150_001)}), Fetcher(allow_insecure_http=True))
    # Read in 64 KiB chunks, the partial last one went uncounted: "cut after 128 KiB".
    assert "was cut after 146 KiB of 293 KiB of the feed" in str(failure)


def test_status_says_a_sync_is_in_progress_and_what_the_last_one_did():
    started = NOW.isoformat()
    earlier = (NOW - timedelta(minutes=5)).isoformat()
    lines = describe({"last_attempt": started, "sync_running": True, "last_sync_ok": True, "last_success": earlier,
                      "content_sequence": 3}, NOW + timedelta(minutes=2))
    assert "Sync: in progress, started 2 min ago." in lines
    assert any(line.startswith("Last sync: succeeded 7 min ago") for line in lines), lines


def test_status_after_the_demo_was_applied_says_it_succeeded(data_dir):
    service.ensure_demo_content(data_dir, now=NOW)
    lines = describe(read_status(data_dir), NOW)
    assert not any("none yet" in line for line in lines), lines
    assert any(line.startswith("Last sync: succeeded") for line in lines), lines


def test_a_sync_marks_itself_running_then_records_its_outcome(tmp_path, keypair, data_dir):
    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "usb", feedkit.feed(), key_path)
    seen = []
    original = service.apply_from_file

    def watching(*args, **kwargs):
        seen.append(read_status(data_dir).get("sync_running"))
        return original(*args, **kwargs)

    service.apply_from_file = watching
    try:
        service.sync_once(str(path), public_keys=[public], data_dir=data_dir, now=NOW)
    finally:
        service.apply_from_file = original
    assert seen == [True] and read_status(data_dir)["sync_running"] is False


# ---- 6. a local feed is measured before it is read


def test_a_huge_usb_feed_is_refused_by_its_size_without_reading_it(tmp_path, keypair, data_dir):
    _, public = keypair
    feed = tmp_path / "usb" / "feed.json"
    feed.parent.mkdir()
    with open(feed, "wb") as handle:
        handle.truncate(1024 * 1024 * 1024)  # 1 GiB, sparse: no disk space, and never read
    (tmp_path / "usb" / "feed.json.sig").write_text("AAAA\n")
    with pytest.raises(service.SyncFailed, match=r"is 1024 MiB, over the limit of 50 MiB; it was not read"):
        service.apply_from_file(feed, public_keys=[public], data_dir=data_dir, now=NOW)


# ---- 7 and 10. settings are checked at start, each problem naming its key


def write(tmp_path, text: str | bytes):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


REAL = 'feed_url = "https://cms.example.org/feed.json"\npublic_keys = ["k1"]\n'


@pytest.mark.parametrize(("text", "words"), [
    ('sync_interval_s = 1000000000000000000\n', "'sync_interval_s' is 1000000000000000000, but must be between 10"),
    ('connect_timeout_s = 1e300\n', "'connect_timeout_s' is 1e+300, but must be between 0.1 and 300"),
    ('read_timeout_s = nan\n', "'read_timeout_s' is nan"),
    ('idle_timeout_s = 0\n', "'idle_timeout_s' is 0, but must be between 5 and 3600"),
    ('walking_speed_kmh = inf\n', "'walking_speed_kmh' is inf"),
    (REAL.replace('"k1"', f'"k1", "{demo_public_key()}"'), "'public_keys' lists the demo key"),
    ('screen_size = "1080x1920000"\n', "'screen_size' '1080x1920000' is not WIDTHxHEIGHT"),
    ('night_mode = "late"\n', "'night_mode': night_mode 'late' is not a time range"),
    ('locales = ["de", "xx"]\n', "'locales' lists 'xx', which is no language tag Babel knows"),
    ('kiosk_id = "Alter Markt\\n"\n', "'kiosk_id' 'Alter Markt\\n' is not a feed id"),
])
def test_absurd_settings_are_refused_by_name(tmp_path, text, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_config(write(tmp_path, text))


def test_the_demo_key_is_fine_in_demo_mode(tmp_path):
    assert load_config(write(tmp_path, f'public_keys = ["{demo_public_key()}"]\n')).demo_mode


def test_a_settings_file_that_is_not_utf8_is_named(tmp_path):
    path = write(tmp_path, b'kiosk_id = "b\xfcro"\n')
    with pytest.raises(ConfigError, match=r"kiosk.toml is not UTF-8: byte 0xfc at offset 13"):
        load_config(path)


def test_a_data_dir_that_is_a_file_is_named(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match=r"'data_dir' names .*afile, which is a file, not a folder"):
        load_config(write(tmp_path, f'data_dir = "{tmp_path / "afile"}"\n'))


def test_a_prometheus_file_that_cannot_be_created_is_named(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match=r"'prometheus_file' .* cannot be created: .*afile is a file"):
        load_config(write(tmp_path, f'prometheus_file = "{tmp_path / "afile" / "kiosk.prom"}"\n'))


def test_a_prometheus_file_that_cannot_be_written_never_fails_the_sync(tmp_path, keypair, data_dir):
    key_path, public = keypair
    (tmp_path / "afile").write_text("x")
    path = feedkit.write_signed(tmp_path / "usb", feedkit.feed(), key_path)
    result = service.sync_once(str(path), public_keys=[public], data_dir=data_dir, now=NOW,
                               prometheus_file=tmp_path / "afile" / "kiosk.prom")
    assert result.applied and read_status(data_dir)["last_sync_ok"] is True
