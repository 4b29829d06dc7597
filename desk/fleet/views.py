"""The terminals' posts, and the fleet pages for admins and publishers: terminals, feedback, usage, CSV."""
from __future__ import annotations

import csv
import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from desk.content.models import Kiosk
from desk.fleet import charts, dashboard, words
from desk.fleet.models import Feedback, ScreenOpen
from desk.fleet.receive import receive
from sync import fleet_posts

log = logging.getLogger("desk.fleet")
clock = timezone.now  # the desk's clock: when a post arrived, and "now" on a page without ?at=; tests replace it
WEEKS = 8


def _json(code: int, answer: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(answer, ensure_ascii=False), status=code,
                            content_type="application/json; charset=utf-8")
    if code in (411, 413):
        response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response


@csrf_exempt  # terminals authenticate with the fleet token, not a session
def collect(request, kind: str):
    if request.method != "POST":
        # In English, as every answer to a terminal: it goes to the terminal's log, not to a person's screen.
        return _json(405, {"error": f"{request.path} answers POST only; terminals post their items here."})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _json(411, {"error": fleet_posts.NO_LENGTH})
    if length < 0 or length > fleet_posts.MAX_BODY_BYTES:
        return _json(413, {"error": fleet_posts.too_large(fleet_posts.MAX_BODY_BYTES)})
    try:
        code, answer = receive(kind, request.body, request.META.get("HTTP_AUTHORIZATION"),
                               token=settings.DESK_FLEET_TOKEN, now=clock())
    except DatabaseError as exc:
        log.error("The desk's database could not store a post to /%s: %s", kind, exc)
        code, answer = 503, {"error": fleet_posts.NOT_STORED}
    except Exception:  # a post this code did not foresee still gets an answer
        log.exception("The desk failed on a post to /%s.", kind)
        code, answer = 500, {"error": fleet_posts.FAILED}
    return _json(code, answer)


def _allowed(request) -> None:
    if not request.user.has_perm("fleet.view_fleet"):
        raise PermissionDenied(_("Only admins and publishers may see the fleet."))


def _moment(request, zone: ZoneInfo) -> tuple[datetime, str | None]:
    """The instant the page is about: ?at=2026-11-26T09:00 (local time) to look at a past morning, else now."""
    text = request.GET.get("at")
    if not text:
        return clock(), None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or not fleet_posts.FIRST_YEAR <= at.year <= fleet_posts.LAST_YEAR:
        return clock(), _("%(value)s is not a moment like 2026-12-05T10:00.") % {"value": text}
    return (at if at.tzinfo else at.replace(tzinfo=zone)), None


def _page(request, title: str):
    zone = ZoneInfo(settings.TIME_ZONE)
    now, problem = _moment(request, zone)
    base = {**admin.site.each_context(request), "title": title, "now": now, "problem": problem,
            "at": request.GET.get("at", ""), "zone": zone}
    return now, zone, base


def terminals(request):
    _allowed(request)
    now, zone, context = _page(request, _("Terminals"))
    known = list(Kiosk.objects.values_list("feed_id", flat=True))
    rows = dashboard.terminal_rows(now, known)
    context.update(rows=_cells(rows), silent=sum(r.silent for r in rows),
                   silent_minutes=int(dashboard.SILENT_AFTER.total_seconds() // 60), refresh=not context["at"])
    return render(request, "fleet/terminals.html", context)


def _cells(rows: list[dashboard.TerminalRow]) -> list[dict]:
    """Each row's words, made here once per page: 500 rows of template tags took most of the page's time."""
    silent_for, ago, never = _("no heartbeat for %(since)s"), _("%(since)s ago"), _("never sent a heartbeat")
    none, not_reported, unknown = _("none"), _("not reported"), _("not among the desk's kiosks")
    cells = []
    for row in rows:
        heard = row.last_heartbeat is not None
        since = words.duration(row.silent_for) if row.silent_for is not None else None
        cells.append({
            "kiosk_id": row.kiosk_id, "silent": row.silent, "note": None if row.known else unknown,
            "since": (silent_for % {"since": since} if since else never) if row.silent else ago % {"since": since},
            "when": formats.date_format(timezone.localtime(row.last_heartbeat), "DATETIME_FORMAT") if heard else None,
            "sequence": "–" if row.content_sequence is None else row.content_sequence,
            "error": row.last_error or (none if heard else "–"), "error_ok": heard and not row.last_error,
            "clock": words.clock_skew(row.skew_s) if row.skew_s is not None else "–", "clock_warn": row.skew_problem,
            "disk": words.disk(row.free_disk_bytes) if row.free_disk_bytes is not None else (not_reported if heard else "–"),
            "disk_warn": row.low_disk, "version": row.version or "–",
        })
    return cells


def feedback(request):
    _allowed(request)
    now, zone, context = _page(request, _("Feedback"))
    figures = dashboard.feedback_by_week(now, zone, WEEKS)
    number = lambda value: f"{value:.1f}".replace(".", "," if request.LANGUAGE_CODE == "de" else ".")  # noqa: E731
    context.update(
        charts=[charts.week_bars(words.topic_name(topic), weeks, number=number, answers_word=words.answers,
                                 no_answers=_("no answers")) for topic, weeks in figures.items()],
        answers=[(a, [words.topic_name(t) for t in a.topics]) for a in dashboard.recent_answers(now)],
        weeks=WEEKS)
    return render(request, "fleet/feedback.html", context)


def _days(request, default: int) -> int:
    try:
        return min(max(int(request.GET.get("days", default)), 1), 366)
    except ValueError:
        return default


def usage(request):
    _allowed(request)
    now, zone, context = _page(request, _("Usage"))
    days = _days(request, 7)
    totals, cells = dashboard.usage_by_screen_and_hour(now, zone, days)
    screens = [screen for screen, _n in totals]
    context.update(days=days, totals=totals,
                   total_chart=charts.total_bars(_("Screens opened"), totals, words.screen_name),
                   hour_chart=charts.hour_grid(_("Screens opened per hour of the day (%(zone)s)") % {"zone": zone.key},
                                               screens, cells, words.screen_name, words.opens))
    return render(request, "fleet/usage.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(request, table: str):
    """terminals.csv, feedback.csv (one row per answer) or usage.csv (one row per screen and hour), UTC times."""
    _allowed(request)
    zone = ZoneInfo(settings.TIME_ZONE)
    now, _problem = _moment(request, zone)
    since = now - timedelta(days=_days(request, WEEKS * 7))
    if table == "terminals":
        header = ["kiosk_id", "silent", "silent_for_s", "last_heartbeat", "content_sequence", "last_error",
                  "clock_skew_s", "free_disk_bytes", "version"]
        rows = ([r.kiosk_id, int(r.silent), "" if r.silent_for is None else int(r.silent_for.total_seconds()),
                 r.last_heartbeat.isoformat() if r.last_heartbeat else "", r.content_sequence or "", r.last_error or "",
                 "" if r.skew_s is None else round(r.skew_s), r.free_disk_bytes or "", r.version or ""]
                for r in dashboard.terminal_rows(now, list(Kiosk.objects.values_list("feed_id", flat=True))))
    elif table == "feedback":
        header = ["hour", "kiosk_id", "rating", "topics", "language"]
        rows = ([a.hour.isoformat(), a.kiosk_id, a.rating, " ".join(a.topics), a.language]
                for a in Feedback.objects.filter(hour__gt=since, hour__lte=now).order_by("hour", "kiosk_id").iterator())
    elif table == "usage":
        header = ["hour", "kiosk_id", "screen", "opened"]
        rows = ([s.hour.isoformat(), s.kiosk_id, s.screen, s.count]
                for s in ScreenOpen.objects.filter(hour__gt=since, hour__lte=now).order_by("hour", "kiosk_id", "screen").iterator())
    else:
        raise Http404(table)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in _with_header(header, rows)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fleet-{table}-{now.astimezone(zone):%Y-%m-%d}.csv"'
    return response


def _with_header(header, rows):
    yield header
    yield from rows
