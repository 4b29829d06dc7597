"""Official warnings from the NINA service of the Federal Office of Civil Protection (BBK): MoWaS,
KATWARN, BIWAPP, the flood portals and the DWD's weather warnings, for one Amtlicher
Regionalschlüssel (ARS), as CAP messages in JSON.

One refresh reads the region's dashboard (the list of current warnings), fetches the messages it
has not seen, and applies them (kiosk/live/cap.py); any failure leaves the last good state as it
was, so a terminal that loses the network keeps showing a warning until it expires.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kiosk.live import LiveDataError
from kiosk.live.cap import CapMessage, parse_cap
from kiosk.live.warnings import CapWarningsPoller
from sync.fetch import Fetcher, host_of

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024


class NinaWarningsPoller(CapWarningsPoller):
    """The current warnings of one region, from `{url}/dashboard/{ars}.json` and `{url}/warnings/{id}.json`."""

    what = "Official warnings"

    def __init__(self, url: str, ars: str, fetcher: Fetcher, *, state_file: Path | None = None, **kwargs) -> None:
        super().__init__(url.rstrip("/"), fetcher, state_file=state_file, **kwargs)
        self.ars = ars

    def refresh(self, now: datetime) -> None:
        current = self._dashboard_ids(now)
        state = self.state_copy()
        for identifier in sorted(i for i in current - set(state.messages) if not state.has_ended(i)):
            try:
                message = self._message(identifier, now)
            except LiveDataError as exc:  # one broken message must not hide the others; asked again next time
                log.warning("%s: %s It is skipped for now.", self.what, exc)
                continue
            # Kept under the id the dashboard lists, which is how the next dashboard names it.
            state.apply(replace(message, identifier=identifier), now)
        state.confirm(current, now)
        self.keep(state)

    def _json(self, url: str, what: str, now: datetime):
        fetched = self.fetcher.get(url, what=what, limit=MAX_BYTES, now=now)
        try:
            return json.loads(fetched.body or b"")
        except ValueError as exc:
            raise LiveDataError(f"The answer from {host_of(url)} for {what} is not JSON: {exc}.") from None

    def _dashboard_ids(self, now: datetime) -> set[str]:
        url = f"{self.url}/dashboard/{self.ars}.json"
        entries = self._json(url, f"the warnings of region {self.ars}", now)
        if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("id"), str)
                                                    for e in entries):
            raise LiveDataError(f"The answer from {host_of(url)} for the warnings of region {self.ars} is not "
                                "a list of warnings with ids.")
        return {entry["id"] for entry in entries}

    def _message(self, identifier: str, now: datetime) -> CapMessage:
        url = f"{self.url}/warnings/{identifier}.json"
        return parse_cap(self._json(url, f"the warning {identifier}", now), source=host_of(url))
