"""Home's live corner: the next departures at the stop nearest the terminal and the weather, compact,
each headed by where its data comes from ("timetable", "live, 1 min ago", "example data", "DWD,
20 min ago"). A part with nothing fresh to show is left out, never shown as current."""
from __future__ import annotations

from datetime import datetime, timedelta

from babel import units as bunits
from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import formatting
from kiosk.i18n import N_
from kiosk.live.departures import kiosk_board
from kiosk.live.weather import WeatherView
from kiosk.ui.follow import followers
from kiosk.ui.translate import tr
from kiosk.ui.widgets.departures import REFRESH_S, departure_rows, source_tag
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.text import KLabel

# Two lines a part: the tiles and the language bar under the corner must stay in view (the place card
# lists six departures).
ROWS = 2
HOURS = 2  # "18:00 20°   19:00 20°" fits one line of a portrait column in every language
KIND_WORDS = {
    "clear": N_("clear"), "partly-cloudy": N_("partly cloudy"), "cloudy": N_("cloudy"), "fog": N_("fog"),
    "wind": N_("windy"), "rain": N_("rain"), "sleet": N_("sleet"), "snow": N_("snow"), "hail": N_("hail"),
    "thunderstorm": N_("thunderstorm"),
}
WET = ("rain", "sleet", "snow", "hail", "thunderstorm")


def temperature_text(celsius: float, lang: str) -> str:
    return bunits.format_unit(round(celsius), "temperature-celsius", "short", locale=formatting.locale_for(lang))


def weather_lines(view: WeatherView, lang: str, tz) -> list[str]:
    """Now, the next hours, and when it turns wet."""
    lines = []
    now = view.current
    if now is not None and now.temperature_c is not None:
        text = temperature_text(now.temperature_c, lang)
        if now.kind:
            text += formatting.comma(lang) + tr._(KIND_WORDS[now.kind])
        if view.example and view.recorded_at is not None:
            # The demo's recording is of another day (and season): it says which, never "now".
            day = formatting.day_month_text(view.recorded_at.astimezone(tz).date(), lang)  # one line beside departures
            lines.append(tr._("On {date}: {weather}").format(date=day, weather=text))
        else:
            lines.append(tr._("Now {weather}").format(weather=text))
    hours = [h for h in view.hours if h.temperature_c is not None][:HOURS]
    if hours:
        # "18:00 20°": no letters for the bidi algorithm to move; a no-break space keeps each pair on one line.
        lines.append("   ".join(f"{formatting.time_text(h.at, lang, tz)}\u00a0{round(h.temperature_c)}°" for h in hours))
    wet = next((h for h in view.hours if h.kind in WET), None)
    if wet is not None:
        lines.append(tr._("From {time}: {weather}").format(time=formatting.time_text(wet.at, lang, tz),
                                                          weather=tr._(KIND_WORDS[wet.kind])))
    return lines


def weather_heading(view: WeatherView, lang: str) -> str:
    """'Weather · example data', or where it comes from and how old the observation is."""
    if view.example:
        return tr._("Weather") + " · " + tr._("example data")
    if view.observed_age_s is not None:
        return tr._("Weather") + " · " + tr._("DWD, {age} ago").format(
            age=formatting.duration_text(view.observed_age_s, lang))
    return tr._("Weather") + " · " + tr._("DWD forecast")


def board_heading(board, lang: str) -> str:
    """The stop's name and where the times come from: 'timetable', or 'live' with the predictions' age."""
    return f"{board.stop_name} · {source_tag(board.source, board.live_age_s, lang)}"


class _Column(BoxLayout):
    def __init__(self):
        super().__init__(orientation="vertical", size_hint_y=None, spacing=4, pos_hint={"top": 1})
        self.bind(minimum_height=self.setter("height"))
        self.heading = KLabel(size_role="small", bold=True, tone="accent")
        self.lines = [KLabel(size_role="small") for _ in range(ROWS)]
        for label in (self.heading, *self.lines):
            self.add_widget(label)

    def show(self, heading: str, lines: list[str]) -> None:
        self.heading.txt = heading
        for label, text in zip(self.lines, lines + [""] * len(self.lines)):
            label.txt = text
            label.opacity = 1 if text else 0
            label.height = label.height if text else 0
            label.auto_height = bool(text)


class LivePanel(MirrorBox):
    """Departures beside the weather in portrait, one above the other in a landscape panel's narrow column."""

    has_content = BooleanProperty(False)  # Home shows its tap hint while this is False

    def __init__(self, **kwargs):
        app = App.get_running_app()
        super().__init__(orientation="vertical" if app.landscape else "horizontal", size_hint_y=None,
                         spacing=24, padding=(20, 14), **kwargs)
        self.departures, self.weather = _Column(), _Column()
        for column in (self.departures, self.weather):
            column.bind(height=self._fit)
        with self.canvas.before:
            self._colour = Color(*app.palette["surface"])
            self._rect = RoundedRectangle(radius=[14])
        self.bind(pos=self._sync, size=self._sync)
        followers.follow(app, self, palette=self._repaint)
        self._ticker = Clock.schedule_interval(self._refresh, REFRESH_S)

    def fill(self, now: datetime, lang: str) -> None:
        app = App.get_running_app()
        content = app.content
        self.clear_widgets()
        self._mirrored = False
        board = None
        rows = ROWS
        if content is not None:
            board = kiosk_board(content, app.settings.kiosk_id, now, lang,
                                limit=rows,
                                predictions=app.services.live_predictions(),
                                max_live_age=timedelta(seconds=app.settings.live_max_age_s))
        if board is not None:
            lines = [f"{when}  {what}" for when, what in departure_rows(board, lang, content.timezone)]
            self.departures.show(board_heading(board, lang), lines or [tr._("No departures in the timetable.")])
            self.add_logical(self.departures)
        weather = app.services.live_weather(now) if content is not None else None
        if weather is not None:
            self.weather.show(weather_heading(weather, lang), weather_lines(weather, lang, content.timezone)[:rows])
            self.add_logical(self.weather)
        self.apply_direction()
        self.has_content = bool(self.children)
        self.opacity = 1 if self.has_content else 0
        self._fit()

    def _refresh(self, dt) -> None:
        app = App.get_running_app()
        current = app.current() if app is not None and hasattr(app, "sm") else None
        if current is not None and current.name == "home" and self.get_root_window() is not None:
            self.fill(app.now(), app.language)

    def _fit(self, *args):
        shown = list(self.children)
        if not shown:
            self.height = 0
            return
        pad = self.padding[1] + self.padding[3]
        if self.orientation == "horizontal":
            self.height = max(c.height for c in shown) + pad
        else:
            self.height = sum(c.height for c in shown) + self.spacing * (len(shown) - 1) + pad

    def _sync(self, *args):
        self._rect.pos, self._rect.size = self.pos, self.size

    def _repaint(self, app, palette):
        self._colour.rgba = palette["surface"]
