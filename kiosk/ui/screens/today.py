"""Today: running now, later today; when today is empty, the next days, labelled as such. Without a
plausible clock the screen never says "today"."""
from __future__ import annotations

from kiosk import formatting
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr
from kiosk.ui.widgets.rows import RowList, row, section
from kiosk.ui.widgets.text import KLabel


class TodayScreen(KioskScreen):
    title_msgid = N_("Today")

    def build(self) -> None:
        self.summary = KLabel(size_role="heading", tone="muted")
        self.frame.hero.add_widget(self.summary)
        self.list = RowList()
        self.frame.body.add_widget(self.list)

    def fill(self, content, now, lang) -> None:
        tz = content.timezone
        plausible = content.clock_is_plausible(now)

        def event_row(event, say_today=True):
            when = formatting.event_when(event.start, event.end, event.all_day, event.now and say_today, now, lang, tz,
                                         say_today=say_today)
            where = f" · {event.location_name}" if event.location_name else ""
            badge = tr._("Now") if event.now and say_today else ""
            return row(event.title, when + where, target="event", item_id=event.id, badge=badge, badge_bg="accent")

        rows = []
        if plausible:
            self.set_title(tr._("Today"))
            self.summary.txt = formatting.date_text(formatting.local_day(now, tz), lang)
            events = content.todays_events(now, lang)
            if events.running:
                rows.append(section(tr._("Running now")))
                rows += [event_row(e) for e in events.running]
            if events.later:
                rows.append(section(tr._("Later today")))
                rows += [event_row(e) for e in events.later]
            if not rows and events.upcoming:
                rows.append(section(tr._("Nothing more today – in the next days")))
                rows += [event_row(e) for e in events.upcoming]
        else:
            # The terminal's clock cannot date "today" (no real-time clock yet): name dates instead.
            self.set_title(tr._("Events"))
            self.summary.txt = tr._("Coming up")
            events = content.todays_events(content.generated_at, lang)
            rows += [event_row(e, say_today=False) for e in events.running + events.later + events.upcoming]
        if not rows:
            rows.append(section(tr._("No events in the next days.")))
        self.list.show(rows)
