"""The next departures of a transit place, drawn into its detail card: time, line and destination,
and a line saying whether the times are the timetable's or live (and how old)."""
from __future__ import annotations

from datetime import tzinfo

from kiosk import formatting
from kiosk.live.departures import LIVE, Board
from kiosk.ui.translate import tr


def departure_rows(board: Board, lang: str, tz: tzinfo) -> list[tuple[str, str]]:
    rows = []
    for departure in board.departures:
        when = formatting.time_text(departure.expected, lang, tz)
        what = f"{departure.route}  {departure.headsign}".strip()
        if departure.cancelled:
            what = f"{what} · " + tr._("cancelled")
        elif departure.source == LIVE and departure.delay_min > 0:
            what = f"{what} · " + tr._("{minutes} min late").format(minutes=formatting.number_text(departure.delay_min, lang))
        rows.append((when, what))
    return rows


def source_tag(source: str, live_age_s: int | None, lang: str) -> str:
    """'timetable', or 'live, 1 min ago': the short label beside a time."""
    if source == LIVE and live_age_s is not None:
        return tr._("live, {age} ago").format(age=formatting.duration_text(live_age_s, lang))
    return tr._("timetable")


def source_line(board: Board, lang: str) -> str:
    if board.source == LIVE and board.live_age_s is not None:
        return tr._("Live times, updated {age} ago").format(age=formatting.duration_text(board.live_age_s, lang))
    return tr._("Timetable times: no live data")


def show_departures(details, board: Board, lang: str, tz: tzinfo) -> None:
    """A heading, a table and the source line (a DetailColumn's own parts, refilled like the rest)."""
    details.heading(tr._("Next departures"))
    if board.departures:
        details.table(departure_rows(board, lang, tz), bold_first=False)
    else:
        details.text(tr._("No departures in the timetable."))
    details.text(source_line(board, lang), tone="muted")
