"""What terminals report (docs/desk.md, "The fleet"): one row per terminal, one per feedback answer and usage hour.

These tables are owned here, with their migrations, like the content's in desk/content/models.py. Keys are the
terminals' own item keys, unique, so an upload repeated after a lost answer is stored once.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Terminal(models.Model):
    """A terminal as its last heartbeat described it; times with "received" are the desk's clock, the others the terminal's."""

    kiosk_id = models.CharField(_("terminal"), max_length=64, unique=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    last_heartbeat_at = models.DateTimeField(_("last heartbeat (terminal's clock)"), null=True)
    heartbeat_received_at = models.DateTimeField(_("last heartbeat"), null=True, db_index=True)
    content_sequence = models.BigIntegerField(_("content sequence"), null=True)
    status = models.JSONField(_("status"), null=True)

    class Meta:
        ordering = ["kiosk_id"]
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")
        permissions = [("view_fleet", _("Can see the fleet's health, feedback and usage"))]

    def __str__(self) -> str:
        return self.kiosk_id


class Feedback(models.Model):
    """One visitor's answer: a rating, the topics chosen, the screen's language and the hour (kiosk/feedback.py)."""

    key = models.CharField(max_length=64, unique=True)
    kiosk_id = models.CharField(_("terminal"), max_length=64)
    hour = models.DateTimeField(_("hour"), db_index=True)
    rating = models.PositiveSmallIntegerField(_("rating"))
    topics = models.JSONField(_("topics"), default=list)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-hour", "kiosk_id"]


class FeedbackTopic(models.Model):
    """One topic chosen in one answer, with its rating: the rows the feedback charts add up in the database."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, to_field="key", related_name="topic_rows")
    topic = models.CharField(max_length=64)
    hour = models.DateTimeField(db_index=True)
    rating = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "topic"], name="fleet_topic_once_per_answer")]


class Usage(models.Model):
    """One terminal's counts for one hour (kiosk/usage.py): screens opened, languages chosen, and totals."""

    key = models.CharField(max_length=64, unique=True)
    kiosk_id = models.CharField(_("terminal"), max_length=64)
    hour = models.DateTimeField(_("hour"), db_index=True)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    received_at = models.DateTimeField()


class ScreenOpen(models.Model):
    """How often one screen was opened in one usage hour: the rows the usage charts add up in the database."""

    usage = models.ForeignKey(Usage, on_delete=models.CASCADE, to_field="key", related_name="screens")
    kiosk_id = models.CharField(max_length=64)
    hour = models.DateTimeField(db_index=True)
    screen = models.CharField(max_length=64)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["usage", "screen"], name="fleet_screen_once_per_usage")]
