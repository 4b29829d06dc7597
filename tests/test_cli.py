"""`kiosk events / places / search / hours`: the answers people and scripts read."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from sync import service
from tests import feedkit


@pytest.fixture
def filled(tmp_path, keypair, data_dir) -> str:
    key_path, public = keypair
    path = feedkit.write_signed(tmp_path / "pub", feedkit.feed(), key_path)
    service.sync_once(str(path), public_keys=[public], data_dir=data_dir,
                      now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    return str(data_dir)


def run_json(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_events_json_has_occurrence_times_and_now(filled):
    rows = run_json("events", "--at", "2026-11-26T17:30+01:00", "--data-dir", filled, "--lang", "en", "--json")
    assert [r["id"] for r in rows] == ["weihnachtsmarkt", "spaetkonzert"]
    assert rows[0] | {} == rows[0] and rows[0]["title"] == "Christmas market"
    assert rows[0]["start"] == "2026-11-26T11:00:00+01:00" and rows[0]["end"] == "2026-11-26T21:00:00+01:00"
    assert rows[0]["now"] is True and rows[1]["now"] is False


def test_events_json_gives_dates_for_all_day_events(filled):
    rows = run_json("events", "--at", "2026-11-28T09:00+01:00", "--data-dir", filled, "--json")
    fest = next(r for r in rows if r["id"] == "stadtfest")
    assert fest["start"] == "2026-11-28" and fest["end"] == "2026-11-29" and fest["now"] is True


def test_places_json_has_open_state_and_next_change(filled):
    rows = run_json("places", "--kind", "shop", "--open-at", "2026-11-26T18:30+01:00", "--data-dir", filled, "--json")
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"buchhandlung-kamp", "brueck-uhren", "kette-mode"}
    assert by_id["buchhandlung-kamp"]["open"] is True
    assert by_id["buchhandlung-kamp"]["next_change"] == "2026-11-26T19:00:00+01:00"
    assert by_id["brueck-uhren"]["open"] is False
    toilets = run_json("places", "--kind", "toilet", "--data-dir", filled, "--json")
    assert toilets[0]["open"] is None and toilets[0]["next_change"] is None


def test_search_json_is_best_first_with_type_and_title(filled):
    rows = run_json("search", "Bruckstrasse", "--data-dir", filled, "--json")
    assert rows[0] | {"score": 0} == {"id": "brueck-uhren", "type": "place", "title": "Uhren Brückstraße", "score": 0}


def test_hours_explains_a_value_at_a_moment():
    rows = run_json("hours", "Mo-Sa 10:00-20:00; PH off", "--at", "2026-06-04T12:00+02:00", "--json")
    assert rows["state"] == "closed"
    assert rows["next_change"].startswith("2026-06-05T10:00")
    elsewhere = run_json("hours", "Mo-Sa 10:00-20:00; PH off", "--at", "2026-06-04T12:00+02:00",
                         "--subdivision", "BE", "--json")
    assert elsewhere["state"] == "open"


def test_hours_with_an_unparsable_value_says_so_and_exits_1():
    result = CliRunner().invoke(main, ["hours", "Mo-Fr 25:00-26:00 nonsense", "--at", "2026-06-04T12:00+02:00"])
    assert result.exit_code == 1
    assert "Mo-Fr 25:00-26:00 nonsense" in result.output


def test_a_bad_at_value_is_a_clear_usage_error(filled):
    result = CliRunner().invoke(main, ["events", "--at", "yesterday", "--data-dir", filled])
    assert result.exit_code == 2 and "not an ISO date-time" in result.output


def test_commands_on_an_empty_configured_store_say_what_to_do(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('feed_url = "https://feed.example.org/feed.json"\npublic_keys = ["abc"]\n')
    result = CliRunner().invoke(main, ["--config", str(config), "events", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "kiosk sync --once" in result.output


def test_demo_mode_applies_the_demo_feed_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    rows = run_json("events", "--at", "2026-11-26T17:30+01:00", "--data-dir", str(tmp_path / "demo"), "--json")
    assert len(rows) >= 2


@pytest.fixture
def french_city(tmp_path, keypair) -> str:
    """A city whose content is French: a language the interface has no words for."""
    key_path, public = keypair
    doc = feedkit.feed(
        city={"name": "Strasbourg", "timezone": "Europe/Paris", "country": "FR", "default_locale": "fr",
              "locales": ["fr", "en"]},
        kiosks=[{"id": "kleber", "name": "Place Kléber", "lat": 51.5142, "lon": 7.4652, "heading": 270}],
        places=[{"id": "gare", "name": {"fr": "Gare centrale", "en": "Central station"}, "kind": "transit",
                 "category": "station", "lat": 51.5154, "lon": 7.4600},
                {"id": "librairie", "name": {"fr": "Librairie Kléber", "en": "Kléber bookshop"}, "kind": "shop",
                 "category": "books", "lat": 51.5143, "lon": 7.4620}],
        events=[], campaigns=[], notices=[], pages=[])
    path = feedkit.write_signed(tmp_path / "pub", doc, key_path)
    data = tmp_path / "fr-data"
    service.sync_once(str(path), public_keys=[public], data_dir=data, now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    return str(data)


def test_lang_defaults_to_the_citys_language_and_refuses_one_nobody_has(french_city):
    assert [r["title"] for r in run_json("search", "gare", "--data-dir", french_city, "--json")] == ["Gare centrale"]
    assert run_json("search", "gare", "--data-dir", french_city, "--lang", "en", "--json")[0]["title"] == "Central station"
    # No Turkish content: the sign's French, never English as a third language (docs/ui.md).
    assert run_json("search", "gare", "--data-dir", french_city, "--lang", "tr", "--json")[0]["title"] == "Gare centrale"
    refused = CliRunner().invoke(main, ["search", "gare", "--data-dir", french_city, "--lang", "xx"])
    assert refused.exit_code == 2
    assert ("'xx' is neither a language of this city's content (fr, en) nor of the interface "
            "(de, en, tr, ar, uk, pl, nl).") in refused.output
    # The interface has no French words: the steps are English sentences, the street names French content.
    route = CliRunner().invoke(main, ["route", "--to", "gare", "--from", "kleber",
                                      "--data-dir", french_city])
    assert route.exit_code == 0, route.output
    assert "Walk" in route.output or "Turn" in route.output


def test_hours_in_another_country_uses_no_german_region_and_errors_are_sentences():
    runner = CliRunner()
    monaco = runner.invoke(main, ["hours", "Mo-Sa 10:00-20:00; PH off", "--at", "2026-06-03T12:00+02:00",
                                  "--country", "MC"])
    assert monaco.exit_code == 0 and monaco.output.startswith("open"), monaco.output
    for args, words in ((["--country", "MC", "--subdivision", "XX"], "No public holiday calendar is known for 'MC-XX'"),
                        (["--timezone", "Mars/Base"], "'Mars/Base' is not an IANA time zone")):
        result = runner.invoke(main, ["hours", "Mo-Sa 10:00-20:00; PH off", "--at", "2026-06-03T12:00+02:00", *args])
        assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output


def test_the_readmes_command_line_claims_hold():
    # Issue 19: the README said every command takes --lang; `kiosk hours` does not, and now it says so.
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Asking the content from the command line", 1)[1].split("## ", 1)[0]
    commands = re.findall(r"^\.venv/bin/kiosk (\w+)", block, flags=re.MULTILINE)
    assert "All take `--json`; all but `hours`" in block and "hours" in commands and len(commands) >= 6
    for name in commands:
        options = {opt for param in main.commands[name].params for opt in param.opts}
        assert "--json" in options, name
        assert ("--lang" in options and "--data-dir" in options) == (name != "hours"), name
