"""The fleet pages' words for things terminals send as ids or numbers: topics, screens, durations, sizes."""
from __future__ import annotations

from datetime import timedelta

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

TOPIC_NAMES = {
    "all": gettext_lazy("All answers"),
    "cleanliness": gettext_lazy("Cleanliness"),
    "safety": gettext_lazy("Safety"),
    "events": gettext_lazy("Events"),
    "shops": gettext_lazy("Shops"),
    "getting_around": gettext_lazy("Getting around"),
    "art_culture": gettext_lazy("Art and culture"),
}
SCREEN_NAMES = {
    "attract": gettext_lazy("Attract loop"),
    "home": gettext_lazy("Start"),
    "today": gettext_lazy("Today"),
    "shops": gettext_lazy("Shops"),
    "discover": gettext_lazy("Discover"),
    "place": gettext_lazy("Place"),
    "event": gettext_lazy("Event"),
    "search": gettext_lazy("Search"),
    "help": gettext_lazy("Help"),
    "map": gettext_lazy("Map"),
    "route": gettext_lazy("Route"),
    "feedback": gettext_lazy("Feedback"),
    "admin": gettext_lazy("Admin panel"),
    "night": gettext_lazy("Night"),
}


def topic_name(topic: str) -> str:
    return str(TOPIC_NAMES.get(topic, topic))


def screen_name(screen: str) -> str:
    return str(SCREEN_NAMES.get(screen, screen))


def duration(delta: timedelta) -> str:
    """'2 h 14 min', '3 days 4 h', '45 s': how long, for a person."""
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return ngettext("%(d)d day %(h)d h", "%(d)d days %(h)d h", days) % {"d": days, "h": hours}


def clock_skew(seconds: float) -> str:
    """'on time', '3 min ahead', '2 h 5 min behind': the terminal's clock against the desk's."""
    if abs(seconds) < 5:
        return _("on time")
    words = duration(timedelta(seconds=abs(seconds)))
    return _("%(duration)s ahead") % {"duration": words} if seconds > 0 else _("%(duration)s behind") % {"duration": words}


def answers(count: int) -> str:
    return ngettext("%(n)d answer", "%(n)d answers", count) % {"n": count}


def opens(count: int) -> str:
    return ngettext("opened %(n)d time", "opened %(n)d times", count) % {"n": count}


def disk(free_bytes: int) -> str:
    """'12.3 GB' (decimal, as disk makers and `df -H` count), in the page's number format."""
    return _("%(gb)s GB") % {"gb": number_format(free_bytes / 1e9, 1)}
