"""The next departures of a transit place, drawn into its detail card: time, line and destination,
and a line saying whether the times are the timetable's or live (and how old). The card refreshes
them every REFRESH_S seconds while it is shown, in place, so a visitor reading it keeps their place."""
from __future__ import annotations

from datetime import tzinfo

from kivy.uix.boxlayout import BoxLayout

from kiosk import formatting
from kiosk.live.departures import LIVE, Board
from kiosk.ui.translate import tr
from kiosk.ui.widgets.layout import fitted_row
from kiosk.ui.widgets.text import KLabel

REFRESH_S = 30  # while departures are shown (Home's corner, the place card): times count down, live data arrives


def departure_rows(board: Board, lang: str, tz: tzinfo) -> list[tuple[str, str]]:
    rows = []
    for departure in board.departures:
        when = formatting.time_text(departure.expected, lang, tz)
        what = f"{departure.route}  {departure.headsign}".strip()
        if departure.cancelled:
            what = f"{what} · " + tr._("cancelled")
        elif departure.source == LIVE and departure.delay_min > 0:
            what = f"{what} · " + tr._("{minutes} min late").format(minutes=formatting.number_text(departure.delay_min, lang))
        elif departure.source == LIVE and departure.delay_min < 0:  # an early bus leaves before its printed time
            what = f"{what} · " + tr._("{minutes} min early").format(
                minutes=formatting.number_text(-departure.delay_min, lang))
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


class DeparturesBlock(BoxLayout):
    """A heading, a table and the source line, styled like a DetailColumn's own parts; `show` refills it
    in place, so the card around it neither scrolls back nor redraws."""

    def __init__(self, spacing: int = 18, **kwargs):
        super().__init__(orientation="vertical", size_hint_y=None, spacing=spacing, **kwargs)
        self.bind(minimum_height=self.setter("height"))
        self.heading = KLabel(size_role="heading", bold=True, tone="accent")
        self.empty = KLabel()
        self.source = KLabel(tone="muted")
        self.rows: list = []

    def _row(self, index: int):
        while len(self.rows) <= index:
            # The time as wide as a time needs; both at the top, so a destination on two lines reads as one row.
            time, what = KLabel(size_hint_x=0.24, pos_hint={"top": 1}), KLabel(size_hint_x=0.76, pos_hint={"top": 1})
            row = fitted_row(time, what, spacing=20)
            row.cells = (time, what)
            self.rows.append(row)
        return self.rows[index]

    def show(self, board: Board, lang: str, tz: tzinfo) -> None:
        self.clear_widgets()
        self.heading.txt = tr._("Next departures")
        self.add_widget(self.heading)
        rows = departure_rows(board, lang, tz)
        for index, (when, what) in enumerate(rows):
            row = self._row(index)
            row.cells[0].txt, row.cells[1].txt = when, what
            self.add_widget(row)
        if not rows:
            self.empty.txt = tr._("No departures in the timetable.")
            self.add_widget(self.empty)
        self.source.txt = source_line(board, lang)
        self.add_widget(self.source)
