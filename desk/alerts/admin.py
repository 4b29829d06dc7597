"""The emergency notice pages: publish (the add form), the list with "End now", and every alerts.json written."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from desk.alerts import release, wording
from desk.alerts.forms import EmergencyNoticeForm
from desk.alerts.models import AlertRelease, EmergencyNotice
from desk.content import feedmap
from desk.content.admin import RecordAdmin, localized
from desk.content.publish import PublishRefused

DEFAULT_LENGTH = timedelta(hours=2)


@admin.register(EmergencyNotice)
class EmergencyNoticeAdmin(admin.ModelAdmin):
    form = EmergencyNoticeForm
    change_form_template = "desk/alerts/change_form.html"
    # The button beside the state: the one thing a publisher comes here for is never scrolled out of view.
    list_display = (localized("text", _("text")), "state", "end_button", "where", "valid_until", "published_by",
                    "published_at")
    readonly_fields = ("published_at", "published_by", "ended_at", "ended_by")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["template", "text", "all_kiosks", "kiosks", "valid_until"]
        return ["text", "all_kiosks", "kiosks", "valid_until", "published_at", "published_by", "ended_at", "ended_by"]

    def has_add_permission(self, request):
        return request.user.has_perm("alerts.publish_alert")

    def has_change_permission(self, request, obj=None):
        return False  # a published notice is not edited: end it and publish a new one

    def has_delete_permission(self, request, obj=None):
        return False  # the trail stays

    def get_changeform_initial_data(self, request):
        until = timezone.localtime(timezone.now() + DEFAULT_LENGTH).replace(second=0, microsecond=0)
        return {"valid_until": until, "all_kiosks": True}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        notice = self.get_object(request, object_id) if object_id else None  # None for an unknown id
        extra = {"alert_templates": wording.texts(feedmap.city_locales()),
                 "can_end": notice is not None and notice.active(timezone.now())
                 and request.user.has_perm("alerts.publish_alert")}
        return super().changeform_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def save_model(self, request, obj, form, change):
        obj.published_at, obj.published_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the terminals first, so they are in the document
        release.write(request.user, form.instance.published_at, f"published {form.instance.feed_id}")

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, _("Published. Every online terminal shows it within a minute."))
        return redirect("admin:alerts_emergencynotice_changelist")

    def get_urls(self):
        return [path("<int:pk>/end/", self.admin_site.admin_view(self.end_view), name="alerts_emergencynotice_end"),
                *super().get_urls()]

    def end_view(self, request, pk: int):
        if request.method != "POST" or not request.user.has_perm("alerts.publish_alert"):
            raise PermissionDenied(_("Only publishers may end emergency notices."))
        notice = get_object_or_404(EmergencyNotice, pk=pk)
        now = timezone.now()
        if not notice.active(now):
            messages.info(request, _("This notice had already ended."))
            return redirect("admin:alerts_emergencynotice_changelist")
        try:
            with transaction.atomic():
                release.end(notice, request.user, now)
        except PublishRefused as exc:
            messages.error(request, str(exc))
        else:
            # The English label: the history page translates it into the reader's language.
            self.log_change(request, notice, [{"changed": {"fields": ["ended at"]}}])
            messages.success(request, _("Ended. Every online terminal takes it down within a minute."))
        return redirect("admin:alerts_emergencynotice_changelist")

    @admin.display(description=_("where"))
    def where(self, obj):
        if obj.all_kiosks:
            return _("every terminal")
        return ", ".join(kiosk.feed_id for kiosk in obj.kiosks.all())

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.ended_at is not None:
            return _("ended")
        return _("on the screens") if obj.active(timezone.now()) else _("expired")

    @admin.display(description="")
    def end_button(self, obj):
        if not obj.active(timezone.now()):
            return ""
        # Submits the list's own form (with its CSRF token) to the end address.
        return format_html('<button type="submit" class="button desk-end" formmethod="post" '
                           'formaction="{}">{}</button>',
                           reverse("admin:alerts_emergencynotice_end", args=[obj.pk]), _("End now"))


@admin.register(AlertRelease)
class AlertReleaseAdmin(RecordAdmin):
    list_display = ("sequence", "written_at", "written_by", "reason")
    readonly_fields = ("sequence", "written_at", "written_by", "reason", "document")

