"""Charts as SVG drawn on the server: no script, no CDN, readable without JavaScript and printable.

Each function returns markup that is safe to put into a page: every label is escaped here.
"""
from __future__ import annotations

from typing import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK, GRID, EMPTY = "#1f2933", "#d9dee3", "#f2f4f6"


def _rating_colour(average: float) -> str:
    """Red for poor, amber for middling, green for good: the same three a city's report uses."""
    return "#c0392b" if average < 2.5 else "#d68910" if average < 3.5 else "#1e8449"


def _short(count: int) -> str:
    """A count that fits a 26-pixel cell: 950, 1.5k, 12k."""
    if count < 1000:
        return str(count)
    return f"{count / 1000:.1f}k" if count < 10_000 else f"{count // 1000}k"


def week_bars(title: str, weeks: Sequence, *, number: Callable[[float], str], answers_word: Callable[[int], str],
              no_answers: str) -> SafeString:
    """Average rating (1-5) per week as bars, with the number of answers under each week."""
    width, height, left, top, bar_h = 336, 168, 8, 26, 96
    step = (width - left * 2) / max(len(weeks), 1)
    parts = [f'<svg class="fleet-chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>',
             f'<text x="{left}" y="16" font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>']
    for level in (1, 3, 5):  # guide lines at ratings 1, 3, 5
        y = top + bar_h - bar_h * level / 5
        parts.append(f'<line x1="{left}" x2="{width - left}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
    for i, figure in enumerate(weeks):
        x = left + i * step + step * 0.15
        w = step * 0.7
        label = figure.week.split("-")[-1]
        if figure.average is None:
            parts.append(f'<rect x="{x:.1f}" y="{top + bar_h - 4}" width="{w:.1f}" height="4" fill="{EMPTY}">'
                         f'<title>{escape(figure.week)}: {escape(no_answers)}</title></rect>')
        else:
            h = bar_h * figure.average / 5
            tip = f"{figure.week}: {number(figure.average)} ({answers_word(figure.answers)})"
            parts.append(f'<rect x="{x:.1f}" y="{top + bar_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                         f'fill="{_rating_colour(figure.average)}"><title>{escape(tip)}</title></rect>')
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + bar_h - h - 3:.1f}" font-size="11" text-anchor="middle" '
                         f'fill="{INK}">{escape(number(figure.average))}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + bar_h + 15}" font-size="11" text-anchor="middle" '
                     f'fill="{INK}">{escape(label)}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + bar_h + 30}" font-size="10" text-anchor="middle" '
                     f'fill="#52606d">{figure.answers}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def total_bars(title: str, totals: Sequence[tuple[str, int]], name: Callable[[str], str]) -> SafeString:
    """Horizontal bars, one per screen, longest first."""
    row, left, width = 22, 150, 640
    height = 30 + row * max(len(totals), 1)
    most = max((n for _s, n in totals), default=1) or 1
    parts = [f'<svg class="fleet-chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>']
    for i, (screen, count) in enumerate(totals):
        y = 26 + i * row
        w = (width - left - 70) * count / most
        parts.append(f'<text x="{left - 8}" y="{y + 14}" font-size="12" text-anchor="end" fill="{INK}">{escape(name(screen))}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#2e6da4"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 14}" font-size="12" fill="{INK}">{count}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def hour_grid(title: str, screens: Sequence[str], cells: dict[tuple[str, int], int], name: Callable[[str], str],
              opens_word: Callable[[int], str]) -> SafeString:
    """Screens down, the hours of the day across, each cell darker the more often the screen was opened then."""
    cell, left, top = 26, 150, 40
    width, height = left + 24 * cell + 4, top + cell * max(len(screens), 1) + 4
    most = max(cells.values(), default=1) or 1
    parts = [f'<svg class="fleet-chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>']
    for hour in range(24):
        parts.append(f'<text x="{left + hour * cell + cell / 2}" y="{top - 6}" font-size="10" text-anchor="middle" '
                     f'fill="{INK}">{hour:02d}</text>')
    for i, screen in enumerate(screens):
        y = top + i * cell
        parts.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4}" font-size="12" text-anchor="end" fill="{INK}">{escape(name(screen))}</text>')
        for hour in range(24):
            count = cells.get((screen, hour), 0)
            share = count / most
            fill = EMPTY if not count else f"rgb({int(220 - 174 * share)},{int(232 - 123 * share)},{int(245 - 81 * share)})"
            parts.append(f'<rect x="{left + hour * cell + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                         f'<title>{escape(name(screen))}, {hour:02d}:00: {escape(opens_word(count))}</title></rect>')
            if count:
                ink = "#ffffff" if share > 0.5 else INK
                parts.append(f'<text x="{left + hour * cell + cell / 2}" y="{y + cell / 2 + 4}" font-size="9" '
                             f'text-anchor="middle" fill="{ink}">{_short(count)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
