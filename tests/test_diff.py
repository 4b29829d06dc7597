"""`kiosk-feed diff`: what a new feed changes, in a publisher's words, with exit codes for scripts."""
from __future__ import annotations

import copy
import json

from click.testing import CliRunner

from sync.cli import main
from sync.diff import diff_feeds
from tests import feedkit


def write(folder, name, doc):
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def changed_feed():
    new = copy.deepcopy(feedkit.feed(sequence=11))
    new["events"][0]["start"] = "2026-11-20T11:00:00+01:00"
    new["events"][0]["title"]["en"] = "Christmas fair"
    new["places"].pop(2)  # kette-mode
    new["places"].append({"id": "teehaus", "name": {"de": "Teehaus", "en": "Tea house"}, "kind": "shop",
                          "lat": 51.5150, "lon": 7.4620})
    new["places"][0]["labels"] = ["qualitaetsroute", "lesungen"]
    new["notices"] = new["notices"][:1]
    new["campaigns"][0]["place_ids"].append("teehaus")
    return new


def test_changes_are_said_in_words():
    result = diff_feeds(feedkit.feed(), changed_feed())
    assert "Place added: Teehaus (teehaus)" in result.lines
    assert "Place removed: Modekette (kette-mode)" in result.lines
    assert ("Event changed: Weihnachtsmarkt (weihnachtsmarkt) — start 2026-11-19T11:00+01:00 → "
            "2026-11-20T11:00+01:00; title (en) “Christmas market” → “Christmas fair”") in result.lines
    assert "Place changed: Buchhandlung am Kamp (buchhandlung-kamp) — labels + “lesungen”" in result.lines
    assert "Notice removed: Bitte Innenstadt meiden (evakuierung)" in result.lines
    assert "Campaign changed: Winter im Viertel (winter) — place_ids + “teehaus”" in result.lines
    assert result.summary() == ("Changes: places: 1 added, 1 removed, 1 changed; events: 1 changed; "
                                "campaigns: 1 changed; notices: 1 removed (sequence 10 → 11).")


def test_text_that_becomes_translated_is_shown_per_language():
    new = feedkit.feed()
    new["places"][1]["name"] = {"de": "Uhren Brückstraße", "en": "Brückstraße Watches"}
    (line,) = diff_feeds(feedkit.feed(), new).lines
    assert line == ("Place changed: Uhren Brückstraße (brueck-uhren) — name “Uhren Brückstraße” → "
                    "de: “Uhren Brückstraße”, en: “Brückstraße Watches”")


def test_a_map_change_is_one_line():
    new = feedkit.feed()
    new["map"]["features"] = new["map"]["features"][:-1]
    assert diff_feeds(feedkit.feed(), new).lines == [
        "Map changed: 0 features added, 1 removed (5 → 4 features, walking lines 4 → 4)"]


def test_exit_codes(tmp_path):
    old = write(tmp_path, "old.json", feedkit.feed())
    same = write(tmp_path, "same.json", feedkit.feed(sequence=11, generated_at="2026-11-02T00:00:00+01:00"))
    new = write(tmp_path, "new.json", changed_feed())
    runner = CliRunner()
    unchanged = runner.invoke(main, ["diff", str(old), str(same)])
    assert unchanged.exit_code == 0 and unchanged.output == "No content changes (sequence 10 → 11).\n"
    changed = runner.invoke(main, ["diff", str(old), str(new)])
    assert changed.exit_code == 1 and changed.output.splitlines()[-1].startswith("Changes: places: 1 added")
    (tmp_path / "bad.json").write_text("{oops")
    bad = runner.invoke(main, ["diff", str(old), str(tmp_path / "bad.json")])
    assert bad.exit_code == 2 and "is not valid JSON" in bad.output
    missing = runner.invoke(main, ["diff", str(old), str(tmp_path / "nothing.json")])
    assert missing.exit_code == 2 and "no such file" in missing.output
