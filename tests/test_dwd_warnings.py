"""The DWD's own weather warnings by warn cell: the real zip of CAP XML files the DWD published on
23 June 2023 (recorded by Bright Sky; tests/fixtures/warnings/README.md), replayed by a server on
127.0.0.1. Issued, updated, cancelled, expired while offline; a timeout, a 500, a zip that is garbage,
a file inside that is not XML, 304 Not Modified; the visitor's language or German; shown once when
NINA relays the same warning.

The recording holds an Update (heavy rain over Stadt Havelsee, warn cell 812069270) but not the Alert
it updates, nor a Cancel. `original_of` makes the Alert from the recorded Update by giving it the
referenced identifier and `sent`, msgType Alert and no references (its texts stay the Update's);
`cancel_of` makes a Cancel that references the Update. Every other byte of the files is the DWD's.
"""
from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as kiosk_main
from kiosk.config import ConfigError, from_mapping, warnings_poller
from kiosk.live import dwd
from kiosk.live.dwd import DwdWarningsPoller
from kiosk.live.nina import NinaWarningsPoller
from kiosk.live.warnings import WarningSources
from sync.fetch import Fetcher
from tests.live_kit import LocalProvider
from tests.test_warnings import ARS, DWD_UPDATE as NINA_DWD_UPDATE, Nina, original_of as nina_original_of

RECORDED = Path(__file__).parent / "fixtures" / "warnings" / "Z_CAP_C_EDZW_LATEST_PVW_STATUS_PREMIUMDWD_COMMUNEUNION_MUL.zip"
HAVELSEE = "812069270"  # Stadt Havelsee: only the recorded heavy-rain Update warns it
NORTHEIM = "803155011"  # Stadt Northeim: the recorded wind-gust Alert (Minor) and a heavy-rain Update (Moderate)
DORTMUND = "805913000"  # not warned in the recording
UPDATE = "2.49.0.0.276.0.DWD.PVW.1687511640000.0d1a4fb5-251a-46fc-aae3-a688d2021e71.MUL"
ORIGINAL = "2.49.0.0.276.0.DWD.PVW.1687503060000.fc4f7fd9-80e7-4d71-969a-254be3e27e83.MUL"
CANCEL = "2.49.0.0.276.0.DWD.PVW.1687514400000.00000000-0000-4000-8000-000000000001.MUL"  # made up
WIND = "2.49.0.0.276.0.DWD.PVW.1687470000000.fe90b61b-3755-4efb-8eda-b161251da9f7.MUL"
NORTHEIM_RAIN = "2.49.0.0.276.0.DWD.PVW.1687514160000.20999218-5d5e-4761-b271-6c243f695568.MUL"


def recorded_files() -> dict[str, bytes]:
    with zipfile.ZipFile(RECORDED) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _set(xml: bytes, tag: str, value: str) -> bytes:
    return re.sub(rf"<{tag}>[^<]*</{tag}>".encode(), f"<{tag}>{value}</{tag}>".encode(), xml, count=1)


def original_of(update: bytes) -> bytes:
    """The Alert the recorded Update replaced: its identifier and sent from the Update's references."""
    xml = _set(_set(_set(update, "identifier", ORIGINAL), "msgType", "Alert"), "sent", "2023-06-23T08:51:00+02:00")
    xml = re.sub(rb"\s*<references>[^<]*</references>", b"", xml)
    return xml.replace(b"2023-06-23T11:14:00+02:00</effective>", b"2023-06-23T08:51:00+02:00</effective>") \
              .replace(b"2023-06-23T11:14:00+02:00</onset>", b"2023-06-23T08:51:00+02:00</onset>")


def cancel_of(update: bytes) -> bytes:
    xml = _set(_set(_set(update, "identifier", CANCEL), "msgType", "Cancel"), "sent", "2023-06-23T12:00:00+02:00")
    return _set(xml, "references", f"opendata@dwd.de,{UPDATE},2023-06-23T11:14:00+02:00")


FILES = recorded_files()
UPDATE_FILE = UPDATE + ".xml"
NORTHEIM_RAIN_FILE = NORTHEIM_RAIN + ".xml"
ISSUED_ZIP = zip_of({**{n: d for n, d in FILES.items() if n != UPDATE_FILE}, ORIGINAL + ".xml": original_of(FILES[UPDATE_FILE])})
CANCELLED_ZIP = zip_of({**{n: d for n, d in FILES.items() if n != UPDATE_FILE}, CANCEL + ".xml": cancel_of(FILES[UPDATE_FILE])})


class DwdServer(LocalProvider):
    """The DWD's open-data server: one zip at /weather/alerts/cap/…, with ETag and Last-Modified, 304 when unchanged."""

    PATH = "/weather/alerts/cap/COMMUNEUNION_DWD_STAT/" + RECORDED.name

    def __init__(self) -> None:
        self.answer: tuple[int, bytes, dict] | None = (404, b"", {})
        self.served: list[int] = []  # the status of each answer
        super().__init__(self._respond, self.PATH)

    def publish(self, body: bytes, tag: str) -> None:
        self.answer = (200, body, {"Content-Type": "application/zip", "ETag": f'"{tag}"',
                                   "Last-Modified": "Fri, 23 Jun 2023 09:41:00 GMT"})

    def _respond(self, path: str):
        answer = self.answer
        if answer is not None and answer[0] == 200 and self.requests[-1][1].get("If-None-Match") == answer[2]["ETag"]:
            answer = (304, b"", {"ETag": answer[2]["ETag"]})
        self.served.append(answer[0] if answer is not None else 0)
        return answer


@pytest.fixture
def server():
    served = DwdServer()
    yield served
    served.close()


def poller_for(server: DwdServer, cell: str = HAVELSEE, **kwargs) -> DwdWarningsPoller:
    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=0.5, read_timeout_s=0.5)
    return DwdWarningsPoller(server.url, cell, fetcher, interval_s=120, rand=lambda: 1.0, **kwargs)


def t(clock: str) -> datetime:
    return datetime.fromisoformat(f"2023-06-23T{clock}+02:00")


def test_a_warning_is_issued_updated_and_expires_while_offline(server):
    poller = poller_for(server)
    server.publish(ISSUED_ZIP, "issued")
    assert poller.poll_once(t("09:00")) == 120
    [issued] = poller.views(t("09:00"), "en")
    assert issued.identifier == ORIGINAL and issued.headline == "Official WARNING of HEAVY RAIN"
    assert issued.severity == "Moderate" and not issued.takeover  # a banner
    assert issued.provider == "Deutscher Wetterdienst" and issued.expires == t("15:00")

    server.publish(RECORDED.read_bytes(), "recorded")  # the real zip: the Update replaces the Alert
    poller.poll_once(t("11:20"))
    [updated] = poller.views(t("11:20"), "de")
    assert updated.identifier == UPDATE and updated.headline == "Amtliche WARNUNG vor STARKREGEN"
    assert "zwischen 20 l/m² und 30 l/m² in 6 Stunden" in updated.description

    server.answer = (500, b"", {})  # the terminal loses the DWD: the warning stays until it expires
    assert poller.poll_once(t("11:30")) == pytest.approx(120)
    assert "answered 500" in poller.last_problem
    [kept] = poller.views(t("14:59"), "en")
    assert kept.identifier == UPDATE and kept.unconfirmed and kept.last_confirmed == t("11:20")
    assert poller.views(t("15:00"), "en") == []


def test_a_cancel_ends_the_warning_and_a_late_copy_does_not_bring_it_back(server):
    poller = poller_for(server)
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("11:20"))
    assert [v.identifier for v in poller.views(t("11:20"), "en")] == [UPDATE]
    server.publish(CANCELLED_ZIP, "cancelled")
    poller.poll_once(t("12:01"))
    assert poller.views(t("12:01"), "en") == [] and poller.failures == 0
    server.publish(zip_of({**FILES, CANCEL + ".xml": cancel_of(FILES[UPDATE_FILE])}), "both")  # a cache mixes them
    poller.poll_once(t("12:03"))
    assert poller.views(t("12:03"), "en") == []


def test_only_the_cells_warnings_most_severe_first_in_the_visitors_language(server):
    server.publish(RECORDED.read_bytes(), "recorded")
    northeim = poller_for(server, NORTHEIM)
    northeim.poll_once(t("12:00"))
    english = northeim.views(t("12:00"), "en")
    assert [(v.identifier, v.severity, v.headline) for v in english] == [
        (NORTHEIM_RAIN, "Moderate", "Official WARNING of HEAVY RAIN"),
        (WIND, "Minor", "Official WARNING of WIND GUSTS")]
    assert all(v.in_visitor_language for v in english)
    # The DWD's file carries Arabic: shown as it is.
    assert northeim.views(t("12:00"), "ar")[0].headline == "تحذير رسمي من أمطار غزيرة"
    # It carries no Ukrainian (nor Dutch): German, and the screen says so.
    [rain, wind] = northeim.views(t("12:00"), "uk")
    assert (rain.headline, rain.in_visitor_language) == ("Amtliche WARNUNG vor STARKREGEN", False)
    assert wind.headline == "Amtliche WARNUNG vor WINDBÖEN" and not wind.in_visitor_language
    dortmund = poller_for(server, DORTMUND)
    dortmund.poll_once(t("12:00"))
    assert dortmund.views(t("12:00"), "de") == [] and dortmund.failures == 0


def test_an_unchanged_zip_is_not_downloaded_again_and_confirms_the_warning(server):
    poller = poller_for(server)
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("11:20"))
    poller.poll_once(t("11:22"))
    assert server.served == [200, 304]
    headers = server.requests[-1][1]
    assert headers["If-None-Match"] == '"recorded"' and headers["If-Modified-Since"] == "Fri, 23 Jun 2023 09:41:00 GMT"
    [shown] = poller.views(t("11:22"), "en")
    assert shown.identifier == UPDATE and shown.last_confirmed == t("11:22") and poller.failures == 0


def test_a_timeout_and_a_500_keep_what_is_known_and_back_off(server):
    poller = poller_for(server)
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("11:20"))
    server.answer = None  # the server accepts the connection and says nothing
    assert poller.poll_once(t("11:22")) == pytest.approx(120)
    assert "stopped answering for more than 0.5 s" in poller.last_problem
    server.answer = (500, b"", {"Retry-After": "600"})
    assert poller.poll_once(t("11:24")) >= 600  # never earlier than the server asks
    assert "answered 500" in poller.last_problem and poller.failures == 2
    assert [v.identifier for v in poller.views(t("11:24"), "en")] == [UPDATE]


def test_a_zip_that_is_garbage_is_logged_and_ignored(server, caplog):
    poller = poller_for(server)
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("11:20"))
    server.publish(b"<html><body>Wartungsarbeiten</body></html>", "maintenance")
    poller.poll_once(t("11:22"))
    assert "is not a zip archive" in poller.last_problem and "127.0.0.1" in poller.last_problem
    assert [v.identifier for v in poller.views(t("11:22"), "en")] == [UPDATE]
    # The garbage's validators are not kept: the next request names the last good zip's.
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("11:24"))
    assert server.requests[-1][1]["If-None-Match"] == '"recorded"' and server.served[-1] == 304
    assert poller.failures == 0 and poller.views(t("11:24"), "en")[0].last_confirmed == t("11:24")
    assert "Keeping the last good state" in caplog.text


def test_a_file_that_is_not_xml_is_skipped_and_the_others_still_arrive(server, caplog):
    poller = poller_for(server, NORTHEIM)
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("12:00"))
    rain = FILES[NORTHEIM_RAIN_FILE]
    bomb = (b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY a "' + NORTHEIM.encode() + b'">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><alert>&b;</alert>')
    test = _set(_set(FILES[UPDATE_FILE].replace(HAVELSEE.encode(), NORTHEIM.encode()), "status", "Test"),
                "identifier", "2.49.0.0.276.0.DWD.PVW.test.MUL")
    server.publish(zip_of({**FILES, NORTHEIM_RAIN_FILE: rain[: len(rain) // 2], "bomb.xml": bomb,
                           "test.xml": test}), "broken")
    with caplog.at_level(logging.INFO):
        poller.poll_once(t("12:02"))
    assert poller.failures == 0
    assert f"The file {NORTHEIM_RAIN_FILE} in the zip from 127.0.0.1" in caplog.text
    assert "is not well-formed XML" in caplog.text and "declares a DTD or entities" in caplog.text
    assert "has status Test and is not shown" in caplog.text
    # The wind warning arrives; the rain warning, known and still listed by its file's name, is not ended.
    assert [v.identifier for v in poller.views(t("12:02"), "en")] == [NORTHEIM_RAIN, WIND]


def test_a_zip_that_unpacks_too_large_is_refused_whole(server, monkeypatch):
    poller = poller_for(server)
    server.publish(RECORDED.read_bytes(), "recorded")
    poller.poll_once(t("11:20"))
    monkeypatch.setattr(dwd, "MAX_UNPACKED_BYTES", 200_000)  # the recording unpacks to 593 KB
    server.publish(zip_of(dict(reversed(FILES.items()))), "again")
    poller.poll_once(t("11:22"))
    assert "unpacks to more than" in poller.last_problem
    assert [v.identifier for v in poller.views(t("11:22"), "en")] == [UPDATE]


@pytest.fixture
def nina():
    served = Nina()
    yield served
    served.close()


def nina_relay(identifier: str, sent: str) -> dict:
    """NINA's recorded DWD message, as NINA would relay the DWD's warning `identifier` ("dwdmap." in front)."""
    return nina_original_of(NINA_DWD_UPDATE, "dwdmap." + identifier, sent, effective=sent, onset=sent,
                            expires="2023-06-23T15:00:00+02:00")


def test_a_dwd_warning_that_nina_relays_too_is_shown_once(server, nina, tmp_path):
    server.publish(RECORDED.read_bytes(), "recorded")
    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=0.5, read_timeout_s=0.5)
    both = WarningSources([poller_for(server), NinaWarningsPoller(nina.url, ARS, fetcher, interval_s=120)])
    # NINA lists the DWD's Update as "dwd.…" and, lagging behind, still the Alert it replaced.
    nina.serve(nina_relay(UPDATE, "2023-06-23T11:14:00+02:00"), nina_relay(ORIGINAL, "2023-06-23T08:51:00+02:00"),
               listed=["dwd." + UPDATE, "dwd." + ORIGINAL])
    nina.files["/api31/warnings/dwd." + UPDATE + ".json"] = nina.files.pop("/api31/warnings/dwdmap." + UPDATE + ".json")
    nina.files["/api31/warnings/dwd." + ORIGINAL + ".json"] = nina.files.pop("/api31/warnings/dwdmap." + ORIGINAL + ".json")
    for poller in both.pollers:
        poller.poll_once(t("11:20"))
    assert [len(p.views(t("11:20"), "en")) for p in both.pollers] == [1, 2]
    [shown] = both.views(t("11:20"), "en")
    assert shown.identifier == UPDATE and shown.headline == "Official WARNING of HEAVY RAIN"
    # Without the DWD's own feed, NINA's copy is shown (both of NINA's, as NINA lists them).
    assert len(WarningSources([both.pollers[1]]).views(t("11:20"), "en")) == 2


def test_settings_and_kiosk_warnings(server, tmp_path):
    assert warnings_poller(from_mapping({}), tmp_path) is None
    config = from_mapping({"dwd_warn_cell": DORTMUND})
    [poller] = warnings_poller(config, tmp_path).pollers
    assert poller.url.startswith("https://opendata.dwd.de/weather/alerts/cap/COMMUNEUNION_DWD_STAT/")
    for wrong, sentence in (({"dwd_warn_cell": "05913000"}, "9-digit warn cell"),
                            ({"dwd_warn_cell": 805913000}, "9-digit warn cell"),
                            ({"dwd_warnings_url": "https://example.org/x.zip"}, "must name the warn cell"),
                            ({"dwd_warn_cell": DORTMUND, "dwd_warnings_url": "http://example.org/x.zip"},
                             "'dwd_warnings_url' must be an https:// address")):
        with pytest.raises(ConfigError, match=sentence):
            from_mapping(wrong)
    server.publish(RECORDED.read_bytes(), "recorded")
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'dwd_warn_cell = "{HAVELSEE}"\ndwd_warnings_url = "{server.url}"\nallow_insecure_http = true\n')
    result = CliRunner().invoke(kiosk_main, ["--config", str(toml), "warnings", "--at", "2023-06-23T11:20+02:00",
                                             "--lang", "uk", "--json", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    [shown] = json.loads(result.output)
    assert shown["id"] == UPDATE and shown["in_visitor_language"] is False and shown["takeover"] is False
    assert (tmp_path / "data" / "dwd-warnings.json").exists()


def test_a_terminal_restarted_offline_goes_on_showing_the_dwds_warning_until_it_expires(server, tmp_path):
    saved = tmp_path / "dwd-warnings.json"
    server.publish(RECORDED.read_bytes(), "recorded")
    poller_for(server, state_file=saved).poll_once(t("11:20"))
    server.answer = (503, b"", {})
    after = poller_for(server, state_file=saved)  # no validators after a restart: it asks for the whole zip
    after.poll_once(t("12:30"))
    assert "If-None-Match" not in server.requests[-1][1] and after.failures == 1
    [kept] = after.views(t("14:59"), "en")
    assert kept.identifier == UPDATE and kept.unconfirmed and kept.last_confirmed == t("11:20")
    assert after.views(t("15:00"), "en") == []
