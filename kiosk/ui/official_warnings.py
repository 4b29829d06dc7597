"""Official warnings (NINA/MoWaS, DWD) on screen: Extreme and Severe take over the screen like a feed's
emergency notice (kiosk/ui/widgets/overlays.py EmergencyOverlay); the others become the banner.

The words around the warning's own text are the visitor's language; the text itself is the
message's, in the visitor's language when it carries one, otherwise German with a line saying so.
"""
from __future__ import annotations

from datetime import datetime, tzinfo

from kivy.uix.boxlayout import BoxLayout

from kiosk import formatting
from kiosk.live.cap import WarningView
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.overlays import EmergencyOverlay
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KLabel


def moment_text(moment: datetime, now: datetime, lang: str, tz: tzinfo) -> str:
    """'17:05', with the date in front when it is not today's."""
    time = formatting.time_text(moment, lang, tz)
    if moment.astimezone(tz).date() == now.astimezone(tz).date():
        return time
    return f"{formatting.date_text(moment.astimezone(tz).date(), lang)}{formatting.comma(lang)}{time}"


def warning_lines(view: WarningView, now: datetime, lang: str, tz: tzinfo) -> list[str]:
    """The lines under a warning's text, in the visitor's language: who issued it, until when, and
    whether it is German only or no longer confirmed."""
    lines = []
    if not view.in_visitor_language:
        lines.append(tr._("This warning is only available in German."))
    issued = tr._("Issued by {sender}").format(sender=view.provider)
    if view.expires is not None:
        issued += " · " + tr._("Until {time}").format(time=moment_text(view.expires, now, lang, tz))
    lines.append(issued)
    if view.unconfirmed and view.last_confirmed is not None:
        lines.append(tr._("No connection to the warning service: last confirmed at {time}").format(
            time=moment_text(view.last_confirmed, now, lang, tz)))
    return lines


def banner_text(view: WarningView, now: datetime, lang: str, tz: tzinfo) -> str:
    lines = [view.headline, *warning_lines(view, now, lang, tz)]
    if view.example_recorded is not None:  # the demo's recording: said first, so no passer-by takes it as real
        day = formatting.day_with_year_text(view.example_recorded.astimezone(tz).date(), lang)
        lines.insert(0, tr._("Example of an official warning (recorded {date})").format(date=day))
    return "\n".join(lines)


class WarningTakeover(EmergencyOverlay):
    """The feed's emergency takeover with an official warning's parts: headline, what to do, who says so."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        tr_txt(self.heading, N_("Official warning"))
        self.details = KLabel(size_role="body", tone="on_emergency", align="center")
        self.notes = KLabel(size_role="body", tone="on_emergency", align="center", bold=True)
        # A warning's description and instruction can be long: they scroll, the headline stays.
        column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=16)
        column.bind(minimum_height=column.setter("height"))
        column.add_widget(self.details)
        # Most of the room the spacers around it would take, up to what the text needs.
        scroller = KScrollView(do_scroll_x=False, bar_width=8, effect_cls="ScrollEffect", size_hint_y=12)
        column.bind(height=lambda c, h: setattr(scroller, "size_hint_max_y", h))
        scroller.add_widget(column)
        self.add_widget(scroller, index=1)
        self.add_widget(self.notes, index=1)
        self.remove_widget(self.until)  # "until" is one of the notes

    def show_warning(self, view: WarningView, now: datetime, lang: str, tz: tzinfo) -> None:
        self.show(view.identifier, view.headline, "")
        self.details.txt = "\n\n".join(part for part in (view.description, view.instruction) if part)
        self.notes.txt = "\n".join(warning_lines(view, now, lang, tz))


class OfficialWarnings:
    """Keeps the screen in step with the warnings poller, once a second from the app's tick."""

    def __init__(self, app) -> None:
        self.app = app
        self.takeover: WarningTakeover | None = None

    @property
    def shown(self) -> bool:
        return self.takeover is not None and self.takeover.parent is not None

    def _views(self, now: datetime, content) -> list[WarningView]:
        app = self.app
        return app.services.live_warnings(now, app.language) if content is not None else []

    def banner_over(self, feed_banner: tuple[str, str] | None, now: datetime, content) -> tuple[str, str] | None:
        """The banner to show: the first official warning below takeover severity outranks the feed's
        information notices, never a feed warning."""
        others = [v for v in self._views(now, content) if not v.takeover]
        if others and (feed_banner is None or feed_banner[0] == "info"):
            text = banner_text(others[0], now, self.app.language, content.timezone)
            if others[0].example_recorded is not None and feed_banner is not None:
                text += "\n" + feed_banner[1]  # the demo's example keeps the demo's own notice in view
            return "warning", text
        return feed_banner

    def update(self, now: datetime, content) -> None:
        """The takeover for the most severe Extreme or Severe warning, or none."""
        app = self.app
        urgent = next((v for v in self._views(now, content) if v.takeover), None)
        root = getattr(app, "root_layout", None)
        if urgent is None or root is None or app.emergency_shown:
            # The city's own emergency notice, when there is one, is shown instead.
            if self.shown:
                root.remove_widget(self.takeover)
            return
        if self.takeover is None:
            self.takeover = WarningTakeover()
        self.takeover.show_warning(urgent, now, app.language, content.timezone)
        if self.takeover.parent is None:
            root.add_widget(self.takeover)
