"""What editors own, in the shape of feed v1 (docs/feed-format.md); desk/content/feedmap.py turns it into the feed."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from desk.content.localized import LocalizedTextField



def feed_id() -> models.SlugField:
    return models.SlugField(_("id in the feed"), max_length=120, unique=True,
                            help_text=_("Letters, digits and hyphens; other content refers to it."))


class SourceContent(models.Model):
    """City settings, the map and the places as the sources (OpenStreetMap, the shop list) gave them: one row."""

    city = models.JSONField(_("city"), default=dict)
    map = models.JSONField(_("map"), default=dict)
    places = models.JSONField(_("places"), default=list)
    share = models.JSONField(_("sharing links"), default=dict, blank=True)
    events = models.JSONField(_("events from calendars"), default=list, blank=True)
    report = models.TextField(_("last import: what was read, what was built, what was left out and why"), blank=True)
    origin = models.CharField(_("imported from"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return str(_("Sources imported from %(origin)s") % {"origin": self.origin or "?"})


class Edited(models.Model):
    """Every piece of content keeps the fields the form does not edit (e.g. an image) as they came."""

    extra = models.JSONField(_("other feed fields"), default=dict, blank=True,
                             help_text=_("Feed fields this form does not edit, kept as imported."))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        abstract = True


class Kiosk(Edited):
    feed_id = feed_id()
    name = LocalizedTextField(_("name"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    heading = models.FloatField(_("heading (degrees from north the screen faces)"), default=0)

    class Meta:
        verbose_name, verbose_name_plural = _("kiosk"), _("kiosks")
        ordering = ["feed_id"]

    def __str__(self) -> str:
        return self.feed_id


class Event(Edited):
    CATEGORIES = [("market", _("market")), ("music", _("music")), ("culture", _("culture")),
                  ("family", _("family")), ("sport", _("sport")), ("shopping", _("shopping"))]
    feed_id = feed_id()
    title = LocalizedTextField(_("title"))
    summary = LocalizedTextField(_("summary"), multiline=True, blank=True)
    category = models.CharField(_("category"), max_length=40, choices=CATEGORIES, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True,
                               help_text=_("For all-day events the last day, inclusive."))
    rrule = models.CharField(_("recurrence rule"), max_length=500, blank=True)
    exdates = models.JSONField(_("left-out dates"), default=list, blank=True)
    place_id = models.CharField(_("place"), max_length=120, blank=True)
    url = models.URLField(_("web page"), blank=True)
    free = models.BooleanField(_("free entry"), null=True, blank=True)  # not said, yes or no: the feed keeps all three

    class Meta:
        verbose_name, verbose_name_plural = _("event"), _("events")
        ordering = ["start"]

    def __str__(self) -> str:
        return self.feed_id


class Notice(Edited):
    LEVELS = [("info", _("information")), ("warning", _("warning")),
              ("emergency", _("emergency (takes over the screen)"))]
    feed_id = feed_id()
    level = models.CharField(_("level"), max_length=20, choices=LEVELS, default="info")
    text = LocalizedTextField(_("text"), multiline=True)
    valid_from = models.DateTimeField(_("from"), null=True, blank=True, help_text=_("Empty: from now on."))
    valid_until = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: until removed."))
    kiosks = models.ManyToManyField(Kiosk, verbose_name=_("only on these kiosks"), blank=True,
                                    help_text=_("None chosen: on every terminal."))

    class Meta:
        verbose_name, verbose_name_plural = _("notice"), _("notices")
        ordering = ["feed_id"]

    def __str__(self) -> str:
        return self.feed_id


class Campaign(Edited):
    feed_id = feed_id()
    title = LocalizedTextField(_("title"))
    text = LocalizedTextField(_("text"), multiline=True, blank=True)
    place_ids = models.JSONField(_("shops"), default=list)
    valid_from = models.DateTimeField(_("from"))
    valid_until = models.DateTimeField(_("until"))
    weight = models.PositiveIntegerField(_("share of the attract loop"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("campaign"), _("campaigns")
        ordering = ["feed_id"]

    def __str__(self) -> str:
        return self.feed_id


class Page(Edited):
    feed_id = feed_id()
    title = LocalizedTextField(_("title"))
    body = LocalizedTextField(_("text"), multiline=True)

    class Meta:
        verbose_name, verbose_name_plural = _("help page"), _("help pages")
        ordering = ["feed_id"]

    def __str__(self) -> str:
        return self.feed_id


class HelpContact(models.Model):
    """Someone a visitor can call or go to, listed on a help page (the help button's page is the one with id help)."""

    page = models.ForeignKey(Page, verbose_name=_("help page"), related_name="contacts", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower numbers are listed first."))
    name = LocalizedTextField(_("name"))
    phone = models.CharField(_("phone number"), max_length=40, blank=True,
                             help_text=_("As a visitor dials it, e.g. 112 or 0231 50-0."))
    place_id = models.CharField(_("place"), max_length=120, blank=True)
    hours = models.CharField(_("when reachable"), max_length=500, blank=True,
                             help_text=_("OpenStreetMap opening_hours, e.g. 24/7 or Mo-Fr 08:00-18:00"))
    note = LocalizedTextField(_("note"), multiline=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("help contact"), _("help contacts")
        ordering = ["page", "position", "pk"]

    def __str__(self) -> str:
        return self.phone or str(self.pk)


class PlaceOverlay(models.Model):
    """The Qualitätsroute's word on a place from the sources: owner-run, labels, description, hours."""

    place_id = models.CharField(_("place"), max_length=120, unique=True)
    owner_run = models.BooleanField(_("owner-run"), default=False)
    labels = models.CharField(_("labels"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. qualitaetsroute."))
    description = LocalizedTextField(_("description"), multiline=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=500, blank=True,
                                     help_text=_("OpenStreetMap opening_hours, e.g. Mo-Fr 10:00-19:00; Sa 10:00-18:00; Su,PH off"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name, verbose_name_plural = _("Qualitätsroute entry"), _("Qualitätsroute entries")
        ordering = ["place_id"]

    def __str__(self) -> str:
        return self.place_id


class Publication(models.Model):
    """One signed feed written to the web root: who, when, what changed."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     on_delete=models.SET_NULL)
    summary = models.CharField(_("summary"), max_length=1000)
    diff = models.TextField(_("changes in words"), blank=True)
    feed_json = models.TextField(_("feed"))
    feed_sha256 = models.CharField(_("SHA-256 of feed.json"), max_length=64)

    class Meta:
        verbose_name, verbose_name_plural = _("publication"), _("publications")
        ordering = ["-sequence"]
        permissions = [("publish_feed", _("Can preview and publish the feed"))]

    def __str__(self) -> str:
        return f"#{self.sequence}"


class LoginLock(models.Model):
    """Wrong passwords per user name, and until when its login is locked (desk/content/logins.py)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
