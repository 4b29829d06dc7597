"""The desk's pages: Django's admin with the editors' forms, roles and the rate-limited login."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from desk.content import forms
from desk.content.logins import RateLimitedLoginForm
from desk.content.models import (Campaign, Event, HelpContact, Kiosk, Notice, Page, PlaceOverlay, Publication,
                                 SourceContent)

admin.site.login_form = RateLimitedLoginForm
admin.site.site_header = _("Content desk")
admin.site.site_title = _("Content desk")
admin.site.index_title = _("What the terminals show")


def localized(field: str, description):
    """A list column showing a text in the editor's language, else the first one there is."""
    def show(obj):
        value = getattr(obj, field) or {}
        return value.get(get_language() or "de") or next(iter(value.values()), "")
    show.short_description = description
    return show


def missing_translations(obj) -> str:
    from desk.content.feedmap import city_locales

    texts = [getattr(obj, f.name) for f in obj._meta.fields if f.get_internal_type() == "JSONField"
             and f.name not in ("extra", "exdates", "place_ids") and isinstance(getattr(obj, f.name), dict)]
    missing = sorted({locale for text in texts if text for locale in city_locales() if not text.get(locale)})
    return ", ".join(missing) or "—"


missing_translations.short_description = _("translations missing")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = forms.EventForm
    list_display = ("feed_id", localized("title", _("title")), "start", "rrule", missing_translations)
    search_fields = ("feed_id", "title")
    list_filter = ("category",)
    fieldsets = [
        (None, {"fields": ["feed_id", "title", "summary", "category", "place_id", "url", "free"]}),
        (_("When"), {"fields": ["all_day", "start", "end"]}),
        (_("Repeats"), {"fields": ["repeat", "interval", "weekdays", "until", "count", "exceptions", "rrule"]}),
        (_("Image"), {"fields": ["image_file", "image_alt"]}),
    ]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    form = forms.NoticeForm
    list_display = ("feed_id", "level", localized("text", _("text")), "valid_from", "valid_until",
                    missing_translations)
    filter_horizontal = ("kiosks",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = forms.CampaignForm
    fields = ("feed_id", "title", "text", "place_ids", "valid_from", "valid_until", "weight", "image_file",
              "image_alt")
    list_display = ("feed_id", localized("title", _("title")), "valid_from", "valid_until", missing_translations)


class HelpContactInline(admin.StackedInline):
    model = HelpContact
    form = forms.HelpContactForm
    extra = 0
    verbose_name_plural = _("help contacts (listed on the page, with their numbers)")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = forms.LocalizedForm
    fields = ("feed_id", "title", "body")
    inlines = [HelpContactInline]
    list_display = ("feed_id", localized("title", _("title")), missing_translations)


@admin.register(PlaceOverlay)
class PlaceOverlayAdmin(admin.ModelAdmin):
    form = forms.PlaceOverlayForm
    list_display = ("place_id", "owner_run", "labels", "opening_hours", missing_translations)
    search_fields = ("place_id", "labels")
    change_form_template = "desk/placeoverlay_change_form.html"


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    form = forms.LocalizedForm
    fields = ("feed_id", "name", "lat", "lon", "heading")
    change_form_template = "desk/kiosk_change_form.html"  # position and heading on a small map
    list_display = ("feed_id", localized("name", _("name")), "lat", "lon", "heading")


class RecordAdmin(admin.ModelAdmin):
    """A record of what happened (publications, imports, changes, notices sent): read, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(RecordAdmin):
    list_display = ("sequence", "published_at", "published_by", "summary")
    readonly_fields = ("sequence", "published_at", "published_by", "summary", "diff", "feed_sha256")
    exclude = ("feed_json",)



@admin.register(SourceContent)
class SourceContentAdmin(admin.ModelAdmin):
    list_display = ("origin", "imported_at", "place_count", "event_count")
    readonly_fields = ("origin", "imported_at", "place_count", "event_count", "report", "city")
    exclude = ("map", "places", "share", "events")

    @admin.display(description=_("places"))
    def place_count(self, obj) -> int:
        return len(obj.places)

    @admin.display(description=_("events from calendars"))
    def event_count(self, obj) -> int:
        return len(obj.events)

    def has_add_permission(self, request):
        return False


@admin.register(LogEntry)
class AuditTrailAdmin(RecordAdmin):
    """Every change made in the desk, by whom and when, in one list (each item's "History" shows its own)."""

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "change_message_words")
    list_filter = ("action_flag", "content_type", "user")
    search_fields = ("object_repr", "change_message")
    date_hierarchy = "action_time"

    @admin.display(description=_("what changed"))
    def change_message_words(self, obj) -> str:
        return obj.get_change_message()

