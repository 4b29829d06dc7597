"""What a screen says when it opens, beyond its title and top zone: a place card adds its week's
opening hours as sentences ("Monday to Saturday, 10 to 20 hours"); its lines are read as the focus
reaches them."""
from __future__ import annotations

from datetime import timedelta

from kiosk import formatting
from kiosk.speech import phrases


def summary(app, screen, lang: str) -> list[str]:
    if getattr(screen, "name", "") != "place":
        return []
    content = app.content
    place = content.place(screen.params.get("item", ""), app.now(), lang) if content is not None else None
    if place is None:
        return []
    sentences = []
    if place.opening_hours:
        today = formatting.local_day(app.now(), content.timezone)
        days = [(today + timedelta(days=i), content.hours_on(place.opening_hours, today + timedelta(days=i)))
                for i in range(7)]
        sentences += phrases.hours_sentences(days, lang, content.timezone)
    return sentences
