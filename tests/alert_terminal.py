"""One real terminal for tests/test_emergency_browser.py: the kiosk app in an offscreen window with its real
background services (content sync, emergency notice poller), reporting on stdout what its screen shows.

    python -m tests.alert_terminal CONFIG.toml DATA_DIR OUT_DIR

Lines: `READY`, then `SHOWN <notice id> <png>` when the emergency takeover appears (with a screenshot
of the window) and `CLEARED <png>` when it goes. The test measures the time to each line.
"""
from __future__ import annotations

import sys
from pathlib import Path

WATCH_EVERY_S = 0.2


def main(config_path: str, data_dir: str, out_dir: str) -> None:
    from kiosk.config import load_config
    from kiosk.ui import boot

    config = load_config(config_path)
    boot.prepare(size=boot.window_size(config.screen_size, config.orientation), headless=True)
    from kivy.clock import Clock

    from kiosk.ui.app import make_app
    from kiosk.ui.shoot import save_window

    app = make_app(config, Path(data_dir), transitions=False)
    out = Path(out_dir)
    state = {"shown": None, "count": 0}

    def say(line: str) -> None:
        print(line, flush=True)

    def shoot(dt) -> None:
        state["count"] += 1
        name = f"{'shown' if state['shown'] else 'cleared'}-{state['count']}.png"
        path = save_window(out / name)
        say(f"SHOWN {state['shown']} {path}" if state["shown"] else f"CLEARED {path}")

    def watch(dt) -> None:
        overlay = app._emergency if app.emergency_shown else None
        shown = overlay.notice_id if overlay is not None else None
        if shown != state["shown"]:
            state["shown"] = shown
            Clock.schedule_once(shoot, 0.1)  # after the next frame has drawn it

    def started(*args) -> None:
        Clock.schedule_interval(watch, WATCH_EVERY_S)
        Clock.schedule_once(lambda dt: say("READY"), 0.5)

    app.bind(on_start=started)
    app.run()


if __name__ == "__main__":
    main(*sys.argv[1:4])
