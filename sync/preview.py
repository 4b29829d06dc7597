"""`kiosk-feed preview`: what the terminals will show, as PNGs and an index.html to flip through.

The feed is signed with a throwaway key and applied into a temporary data folder exactly as a
terminal applies it; each screen is then rendered by the terminal's own `kiosk screenshot` in a
subprocess, so sync/ imports neither Kivy nor kiosk/. Screens the terminal does not have yet are
listed as "not available yet".
"""
from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from sync import service, signing
from sync.feed import FeedInvalid, FeedUnreadable, read_feed

DEFAULT_SCREENS = ("attract", "home", "today", "shops", "map", "route")
SCREEN_TIMEOUT_S = 180
_UNAVAILABLE = ("unknown screen", "no screen called", "does not exist yet")


class PreviewError(Exception):
    """The preview cannot be made at all; the message says why."""


@dataclass
class Shot:
    moment: str
    lang: str
    screen: str
    status: str  # "ok", "unavailable", "failed"
    file: str | None = None
    message: str = ""


@dataclass
class PreviewResult:
    out_dir: Path
    shots: list[Shot] = field(default_factory=list)

    @property
    def rendered(self) -> list[Shot]:
        return [shot for shot in self.shots if shot.status == "ok"]

    @property
    def failed(self) -> list[Shot]:
        return [shot for shot in self.shots if shot.status == "failed"]

    @property
    def unavailable(self) -> list[str]:
        return sorted({shot.screen for shot in self.shots if shot.status == "unavailable"})


def kiosk_command() -> list[str]:
    """The terminal's command line: the `kiosk` script beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("kiosk")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("kiosk")
    return [found] if found else [sys.executable, "-m", "kiosk.cli"]


def parse_moment(text: str, timezone_name: str) -> datetime:
    """An ISO date-time (or date); without an offset it is the city's local time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PreviewError(f"'{text}' is not an ISO date-time such as 2026-11-26T18:00+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zoneinfo.ZoneInfo(timezone_name))


def city_of(feed_path: Path) -> dict:
    """The validated feed's city, or PreviewError."""
    return _read(feed_path)["city"]


def _read(feed_path: Path) -> dict:
    try:
        return read_feed(Path(feed_path).read_bytes(), str(feed_path))
    except OSError as exc:
        raise PreviewError(f"cannot read {feed_path}: {exc.strerror or exc}") from None
    except FeedUnreadable as exc:
        raise PreviewError(str(exc)) from None
    except FeedInvalid as exc:
        first = "; ".join(exc.problems[:3])
        raise PreviewError(f"{feed_path} is not a valid feed, so no terminal would show it: {first}") from None


def preview(feed_path: Path, out_dir: Path, *, moments: list[datetime], langs: list[str] | None = None,
            screens: tuple[str, ...] = DEFAULT_SCREENS, command: list[str] | None = None,
            timeout_s: float = SCREEN_TIMEOUT_S, kiosk_id: str | None = None) -> PreviewResult:
    """Render every screen for every moment and language into `out_dir`, with index.html."""
    feed_path = Path(feed_path)
    feed = _read(feed_path)
    city = feed["city"]
    langs = list(langs or _default_langs(city))
    command = list(command or kiosk_command())
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PreviewResult(out_dir)
    with tempfile.TemporaryDirectory(prefix="kiosk-preview-") as work_name:
        work = Path(work_name)
        data_dir, config = _terminal(feed_path, feed, work, moments[0], kiosk_id)
        environment = {**os.environ, "KIVY_HOME": str(work / "kivy"), "KIVY_NO_ARGS": "1"}
        unavailable: set[str] = set()
        for moment in moments:
            stamp = moment.strftime("%Y%m%dT%H%M")
            for lang in langs:
                for screen in screens:
                    label = moment.isoformat(timespec="minutes")
                    if screen in unavailable:
                        result.shots.append(Shot(label, lang, screen, "unavailable"))
                        continue
                    name = f"{stamp}-{lang}-{screen}.png"
                    shot = _render(command, config, data_dir, out_dir / name, screen, lang, moment, environment,
                                   timeout_s)
                    shot.moment, shot.file = label, name if shot.status == "ok" else None
                    if shot.status == "unavailable":
                        unavailable.add(screen)
                    result.shots.append(shot)
    (out_dir / "index.html").write_text(_index(feed, result, langs), encoding="utf-8")
    return result


def _default_langs(city: dict) -> list[str]:
    default = city["default_locale"]
    return [default] + (["en"] if "en" in city["locales"] and default != "en" else [])


def _terminal(feed_path: Path, feed: dict, work: Path, now: datetime,
              kiosk_id: str | None = None) -> tuple[Path, Path]:
    """A data folder holding the applied feed, and a terminal configuration (as kiosk `kiosk_id`) that trusts it."""
    key = signing.generate_key()
    public = signing.public_key_b64(key)
    source = work / "feed"
    source.mkdir()
    raw = feed_path.read_bytes()
    copy = source / "feed.json"
    copy.write_bytes(raw)
    signing.write_signature(copy.with_name("feed.json.sig"), signing.sign_bytes(raw, key))
    for url in _local_image_urls(feed):
        original = feed_path.parent / url
        if original.is_file():
            (source / url).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, source / url)
    data_dir = work / "data"
    try:
        service.apply_from_file(copy, public_keys=[public], data_dir=data_dir, now=now)
    except service.SyncFailed as exc:
        raise PreviewError(f"the feed could not be applied the way a terminal applies it: {exc}") from None
    city = feed["city"]
    kiosks = [item["id"] for item in feed.get("kiosks", [])]
    if kiosk_id is not None and kiosk_id not in kiosks:
        raise PreviewError(f"the feed has no kiosk {kiosk_id!r}; it has {', '.join(kiosks) or 'none'}")
    kiosk = kiosk_id or (kiosks[0] if kiosks else None)
    lines = [
        f"feed_url = {_toml(str(copy))}",
        f"public_keys = [{_toml(public)}]",
        f"data_dir = {_toml(str(data_dir))}",
        f"locales = [{', '.join(_toml(loc) for loc in city['locales'])}]",
        f"default_locale = {_toml(city['default_locale'])}",
    ]
    if kiosk:
        lines.insert(0, f"kiosk_id = {_toml(kiosk)}")
    config = work / "kiosk.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data_dir, config


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _local_image_urls(feed: object) -> set[str]:
    found: set[str] = set()
    if isinstance(feed, dict):
        image = feed.get("image")
        if isinstance(image, dict) and isinstance(image.get("url"), str) and not urlparse(image["url"]).scheme:
            found.add(image["url"])
        for value in feed.values():
            found |= _local_image_urls(value)
    elif isinstance(feed, list):
        for value in feed:
            found |= _local_image_urls(value)
    return found


def _render(command, config, data_dir, out, screen, lang, moment, environment, timeout_s) -> Shot:
    args = [*command, "--config", str(config), "screenshot", str(out), "--screen", screen, "--lang", lang,
            "--at", moment.isoformat(), "--data-dir", str(data_dir)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, env=environment)
    except subprocess.TimeoutExpired:
        return Shot("", lang, screen, "failed", message=f"`kiosk screenshot` took longer than {timeout_s:.0f} s")
    except OSError as exc:
        raise PreviewError(f"cannot start the terminal's screenshot command {command[0]}: {exc.strerror or exc}") from None
    said = " ".join((done.stderr + " " + done.stdout).split())
    if done.returncode == 0 and out.exists():
        return Shot("", lang, screen, "ok")
    if done.returncode == 1 and any(words in said.lower() for words in _UNAVAILABLE):
        return Shot("", lang, screen, "unavailable", message=said)
    if "no such command" in said.lower() and "screenshot" in said.lower():
        raise PreviewError("this terminal software has no `kiosk screenshot` command yet, so no preview can be made")
    return Shot("", lang, screen, "failed", message=said[-400:] or f"exit status {done.returncode}")


def _index(feed: dict, result: PreviewResult, langs: list[str]) -> str:
    e = html.escape
    city = feed["city"]["name"]
    city_name = city if isinstance(city, str) else city.get(feed["city"]["default_locale"], "")
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Preview: {e(city_name)} feed, sequence {feed['sequence']}</title>",
        "<style>body{font-family:sans-serif;margin:1em;background:#f4f4f4}figure{display:inline-block;"
        "margin:.4em;vertical-align:top;text-align:center}img{width:216px;border:1px solid #999;cursor:zoom-in}"
        ".na{width:216px;height:384px;display:flex;align-items:center;justify-content:center;border:1px dashed #999;"
        "color:#666}#big{display:none;position:fixed;inset:0;background:#000d;text-align:center}"
        "#big img{height:96vh;width:auto;margin-top:2vh;cursor:zoom-out}</style></head><body>",
        f"<h1>{e(city_name)}: feed sequence {feed['sequence']}, generated {e(str(feed['generated_at']))}</h1>",
        f"<p>{len(feed['places'])} places, {len(feed['events'])} events. Click a screen to enlarge it; "
        "← and → flip through, Esc closes.</p>",
    ]
    if result.unavailable:
        parts.append(f"<p>Not available yet in this terminal software: {e(', '.join(result.unavailable))}.</p>")
    for shot in result.failed:
        parts.append(f"<p><strong>{e(shot.screen)} ({e(shot.lang)}, {e(shot.moment)}) failed:</strong> "
                     f"{e(shot.message)}</p>")
    moments = list(dict.fromkeys(shot.moment for shot in result.shots))
    for moment in moments:
        parts.append(f"<h2>{e(moment)}</h2>")
        for lang in langs:
            parts.append(f"<h3>{e(lang)}</h3><div>")
            for shot in (s for s in result.shots if s.moment == moment and s.lang == lang):
                if shot.status == "ok":
                    inner = f'<img src="{e(shot.file)}" alt="{e(shot.screen)}" loading="lazy">'
                elif shot.status == "unavailable":
                    inner = '<div class="na">not available yet</div>'
                else:
                    inner = '<div class="na">failed (see above)</div>'
                parts.append(f"<figure>{inner}<figcaption>{e(shot.screen)}</figcaption></figure>")
            parts.append("</div>")
    parts.append('<div id="big"><img alt=""></div><script>'
                 "const shots=[...document.querySelectorAll('figure img')],big=document.getElementById('big'),"
                 "view=big.querySelector('img');let at=-1;function show(i){at=(i+shots.length)%shots.length;"
                 "view.src=shots[at].src;big.style.display='block'}shots.forEach((s,i)=>s.onclick=()=>show(i));"
                 "big.onclick=()=>{big.style.display='none';at=-1};document.onkeydown=k=>{if(at<0)return;"
                 "if(k.key==='ArrowRight')show(at+1);if(k.key==='ArrowLeft')show(at-1);"
                 "if(k.key==='Escape')big.onclick()};</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
