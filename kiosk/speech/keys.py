"""The keypad: what each key does in speech mode. A USB keypad laid out like EZ-Access (up, down,
back, select, a round enter key, help) sends ordinary key codes; so do a numeric keypad and the
keyboard's arrows. Names are Kivy's key names (`Keyboard.keycode_to_string`)."""
from __future__ import annotations

# command -> the keys that give it (docs/accessibility.md shows the same table).
LAYOUT = {
    "up": ("up", "numpad8"),
    "down": ("down", "numpad2"),
    "back": ("left", "numpad4", "backspace"),
    "select": ("right", "numpad6"),
    "enter": ("enter", "numpadenter", "numpad5", "spacebar"),
    "help": ("f1", "numpaddivide", "?"),
    "where": ("f2", "numpad0", "insert"),
    "repeat": ("f3", "numpadmul", "numpaddecimal", "delete"),
    "volume_up": ("numpadadd", "+", "f6"),
    "volume_down": ("numpadsubstract", "-", "f5"),
    "rate_up": ("numpad9", "pageup", "f8"),
    "rate_down": ("numpad3", "pagedown", "f7"),
}
_COMMANDS = {key: command for command, keys in LAYOUT.items() for key in keys}


def command_for(key_name: str, text: str | None = None, modifiers=()) -> str | None:
    """The speech-mode command of a key press, or None for a key that does nothing (every other key,
    and any key held with Ctrl, Alt or the system key: they stay swallowed by the kiosk's hardening)."""
    if any(m in ("ctrl", "alt", "meta", "super", "alt-gr") for m in modifiers or ()):
        return None
    return _COMMANDS.get(key_name) or (_COMMANDS.get(text) if text else None)
