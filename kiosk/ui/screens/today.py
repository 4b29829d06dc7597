"""Today: running now, later today; when today is empty, the next days, labelled as such. Without a
plausible clock the screen never says "today". The calm top zone says at a glance how much is on and
what starts next, beside the picture of the first event that has one (the header already has the date)."""
from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk import formatting
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.rows import RowList, row, section
from kiosk.ui.widgets.text import KLabel


SHORT_DAY_ROWS = 5  # fewer rows than this today: the next days' events follow


def event_list_row(event, now, lang: str, tz, *, say_today: bool = True) -> dict:
    """An event's row: title, when and where; "Now" while it runs (today's rows and Search's highlights)."""
    when = formatting.event_when(event.start, event.end, event.all_day, event.now and say_today, now, lang, tz,
                                 say_today=say_today)
    where = f" · {event.location_name}" if event.location_name else ""
    badge = tr._("Now") if event.now and say_today else ""
    return row(event.title, when + where, target="event", item_id=event.id, badge=badge, badge_bg="accent")


class TodayScreen(KioskScreen):
    title_msgid = N_("Today")

    def build(self) -> None:
        glance = MirrorBox(spacing=20)
        texts = BoxLayout(orientation="vertical", spacing=8)
        self.summary = KLabel(size_role="heading", bold=True)
        self.next_up = KLabel(size_role="heading", tone="muted")
        for widget in (self.summary, self.next_up, Widget()):
            texts.add_widget(widget)
        # The texts never get less than they need (larger text); the picture takes what is left.
        texts.bind(minimum_height=glance.setter("size_hint_min_y"))
        self.picture = Image(fit_mode="contain", size_hint_x=0.4)
        glance.add_logical(texts)
        glance.add_logical(self.picture)
        glance.apply_direction()
        self.frame.hero.add_widget(glance)
        self.list = RowList()
        self.frame.body.add_widget(self.list)

    def _glance(self, content, now, lang, events) -> None:
        tz = content.timezone
        counts = []
        if events.running:
            counts.append(tr._("Running now: {count}").format(count=formatting.number_text(len(events.running), lang)))
        if events.later:
            counts.append(tr._("Later today: {count}").format(count=formatting.number_text(len(events.later), lang)))
        nothing = tr._("Nothing more today – in the next days") if events.upcoming else tr._("No events in the next days.")
        self.summary.txt = " · ".join(counts) or nothing
        coming = events.later or events.upcoming
        self.next_up.txt = ""
        if coming:
            first = coming[0]
            when = formatting.event_when(first.start, first.end, first.all_day, False, now, lang, tz)
            self.next_up.txt = tr._("Next: {title}, {when}").format(title=first.title, when=when)
        pictures = [content.image_file(e.image) for e in events.running + events.later + events.upcoming if e.image]
        picture = next((p for p in pictures if p is not None), None)
        # In landscape the top zone is a narrow column: a picture beside the words would break them inside.
        picture = picture if not self.app.landscape else None
        self.picture.source = str(picture) if picture else ""
        self.picture.opacity = 1 if picture else 0
        self.picture.size_hint_x = 0.4 if picture else 0.001

    def fill(self, content, now, lang) -> None:
        tz = content.timezone
        plausible = content.clock_is_plausible(now)

        def event_row(event, say_today=True):
            return event_list_row(event, now, lang, tz, say_today=say_today)

        rows = []
        if plausible:
            self.set_title(tr._("Today"))
            events = content.todays_events(now, lang)
            self._glance(content, now, lang, events)
            if events.running:
                rows.append(section(tr._("Running now")))
                rows += [event_row(e) for e in events.running]
            if events.later:
                rows.append(section(tr._("Later today")))
                rows += [event_row(e) for e in events.later]
            if not rows and events.upcoming:
                rows.append(section(tr._("Nothing more today – in the next days")))
                rows += [event_row(e) for e in events.upcoming]
            elif len(rows) < SHORT_DAY_ROWS:
                # A short day leaves the list half empty: the next days follow, labelled as such.
                # A daily market is listed once: an event already shown today is not repeated for each day.
                shown = {e.id for e in events.running + events.later}
                coming = [e for e in content.upcoming_events(now, lang, limit=3 * SHORT_DAY_ROWS) if e.id not in shown]
                coming = [e for i, e in enumerate(coming) if e.id not in {c.id for c in coming[:i]}][:SHORT_DAY_ROWS]
                if coming:
                    rows.append(section(tr._("In the next days")))
                    rows += [event_row(e) for e in coming]
        else:
            # The terminal's clock cannot date "today" (no real-time clock yet): name dates instead.
            self.set_title(tr._("Events"))
            self.summary.txt = tr._("Coming up")
            self.next_up.txt = ""
            self.picture.source, self.picture.opacity = "", 0
            events = content.todays_events(content.generated_at, lang)
            rows += [event_row(e, say_today=False) for e in events.running + events.later + events.upcoming]
        if not rows:
            rows.append(section(tr._("No events in the next days.")))
        self.list.show(rows)
