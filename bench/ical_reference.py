"""Day-by-day agreement with recurring-ical-events on all of its own test calendars (docs/recurrence.md).

Run `.venv/bin/python bench/ical_reference.py`; never part of `make test` (about a minute). Each
calendar is built with `kiosk-feed build`'s code path and compared from the day before its first
start to 400 days after its last (at most five years), with the helpers of tests/test_ical_reference.py.
Prints the calendars with differing days and the total.
"""
from __future__ import annotations

import sys
import tempfile
import warnings
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import recurring_ical_events  # noqa: E402
from icalendar import Calendar  # noqa: E402

from sync.build.assemble import BuildFailed  # noqa: E402
from sync.build.common import SourceError  # noqa: E402
from tests import test_ical_reference as compare  # noqa: E402

CALENDARS = Path(recurring_ical_events.__file__).parent / "test" / "calendars"


def window(path: Path) -> list | None:
    points = []
    for component in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
        for name in ("DTSTART", "RECURRENCE-ID"):
            try:
                value = component.decoded(name)
            except Exception:  # absent or unreadable: the reference decides what it means
                continue
            points.append(value.date() if isinstance(value, datetime) else value)
    if not points:
        return None
    first = min(points) - timedelta(days=1)
    return compare.days(first, min(max(points) + timedelta(days=400), first + timedelta(days=5 * 366)))


def main() -> int:
    warnings.simplefilter("ignore")  # dateutil warns about the reference's UNTIL with COUNT
    compare.ICAL = CALENDARS
    compared = agreed = 0
    for path in sorted(CALENDARS.glob("*.ics")):
        try:
            days = window(path)
            theirs = compare.reference_days(path.name, days) if days else None
        except Exception as exc:  # the reference cannot read it either: nothing to compare
            print(f"{path.name}: skipped, the reference cannot read it ({exc})")
            continue
        if theirs is None:
            continue
        try:
            with tempfile.TemporaryDirectory() as folder:
                ours = compare.terminal_days(compare.build(Path(folder), path.name).feed, days)
        except (BuildFailed, SourceError) as exc:
            print(f"{path.name}: the build fails ({exc})")
            ours = {day: [] for day in days}
        differing = [day for day in days if ours[day] != theirs[day]]
        compared += len(days)
        agreed += len(days) - len(differing)
        if differing:
            print(f"{path.name}: {len(differing)} of {len(days)} days differ, first {differing[0]}")
    print(f"agreed on {agreed:,} of {compared:,} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
