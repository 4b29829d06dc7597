"""Home: big tiles, the language bar, and the switches for high contrast and larger text."""
from __future__ import annotations

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.langbar import LanguageBar
from kiosk.ui.widgets.layout import MirrorBox
from kiosk.ui.widgets.text import KButton, KLabel

# (screen, label); a tile appears only when its screen exists, never as a dead end.
TILES = [
    ("today", N_("Today")),
    ("shops", N_("Shops of the Qualitätsroute")),
    ("discover", N_("Discover: culture, art, pop-up shops")),
    ("search", N_("Search")),
    ("map", N_("Map & routes")),
    ("feedback", N_("Feedback")),
]


class HomeScreen(KioskScreen):
    title_msgid = N_("Welcome")
    has_nav = False

    def build(self) -> None:
        from kiosk.ui.app import SCREENS

        app = self.app
        self.welcome = KLabel(size_role="hero", bold=True, tone="accent")
        self.subtitle = tr_txt(KLabel(size_role="heading", tone="muted"), N_("Touch a tile to begin."))
        self.frame.hero.add_widget(Widget())
        self.frame.hero.add_widget(self.welcome)
        self.frame.hero.add_widget(self.subtitle)
        body = self.frame.body
        body.add_widget(Widget())
        # A landscape panel is wide and short: three tiles a row keep the grid within its height.
        cols = 3 if app.landscape else 2
        grid = GridLayout(cols=cols, spacing=16, size_hint_y=None)
        tile_h = round(app.touch_px * 1.7)
        self.tiles = {}
        for name, label in TILES:
            if name not in SCREENS:
                continue
            tile = tr_txt(KButton(size_role="heading", bold=True, auto_height=False, size_hint_y=None,
                                  height=tile_h, on_release=lambda b, n=name: app.go(n)), label)
            self.tiles[name] = tile
            grid.add_widget(tile)
        help_tile = tr_txt(KButton(size_role="heading", bold=True, bg="help", tone="on_help", auto_height=False,
                                   size_hint_y=None, height=tile_h, on_release=lambda b: app.go("help")),
                           N_("Help & safety"))
        self.tiles["help"] = help_tile
        grid.add_widget(help_tile)
        rows = -(-len(grid.children) // cols)
        grid.height = rows * tile_h + (rows - 1) * 16
        body.add_widget(grid)
        body.add_widget(LanguageBar(app.settings.locales))
        switches = MirrorBox(spacing=16, size_hint_y=None, height=app.touch_px)
        self.contrast = tr_txt(KButton(size_role="body", auto_height=False, on_release=self._toggle_contrast),
                               N_("High contrast"))
        self.large = tr_txt(KButton(size_role="body", auto_height=False, on_release=self._toggle_large),
                            N_("Larger text"))
        switches.add_logical(self.contrast)
        switches.add_logical(self.large)
        switches.apply_direction()
        body.add_widget(switches)
        app.fbind("high_contrast", self._mark)
        app.fbind("large_text", self._mark)
        self._mark()

    def _toggle_contrast(self, *args):
        self.app.high_contrast = not self.app.high_contrast

    def _toggle_large(self, *args):
        self.app.large_text = not self.app.large_text

    def _mark(self, *args):
        for button, on in ((self.contrast, self.app.high_contrast), (self.large, self.app.large_text)):
            button.bg = "accent" if on else "surface"
            button.tone = "on_accent" if on else "text"

    def fill(self, content, now, lang) -> None:
        self.welcome.txt = tr._("Welcome to {city}").format(city=content.text(content.city_name, lang))
