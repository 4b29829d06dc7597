"""The route screen's line for a destination farther than a set walk: "Or take U47 towards Aplerbeck
from Reinoldikirche, 4 min · timetable" (kiosk/live/transit_hint.py finds the run); empty otherwise."""
from __future__ import annotations

from datetime import datetime, timedelta

from kivy.app import App

from kiosk import formatting
from kiosk.live.transit_hint import ride_towards
from kiosk.ui.translate import tr
from kiosk.ui.widgets.departures import source_tag
from kiosk.ui.widgets.text import KLabel


class TransitHint(KLabel):
    def __init__(self, **kwargs):
        super().__init__(size_role="body", tone="accent", bold=True, **kwargs)

    def show_for(self, lat: float, lon: float, walk_s: float | None, now: datetime, lang: str) -> None:
        """The hint for a destination at (lat, lon) `walk_s` seconds' walk away (None: no walking route)."""
        app = App.get_running_app()
        settings, content = app.settings, app.content
        ride = None
        if content is not None and (walk_s is None or walk_s >= settings.transit_hint_walk_min * 60):
            ride = ride_towards(content, settings.kiosk_id, lat, lon, now, lang,
                                predictions=app.services.live_predictions(),
                                max_live_age=timedelta(seconds=settings.live_max_age_s))
        if ride is None:
            self.hide()
            return
        minutes = formatting.duration_text(max(60, ride.minutes_from(now) * 60), lang)
        self.txt = tr._("Or take {line} towards {headsign} from {stop} in {minutes}").format(
            line=ride.route, headsign=ride.headsign, stop=ride.from_stop, minutes=minutes) \
            + " · " + source_tag(ride.source, ride.live_age_s, lang)
        self.opacity, self.auto_height = 1, True

    def hide(self) -> None:
        self.txt = ""
        self.opacity, self.auto_height, self.size_hint_y, self.height = 0, False, None, 0
