"""The Deutscher Wetterdienst's own weather warnings for one warn cell, from its open-data server.

The DWD publishes all its current warnings for Germany as one zip of CAP 1.2 XML files, one file a
warning (kiosk/config.py DWD_WARNINGS_URL: the municipalities' file, in German, English and six
more languages). Each message names the places it warns in its <area>s, by <geocode> WARNCELLID.

One refresh asks for the zip with the validators of the last good one (a 304 costs a few bytes and
confirms what is shown), reads each file that mentions the cell with a parser that refuses DTDs and
entities (defusedxml), and hands the messages whose area has the cell to the same CAP rules as NINA's
(kiosk/live/cap.py): Update and Cancel replace and end, nothing is shown past its `expires`, a warning
the zip no longer lists has ended. A download that fails or is no zip changes nothing; one file that
cannot be read is logged and skipped, the others still arrive.
"""
from __future__ import annotations

import io
import logging
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from kiosk.live import LiveDataError
from kiosk.live.cap import CapMessage, parse_cap
from kiosk.live.warnings import CapWarningsPoller
from sync.fetch import Fetcher, Validators, host_of

log = logging.getLogger(__name__)

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
# A storm over all of Germany lists thousands of municipalities in eight languages per file: tens of MiB
# unpacked. More than these is a misconfigured URL or a zip bomb, never a warning to show.
MAX_BYTES = 64 * 1024 * 1024  # the zip as downloaded
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # one CAP file unpacked
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024  # all files unpacked, read in pieces
MAX_FILES = 20000
PIECE_BYTES = 1024 * 1024


def read_cap_xml(data: bytes, *, source: str) -> tuple[dict, set[str]]:
    """One CAP XML message as parse_cap's document, and the warn cells its areas name; LiveDataError
    (a sentence naming `source`) when it is not well-formed CAP 1.2, or uses a DTD or entities."""
    try:
        root = safe_xml.fromstring(data)
    except DefusedXmlException as exc:
        raise LiveDataError(f"{source} declares a DTD or entities ({type(exc).__name__}), which a CAP message "
                            "never needs; it was not read.") from None
    except ParseError as exc:
        raise LiveDataError(f"{source} is not well-formed XML: {exc}.") from None
    if root.tag != CAP + "alert":
        raise LiveDataError(f"{source} is not a CAP 1.2 message: its root element is {root.tag!r}, "
                            f"not {CAP + 'alert'!r}.")
    doc = _fields(root, ("identifier", "sender", "sent", "status", "msgType", "references"))
    doc["info"] = [_fields(info, ("language", "severity", "effective", "onset", "expires", "senderName",
                                  "headline", "description", "instruction"))
                   for info in root.findall(CAP + "info")]
    cells = {(code.findtext(CAP + "value") or "").strip()
             for area in root.iterfind(f"{CAP}info/{CAP}area") for code in area.findall(CAP + "geocode")
             if (code.findtext(CAP + "valueName") or "").strip() == "WARNCELLID"}
    return doc, cells


def _fields(element: Element, names: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for name in names:
        text = element.findtext(CAP + name)
        if text is not None and text.strip():
            found[name] = text.strip()
    return found


class DwdWarningsPoller(CapWarningsPoller):
    """The DWD's current warnings for one warn cell (9 digits, e.g. 805913000 for Dortmund), from its zip at `url`."""

    what = "DWD weather warnings"

    def __init__(self, url: str, warn_cell: str, fetcher: Fetcher, *, state_file: Path | None = None,
                 **kwargs) -> None:
        super().__init__(url, fetcher, state_file=state_file, **kwargs)
        self.warn_cell = warn_cell
        self._validators: Validators | None = None  # of the last zip that was read: asked "changed since?"

    def refresh(self, now: datetime) -> None:
        fetched = self.fetcher.get(self.url, what="the DWD's weather warnings", limit=MAX_BYTES, now=now,
                                   validators=self._validators)
        state = self.state_copy()
        if fetched.not_modified:  # the same warnings as last time: still current
            state.confirm(set(state.messages), now)
            self.keep(state)
            return
        messages, listed = self._messages(fetched.body or b"", host_of(fetched.url))
        for message in sorted(messages, key=lambda m: (m.sent, m.identifier)):
            state.apply(message, now)
        state.confirm(listed, now)
        self.keep(state)
        self._validators = fetched.validators or None

    def _messages(self, body: bytes, host: str) -> tuple[list[CapMessage], set[str]]:
        """The messages for the warn cell, and what the zip lists for it (with files that could not be read,
        by name: a broken file does not end a warning)."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(body))
        except (zipfile.BadZipFile, zlib.error, ValueError) as exc:
            raise LiveDataError(f"The answer from {host} for the DWD's weather warnings is not a zip archive "
                                f"({exc}); the warnings known so far are kept.") from None
        files = [info for info in archive.infolist() if not info.is_dir()]
        if len(files) > MAX_FILES:
            raise LiveDataError(f"The zip from {host} holds {len(files)} files, more than the {MAX_FILES} the DWD's "
                                "warnings could fill; it was not read.")
        needle = self.warn_cell.encode("ascii")
        budget = [MAX_UNPACKED_BYTES]
        messages, listed = [], set()
        for info in sorted(files, key=lambda i: i.filename):
            where = f"The file {info.filename} in the zip from {host}"
            try:
                data = self._mentioning(archive, info, needle, budget, where)
                if data is None:
                    continue
                doc, cells = read_cap_xml(data, source=where)
                if self.warn_cell not in cells:
                    continue
                message = parse_cap(doc, source=f"{info.filename} in the zip from {host}", markup=False)
            except LiveDataError as exc:
                if budget[0] < 0:  # the zip as a whole is too large: nothing in it is trusted
                    raise
                log.warning("%s: %s It is skipped.", self.what, exc)
                listed.add(info.filename.removesuffix(".xml"))  # the DWD names each file after its identifier
                continue
            listed.add(message.identifier)
            if doc.get("status", "Actual") != "Actual":  # Test, Exercise, System, Draft: never for the public
                log.info("%s: %s has status %s and is not shown.", self.what, message.identifier, doc["status"])
                continue
            messages.append(message)
        return messages, listed

    def _mentioning(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, needle: bytes, budget: list[int],
                    where: str) -> bytes | None:
        """The file's bytes when they mention the warn cell (None otherwise), unpacked in pieces: a file
        about other places is never held whole, and the whole zip never unpacks to more than the limit."""
        pieces: list[bytes] = []
        size, found, tail = 0, False, b""
        try:
            with archive.open(info) as stream:
                while piece := stream.read(PIECE_BYTES):
                    size += len(piece)
                    budget[0] -= len(piece)
                    if budget[0] < 0:
                        raise LiveDataError(f"The zip unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB "
                                            f"(at {info.filename}); it was not read further.")
                    found = found or needle in tail + piece
                    tail = piece[1 - len(needle):]
                    if size <= MAX_MESSAGE_BYTES:
                        pieces.append(piece)
                    elif found:
                        raise LiveDataError(f"{where} is larger than {MAX_MESSAGE_BYTES // 2**20} MiB unpacked.")
                    else:
                        pieces.clear()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise LiveDataError(f"{where} cannot be unpacked: {exc}.") from None
        return b"".join(pieces) if found else None
