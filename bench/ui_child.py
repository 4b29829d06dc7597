"""One UI measurement in a fresh process (Kivy opens one window per process): bench/ui.py runs it.

    ui_child.py start --data-dir DIR     process start -> first frame that shows the attract screen
    ui_child.py touch --data-dir DIR     touch -> next screen drawn, for every main screen
    ui_child.py map --data-dir DIR       Python work per frame while panning and pinching the map
    ui_child.py idle --data-dir DIR      CPU while the attract loop runs in Kivy's real event loop

Each prints one JSON object on stdout. The data directory already holds applied content: these
figures are about the kiosk running on its content, not about the first apply.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = (1080, 1920)
# A moment inside both the demo content and the large feed's calendar: the Christmas market is on.
AT = datetime.fromisoformat("2026-11-26T17:30:00+01:00")


def vm_kb(field: str) -> int:
    """VmHWM (peak resident set) or VmRSS of this process, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def finish_frames() -> None:
    """Wait for each frame's GL work at its flip, as a real swap does.

    SDL's offscreen driver swaps a pbuffer, which never flushes: Mesa's llvmpipe then queues every
    frame's commands and the process grows by ~50 kB a frame (a test-machine artefact, not the app;
    docs/performance.md)."""
    from kivy.core.window import Window

    Window.fbind("on_flip", lambda *_: raster())


def raster() -> None:
    """Let Mesa's software renderer rasterize what was drawn (a Pi's GPU does this part)."""
    from kivy.graphics.opengl import glFinish

    glFinish()


def emit(result: dict) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# -- cold start -------------------------------------------------------------------------------------

def cmd_start(args) -> None:
    """The kiosk's own entry point (`run_kiosk`, as `kiosk run` calls it), offscreen; ends at the first
    frame flipped with the attract screen current. BENCH_T0 is the parent's perf_counter before Popen
    (CLOCK_MONOTONIC, the same clock in every process), so interpreter start and imports count."""
    t0 = float(os.environ["BENCH_T0"])
    from kiosk.ui import boot

    boot.prepare(size=SIZE, headless=True)
    from kivy.base import EventLoop

    from kiosk.config import Config
    from kiosk.ui.app import run_kiosk

    def loop_started(*_):
        from kivy.app import App
        from kivy.core.window import Window

        def flipped(*_):
            app = App.get_running_app()
            screen = app.current() if app else None
            if screen is not None and screen.name == "attract":
                emit({"seconds": time.perf_counter() - t0, "vmhwm_kb": vm_kb("VmHWM"),
                      "errors": [repr(e) for e in app.errors]})
                os._exit(0)  # teardown is not part of a start

        Window.fbind("on_flip", flipped)

    EventLoop.fbind("on_start", loop_started)
    run_kiosk(Config(), Path(args.data_dir))
    emit({"error": "the app ended before the attract screen was drawn"})
    os._exit(1)


# -- the app offscreen, driven frame by frame ------------------------------------------------------

class FixedClock:
    def __init__(self, value: datetime = AT):
        self.value = value

    def __call__(self) -> datetime:
        return self.value


def start_app(data_dir: Path, size: tuple[int, int] = SIZE, **config):
    from kiosk.config import Config
    from kiosk.ui.shoot import start_headless

    clock = FixedClock()
    app = start_headless(Config(**config), data_dir, size=size, clock=clock)
    from kivy.clock import Clock

    Clock._max_fps = 0  # EventLoop.idle() must not sleep to pace 60 fps: we time the work, not the wait
    import kivy.tests.common  # noqa: F401 - the simulated touches' module: importing it is no part of a touch
    return app, clock


def frame() -> None:
    """One frame: Clock, input, layout and the canvas walk that issues the GL calls. The software
    rasterizing of those calls is left to raster(), outside every timing."""
    from kivy.base import EventLoop

    EventLoop.idle()


def walk(widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


def tap(widget) -> None:
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()


def visible_rows(screen):
    from kiosk.ui.widgets.rows import ListRow

    rows = [w for w in walk(screen) if isinstance(w, ListRow) and w.title and w.item_id]
    return sorted(rows, key=lambda w: -w.to_window(w.x, w.top)[1])


def timed_tap(app, widget, expected: str, max_frames: int = 10) -> float:
    """ms from the touch until `expected` is current and one frame drawn with it."""
    start = time.perf_counter()
    tap(widget)
    frame()
    for _ in range(max_frames):
        if app.current().name == expected:
            break
        frame()
    else:
        raise RuntimeError(f"A tap meant to open {expected} left {app.current().name} on screen.")
    took = (time.perf_counter() - start) * 1000
    raster()
    return took


def settle(count: int = 2) -> None:
    for _ in range(count):
        frame()
        raster()


def warm_up(app) -> tuple[float, int]:
    """Frames of the attract loop until the warm-up (kiosk/ui/warmup.py) is done, as on a terminal that
    showed its attract loop before the first visitor came: (ms of wall time, frames)."""
    start, count = time.perf_counter(), 0
    while not app.warmup.done and count < 10_000:
        frame()
        raster()
        count += 1
    return (time.perf_counter() - start) * 1000, count


def cmd_touch(args) -> None:
    app, _clock = start_app(Path(args.data_dir))
    settle()
    warm_ms, warm_frames = warm_up(app)
    samples: dict[str, list[float]] = {}
    first: dict[str, float] = {}

    def record(name: str, ms: float) -> None:
        if name not in first:
            first[name] = ms  # the first visit also builds the screen's widgets
        samples.setdefault(name, []).append(ms)

    def home() -> None:
        app.go_home()
        settle()

    for _ in range(args.repeat):
        app.reset_for_next_visitor()  # each round is the next visitor, after the last one left
        warm_up(app)
        settle()
        record("attract → home", timed_tap(app, app.current().stage, "home"))
        settle()
        for name in ("today", "shops", "discover", "search", "help", "map"):
            home()
            record(f"home → {name}", timed_tap(app, app.current().tiles[name], name))
            settle()
        home()
        app.go("shops")
        settle()
        record("shops → a place card", timed_tap(app, visible_rows(app.current())[0], "place"))
        settle()
        record("place card → route", timed_tap(app, app.current().way, "route"))
        settle()
        home()
        app.go("today")
        settle()
        events = [r for r in visible_rows(app.current()) if r.target == "event"]
        record("today → an event card", timed_tap(app, events[0], "event"))
        settle()
    emit({"samples": samples, "first": first, "errors": [repr(e) for e in app.errors],
          "vmhwm_kb": vm_kb("VmHWM"), "warmup_ms": warm_ms, "warmup_frames": warm_frames})


# -- map pan and pinch -----------------------------------------------------------------------------

def python_frame(draw: bool = True) -> tuple[float, float]:
    """One EventLoop.idle() split in two: (ms of Python work, ms of drawing).

    The Python part is what runs before the window draws: Clock callbacks, touch handlers (the
    touches were dispatched just before and are timed by the caller), Builder and the -1 triggers.
    The drawing part is the canvas walk and the GL calls, which a Pi's GPU shares and Mesa's
    software renderer here does on the CPU."""
    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.lang import Builder

    start = time.perf_counter()
    Clock.tick()
    EventLoop.dispatch_input()
    Builder.sync()
    Clock.tick_draw()
    Builder.sync()
    middle = time.perf_counter()
    window = EventLoop.window
    if draw and window.canvas.needs_redraw:
        window.dispatch("on_draw")
        window.dispatch("on_flip")
    end = time.perf_counter()
    raster()
    return (middle - start) * 1000, (end - middle) * 1000


DRAW_EVERY = 5  # the large map takes ~0.25 s a frame to draw in software GL; the Python work does not need it


def cmd_map(args) -> None:
    from kivy.tests.common import UnitTestTouch

    app, _clock = start_app(Path(args.data_dir))
    settle()
    t = time.perf_counter()
    app.go("map")
    settle()
    opened_ms = (time.perf_counter() - t) * 1000  # includes building the scene of this snapshot
    view = app.current().map
    builds = view.geometry_builds
    cx, cy = view.to_window(*view.center)
    pan, pinch, draw, lift = [], [], [], []
    for gesture in range(args.gestures):
        # One finger: a 30-frame drag of 6-12 px a frame, to and fro.
        touch = UnitTestTouch(cx, cy)
        touch.touch_down()
        settle(1)
        x, y = cx, cy
        for step in range(30):
            dx, dy = (8, 5) if gesture % 2 == 0 else (-7, -6)
            x, y = x + dx, y + dy
            start = time.perf_counter()
            touch.touch_move(x, y)
            handled = (time.perf_counter() - start) * 1000
            work, drawing = python_frame(draw=step % DRAW_EVERY == 0)
            pan.append(handled + work)
            if step % DRAW_EVERY == 0:
                draw.append(drawing)
        start = time.perf_counter()
        touch.touch_up()
        handled = (time.perf_counter() - start) * 1000
        lift.append(handled + python_frame()[0])  # the frame after a gesture lays out names and markers
        # Two fingers: both move each frame, apart then together.
        a, b = UnitTestTouch(cx - 120, cy), UnitTestTouch(cx + 120, cy)
        a.touch_down()
        b.touch_down()
        settle(1)
        spread = 120
        for step in range(30):
            spread += 6 if gesture % 2 == 0 else -3
            start = time.perf_counter()
            a.touch_move(cx - spread, cy + step)
            b.touch_move(cx + spread, cy + step)
            handled = (time.perf_counter() - start) * 1000
            work, drawing = python_frame(draw=step % DRAW_EVERY == 0)
            pinch.append(handled + work)
            if step % DRAW_EVERY == 0:
                draw.append(drawing)
        start = time.perf_counter()
        b.touch_up()
        a.touch_up()
        handled = (time.perf_counter() - start) * 1000
        lift.append(handled + python_frame()[0])
        if gesture % 4 == 3:
            view.reset_view()
            settle()
    emit({"pan": pan, "pinch": pinch, "draw": draw, "lift": lift, "opened_ms": opened_ms,
          "geometry_builds_during_gestures": view.geometry_builds - builds,
          "errors": [repr(e) for e in app.errors]})


# -- CPU with the attract loop in Kivy's real event loop -------------------------------------------

def cmd_idle(args) -> None:
    """`run_kiosk` as on a terminal, offscreen, in Kivy's real event loop (real time, 60 fps cap).

    Two CPU figures per window of wall time, after a short warm-up: the UI thread alone
    (time.thread_time: Python, Kivy, issuing GL calls, as on a Pi) and the whole process (os.times:
    also Mesa's software rasterizer threads, whose work a Pi's GPU does)."""
    from kiosk.ui import boot

    boot.prepare(size=SIZE, headless=True)
    from kivy.base import EventLoop
    from kivy.clock import Clock

    from kiosk.config import Config
    from kiosk.ui.app import run_kiosk

    ui_thread: list[float] = []
    process: list[float] = []
    state = {}

    def cpu() -> float:
        t = os.times()
        return t.user + t.system

    def begin(*_):
        finish_frames()
        state.update(cpu=cpu(), thread=time.thread_time(), wall=time.perf_counter(), frames=Clock.frames)
        Clock.schedule_interval(sample, args.window)

    def sample(*_):
        c, th, w = cpu(), time.thread_time(), time.perf_counter()
        ui_thread.append(100 * (th - state["thread"]) / (w - state["wall"]))
        process.append(100 * (c - state["cpu"]) / (w - state["wall"]))
        state.update(cpu=c, thread=th, wall=w)
        if len(process) * args.window >= args.seconds:
            from kivy.app import App

            app = App.get_running_app()
            emit({"ui_thread_pct": ui_thread, "process_pct": process, "screen": app.current().name,
                  "loop_ticks": Clock.frames - state["frames"], "errors": [repr(e) for e in app.errors]})
            os._exit(0)

    EventLoop.fbind("on_start", lambda *_: Clock.schedule_once(begin, args.warmup))
    run_kiosk(Config(), Path(args.data_dir))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["start", "touch", "map", "idle"])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--feed", default="demo", help="only a label in the output")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--gestures", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--window", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    args = parser.parse_args()
    {"start": cmd_start, "touch": cmd_touch, "map": cmd_map, "idle": cmd_idle}[args.what](args)


if __name__ == "__main__":
    main()
