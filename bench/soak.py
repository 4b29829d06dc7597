"""Soak: many random touches over every screen, with idle resets and content swaps, the clock
advanced instead of slept; no exception may happen and memory must stop growing after a warm-up.

    .venv/bin/python bench/soak.py --data-dir DIR --work DIR [--touches 20000]

Runs the real app offscreen in this process (bench/ui.py starts it as a child) and prints one
JSON object: {"touches", "exceptions", "rss_warm_mb", "rss_late_mb", "growth_pct", "curve", "seconds", ...}.

Every touch is followed by one frame of Python work (Clock, input, layout triggers); every
DRAW_EVERY touches a full frame is drawn and rasterized (Mesa's software renderer is the slow
part here, not the app). A content swap applies a changed copy of the demo feed through
sync.service, as the sync thread does, and calls app.content_changed().
"""
from __future__ import annotations

import argparse
import copy
import gc
import json
import logging
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ui_child  # noqa: E402

DRAW_EVERY = 20
WARMUP = 5000  # touches before memory is read: the first ~5,000 fill bounded caches (docs/performance.md)
SWAP_EVERY = 2000
IDLE_RESET_EVERY = 700
SAMPLE_EVERY = 500  # VmRSS readings after the warm-up; growth compares the first and last third of them


def growth_window(samples: list[float]) -> tuple[float, float]:
    """(median of the first third, median of the last third) of the readings after warm-up.

    One reading moves by ±5 % with what the current screen holds for a moment and with when the C heap
    last gave pages back; a leak moves the whole last third."""
    third = max(1, len(samples) // 3)
    return statistics.median(samples[:third]), statistics.median(samples[-third:])


class ErrorLog(logging.Handler):
    """Every ERROR logged anywhere (the app logs what its ExceptionHandler catches)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}"[:300])


def feed_variant(demo: dict, n: int) -> dict:
    """The demo feed with a higher sequence and visible changes: renamed, dropped and moved items."""
    feed = copy.deepcopy(demo)
    feed["sequence"] = demo["sequence"] + n
    rng = random.Random(n)
    for place in feed["places"]:
        if rng.random() < 0.3:
            name = place["name"]
            place["name"] = ({lang: f"{text} {n}" for lang, text in name.items()} if isinstance(name, dict)
                             else f"{name} {n}")
    events = feed.get("events", [])
    if len(events) > 4 and n % 2:
        feed["events"] = events[:-1]  # an event disappears while someone may be looking at it
    return feed


def swap_content(app, work: Path, demo: dict, n: int, now) -> None:
    from sync import service, signing

    key = signing.generate_key()
    folder = work / f"feed{n}"
    folder.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(feed_variant(demo, n), ensure_ascii=False).encode("utf-8")
    (folder / "feed.json").write_bytes(raw)
    (folder / "feed.json.sig").write_text(signing.sign_bytes(raw, key) + "\n", encoding="ascii")
    service.apply_from_file(folder / "feed.json", public_keys=[signing.public_key_b64(key)],
                            data_dir=app.data_dir, now=now)
    app.content_changed()


def logic_frame() -> None:
    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.lang import Builder

    Clock.tick()
    EventLoop.dispatch_input()
    Builder.sync()
    Clock.tick_draw()
    Builder.sync()


def full_frame() -> None:
    ui_child.frame()
    ui_child.raster()


def touchable(screen_root):
    """Buttons and rows a visitor can see and touch on the current screen."""
    from kivy.core.window import Window
    from kivy.uix.behaviors import ButtonBehavior

    found = []
    for widget in ui_child.walk(screen_root):
        if isinstance(widget, ButtonBehavior) and widget.opacity > 0 and not getattr(widget, "disabled", False):
            if widget.get_root_window() is None:
                continue
            x, y = widget.to_window(*widget.center)
            if 0 <= x < Window.width and 0 <= y < Window.height:
                found.append(widget)
    return found


class Clocks:
    """The app's clock and Kivy's moved forward together (tests/ui/harness.advance, without frames)."""

    def __init__(self, app_clock):
        from kivy.clock import Clock

        self.app_clock = app_clock
        self.offset = 0.0
        self.base = Clock.time

    def advance(self, seconds: float, step: float = 1.0) -> None:
        from kivy.clock import Clock

        moved = 0.0
        while moved < seconds:
            delta = min(step, seconds - moved)
            moved += delta
            self.offset += delta
            self.app_clock.value += timedelta(seconds=delta)
            Clock.time = (lambda o=self.offset: self.base() + o)
            logic_frame()


def drag(x0, y0, dx, dy, steps: int = 6) -> None:
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(x0, y0)
    touch.touch_down()
    for i in range(1, steps + 1):
        touch.touch_move(x0 + dx * i / steps, y0 + dy * i / steps)
        logic_frame()
    touch.touch_up()


def pinch(cx, cy, spread: float) -> None:
    from kivy.tests.common import UnitTestTouch

    a, b = UnitTestTouch(cx - 100, cy), UnitTestTouch(cx + 100, cy)
    a.touch_down()
    b.touch_down()
    for i in range(1, 6):
        a.touch_move(cx - 100 - spread * i / 5, cy)
        b.touch_move(cx + 100 + spread * i / 5, cy)
        logic_frame()
    b.touch_up()
    a.touch_up()


def rss_mb() -> float:
    gc.collect()
    return ui_child.vm_kb("VmRSS") / 1024


def malloc_in_use_mb() -> float:
    """glibc's bytes in use (mallinfo2): live native and Python memory, without what fragmentation holds."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return float("nan")  # not glibc
    return round((info.uordblks + info.hblkhd) / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--touches", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", default="1080x1920")
    args = parser.parse_args()
    started = time.perf_counter()
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    width, height = (int(v) for v in args.size.split("x"))
    app, app_clock = ui_child.start_app(Path(args.data_dir), (width, height), idle_timeout_s=60)
    from kivy.core.window import Window
    from kivy.logger import Logger
    from kivy.tests.common import UnitTestTouch

    Logger.addHandler(errors)
    from sync.demo import DEMO_DIR

    demo = json.loads((DEMO_DIR / "feed.json").read_bytes())
    clocks = Clocks(app_clock)
    rng = random.Random(args.seed)
    work = Path(args.work)
    visited: dict[str, int] = {}
    swaps = resets = 0
    failures: list[str] = []
    curve: list[tuple] = []  # (touch, VmRSS MB, live Python blocks, malloc'd MB in use): where growth comes from
    full_frame()
    for n in range(1, args.touches + 1):
        screen = app.current()
        visited[screen.name] = visited.get(screen.name, 0) + 1
        roll = rng.random()
        try:
            if screen.name in ("map", "route") and roll < 0.35:
                view = screen.map
                x, y = view.to_window(*view.center)
                if roll < 0.25:
                    drag(x, y, rng.uniform(-300, 300), rng.uniform(-300, 300))
                else:
                    pinch(x, y, rng.uniform(-80, 200))
            elif roll < 0.03:
                app.set_language(rng.choice(app.settings.locales))
            elif roll < 0.10:
                drag(rng.uniform(0, Window.width), rng.uniform(0, Window.height * 0.6), 0, rng.uniform(-600, 600))
            elif roll < 0.22:
                touch = UnitTestTouch(rng.uniform(0, Window.width - 1), rng.uniform(0, Window.height - 1))
                touch.touch_down()
                touch.touch_up()
            elif roll < 0.26 and screen.name != "home":
                app.go(rng.choice(["today", "shops", "discover", "search", "help", "map", "feedback"]))
            else:
                targets = touchable(screen)
                if targets:
                    ui_child.tap(rng.choice(targets))
            logic_frame()
            if rng.random() < 0.05:
                clocks.advance(rng.uniform(1, 20))
            if n % IDLE_RESET_EVERY == 0:
                clocks.advance(75)  # past the idle timeout and the "still there?" countdown
                resets += 1
            if n % SWAP_EVERY == 0:
                swaps += 1
                swap_content(app, work, demo, swaps, app_clock.value)
            if n % DRAW_EVERY == 0:
                full_frame()
        except Exception as exc:  # noqa: BLE001 - every failure is a finding, keep going to count them
            failures.append(f"touch {n} on {screen.name}: {exc!r}"[:300])
        if n >= WARMUP and n % SAMPLE_EVERY == 0:
            curve.append((n, round(rss_mb(), 1), sys.getallocatedblocks(), malloc_in_use_mb()))
    full_frame()
    rss_end = rss_mb()
    exceptions = failures + [repr(e)[:300] for e in app.errors] + errors.records
    rss_warm, rss_late = growth_window([c[1] for c in curve] or [rss_end])
    ui_child.emit({"touches": args.touches, "exceptions": exceptions[:50], "exception_count": len(exceptions),
                   "rss_warm_mb": rss_warm, "rss_late_mb": rss_late, "rss_end_mb": rss_end,
                   "growth_pct": 100 * (rss_late - rss_warm) / rss_warm, "swaps": swaps, "idle_resets": resets,
                   "visited": visited, "curve": curve, "seconds": time.perf_counter() - started, "errors": []})


if __name__ == "__main__":
    main()
