"""status.json for people (`kiosk status`) and for monitoring (a Prometheus text file)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

from kiosk.cli import main as kiosk_main
from sync.prometheus import render, write_textfile
from sync.status import clock_problem, describe, human_duration, update_status, write_json_atomically

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=timezone.utc)
ERROR = "The server at cms.example.org answered 500 Internal Server Error for https://cms.example.org/feed.json."


def failing(now: datetime) -> dict:
    iso = lambda moment: moment.isoformat(timespec="seconds")  # noqa: E731
    return {
        "kiosk_id": 'alter"markt',
        "content_sequence": 12,
        "content_generated_at": "2026-11-20T10:00:00+01:00",
        "content_valid_until": "2026-12-01T00:00:00+01:00",
        "content_applied_at": iso(now - timedelta(hours=2)),
        "content_stale": False,
        "last_attempt": iso(now - timedelta(minutes=5)),
        "last_success": iso(now - timedelta(hours=2)),
        "last_sync_ok": False,
        "last_error": ERROR,
        "next_attempt": iso(now + timedelta(minutes=4)),
        "consecutive_failures": 2,
        "sync_errors_total": 7,
        "pending_images": ["images/uhren.png: The image images/uhren.png does not match its sha256 in the feed."],
        "clock_skew_s": 3,
        "clock_ok": True,
    }


def test_a_person_reads_what_the_terminal_shows_and_what_went_wrong():
    lines = describe(failing(NOW), NOW)
    assert lines[0] == "Content: sequence 12 from 2026-11-20 10:00, applied 2 h ago."
    assert lines[1] == f"Last sync: failed 5 min ago: {ERROR}"
    assert "Last successful sync: 2 h ago." in lines
    assert "Images pending (1); their places show without a picture until they arrive:" in lines
    assert "Next sync: in 4 min." in lines
    assert "Clock: within 3 s of the feed server's clock." in lines


def test_stale_content_and_a_wrong_clock_are_said_plainly():
    status = failing(NOW) | {"content_valid_until": "2026-11-20T12:00:00+01:00", "clock_skew_s": -7200}
    lines = describe(status, NOW)
    assert any(line.startswith("Stale: the content was valid until 2026-11-20 12:00") for line in lines)
    assert "Clock: The local clock is 2 h behind the feed server's clock; check time synchronisation (NTP)." in lines
    boot = datetime(1970, 1, 1, tzinfo=timezone.utc)
    problem = clock_problem(now=boot, skew_s=None, generated_at="2026-11-20T10:00:00+01:00")
    assert problem.startswith("The local clock reads 1970-01-01 00:00, earlier than the running content was made")
    assert clock_problem(now=NOW, skew_s=299, generated_at=None) is None


def test_an_empty_or_successful_status_reads_well():
    assert describe({}, NOW) == ["No sync has run here yet."]
    ok = {"content_sequence": 3, "content_generated_at": "2026-11-20T10:00:00+01:00", "content_demo": True,
          "content_applied_at": NOW.isoformat(), "last_attempt": NOW.isoformat(), "last_sync_ok": True,
          "last_message": "Applied sequence 3 from feed.json."}
    assert describe(ok, NOW)[:2] == ["Content: sequence 3 from 2026-11-20 10:00 (the bundled demo content), applied just now.",
                                     "Last sync: succeeded just now: Applied sequence 3 from feed.json."]
    assert [human_duration(s) for s in (4, 89, 150, 3600, 3900, 200000)] == ["4 s", "89 s", "2 min", "1 h", "1 h 5 min", "2 days"]


SAMPLE = re.compile(r'^(kiosk_[a-z_]+)(\{kiosk_id="(?:[^"\\]|\\.)*"\})? (-?[0-9.e+]+)$')


def test_the_prometheus_file_has_help_type_and_one_sample_per_metric():
    text = render(failing(NOW))
    lines = text.splitlines()
    samples = {}
    for i, line in enumerate(lines):
        if line.startswith("# HELP "):
            name = line.split()[2]
            assert lines[i + 1].startswith(f"# TYPE {name} ")
            match = SAMPLE.match(lines[i + 2])
            assert match and match.group(1) == name, lines[i + 2]
            assert match.group(2) == '{kiosk_id="alter\\"markt"}', "label values are escaped"
            samples[name] = float(match.group(3))
    assert samples["kiosk_content_sequence"] == 12
    assert samples["kiosk_last_sync_ok"] == 0 and samples["kiosk_sync_errors_total"] == 7
    assert samples["kiosk_pending_images"] == 1 and samples["kiosk_clock_skew_seconds"] == 3
    assert samples["kiosk_content_stale"] == 0
    assert samples["kiosk_last_success_timestamp_seconds"] == (NOW - timedelta(hours=2)).timestamp()
    assert "# TYPE kiosk_sync_errors_total counter" in lines
    assert text.endswith("\n")
    # Figures not known yet are left out rather than reported as 0.
    assert "kiosk_content_sequence" not in render({"last_attempt": NOW.isoformat()})


def test_files_are_replaced_whole_with_no_temporary_left(tmp_path):
    write_textfile(tmp_path / "prom" / "kiosk.prom", failing(NOW))
    write_json_atomically(tmp_path / "status.json", {"a": 1})
    update_status(tmp_path, b=2)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["kiosk.prom", "prom", "status.json"]
    assert json.loads((tmp_path / "status.json").read_text()) == {"a": 1, "b": 2}


def test_kiosk_status_prints_it_for_a_person_and_as_json(tmp_path):
    data_dir = tmp_path / "data"
    update_status(data_dir, **failing(NOW))
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{data_dir}"\n')
    at = ["--at", NOW.isoformat()]  # the moment is passed in: the content is valid until 1 December

    shown = CliRunner().invoke(kiosk_main, ["--config", str(config), "status", *at])
    assert shown.exit_code == 0, shown.output
    assert f"Last sync: failed 5 min ago: {ERROR}" in shown.output
    assert "applied 2 h ago" in shown.output

    as_json = CliRunner().invoke(kiosk_main, ["--config", str(config), "status", "--json", *at])
    document = json.loads(as_json.output)
    assert document["last_error"] == ERROR and document["content_sequence"] == 12
    assert document["content_stale"] is False
    later = ["--at", "2026-12-01T00:00:01+01:00"]
    stale = CliRunner().invoke(kiosk_main, ["--config", str(config), "status", "--json", *later])
    assert json.loads(stale.output)["content_stale"] is True

    empty = CliRunner().invoke(kiosk_main, ["--config", str(config), "status", "--data-dir", str(tmp_path / "new")])
    assert "No sync has run here yet." in empty.output
