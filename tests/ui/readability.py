"""Checks a passer-by's eyes would make, on the real window: cut or overflowing text, contrast read back
from the rendered pixels, and where widgets sit (for right-to-left mirroring)."""
from __future__ import annotations

from kiosk.ui.theme import contrast_ratio
from tests.ui.harness import walk

# The map draws its own labels on the canvas (street names, markers); everything else is a KLabel.
SKIP_UNDER = ("MapView",)


def on_screen(widget, whole: bool = False) -> bool:
    """Shown in the window (`whole`: all of it, not scrolled partly out of its viewport)."""
    from kivy.core.window import Window

    if not shown(widget):
        return False
    x, y = widget.to_window(*widget.pos)
    if not (x < Window.width and y < Window.height and x + widget.width > 0 and y + widget.height > 0):
        return False
    # Within every scrolling viewport above it, not scrolled out of sight (and clipped there).
    from kivy.uix.scrollview import ScrollView

    node = widget.parent
    while node is not None and node is not Window:
        if isinstance(node, ScrollView):
            vx, vy = node.to_window(*node.pos)
            if y + widget.height <= vy + 1 or y >= vy + node.height - 1:
                return False
            if whole and (y < vy - 1 or y + widget.height > vy + node.height + 1
                          or x < vx - 1 or x + widget.width > vx + node.width + 1):
                return False
        node = node.parent
    return True


def visible_labels(root, whole: bool = False):
    from kiosk.ui.widgets.text import KLabel

    return [w for w in walk(root) if isinstance(w, KLabel) and w.txt and on_screen(w, whole)]


def _inside_scroller(widget) -> bool:
    from kivy.uix.scrollview import ScrollView

    from kivy.core.window import Window

    node = widget.parent
    while node is not None and node is not Window:
        if isinstance(node, ScrollView):
            return True
        node = node.parent
    return False


def cut_labels(root) -> list[str]:
    """Labels whose text is not all there to read: shortened with '…', or drawn taller than their box, or
    pushed out of the box that holds them (a row too short for its wrapped lines)."""
    from kivy.uix.boxlayout import BoxLayout

    from kivy.core.window import Window

    problems = []
    for label in visible_labels(root):
        bottom, top = label.to_window(label.x, label.y)[1], label.to_window(label.x, label.top)[1]
        if not _inside_scroller(label) and (top > Window.height + 2 or bottom < -2):
            problems.append(f"outside the window ({bottom:.0f}-{top:.0f}): {label.txt!r}")
            continue
        if label.shorten:
            full = label._measure(label.text) + label.padding[0] + label.padding[2]
            if full > label.width + 2:
                problems.append(f"cut to fit {label.width:.0f} px of {full:.0f} px: {label.txt!r}")
                continue
        broken = broken_word(label)
        if broken:
            problems.append(f"{broken!r} broken inside the word (wider than the {_room(label):.0f} px line): {label.txt!r}")
            continue
        if label.texture_size[1] > label.height + 2:
            problems.append(f"{label.texture_size[1]:.0f} px of text in {label.height:.0f} px: {label.txt!r}")
            continue
        box = label.parent
        if isinstance(box, BoxLayout) and not _inside_scroller(label) and (
                label.y < box.y - 2 or label.top > box.top + 2):
            problems.append(f"out of its box ({label.y:.0f}-{label.top:.0f} in {box.y:.0f}-{box.top:.0f}): {label.txt!r}")
    return problems


def window_rect(widget) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a widget in window coordinates."""
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def overlaps(a, b) -> bool:
    """Two window rectangles share more than a 2-px sliver."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 2 and min(a[3], b[3]) - max(a[1], b[1]) > 2


def whole_in_window(widget) -> bool:
    from kivy.core.window import Window

    left, bottom, right, top = window_rect(widget)
    return left >= -2 and bottom >= -2 and right <= Window.width + 2 and top <= Window.height + 2


def shown(widget) -> bool:
    """Meant to be seen: in the window's tree, of some size, and no ancestor hidden (on the panel or not)."""
    from kivy.core.window import Window

    if widget.get_root_window() is None or widget.width < 2 or widget.height < 2:
        return False
    node = widget
    while node is not None and node is not Window:
        if node.opacity == 0 or type(node).__name__ in SKIP_UNDER:
            return False
        node = node.parent
    return True


def off_the_window(root) -> list[str]:
    """Labels meant to be seen, outside any scroller, that are not whole in the window (a column pushed past
    the panel's edge, in either direction)."""
    from kiosk.ui.widgets.text import KLabel

    return [f"not whole in the window ({', '.join(f'{v:.0f}' for v in window_rect(w))}): {w.txt!r}"
            for w in walk(root) if isinstance(w, KLabel) and w.txt and shown(w) and not _inside_scroller(w)
            and not whole_in_window(w)]


def ink_rect(label) -> tuple[float, float, float, float]:
    """Where a label's text is seen: its texture, placed in its box as its alignment says, cut to the
    viewport of every scroller it lies in (a row scrolled under the nav bar is clipped, not drawn over it)."""
    from kivy.uix.scrollview import ScrollView

    from kivy.core.window import Window

    left, bottom, right, top = window_rect(label)
    tw, th = label.texture_size
    x = {"left": left, "right": right - tw}.get(label.halign, (left + right - tw) / 2)
    y = {"bottom": bottom, "top": top - th}.get(label.valign, (bottom + top - th) / 2)
    rect = (x, y, x + tw, y + th)
    node = label.parent
    while node is not None and node is not Window:
        if isinstance(node, ScrollView):
            view = window_rect(node)
            rect = (max(rect[0], view[0]), max(rect[1], view[1]), min(rect[2], view[2]), min(rect[3], view[3]))
        node = node.parent
    return rect


def overlapping_labels(root) -> list[str]:
    """Pairs of labels on screen whose drawn text lies on top of each other's."""
    labels = [w for w in visible_labels(root) if w.texture_size[0] > 2 and w.texture_size[1] > 2]
    rects = [ink_rect(w) for w in labels]
    problems = []
    for i, a in enumerate(labels):
        for j in range(i + 1, len(labels)):
            if overlaps(rects[i], rects[j]):
                problems.append(f"{a.txt[:30]!r} overlaps {labels[j].txt[:30]!r}")
    return problems


def _room(label) -> float:
    """The width a wrapped label's lines get: Kivy wraps inside the padding."""
    return label.width - label.padding[0] - label.padding[2]


def broken_word(label) -> str:
    """A word of a wrapping label too wide for its line, which Kivy breaks inside ("Bahnhof-Apothe/ke"),
    else ""."""
    if not label.wrap:
        return ""
    from kiosk import bidi
    from kiosk.ui.widgets.text import has_rtl_letters

    room = _room(label)
    for word in sorted(set(label.txt.split()), key=len, reverse=True):
        shown = bidi.display(word) if has_rtl_letters(word) else word
        if label._measure(shown) > room + 1:
            return word
    return ""


def window_pixels():
    """The window as a Pillow image, top row first."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    width, height = Window.size
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    return Image.frombytes("RGB", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def _rgb(pixel) -> tuple:
    return tuple(c / 255 for c in pixel[:3]) + (1.0,)


def pixel_at(image, x: float, y: float):
    """The pixel at window coordinates (origin bottom left, as Kivy counts)."""
    return image.getpixel((int(x), image.height - 1 - int(y)))


def edge_contrast(image, widget) -> float:
    """Rendered contrast between a control's left edge and the page just beside it."""
    x, y = widget.to_window(widget.x, widget.center_y)
    rim = pixel_at(image, x + 1, y)
    page = pixel_at(image, x - 5, y)
    return contrast_ratio(_rgb(rim), _rgb(page))


def text_contrast(image, label) -> float:
    """Rendered contrast of a label: its commonest colour is the ground, the pixel farthest from it the ink."""
    from kivy.core.window import Window

    tw, th = label.texture_size
    cx, cy = label.to_window(*label.center)
    left, right = max(0, int(cx - tw / 2)), min(Window.width, int(cx + tw / 2))
    bottom, top = max(0, int(cy - th / 2)), min(Window.height, int(cy + th / 2))
    crop = image.crop((left, image.height - top, right, image.height - bottom))
    colours = crop.getcolors(maxcolors=1 << 20) or []
    if not colours:
        return 21.0
    ground = _rgb(max(colours)[1])
    return max(contrast_ratio(_rgb(colour), ground) for _, colour in colours)


def centre_x(widget) -> float:
    return widget.to_window(*widget.center)[0]


def blank_bands(image, page: tuple, at_least: int) -> list[tuple[int, int]]:
    """(top row, height) of each stretch of at least `at_least` window rows showing nothing but the page's
    colour (`page`, RGB 0-255); rows counted from the top."""
    from PIL import Image, ImageChops

    ink = ImageChops.difference(image, Image.new("RGB", image.size, page)).convert("L").point(lambda v: 255 if v > 6 else 0)
    rows = ink.resize((1, image.height), Image.Resampling.BOX).tobytes()  # each row's share of ink
    bands, start = [], None
    for y, value in enumerate(list(rows) + [255]):
        if value == 0 and start is None:
            start = y
        elif value != 0 and start is not None:
            if y - start >= at_least:
                bands.append((start, y - start))
            start = None
    return bands


def list_tail(band: tuple[int, int], lists, window_height: int) -> bool:
    """A band that is the end of a short list (below its last row, down to the list's bottom) is no gap."""
    top, height = band
    band_bottom = window_height - (top + height)  # in window coordinates, origin bottom left
    for rows in lists:
        bottom = rows.to_window(rows.x, rows.y)[1]
        # Down to the list's bottom, or on through the zone's spacing below it.
        if bottom - 40 <= band_bottom <= bottom + 4 and window_height - top <= bottom + rows.height + 4:
            return True
    return False
