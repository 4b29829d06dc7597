"""Home: big tiles, the language bar, and the switches for high contrast and larger text."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.langbar import LanguageBar
from kiosk.ui.widgets.live_panel import LivePanel
from kiosk.ui.widgets.layout import MirrorGrid, fitted_row
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KButton, KLabel, wrapped_height

TILE_SPACING = 16

# (screen, label); a tile appears only when its screen exists, never as a dead end.
TILES = [
    ("today", N_("Today")),
    ("shops", N_("Shops & food")),
    ("discover", N_("Discover: culture, art, pop-up shops")),
    ("search", N_("Search")),
    ("map", N_("Map & routes")),
    ("feedback", N_("Feedback")),
]


class HomeScreen(KioskScreen):
    title_msgid = ""  # the hero says "Welcome to Dortmund": a "Welcome" above it would say it twice
    has_nav = False

    def build(self) -> None:
        from kiosk.ui.app import SCREENS

        app = self.app
        self.welcome = KLabel(size_role="hero", bold=True, tone="accent")
        self.subtitle = tr_txt(KLabel(size_role="heading", tone="muted"), N_("Touch a tile to begin."))
        self.frame.hero.add_widget(Widget())
        self.frame.hero.add_widget(self.welcome)
        self.frame.hero.add_widget(self.subtitle)
        self.live = LivePanel()  # the next departures nearby and the weather, when there are any
        self.frame.hero.add_widget(self.live)
        self.live.bind(has_content=self._show_hint)
        # The tiles sit low, within reach; when larger text makes them taller than the zone, they scroll
        # (WCAG 1.4.10) instead of pushing the header out of the window.
        self.frame.body.add_widget(Widget(size_hint_y=0.001))  # takes only what the tiles leave
        body = BoxLayout(orientation="vertical", spacing=self.frame.body.spacing, size_hint_y=None)
        body.bind(minimum_height=body.setter("height"))
        scroller = KScrollView(do_scroll_x=False, bar_width=8, effect_cls="ScrollEffect")
        body.bind(height=lambda b, h: setattr(scroller, "size_hint_max_y", h))
        scroller.add_widget(body)
        self.frame.body.add_widget(scroller)
        # A landscape panel is wide and short: three tiles a row keep the grid within its height.
        self.grid = MirrorGrid(cols=3 if app.landscape else 2, spacing=TILE_SPACING, size_hint_y=None)
        self.tiles = {}
        for name, label in TILES:
            if name not in SCREENS:
                continue
            tile = tr_txt(KButton(size_role="heading", bold=True, auto_height=False, size_hint_y=None,
                                  on_release=lambda b, n=name: app.go(n)), label)
            self.tiles[name] = tile
            self.grid.add_widget(tile)
        body.add_widget(self.grid)
        # Help spans the width under the grid: never a lone tile beside a gap.
        help_tile = tr_txt(KButton(size_role="heading", bold=True, bg="help", tone="on_help", auto_height=False,
                                   size_hint_y=None, on_release=lambda b: app.go("help")),
                           N_("Help & safety"))
        self.tiles["help"] = help_tile
        body.add_widget(help_tile)
        languages = LanguageBar(app.settings.locales)
        body.add_widget(languages)
        self.contrast = tr_txt(KButton(size_role="body", on_release=self._toggle_contrast), N_("High contrast"))
        self.large = tr_txt(KButton(size_role="body", on_release=self._toggle_large), N_("Larger text"))
        switches = fitted_row(self.contrast, self.large, spacing=16)  # two lines of larger text fit
        body.add_widget(switches)
        app.fbind("high_contrast", self._mark)
        app.fbind("large_text", self._mark)
        self._mark()
        self._refit = Clock.create_trigger(self._fit_tiles, -1)
        self.grid.bind(width=self._refit)
        self.frame.body.bind(height=self._refit)
        # The tiles get what the rows under them leave: when those grow after a fit (the language bar taking
        # a second row), fit again, or the bar slips below the panel's edge (landscape, uk, demo content).
        for below in (help_tile, languages, switches):
            below.bind(height=self._refit)
        app.fbind("sizes", self._refit)
        app.fbind("translated", self._refit)
        self._fit_tiles()

    def _fit_tiles(self, *args) -> None:
        """Every tile as tall as the longest label needs at this width and text size, so larger text and
        long words (uk, pl) reflow inside their tile instead of running over its edge. Where the panel is
        short, the tiles give up their spare room, row by row, before the language bar slips below its edge."""
        app, grid = self.app, self.grid
        width = (grid.width - TILE_SPACING * (grid.cols - 1)) / grid.cols - 2 * 18
        size = app.sizes["heading"]
        tiles = [tile for name, tile in self.tiles.items() if name != "help"]
        rows = [tiles[i:i + grid.cols] for i in range(0, len(tiles), grid.cols)]
        needs = [max(wrapped_height(tile.txt, size, True, width) for tile in row) for row in rows]
        roomy = round(max(app.touch_px * 1.45, max(needs) + 2 * 10 + size))
        body = grid.parent
        others = sum(child.height for child in body.children if child is not grid) + \
            body.spacing * (len(body.children) - 1) if body is not None else 0
        room = self.frame.body.height - others - (len(rows) - 1) * TILE_SPACING
        snug = [round(max(app.touch_px, need + 2 * 10)) for need in needs]  # never under a touch target
        if self._welcome_gives_way(room, sum(snug)):
            return  # the zones lay out again: this runs once more with the room it made
        if room <= 0 or room >= roomy * len(rows):
            heights = [roomy] * len(rows)
        else:  # each row what its own labels need, and what is left shared out evenly
            spare = max(0, room - sum(snug)) // len(rows)
            heights = [min(roomy, h + spare) for h in snug]
        for row, height in zip(rows, heights):
            for tile in row:
                tile.height = height
        self.tiles["help"].height = round(max(app.touch_px * 1.3, size * 2.2))
        grid.height = sum(heights) + (len(rows) - 1) * TILE_SPACING

    def _welcome_gives_way(self, room: float, needed: float) -> bool:
        """A tall banner (a warning above the demo's notice) leaves the tiles less than a finger each: the
        welcome line, which only greets, makes room, so the language bar and the switches stay on the panel.
        It comes back once the room it takes is free again (never back and forth). True when it changed."""
        hero, welcome = self.frame.hero, self.welcome
        shown = welcome.parent is not None
        if room <= 0 or hero.width < 100:  # not laid out yet
            return False
        if shown and room < needed:
            hero.remove_widget(welcome)
            return True
        if not shown and room - welcome.height - hero.spacing >= needed:
            hero.add_widget(welcome, index=len(hero.children) - 1)  # under the spacer, above the hint
            return True
        return False

    def _toggle_contrast(self, *args):
        self.app.high_contrast = not self.app.high_contrast

    def _toggle_large(self, *args):
        self.app.large_text = not self.app.large_text

    def _mark(self, *args):
        for button, on in ((self.contrast, self.app.high_contrast), (self.large, self.app.large_text)):
            button.bg = "accent" if on else "surface"
            button.tone = "on_accent" if on else "text"
            button.switched_on = on  # speech mode says "switch, on" (kiosk/ui/focus.py)

    def fill(self, content, now, lang) -> None:
        self.welcome.txt = tr._("Welcome to {city}").format(city=content.text(content.city_name, lang))
        self.live.fill(now, lang)

    def _show_hint(self, panel, has_content: bool) -> None:
        """The live corner takes the tap hint's place, so the tiles keep their room."""
        if has_content and self.subtitle.parent is not None:
            self.frame.hero.remove_widget(self.subtitle)
        elif not has_content and self.subtitle.parent is None:
            self.frame.hero.add_widget(self.subtitle, index=1)  # above the (empty) live corner
