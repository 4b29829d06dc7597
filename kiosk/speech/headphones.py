"""Whether headphones are plugged in, where the hardware tells (best effort, docs/accessibility.md).

Two places tell on Linux: an input device with the switch SW_HEADPHONE_INSERT (many sound chips and
USB headsets report their jack as an evdev switch), and an ALSA card with a "Headphone Jack" control
(HDA codecs, some USB sound cards). The Raspberry Pi's own 3.5 mm socket tells neither: there speech
starts from the keypad or the accessibility button.
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

log = logging.getLogger("kiosk.speech")

SW_HEADPHONE_INSERT = 0x02  # linux/input-event-codes.h
SW_MAX = 0x10
_JACK_NAMES = re.compile(r"name='((?:Headphone|Headphones|Headset)[^']*Jack)'", re.IGNORECASE)


def switch_bits(capabilities: str) -> int:
    """The switches a device has, from sysfs's capabilities/sw ('4' or '0 4': hex words, last is lowest)."""
    value = 0
    for word in capabilities.split():
        value = (value << 64) | int(word, 16)
    return value


def has_headphone_switch(capabilities: str) -> bool:
    return bool(switch_bits(capabilities) >> SW_HEADPHONE_INSERT & 1)


def _eviocgsw(length: int) -> int:
    """The ioctl that reads an input device's switch states (EVIOCGSW in linux/input.h)."""
    return (2 << 30) | (length << 16) | (ord("E") << 8) | 0x1B


def alsa_jack_names(controls: str) -> list[str]:
    """Headphone jack controls in `amixer -c N controls`: ["Headphone Jack"]."""
    return _JACK_NAMES.findall(controls)


def alsa_jack_on(cget: str) -> bool:
    """`amixer cget` of a jack control: ': values=on' when something is plugged in."""
    return re.search(r":\s*values=on\b", cget) is not None


@dataclass
class JackSource:
    """One place that tells: an evdev device path, or an ALSA card and control name."""

    kind: str  # "evdev" or "alsa"
    where: str
    control: str = ""

    def plugged(self, run: Callable = subprocess.run) -> bool:
        if self.kind == "evdev":
            state = bytearray((SW_MAX + 8) // 8)
            fd = os.open(self.where, os.O_RDONLY | os.O_NONBLOCK)
            try:
                fcntl.ioctl(fd, _eviocgsw(len(state)), state)
            finally:
                os.close(fd)
            return bool(state[SW_HEADPHONE_INSERT // 8] >> (SW_HEADPHONE_INSERT % 8) & 1)
        out = run(["amixer", "-c", self.where, "cget", f"iface=CARD,name={self.control}"],
                  capture_output=True, text=True, timeout=3).stdout
        return alsa_jack_on(out)


def find_sources(sys_input: Path = Path("/sys/class/input"), proc_asound: Path = Path("/proc/asound"),
                 run: Callable = subprocess.run) -> list[JackSource]:
    """Every jack switch this machine reports that we may read; [] where none does (logged once)."""
    sources: list[JackSource] = []
    for caps in sorted(sys_input.glob("event*/device/capabilities/sw")):
        try:
            if has_headphone_switch(caps.read_text()):
                device = Path("/dev/input") / caps.parent.parent.parent.name
                if os.access(device, os.R_OK):
                    sources.append(JackSource("evdev", str(device)))
                else:
                    log.warning("%s reports headphones but the kiosk may not read it (add the user to the "
                                "group 'input').", device)
        except (OSError, ValueError):
            continue
    for card in sorted(proc_asound.glob("card[0-9]*")):
        try:
            controls = run(["amixer", "-c", card.name[4:], "controls"], capture_output=True, text=True,
                           timeout=3).stdout
        except (OSError, subprocess.SubprocessError):
            break  # no amixer (alsa-utils): the evdev switches are all we can read
        sources += [JackSource("alsa", card.name[4:], name) for name in alsa_jack_names(controls)]
    if not sources:
        log.info("No headphone jack on this terminal tells when headphones are plugged in: speech starts "
                 "from the keypad or a long press on the accessibility button.")
    return sources


class HeadphoneWatch:
    """Polled by the UI every few seconds: True once when headphones go in."""

    def __init__(self, sources: list[JackSource]):
        self.sources = sources
        self._was = self._plugged()

    def _plugged(self) -> bool:
        for source in list(self.sources):
            try:
                if source.plugged():
                    return True
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("The headphone jack at %s cannot be read any more: %s", source.where, exc)
                self.sources.remove(source)
        return False

    def plugged_in_now(self) -> bool:
        now = self._plugged()
        went_in = now and not self._was
        self._was = now
        return went_in
