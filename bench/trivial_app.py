"""The reference for the kiosk's start: a Kivy App with one Label, started and timed like the kiosk.

Same window size, same offscreen settings, same end point (the first frame flipped with the
label on screen); prints {"seconds", "vmhwm_kb"} as JSON. BENCH_T0 is the parent's perf_counter
taken before it started this process.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time

SIZE = (1080, 1920)


def vm_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main() -> None:
    t0 = float(os.environ["BENCH_T0"])
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
    os.environ["SDL_VIDEODRIVER"] = "offscreen"
    os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="trivial-kivy-"))
    from kivy.config import Config

    Config.set("graphics", "width", str(SIZE[0]))
    Config.set("graphics", "height", str(SIZE[1]))
    Config.set("graphics", "resizable", "0")
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.uix.label import Label

    class TrivialApp(App):
        def build(self):
            return Label(text="Dortmund", font_size=64)

    def loop_started(*_):
        from kivy.core.window import Window

        def flipped(*_):
            sys.stdout.write(json.dumps({"seconds": time.perf_counter() - t0, "vmhwm_kb": vm_kb("VmHWM")}) + "\n")
            sys.stdout.flush()
            os._exit(0)

        Window.fbind("on_flip", flipped)

    EventLoop.fbind("on_start", loop_started)
    TrivialApp().run()
    os._exit(1)


if __name__ == "__main__":
    main()
