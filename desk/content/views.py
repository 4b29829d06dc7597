"""The publish page and the live opening-hours check behind the Qualitätsroute form."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
import re
from datetime import datetime

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from desk.content import checks, feedmap, previews
from desk.content.models import Kiosk, Publication
from desk.content.publish import PublishRefused, preview, publish_again
from desk.content.publish import publish as publish_feed
from sync.preview import PreviewError

def publish(request):
    if not request.user.has_perm("content.publish_feed"):
        raise PermissionDenied(_("Only publishers may publish."))
    now = timezone.now()
    if request.method == "POST":
        again = Publication.objects.filter(sequence=request.POST.get("again") or None).first()
        try:
            made = publish_again(again, request.user, now) if again else publish_feed(request.user, now)
        except PublishRefused as exc:
            return render(request, "desk/publish.html",
                          {**admin.site.each_context(request), "refused": exc, "title": _("Publish")}, status=409)
        messages.success(request, _("Published sequence %(sequence)s: %(summary)s") %
                         {"sequence": made.sequence, "summary": made.summary})
        return redirect("desk-publish")
    context = {**admin.site.each_context(request), "title": _("Publish"), "publications": Publication.objects.select_related("published_by")[:10]}
    try:
        context["draft"] = preview(now)
    except PublishRefused as exc:
        context["refused"] = exc
    return render(request, "desk/publish.html", context)


def preview_screens(request):
    """GET ?at=…&lang=…&screen=…: the terminal's screens as they would look with the content of now."""
    if not (request.user.has_perm("content.publish_feed") or request.user.has_perm("content.change_event")):
        raise PermissionDenied(_("Only editors and publishers may preview."))
    zone = feedmap.city_zone()
    now = timezone.now()
    kiosks = list(Kiosk.objects.all())
    context = {**admin.site.each_context(request), "title": _("Preview"), "locales": feedmap.city_locales(),
               "screens": previews.SCREEN_NAMES.items(), "kiosks": kiosks}
    at_text = request.GET.get("at") or timezone.localtime(now, zone).strftime("%Y-%m-%dT%H:%M")
    lang = request.GET.get("lang") or context["locales"][0]
    chosen = tuple(s for s in request.GET.getlist("screen") if s in previews.SCREENS) or ("home", "today")
    kiosk = request.GET.get("kiosk") or (kiosks[0].feed_id if kiosks else "")
    context.update(at=at_text, lang=lang, chosen=chosen, kiosk=kiosk)
    if "at" in request.GET:
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            context["problem"] = _("%(value)s is not a moment like 2026-12-05T10:00.") % {"value": at_text}
            return render(request, "desk/preview.html", context)
        at = at if at.tzinfo else at.replace(tzinfo=zone)
        if lang not in context["locales"] or (kiosk and kiosk not in {k.feed_id for k in kiosks}):
            raise Http404(lang)
        try:
            context["result"], context["draft"] = previews.render(request.user, now, at, lang, chosen, kiosk or None)
            status = {"unavailable": _("not available in this terminal software yet"),
                      "failed": _("could not be drawn:")}
            context["shots"] = [(shot, previews.SCREEN_NAMES.get(shot.screen, shot.screen), status.get(shot.status, ""))
                                for shot in context["result"].shots]
        except PublishRefused as exc:
            context["refused"] = exc
        except PreviewError as exc:
            context["problem"] = _("No preview could be made: %(reason)s.") % {"reason": exc}
    return render(request, "desk/preview.html", context)


def preview_image(request, name: str):
    if not re.fullmatch(r"[0-9T]+-[a-z]{2,3}-[a-z]+\.png", name):
        raise Http404(name)
    path = previews.folder_for(request.user) / name
    if not path.is_file():
        raise Http404(name)
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "no-store"  # the next preview (another kiosk, another moment) reuses the name
    return response


def hours_check(request):
    """{"ok": bool, "message": str}: whether the value parses and, if so, whether it is open now."""
    value = request.GET.get("value", "").strip()
    if not value:
        return JsonResponse({"ok": True, "message": _("No opening hours: terminals show none.")})
    problem = checks.hours_problem(value)
    if problem:
        return JsonResponse({"ok": False, "message": problem})
    state = checks.open_now(value, timezone.now())
    words = {"open": _("Open now"), "closed": _("Closed now"), "unknown": _("Unknown now")}[state.state]
    if state.next_change is not None:
        words += " – " + _("changes %(when)s") % {
            "when": formats.date_format(timezone.localtime(state.next_change), "l, H:i")}
    if state.comment:
        words += f" ({state.comment})"
    return JsonResponse({"ok": True, "message": words})


def city_map(request):
    """The city's map from the sources (GeoJSON) for the kiosk map: the same streets the terminals draw."""
    if not request.user.has_perm("content.view_kiosk"):
        raise PermissionDenied(_("Only desk users may see the city map."))
    return JsonResponse(feedmap.sources().map or {"type": "FeatureCollection", "features": []})
