"""Arabic shaping and right-to-left reordering for a renderer that draws glyphs left to right.

Kivy's text providers neither join Arabic letters nor reorder bidirectional text, so every visible
string of a right-to-left language passes through here. Plain Python, no Kivy.
"""
from __future__ import annotations

import re
from functools import lru_cache

import arabic_reshaper
from bidi.algorithm import get_display  # the pure-Python algorithm mirrors brackets; bidi.get_display does not

# Digit groups joined by spaces, hyphens or slashes (phone numbers, ISO dates) read left to right
# as one unit; without this the algorithm reorders the groups and "0231 555 3101" shows as "3101 555 0231".
_NUMBER_GROUPS = re.compile(r"\+?\d+(?:[ \-/]\d+)+")
_LRE, _PDF = "\u202a", "\u202c"  # embedding marks; the algorithm removes them from its output

_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})


@lru_cache(maxsize=4096)
def shape(text: str) -> str:
    """Joined letter forms (logical order kept), so a line can be measured and wrapped before reordering."""
    return _RESHAPER.reshape(text) if text else text


@lru_cache(maxsize=4096)
def visual_line(text: str) -> str:
    """One line of shaped text in display order (left to right on screen)."""
    if not text:
        return text
    return get_display(_NUMBER_GROUPS.sub(lambda m: f"{_LRE}{m.group(0)}{_PDF}", text))


def display(text: str, rtl: bool = True) -> str:
    """A whole text ready to draw: each line shaped and reordered on its own (a newline ends a paragraph)."""
    if not rtl or not text:
        return text
    return "\n".join(visual_line(shape(line)) for line in text.split("\n"))


def wrap_display(text: str, width: float, measure) -> str:
    """Wrap logical text to `width` with `measure(str) -> float`, then reorder each line.

    Reordering first and letting the renderer wrap would put the end of a sentence on its first line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = shape(paragraph).split(" ")
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and measure(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return "\n".join(visual_line(line) for line in lines)


def truncate_display(text: str, width: float, measure) -> str:
    """One line cut to `width` in reading order, with "…" where the reading stops, then reordered.

    Kivy's own shortening works on the reordered string and mixes up the order of its words.
    """
    line = shape(text.replace("\n", " "))
    if measure(visual_line(line)) <= width:
        return visual_line(line)
    words = line.split(" ")
    while len(words) > 1 and measure(visual_line(" ".join(words) + "…")) > width:
        words.pop()
    return visual_line(" ".join(words) + "…")
