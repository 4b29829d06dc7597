"""The attract loop: campaigns, owner-run shops and today's events, large and calm; slides drift
slowly so nothing burns into the panel. Any touch starts; a touch on a language starts in it.
Each slide speaks the next of the terminal's languages in turn, so a passer-by who reads no German
sees their own language within a few slides."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk import formatting
from kiosk.i18n import is_right_to_left, translator
from kiosk.ui.follow import followers
from kiosk.ui.translate import N_
from kiosk.ui.widgets.layout import Background
from kiosk.ui.widgets.text import KButton, KLabel

SLIDE_SECONDS = 7
# Burn-in drift: the slide walks between two corners of a small box in steps of a few pixels every
# few seconds. An Animation moved it every frame, so the attract loop drew ~60 frames a second
# with nothing new to see (docs/performance.md: ~98 % of a core here); now it draws one frame per step.
DRIFT_STEP_S = 4
DRIFT_STEPS = 10  # steps from one corner to the other: 40 s, as before (even: the centre is a step)
DRIFT_CORNER = (0.012, 0.01)
TOUCH_TO_START = N_("Touch the screen to start")


class AttractScreen(Screen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from kivy.app import App

        app = App.get_running_app()
        self.params: dict = {}
        self.stale = False
        self.slides: list[dict] = []
        self.index = 0
        self.turn = 0  # slides shown since the loop began: slide n speaks locales[n % len(locales)]
        self.slide_lang = app.settings.default_locale
        self._rotation = None
        self._drift = None
        self._drift_step = 0
        pad = round(48 * app.scale)
        root = Background(orientation="vertical", padding=pad, spacing=pad // 2)
        self.stage = FloatLayout(size_hint_y=0.56)
        self.slide = BoxLayout(orientation="vertical", spacing=pad // 2, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.image = Image(fit_mode="contain", size_hint_y=0.62)
        self.kicker = KLabel(size_role="heading", tone="accent", bold=True, align="center")
        self.headline = KLabel(size_role="hero", bold=True, align="center")
        self.line = KLabel(size_role="heading", tone="muted", align="center")
        for widget in (self.image, self.kicker, self.headline, self.line):
            self.slide.add_widget(widget)
        for label in (self.kicker, self.headline, self.line):
            followers.unfollow(label, "rtl")  # a slide keeps its own language's direction
        self.stage.add_widget(self.slide)
        root.add_widget(self.stage)
        if app.landscape:
            # Seven lines one above the other do not fit under the slide of a short panel: two columns.
            starts = GridLayout(cols=2, spacing=10, size_hint_y=0.44)
        else:
            starts = BoxLayout(orientation="vertical", spacing=10, size_hint_y=0.44)
            starts.add_widget(Widget())
        self.start_buttons = {}
        for lang in app.settings.locales:
            words = translator(lang).gettext(TOUCH_TO_START)
            button = KButton(txt=words, size_role="heading", bg="background", auto_height=False, wrap=False,
                             size_hint_y=None, height=round(app.touch_px * 0.9),
                             on_release=lambda b, code=lang: self._start(code))
            button.rtl = lang == "ar"
            followers.unfollow(button, "rtl")  # each line keeps its own language's direction
            self.start_buttons[lang] = button
            starts.add_widget(button)
            button.bind(width=self._fit_start)
        root.add_widget(starts)
        followers.follow(app, self, sizes=self._fit_starts)  # weakly (kiosk/ui/follow.py)
        self.add_widget(root)

    def _fit_starts(self, *args) -> None:
        for button in self.start_buttons.values():
            self._fit_start(button)

    @staticmethod
    def _fit_start(button, *args) -> None:
        # One line each, whole: a line too long at heading size (larger text) takes the body size instead.
        button.size_role = "heading"
        room = button.width - button.padding[0] - button.padding[2]
        if button.width > 10 and button._measure(button.txt) > room:
            button.size_role = "body"

    @property
    def app(self):
        from kivy.app import App

        return App.get_running_app()

    def _start(self, lang: str) -> None:
        self.app.set_language(lang)
        self.app.go("home")

    def on_touch_down(self, touch):
        if super().on_touch_down(touch):
            return True
        self.app.go("home")
        return True

    def activate(self, params: dict) -> None:
        self.params = dict(params)
        self.refresh()

    def reset(self) -> None:
        self.index = 0
        self.turn = 0

    def refresh(self, *args) -> None:
        app = self.app
        content, now, lang = app.content, app.now(), app.settings.default_locale
        # Today's events of a large feed take a while to work out: the first frame shows the other
        # slides, and the events join them a frame later (the loop reaches them after seconds anyway).
        first_frame = not Clock.frames_displayed
        if first_frame:
            Clock.schedule_once(self.refresh, 0)
        self.slides = self._slides(content, now, lang, with_events=not first_frame) if content else []
        if not self.slides:
            self.slides = [{"kicker": "", "headline": "Dortmund", "line": "", "image": None}]
        self.index %= len(self.slides)
        self._show()

    def _slides(self, content, now, lang, *, with_events: bool = True) -> list[dict]:
        slides = []
        for campaign in content.active_campaigns(now, lang):
            image = campaign.image
            if image is None and campaign.place_ids:
                place = content.place(campaign.place_ids[0], now, lang)
                image = place.image if place else None
            for _copy in range(min(campaign.weight, 3)):
                slides.append({**_words("campaign", campaign, content, now, lang), "image": content.image_file(image),
                               "source": ("campaign", campaign.id)})
        for shop in content.featured_shops(now, lang)[:6]:
            slides.append({**_words("place", shop, content, now, lang), "image": content.image_file(shop.image),
                           "source": ("place", shop.id)})
        plausible = content.clock_is_plausible(now)
        today = content.todays_events(now, lang) if plausible and with_events else None
        for event in (today.running + today.later)[:6] if today else []:
            slides.append({**_words("event", event, content, now, lang), "image": content.image_file(event.image),
                           "source": ("event", event.id)})
        # Interleave kinds so the loop does not show six shops in a row.
        return slides[::2] + slides[1::2]

    def _in_language(self, slide: dict, lang: str) -> dict:
        """The slide's words in `lang` (content without a translation keeps the sign's words)."""
        app = self.app
        content, now, source = app.content, app.now(), slide.get("source")
        if content is None or source is None or lang == app.settings.default_locale:
            return slide
        kind, item_id = source
        if kind == "campaign":
            item = next((c for c in content.active_campaigns(now, lang) if c.id == item_id), None)
        elif kind == "place":
            item = content.place(item_id, now, lang)
        else:
            item = content.event(item_id, now, lang)
        return _words(kind, item, content, now, lang) if item is not None else slide

    def _show(self) -> None:
        locales = self.app.settings.locales or [self.app.settings.default_locale]
        self.slide_lang = locales[self.turn % len(locales)]
        slide = self.slides[self.index]
        words = self._in_language(slide, self.slide_lang)
        rtl = is_right_to_left(self.slide_lang)
        for label, key in ((self.kicker, "kicker"), (self.headline, "headline"), (self.line, "line")):
            label.rtl = rtl
            label.txt = words[key]
        self.image.source = str(slide["image"]) if slide["image"] else ""
        self.image.opacity = 1 if slide["image"] else 0

    def speak(self, lang: str) -> None:
        """Show the current slide in `lang`, the loop going on from there (kiosk screenshot --lang)."""
        locales = list(self.app.settings.locales)
        if lang in locales:
            self.turn = locales.index(lang)
            self._show()
            if self._rotation is not None:  # a full slide's time from now, not the rest of the last one's
                self._rotation.cancel()
                self._rotation = Clock.schedule_interval(self.next_slide, SLIDE_SECONDS)

    def next_slide(self, *args) -> None:
        if self.slides:
            self.index = (self.index + 1) % len(self.slides)
            self.turn += 1
            self._show()

    def drift(self, *args) -> None:
        """One step of the burn-in drift: a triangle wave between the two corners of the box."""
        self._drift_step = (self._drift_step + 1) % (2 * DRIFT_STEPS)
        phase = self._drift_step / DRIFT_STEPS  # 0..2
        t = 2 * phase - 1 if phase <= 1 else 3 - 2 * phase  # -1 .. 1 .. -1
        self.slide.pos_hint = {"x": DRIFT_CORNER[0] * t, "y": DRIFT_CORNER[1] * t}

    def on_enter(self, *args):
        self._rotation = Clock.schedule_interval(self.next_slide, SLIDE_SECONDS)
        self._drift_step = DRIFT_STEPS // 2  # the centre
        self._drift = Clock.schedule_interval(self.drift, DRIFT_STEP_S)

    def on_leave(self, *args):
        for event in (self._rotation, self._drift):
            if event is not None:
                event.cancel()
        self.slide.pos_hint = {"x": 0, "y": 0}


def _words(kind: str, item, content, now, lang: str) -> dict:
    """A slide's kicker, headline and line for a campaign, a shop or an event, in `lang`."""
    _ = translator(lang).gettext
    tz = content.timezone
    if kind == "campaign":
        return {"kicker": _("Featured"), "headline": item.title, "line": item.text}
    if kind == "place":
        return {"kicker": _("Owner-run in the city centre"), "headline": item.name,
                "line": formatting.opening_text(item.open, item.next_change, now, lang, tz)}
    return {"kicker": _("Today"), "headline": item.title,
            "line": formatting.event_when(item.start, item.end, item.all_day, item.now, now, lang, tz)}
