"""Official warnings: real NINA (BBK) answers replayed by a server on 127.0.0.1; CAP's Alert, Update
and Cancel, expiry while offline, the visitor's language or German, takeover for Severe and Extreme.

The recorded messages are in tests/fixtures/warnings (README there: source and licence). The
originals that the recorded Update and Cancel refer to were not recorded; each test makes them
from the recorded message by giving it the referenced identifier, msgType Alert and an earlier
`sent`, which is what the provider's original looked like apart from its text.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as kiosk_main
from kiosk.live import LiveDataError
from kiosk.live.cap import parse_cap, plain
from kiosk.live.nina import NinaWarningsPoller
from sync.fetch import Fetcher
from tests.live_kit import LocalProvider

FIXTURES = Path(__file__).parent / "fixtures" / "warnings"
ARS = "059130000000"
DWD_UPDATE = json.loads((FIXTURES / "bbk_warning_dwd.json").read_text(encoding="utf-8"))
MOWAS_CANCEL = json.loads((FIXTURES / "bbk_warning_mowas_cancel.json").read_text(encoding="utf-8"))
DASHBOARD = json.loads((FIXTURES / "bbk_dashboard.json").read_text(encoding="utf-8"))
DWD_ORIGINAL_ID = DWD_UPDATE["references"].split(",")[1]
MOWAS_ORIGINAL_ID = MOWAS_CANCEL["references"].split(",")[1]


def original_of(message: dict, identifier: str, sent: str, **changes) -> dict:
    doc = json.loads(json.dumps(message))
    doc.update(identifier=identifier, msgType="Alert", sent=sent)
    doc.pop("references", None)
    for info in doc["info"]:
        info.update(changes)
    return doc


DWD_ORIGINAL = original_of(DWD_UPDATE, DWD_ORIGINAL_ID, "2026-09-18T18:55:00+02:00", effective="2026-09-18T18:55:00+02:00",
                           onset="2026-09-18T18:55:00+02:00", expires="2026-09-20T08:00:00+02:00")
MOWAS_ORIGINAL = original_of(MOWAS_CANCEL, MOWAS_ORIGINAL_ID, "2026-09-20T16:02:18+02:00", responseType=["Prepare"],
                             headline="Stromabschaltung - Siersburg")


class Nina(LocalProvider):
    """The NINA service's two paths: /api31/dashboard/{ARS}.json and /api31/warnings/{id}.json."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, bytes]] = {}
        self.hits: list[str] = []
        super().__init__(self._respond, "/api31")

    def _respond(self, path: str) -> tuple[int, bytes, dict]:
        self.hits.append(path)
        status, body = self.files.get(path, (404, b"{}"))
        return status, body, {"Content-Type": "application/json"}

    def serve(self, *messages: dict, listed: list[str] | None = None) -> None:
        """The dashboard lists `listed` (default: the messages' ids); each message is served under its id."""
        ids = listed if listed is not None else [m["identifier"] for m in messages]
        dashboard = [{"id": i, "payload": {"id": i, "data": {}}} for i in ids]
        self.files = {"/api31/dashboard/" + ARS + ".json": (200, json.dumps(dashboard).encode())}
        for message in messages:
            self.files[f"/api31/warnings/{message['identifier']}.json"] = (200, json.dumps(message).encode())


@pytest.fixture
def nina():
    served = Nina()
    yield served
    served.close()


def poller_for(nina: Nina) -> NinaWarningsPoller:
    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=0.5, read_timeout_s=0.5)
    return NinaWarningsPoller(nina.url, ARS, fetcher, interval_s=120, rand=lambda: 1.0)


def t(clock: str, day: str = "2026-09-19") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+02:00")


def test_a_warning_is_issued_updated_and_expires_while_offline(nina):
    poller = poller_for(nina)
    nina.serve(DWD_ORIGINAL)
    poller.poll_once(t("14:00"))
    [issued] = poller.views(t("14:00"), "en")
    assert issued.headline == "Official WARNING of STORM-FORCE GUSTS" and issued.in_visitor_language
    assert not issued.takeover and issued.severity == "Moderate"  # a banner
    assert issued.expires == t("08:00", "2026-09-20") and not issued.unconfirmed

    nina.serve(DWD_UPDATE)  # the recorded Update: the dashboard now lists it instead of the original
    poller.poll_once(t("15:05"))
    [updated] = poller.views(t("15:05"), "de")
    assert updated.identifier == DWD_UPDATE["identifier"]
    assert updated.headline == "Amtliche WARNUNG vor SCHWEREN STURMBÖEN"
    assert updated.expires == t("08:00", "2026-09-21")
    # The kiosk goes offline (the provider answers 500); the warning stays until it expires.
    nina.files = {path: (500, b"") for path in nina.files}
    assert poller.poll_once(t("15:10")) == pytest.approx(120)  # first failure: up to one interval (full jitter)
    assert "answered 500" in poller.last_problem
    [kept] = poller.views(t("07:59", "2026-09-21"), "en")
    assert kept.unconfirmed and kept.last_confirmed == t("15:05")
    assert poller.views(t("08:00", "2026-09-21"), "en") == []


def test_an_update_arriving_first_ends_the_original_for_good(nina):
    poller = poller_for(nina)
    nina.serve(DWD_UPDATE, DWD_ORIGINAL)  # a late or cached copy of the original is listed too
    poller.poll_once(t("15:05"))
    assert [v.identifier for v in poller.views(t("15:05"), "en")] == [DWD_UPDATE["identifier"]]


def test_a_cancel_ends_the_warning_and_is_not_shown_itself(nina):
    poller = poller_for(nina)
    nina.serve(MOWAS_ORIGINAL)
    poller.poll_once(t("16:10", "2026-09-20"))
    [shown] = poller.views(t("16:10", "2026-09-20"), "de")
    assert shown.headline == "Stromabschaltung - Siersburg"
    nina.serve(MOWAS_CANCEL, listed=[MOWAS_CANCEL["identifier"], MOWAS_ORIGINAL_ID])
    poller.poll_once(t("17:51", "2026-09-20"))
    assert poller.views(t("17:51", "2026-09-20"), "de") == []
    assert poller.failures == 0


def test_a_warning_the_dashboard_stops_listing_has_ended(nina):
    poller = poller_for(nina)
    nina.serve(DWD_UPDATE)
    poller.poll_once(t("15:05"))
    nina.serve()
    poller.poll_once(t("15:07"))
    assert poller.views(t("15:07"), "en") == []


def test_without_the_visitors_language_the_text_is_german_and_says_so(nina):
    poller = poller_for(nina)
    nina.serve(DWD_UPDATE)
    poller.poll_once(t("15:05"))
    [arabic] = poller.views(t("15:06"), "ar")
    assert not arabic.in_visitor_language
    assert arabic.headline == "Amtliche WARNUNG vor SCHWEREN STURMBÖEN"
    [french] = poller.views(t("15:06"), "fr")
    assert french.in_visitor_language and french.headline.startswith("ALERTE officielle")
    # NINA's HTML (<br/>, &gt;, &nbsp;) becomes plain lines.
    assert "Height range: > 1000 m" in poller.views(t("15:06"), "en")[0].description
    assert "d'arbres" in french.instruction and "&apos;" not in french.instruction


def test_malformed_answers_are_logged_and_the_last_good_state_kept(nina, caplog):
    poller = poller_for(nina)
    nina.serve(DWD_UPDATE)
    poller.poll_once(t("15:05"))
    dashboard = "/api31/dashboard/" + ARS + ".json"
    for body, sentence in ((b"<html>Wartung</html>", "is not JSON"), (b'{"warnings": []}', "not a list of warnings")):
        nina.files[dashboard] = (200, body)
        poller.poll_once(t("15:10"))
        assert sentence in poller.last_problem and "127.0.0.1" in poller.last_problem
        assert [v.identifier for v in poller.views(t("15:10"), "en")] == [DWD_UPDATE["identifier"]]
    # One broken message is skipped (and asked for again), the others still arrive.
    nina.serve(DWD_UPDATE, MOWAS_ORIGINAL)
    nina.files[f"/api31/warnings/{MOWAS_ORIGINAL_ID}.json"] = (200, b'{"identifier": "x"}')
    poller.poll_once(t("16:10", "2026-09-20"))
    assert [v.identifier for v in poller.views(t("16:10", "2026-09-20"), "en")] == [DWD_UPDATE["identifier"]]
    assert "has no sender, sent, msgType, info; it is not a CAP message" in caplog.text


def test_severe_and_extreme_take_over_the_screen_most_severe_first():
    severe = parse_cap(original_of(DWD_UPDATE, "severe", "2026-09-19T15:00:00+02:00", severity="Severe"), source="t")
    extreme = parse_cap(original_of(DWD_UPDATE, "extreme", "2026-09-19T15:00:00+02:00", severity="Extreme"), source="t")
    moderate = parse_cap(DWD_UPDATE, source="t")
    assert (severe.takeover, extreme.takeover, moderate.takeover) == (True, True, False)
    from kiosk.live.cap import WarningState

    state = WarningState()
    for message in (moderate, severe, extreme):
        state.apply(message, t("15:05"))
    assert [m.identifier for m in state.active(t("15:06"))] == ["extreme", "severe", DWD_UPDATE["identifier"]]


def test_a_warning_without_expires_needs_recent_confirmation():
    from kiosk.live.cap import WarningState

    doc = original_of(MOWAS_CANCEL, "no-expiry", "2026-09-20T16:02:18+02:00")
    for info in doc["info"]:
        del info["expires"]
    state = WarningState()
    state.apply(parse_cap(doc, source="t"), t("16:05", "2026-09-20"))
    assert state.active(t("22:00", "2026-09-20"))
    assert not state.active(t("22:06", "2026-09-20"))  # six hours without word from the provider


def test_cap_problems_are_sentences():
    with pytest.raises(LiveDataError, match="has msgType 'Warning', which CAP does not know"):
        parse_cap({**DWD_UPDATE, "msgType": "Warning"}, source="nina.example")
    with pytest.raises(LiveDataError, match="expires is 'morgen', not a date-time with an offset"):
        parse_cap({**DWD_UPDATE, "info": [{**DWD_UPDATE["info"][0], "expires": "morgen"}]}, source="nina.example")
    assert plain("a<br/>b &amp; c<b>!</b>") == "a\nb & c!"


def test_kiosk_warnings_fetches_once_and_prints(tmp_path, nina):
    nina.serve(DWD_UPDATE)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'warnings_url = "{nina.url}"\nwarnings_ars = "{ARS}"\nallow_insecure_http = true\n'
                      'feed_url = "https://example.org/feed.json"\npublic_keys = ["x"]\n')
    result = CliRunner().invoke(kiosk_main, ["--config", str(config), "warnings", "--at", "2026-09-19T15:06+02:00",
                                             "--lang", "ar", "--json", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    [shown] = json.loads(result.output)
    assert shown["in_visitor_language"] is False and shown["takeover"] is False
    assert (tmp_path / "data" / "warnings.json").exists()
    off = tmp_path / "off.toml"
    off.write_text("")
    assert "No warning service is configured" in CliRunner().invoke(kiosk_main, ["--config", str(off), "warnings"]).output


def test_the_recorded_dashboard_is_read_and_its_ids_name_the_warnings(nina):
    """NINA lists DWD warnings as "dwd.…" and serves them as "dwdmap.…": the dashboard's id is kept."""
    listed = DASHBOARD[0]["id"]
    nina.files = {"/api31/dashboard/" + ARS + ".json": (200, (FIXTURES / "bbk_dashboard.json").read_bytes()),
                  f"/api31/warnings/{listed}.json": (200, json.dumps(DWD_UPDATE).encode())}
    poller = poller_for(nina)
    poller.poll_once(t("15:05"))
    poller.poll_once(t("15:07"))  # the same dashboard again: the warning stays, confirmed
    [shown] = poller.views(t("15:07"), "en")
    assert shown.identifier == listed and shown.last_confirmed == t("15:07")
    assert nina_hits_for(nina, listed) == 1  # asked once, not on every refresh


def nina_hits_for(nina: Nina, identifier: str) -> int:
    return sum(1 for path in nina.hits if identifier in path)


def test_a_restarted_terminal_that_is_offline_goes_on_showing_the_saved_warning(nina, tmp_path):
    state = tmp_path / "warnings.json"
    fetcher = Fetcher(allow_insecure_http=True, connect_timeout_s=0.5, read_timeout_s=0.5)
    before = NinaWarningsPoller(nina.url, ARS, fetcher, interval_s=120, state_file=state)
    nina.serve(DWD_UPDATE)
    before.poll_once(t("15:05"))
    nina.files = {}  # after the restart the service cannot be reached (404 everywhere)
    after = NinaWarningsPoller(nina.url, ARS, fetcher, interval_s=120, state_file=state)
    after.poll_once(t("15:30"))
    assert after.failures == 1
    [kept] = after.views(t("15:30"), "en")
    assert kept.identifier == DWD_UPDATE["identifier"] and kept.last_confirmed == t("15:05") and kept.unconfirmed
    assert after.views(t("08:00", "2026-09-21"), "en") == []
    state.write_text("{not json")
    assert NinaWarningsPoller(nina.url, ARS, fetcher, state_file=state).views(t("15:30"), "en") == []
    fetcher.close()


def test_nina_names_a_dwd_warning_two_ways_and_an_update_ends_it_under_both():
    """NINA lists the DWD's warning X as "dwd.X" and its Update references "dwdmap.X": the same warning."""
    from kiosk.live.cap import WarningState

    listed = "dwd." + DWD_ORIGINAL_ID.removeprefix("dwdmap.")
    state = WarningState()
    state.apply(parse_cap({**DWD_ORIGINAL, "identifier": listed}, source="t"), t("14:00"))
    state.apply(parse_cap(DWD_UPDATE, source="t"), t("15:05"))
    assert list(state.messages) == [DWD_UPDATE["identifier"]]
    state.apply(parse_cap({**DWD_ORIGINAL, "identifier": listed}, source="t"), t("15:07"))  # a late copy
    assert list(state.messages) == [DWD_UPDATE["identifier"]]
    assert WarningState.from_json(json.loads(json.dumps(state.to_json()))).has_ended(listed)


def test_endings_are_forgotten_after_a_month_so_a_terminal_running_for_years_keeps_a_small_state():
    from kiosk.live.cap import ENDINGS_KEPT, WarningState

    listed = "dwd." + DWD_ORIGINAL_ID.removeprefix("dwdmap.")
    state = WarningState()
    state.apply(parse_cap(DWD_UPDATE, source="t"), t("15:05"))
    assert state.has_ended(listed)
    later = t("15:05") + ENDINGS_KEPT - timedelta(minutes=1)
    state.apply(parse_cap(original_of(MOWAS_CANCEL, "another", "2026-09-20T16:02:18+02:00"), source="t"), later)
    assert state.has_ended(listed)  # a cache may still hand out the old copy within the month
    state.apply(parse_cap(original_of(MOWAS_CANCEL, "a-third", "2026-09-20T16:02:18+02:00"), source="t"),
                later + timedelta(minutes=2))
    assert not state.has_ended(listed)
    # A state saved before endings had dates still reads, and its endings count from the next refresh.
    old = {**state.to_json(), "ended": [listed]}
    restored = WarningState.from_json(json.loads(json.dumps(old)))
    assert restored.has_ended(listed)
    restored.apply(parse_cap(original_of(MOWAS_CANCEL, "a-fourth", "2026-09-20T16:02:18+02:00"), source="t"),
                   later + timedelta(minutes=3))
    assert restored.has_ended(listed) and set(restored.ended.values()) == {later + timedelta(minutes=3)}


def test_the_demo_shows_the_recorded_dwd_warning_as_an_example_at_any_moment():
    """The demo's stand-in for the poller (assets/demo/live): the real recorded message, current whenever it
    is asked, a banner and never a takeover, with no invented "until", and the day it was sent, for the
    screen's "Example of an official warning (recorded …)"."""
    from kiosk.live.recorded import RecordedWarning

    demo = RecordedWarning(lambda: None)
    for moment in ("2026-11-26T17:30:00+01:00", "2031-02-03T04:05:00+01:00"):
        at = datetime.fromisoformat(moment)
        [shown] = demo.views(at, "en")
        assert shown.headline == "Official WARNING of STORM-FORCE GUSTS" and shown.in_visitor_language
        assert not shown.takeover and not shown.unconfirmed and shown.expires is None
        assert shown.example_recorded == datetime.fromisoformat("2026-09-19T14:59:00+02:00")
        assert shown.as_json()["example_recorded"] == "2026-09-19T14:59:00+02:00"
    [german] = demo.views(datetime.fromisoformat("2026-11-26T17:30:00+01:00"), "ar")
    assert german.headline == "Amtliche WARNUNG vor SCHWEREN STURMBÖEN" and not german.in_visitor_language
    shipped = json.loads((Path(__file__).parents[1] / "assets/demo/live/nina_warning_dwd.json").read_text("utf-8"))
    assert shipped == json.loads((FIXTURES / "bbk_warning_dwd.json").read_text("utf-8"))  # unchanged copy
