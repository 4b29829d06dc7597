"""Login rate limiting: five wrong passwords lock a user name for a while (kept in the database, one row per name)."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.content.models import LoginLock


def locked_until(username: str, now: datetime) -> datetime | None:
    lock = LoginLock.objects.filter(username=username.casefold()).first()
    if lock and lock.locked_until and lock.locked_until > now:
        return lock.locked_until
    return None


def record_failure(username: str, now: datetime) -> None:
    lock, _created = LoginLock.objects.get_or_create(username=username.casefold())
    if lock.locked_until and lock.locked_until <= now:
        lock.failures = 0  # the lock ran out: count afresh
    lock.failures += 1
    lock.locked_until = None
    if lock.failures >= settings.DESK_LOGIN_FAILURES:
        lock.locked_until = now + timedelta(seconds=settings.DESK_LOGIN_LOCK_SECONDS)
    lock.save()


def record_success(username: str) -> None:
    LoginLock.objects.filter(username=username.casefold()).delete()


class RateLimitedLoginForm(AdminAuthenticationForm):
    """The admin's login form, refusing a locked user name before it even looks at the password."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        now = timezone.now()
        until = locked_until(username, now)
        if until:
            raise ValidationError(
                _("Too many wrong passwords for this user name: the login is locked until %(time)s. "
                  "Ask an administrator if you forgot your password."),
                params={"time": timezone.localtime(until).strftime("%H:%M")}, code="locked")
        try:
            data = super().clean()
        except ValidationError:
            if username:
                record_failure(username, now)
            raise
        record_success(username)
        return data
