"""Real opening_hours values through kiosk.hours: nothing crashes, and the reference cases agree.

The full corpus lives beside the checkout in ../shared/data/opening_hours (too big and partly
LGPL, so it is not copied); a small subset in tests/fixtures/opening_hours always runs.
Disagreements with opening_hours.js are listed, with their cause, in
tests/fixtures/opening_hours/ohjs_known_disagreements.jsonl and explained in
docs/opening-hours.md; the tests fail only on new ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from kiosk.hours import OpeningHoursError, check, state_at

FIXTURES = Path(__file__).parent / "fixtures" / "opening_hours"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "opening_hours"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the shared corpus {SHARED} is absent (it sits beside the checkout, not in it)",
)
BERLIN = "Europe/Berlin"
EVALUATED_AT = datetime(2026, 6, 4, 12, 0, tzinfo=ZoneInfo(BERLIN))  # Fronleichnam, a Thursday


def read_point_cases(path: Path) -> list[dict]:
    """Rows of value, local time, expected state, location; a value may itself contain tabs."""
    cases = []
    with path.open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            when, expected, location, mode, source = parts[-5:]
            cases.append(
                {"value": "\t".join(parts[:-5]), "when": when, "expected": expected,
                 "location": location, "mode": mode, "source": source}
            )
    return cases


@lru_cache(maxsize=None)
def place(location: str) -> tuple[str, str | None]:
    """opening_hours.js locations ('de_bw', 'us_ca', 'gb/Scotland') as country and subdivision."""
    if not location:
        return "DE", None
    country, subdivision = (re.split(r"[_/]", location, maxsplit=1) + [""])[:2]
    country, subdivision = country.upper(), subdivision.upper() or None
    try:
        holidays.country_holidays(country)
    except NotImplementedError:
        return "DE", None
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        subdivision = None
    return country, subdivision


def our_state(case: dict) -> str:
    country, subdivision = place(case["location"])
    at = datetime.fromisoformat(case["when"]).replace(tzinfo=ZoneInfo(BERLIN))
    try:
        return state_at(case["value"], at, timezone=BERLIN, country=country, subdivision=subdivision).state
    except OpeningHoursError:
        return "error"


def sample_values(path: Path) -> list[str]:
    """One value a line; '#' lines are the file's own comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def case_key(case: dict) -> tuple[str, str, str]:
    return case["value"], case["when"], case["location"]


def value_digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def not_accepted_digests() -> set[str]:
    lines = (FIXTURES / "ohjs_values_not_accepted.txt").read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def known_disagreements() -> dict[tuple[str, str, str], dict]:
    known = {}
    with (FIXTURES / "ohjs_known_disagreements.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            known[case_key(row)] = row
    return known


def assert_no_new_disagreements(cases: list[dict]) -> None:
    known = known_disagreements()
    not_accepted = not_accepted_digests()
    new = []
    for case in cases:
        ours = our_state(case)
        if ours == case["expected"]:
            continue
        if ours == "error" and value_digest(case["value"]) in not_accepted:
            continue  # cause `not-accepted`
        if known.get(case_key(case), {}).get("ours") != ours:
            new.append(json.dumps({**{k: case[k] for k in ("value", "when", "location", "expected")},
                                   "ours": ours, "cause": "TODO", "source": case["source"]}, ensure_ascii=False))
    assert not new, (
        f"{len(new)} new disagreements with opening_hours.js; explain each in docs/opening-hours.md "
        "and add it to tests/fixtures/opening_hours/ohjs_known_disagreements.jsonl (or, for a value "
        "opening-hours-rs refuses, its value_digest to ohjs_values_not_accepted.txt):\n" + "\n".join(new[:40])
    )


def assert_evaluates_or_explains(value: str) -> None:
    """A value either evaluates to a state or fails with a sentence that quotes it."""
    problem = check(value)
    try:
        result = state_at(value, EVALUATED_AT, timezone=BERLIN, country="DE", subdivision="NW")
    except OpeningHoursError as exc:
        assert problem == str(exc)
        assert repr(value) in str(exc) or "empty" in str(exc)
        assert str(exc).endswith(".")
        return
    assert problem is None
    assert result.state in {"open", "closed", "unknown"}
    assert result.next_change is None or result.next_change > EVALUATED_AT


# --- always: the small copies in tests/fixtures --------------------------------------------------


def test_sample_values_subset_all_parse_and_evaluate():
    values = sample_values(FIXTURES / "ohrs_sample_values_subset.txt")
    assert len(values) == 50
    for value in values:
        assert check(value) is None, value
        assert_evaluates_or_explains(value)


def test_point_cases_subset_agree_or_are_known():
    cases = read_point_cases(FIXTURES / "ohjs_point_cases_subset.tsv")
    assert len(cases) == 100
    assert_no_new_disagreements(cases)


def test_every_known_disagreement_names_a_documented_cause():
    documented = (Path(__file__).parents[1] / "docs" / "opening-hours.md").read_text(encoding="utf-8")
    causes = {row["cause"] for row in known_disagreements().values()} | {"not-accepted"}
    missing = sorted(cause for cause in causes if f"`{cause}`" not in documented)
    assert not missing, f"causes without a section in docs/opening-hours.md: {missing}"


def test_nw_holiday_fixture_matches_ph_evaluation():
    rows = (FIXTURES / "ohrs_DE_NW_holidays_2024_2030.tsv").read_text(encoding="utf-8").splitlines()[1:]
    listed = {date.fromisoformat(row.split("\t")[1]) for row in rows}
    assert_ph_days_are(listed, range(2024, 2031))


def assert_ph_days_are(expected: set[date], years: range) -> None:
    tz = ZoneInfo(BERLIN)
    evaluated = set()
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            at = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
            if state_at("PH", at, timezone=BERLIN, country="DE", subdivision="NW").state == "open":
                evaluated.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    assert evaluated == expected, (sorted(evaluated - expected), sorted(expected - evaluated))


# --- with ../shared: the whole corpus ---------------------------------------------------------


@needs_shared
def test_every_test_log_value_evaluates_or_explains():
    lines = (SHARED / "ohjs_test_log_values.jsonl").read_text(encoding="utf-8").splitlines()
    values = [json.loads(line)["value"] for line in lines]
    assert len(values) == 1045
    for value in values:
        assert_evaluates_or_explains(value)


@needs_shared
def test_every_ohrs_sample_value_parses():
    values = sample_values(SHARED / "ohrs_sample_values.txt")
    assert len(values) >= 190
    for value in values:
        assert check(value) is None, value
        assert_evaluates_or_explains(value)


@needs_shared
def test_values_the_reference_refuses_do_not_crash():
    refused = accepted = 0
    for line in (SHARED / "ohjs_should_fail.jsonl").read_text(encoding="utf-8").splitlines():
        for value in json.loads(line)["values"]:
            assert_evaluates_or_explains(value)
            if check(value) is None:
                accepted += 1
            else:
                refused += 1
    # 38 are accepted: 18 need context the kiosk has (country, mode), 20 are dubious dates the
    # Rust parser lets through (Feb 30, week 30-40/27); docs/opening-hours.md lists them
    assert (refused, accepted) == (143, 38)


@needs_shared
def test_all_point_cases_agree_or_are_known():
    cases = read_point_cases(SHARED / "ohjs_point_cases.tsv")
    assert len(cases) == 2734
    assert_no_new_disagreements(cases)


@needs_shared
def test_german_holiday_file_matches_our_nw_holidays():
    rows = [line.split("\t") for line in (SHARED / "ohrs_DE_holidays_2024_2030.tsv").read_text().splitlines()[1:]]
    national = {date.fromisoformat(day) for scope, day in rows if scope == "national"}
    regional = {date.fromisoformat(day) for scope, day in rows if scope == "regional_any_state"}
    nw = set(holidays.country_holidays("DE", subdiv="NW", years=range(2024, 2031)))
    assert national <= nw
    assert nw - national <= regional
    assert {(day.month, day.day) for day in nw - national if day.month == 11} == {(11, 1)}
    assert len(nw - national) == 14  # Fronleichnam and Allerheiligen, seven years
    assert_ph_days_are(nw, range(2024, 2031))
