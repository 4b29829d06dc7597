"""The admin panel for city staff: opened by five taps in the top-left corner and the PIN.

It shows what the terminal knows about itself (content, sync, disk, uptime, version) and offers
sync now, reload content, the touch and display test, and leaving kiosk mode. It forgets the PIN at
every idle reset and leaves to the attract loop like every other screen.
"""
from __future__ import annotations

import logging
import shutil
from datetime import datetime

from babel.dates import format_timedelta
from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.formatting import locale_for
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.services import app_version
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.pinpad import PinPad
from kiosk.ui.widgets.scrolling import KScrollView
from kiosk.ui.widgets.text import KButton, KLabel
from sync import store
from sync.status import describe, parse_time, read_status

log = logging.getLogger("kiosk.ui.admin")


def terminal_facts(app, now: datetime, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows about this terminal, read fresh each time the panel is shown."""
    services = app.services
    facts = [(tr._("Terminal"), app.settings.kiosk_id)]
    info = store.info(app.data_dir)
    if info is None:
        facts.append((tr._("Content"), tr._("none")))
    else:
        made = parse_time(info.generated_at)
        age = format_timedelta(made - now, threshold=1.5, add_direction=True, locale=locale_for(lang)) if made else "?"
        facts.append((tr._("Content"), tr._("Sequence {sequence}, made {age}").format(sequence=info.sequence, age=age)))
    facts.append((tr._("Status"), "\n".join(describe(read_status(app.data_dir), now))))
    summary = services.outbox_summary()
    if summary is not None:
        waiting = sum(summary["waiting"].values())
        facts.append((tr._("Waiting for upload"), str(waiting) + (f" ({summary['last_error']})"
                                                                     if summary["last_error"] else "")))
    try:
        free = shutil.disk_usage(app.data_dir).free
        facts.append((tr._("Free disk space"), f"{free / 1e9:.1f} GB"))
    except OSError as exc:
        facts.append((tr._("Free disk space"), str(exc)))
    facts.append((tr._("Running for"), format_timedelta(services.uptime_s(), locale=locale_for(lang))))
    facts.append((tr._("Version"), app_version()))
    return facts


class AdminScreen(KioskScreen):
    title_msgid = N_("Admin panel")
    has_nav = False

    def build(self) -> None:
        app = self.app
        self.unlocked = False
        self._timer = None
        self._pattern = None
        self.terminal = KLabel(size_role="title", bold=True, tone="accent")
        self.note = KLabel(size_role="body", tone="muted")
        self.frame.hero.add_widget(self.terminal)
        self.frame.hero.add_widget(self.note)

        self.pin_view = BoxLayout(orientation="vertical", spacing=16)
        self.pin_view.add_widget(BoxLayout())
        self.pad = PinPad()
        self.pad.bind(on_pin=lambda pad, pin: self.try_pin(pin))
        self.pin_view.add_widget(self.pad)
        self.pin_view.add_widget(self._button(N_("Back"), self._leave))

        self.panel_view = BoxLayout(orientation="vertical", spacing=16)
        self.facts = KLabel(size_role="body")
        scroll = KScrollView(do_scroll_x=False, bar_width=8, effect_cls="ScrollEffect")
        scroll.add_widget(self.facts)
        self.message = KLabel(size_role="body", tone="accent")
        grid = GridLayout(cols=2, spacing=12, size_hint_y=None)
        self.actions = {}
        for key, label, handler in (("sync", N_("Sync now"), self.sync_now),
                                    ("reload", N_("Reload content"), self.reload_content),
                                    ("pattern", N_("Touch and display test"), self.show_test_pattern),
                                    ("leave", N_("Leave kiosk mode"), self.leave_kiosk_mode),
                                    ("back", N_("Back"), self._leave)):
            button = self._button(label, handler)
            if key == "leave":
                button.bg, button.tone = "closed", "on_closed"  # the one button that takes the kiosk away
            self.actions[key] = button
            grid.add_widget(button)
        rows = (len(self.actions) + 1) // 2
        grid.height = rows * round(app.touch_px * 1.2) + (rows - 1) * 12
        for widget in (scroll, self.message, grid):
            self.panel_view.add_widget(widget)

    def _button(self, msgid: str, handler) -> KButton:
        return tr_txt(KButton(size_role="button", auto_height=False, size_hint_y=None,
                              height=round(self.app.touch_px * 1.2), on_release=lambda *a: handler()), msgid)

    # -- states -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.stale = False
        app = self.app
        self.terminal.txt = tr._("Terminal {kiosk_id}").format(kiosk_id=app.settings.kiosk_id)
        self.frame.body.clear_widgets()
        if self.unlocked:
            self.note.txt = ""
            self._fill_facts()
            self.frame.body.add_widget(self.panel_view)
        else:
            self.note.txt = tr._("Enter the PIN to open the admin panel.")
            self._show_lock()
            self.frame.body.add_widget(self.pin_view)

    def _fill_facts(self) -> None:
        app = self.app
        self.facts.txt = "\n".join(f"{label}: {value}" for label, value in terminal_facts(app, app.now(), app.language))

    def _show_lock(self, *args) -> None:
        wait = self.app.services.pin_retry_after()
        self.pad.locked = wait > 0
        if wait > 0:
            self.pad.message.txt = tr._("Too many wrong PINs. Locked for {minutes} more min.").format(
                minutes=max(1, round(wait / 60 + 0.49)))

    def try_pin(self, pin: str) -> None:
        attempt = self.app.services.pin_attempt(pin)
        if attempt.accepted:
            self.unlocked = True
            self.message.txt = ""
            self.refresh()
        elif attempt.locked:
            self._show_lock()
        else:
            self.pad.message.txt = tr._("Wrong PIN. Tries left: {tries}").format(tries=attempt.tries_left)

    def show_panel(self) -> None:
        """The panel without the PIN: for `kiosk screenshot` only."""
        self.unlocked = True
        self.refresh()

    def reset(self) -> None:
        super().reset()
        self.unlocked = False
        self.pad.clear()
        self.pad.message.txt = ""
        self.message.txt = ""
        if self._pattern is not None:
            self._pattern.close()

    def on_enter(self, *args) -> None:
        # Once a second: the lock's countdown and the facts (uptime, sync) stay current.
        self._timer = Clock.schedule_interval(self._update, 1)

    def on_leave(self, *args) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.unlocked = False  # leaving the panel locks it: the next visit asks for the PIN again
        self.pad.clear()
        self.pad.message.txt = ""

    def _update(self, dt) -> None:
        if self.unlocked:
            self._fill_facts()
        else:
            was_locked = self.pad.locked
            self._show_lock()
            if was_locked and not self.pad.locked:
                self.pad.message.txt = ""

    # -- actions ------------------------------------------------------------------------------

    def _leave(self) -> None:
        self.app.back()

    def sync_now(self) -> None:
        if self.app.services.sync_now():
            self.message.txt = tr._("Sync started.")
        else:
            self.message.txt = tr._("No feed_url is configured (demo mode): there is nothing to sync.")

    def reload_content(self) -> None:
        log.info("Reloading the content from the admin panel.")
        self.app.content_changed()
        self.message.txt = tr._("Content reloaded.")

    def show_test_pattern(self) -> None:
        from kiosk.ui.widgets.testpattern import TestPattern

        if self._pattern is not None and self._pattern.parent is not None:
            return
        self._pattern = TestPattern(on_close=self._pattern_closed)
        self.app.services.corner_paused = True
        self.app.root_layout.add_widget(self._pattern)

    def _pattern_closed(self) -> None:
        self._pattern = None
        self.app.services.corner_paused = False

    def leave_kiosk_mode(self) -> None:
        self.app.services.leave_kiosk_mode()
