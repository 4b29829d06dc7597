"""Test harness: the fixture feed in a fresh store, the app offscreen, a controllable clock, touches."""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
START = datetime.fromisoformat("2026-11-26T17:30:00+01:00")


def stage_fixture_feed(data_dir: Path) -> Path:
    """The fixture feed, signed with a throw-away key and applied the way a terminal applies any feed."""
    import tempfile

    from sync import service, signing

    key = signing.generate_key()
    source = Path(tempfile.mkdtemp(prefix="kiosk-feed-"))
    raw = (FIXTURES / "feed.json").read_bytes()
    (source / "feed.json").write_bytes(raw)
    (source / "feed.json.sig").write_text(signing.sign_bytes(raw, key) + "\n", encoding="ascii")
    shutil.copyfile(FIXTURES / "shop.jpg", source / "shop.jpg")
    result = service.apply_from_file(source / "feed.json", public_keys=[signing.public_key_b64(key)],
                                     data_dir=data_dir, now=START)
    assert not result.pending_images, result.pending_images
    return data_dir


class TestClock:
    """The app's one clock, moved by the tests (Kivy's own clock is advanced alongside)."""

    def __init__(self, start: datetime = START):
        self.value = start

    def __call__(self) -> datetime:
        return self.value


def frames(count: int = 3) -> None:
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


def advance(app, clock: TestClock, seconds: float, step: float = 1.0) -> None:
    """Move both clocks forward without sleeping: the app's clock and Kivy's (so intervals fire)."""
    from kivy.clock import Clock

    offset = getattr(Clock, "_test_offset", 0.0)
    base_time = getattr(Clock, "_test_base_time", None)
    if base_time is None:
        base_time = Clock.time  # the real monotonic clock, kept before it is replaced
        Clock._test_base_time = base_time
    moved = 0.0
    while moved < seconds:
        delta = min(step, seconds - moved)
        moved += delta
        offset += delta
        clock.value += timedelta(seconds=delta)
        Clock.time = (lambda o=offset: base_time() + o)
        Clock._test_offset = offset
        frames(1)


def tap(widget) -> None:
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    frames(2)


def tap_at(x: float, y: float) -> None:
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    frames(2)


@contextmanager
def showing_content(app, data_dir: Path):
    """The shared app on the content in `data_dir` for a while, then on what it showed before."""
    original = app.data_dir
    app.data_dir = data_dir
    app.content_changed()
    try:
        yield app
    finally:
        app.data_dir = original
        app.content_changed()


@contextmanager
def window_shaped(app, size: tuple[int, int]):
    """The shared app laid out anew in a window of `size` for a while, then in the size it had before."""
    from kivy.core.window import Window

    original = tuple(Window.size)
    Window.size = size
    frames(2)
    app.lay_out_again()
    frames(2)
    try:
        yield app
    finally:
        Window.size = original
        frames(2)
        app.lay_out_again()
        frames(2)


def walk(widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


def texts(widget) -> list[str]:
    """Every logical text shown under a widget."""
    return [w.txt for w in walk(widget) if getattr(w, "txt", "") and w.opacity > 0]


def find_button(widget, text: str):
    from kiosk.ui.widgets.text import KButton

    for w in walk(widget):
        if isinstance(w, KButton) and w.txt == text:
            return w
    raise AssertionError(f"No button '{text}' on screen; buttons: {[w.txt for w in walk(widget) if isinstance(w, KButton)]}")


def visible_rows(screen):
    from kiosk.ui.widgets.rows import ListRow

    rows = [w for w in walk(screen) if isinstance(w, ListRow) and w.title]
    return sorted(rows, key=lambda w: -w.to_window(w.x, w.top)[1])  # top of the screen first
