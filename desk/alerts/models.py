"""Emergency notices (docs/emergency.md) and every alerts.json the desk wrote: the audit trail."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from desk.content.localized import LocalizedTextField
from desk.content.models import Kiosk


class EmergencyNotice(models.Model):
    """One notice that takes over the terminals' screens from its publication until it ends or expires."""

    text = LocalizedTextField(_("text"), multiline=True)
    template = models.CharField(_("template"), max_length=40, blank=True)
    all_kiosks = models.BooleanField(_("on every terminal"), default=True)
    kiosks = models.ManyToManyField(Kiosk, verbose_name=_("only on these terminals"), blank=True)
    valid_until = models.DateTimeField(_("until"), help_text=_("Terminals take it down then, even without network."))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name, verbose_name_plural = _("emergency notice"), _("emergency notices")
        ordering = ["-published_at"]
        permissions = [("publish_alert", _("Can publish and end emergency notices"))]

    def __str__(self) -> str:
        return self.feed_id

    @property
    def feed_id(self) -> str:
        return f"emergency-{self.pk}"

    def active(self, now) -> bool:
        return self.ended_at is None and now < self.valid_until


class AlertRelease(models.Model):
    """One signed alerts.json written to the web root: who, when, why, and the exact document."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    written_at = models.DateTimeField(_("written at"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("why"), max_length=300)
    document = models.TextField(_("document"))

    class Meta:
        verbose_name, verbose_name_plural = _("document sent to the terminals"), _("sent to the terminals")
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence}"
