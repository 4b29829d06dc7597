"""Work done while nobody is at the terminal, so the first visitor after a content change waits for none of it.

While the attract loop (or the night screen) shows, each frame gives a few milliseconds to building
this snapshot's map scene, walking network and search index, and the widgets of the screens a visitor opens
(filled ahead where they show the same to everyone). When all is ready, and again each time a visitor
has left, the garbage is collected and what survives is frozen (`gc.freeze`): the content, the scene,
the screens and their caches are long-lived, and a full collection that walks them costs a visitor
60-120 ms here and several times that on a Pi (docs/performance.md). So full collections happen
when nobody is there. A visitor who opens the map before it is ready gets the rest built at once
(KioskApp.map_scene).
"""
from __future__ import annotations

import ctypes
import gc
import logging
import time

from kivy.clock import Clock

log = logging.getLogger(__name__)

SLICE_S = 0.006  # of a 16.7-ms frame: the attract loop's animation keeps its pace on a Pi
IDLE_SCREENS = ("attract", "night")
# Built ahead, in the order visitors usually open them (the admin panel and the night slide are not).
VISITOR_SCREENS = ("home", "today", "shops", "place", "map", "route", "discover", "event", "search", "help",
                   "feedback")
# Screens that show the same to everyone are filled ahead too: the content's caches (opening states,
# list order, today's events, the map's markers and names) are then warm for the first visitor.
FILLED_AHEAD = ("home", "today", "shops", "discover", "map")


class Warmup:
    def __init__(self, app):
        self.app = app
        self.done = False
        self.frames = 0  # frames that did some of the work, since the last restart
        self.collections = 0  # full collections made while nobody was there
        self._event = None
        self._work = None

    def restart(self) -> None:
        """New content: its scene and network are still to be built, and the old ones may be collected."""
        self.done = False
        self.frames = 0
        self._work = None
        self._schedule()

    def visitor_left(self) -> None:
        """What the visit left behind is collected at the next quiet frame, and the rest frozen again."""
        self.done = False
        self._schedule()

    def _schedule(self) -> None:
        if self._event is None:
            self._event = Clock.schedule_interval(self._step, 0)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _step(self, dt) -> None:
        screen = self.app.current()
        if screen is None or screen.name not in IDLE_SCREENS or not Clock.frames_displayed:
            return  # a visitor is here, or the attract loop's first frame is not on the screen yet
        self.frames += 1
        if self._work is None:
            self._work = self._tasks()
        started = time.perf_counter()
        try:
            while time.perf_counter() - started < SLICE_S:
                next(self._work)
        except StopIteration:
            self._finish()
        except Exception:  # noqa: BLE001 - what cannot be built now is built, or reported, when it is shown
            log.exception("Preparing screens while the terminal is idle failed; they are built when first shown.")
            self._finish()

    def _tasks(self):
        """The work, one small step per item: what a step already found done costs nothing."""
        while not self.app.map_scene_step():
            yield
        if self.app.map_scene is not None:
            self.app.map_scene.upload()
            yield
        self.app.walks  # noqa: B018 - built on first use; one step of ~0.4 s on the large feed here
        yield
        if self.app.content is not None:
            self.app.content.prepare_search()  # ~0.4 s on the large feed: not inside a visitor's first keystroke
            yield
        for name in VISITOR_SCREENS:
            state, fill = self.app.screen_state(name), name in FILLED_AHEAD
            if state == "missing" or (fill and state == "stale"):  # new, or filled before this content came
                self.app.prepare_screen(name, fill=fill)
                yield

    def _finish(self) -> None:
        self.stop()
        self._work = None
        self.done = True
        self.collections += 1
        gc.unfreeze()  # what was frozen may have become garbage since: an old snapshot, a rebuilt screen
        gc.collect()
        gc.freeze()  # the survivors are long-lived: automatic collections during a visit skip them
        release_free_memory()


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc keeps them, so a terminal's memory
    would creep up over weeks of visits although what is alive stays the same; docs/performance.md)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to trim
