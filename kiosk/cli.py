"""`kiosk`: the terminal's command line. Without a command it starts the kiosk.

Commands read the clock only here, at the edge; everything below takes the instant as an argument.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import click

from kiosk.config import Config, ConfigError, load_config, resolve_data_dir


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def parse_at(value: str | None) -> datetime:
    """--at: an ISO date-time (with offset, or local to the system) or a date; default now."""
    if not value:
        return now_utc()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO date-time such as 2026-11-26T18:00+01:00.") from None
    return parsed if parsed.tzinfo else parsed.astimezone()


class Context:
    def __init__(self, config_path: str | None):
        self.config_path = config_path

    def config(self) -> Config:
        try:
            return load_config(self.config_path)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


def open_content(ctx: Context, data_dir: str | None):
    """The live content, applying the demo feed first when this terminal runs in demo mode."""
    from kiosk.content import Content
    from sync import store
    from sync.demo import apply_demo_if_needed

    config = ctx.config()
    folder = resolve_data_dir(data_dir or config.data_dir)
    if config.demo_mode and (problem := apply_demo_if_needed(folder, now=now_utc())):
        raise click.ClickException(problem)
    if store.info(folder) is None:
        raise click.ClickException(
            f"There is no content in {folder} yet. Apply a feed with: kiosk sync --once --feed-url FEED.json "
            "--public-key KEY --data-dir " + str(folder)
        )
    return Content.open(folder), config


def content_language(content, lang: str | None) -> str:
    """--lang checked against the content's city (its default when not given)."""
    from kiosk.i18n import answer_language

    try:
        return answer_language(lang, content.locales, content.default_locale)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--lang") from None


def emit(as_json: bool, rows: list[dict[str, Any]], line: Callable[[dict[str, Any]], str]) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif not rows:
        click.echo("Nothing found.")
    else:
        for row in rows:
            click.echo(line(row))


data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False), help="Content folder (default: KIOSK_DATA_DIR or the user data dir)."
)
lang_option = click.option("--lang", default=None, help="Language of the answer: one of the city's or the interface's "
                           "(de, en, tr, ar, uk, pl, nl); default: the city's default language.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@click.group(invoke_without_command=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Terminal settings (TOML).")
@click.pass_context
def main(click_ctx: click.Context, config_path: str | None) -> None:
    """Dortmund city-centre information terminal."""
    click_ctx.obj = Context(config_path)
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(run)


@main.command()
@data_dir_option
@click.pass_obj
def run(ctx: Context, data_dir: str | None) -> None:
    """Start the kiosk (fullscreen when configured)."""
    from kiosk.display import display_problem

    config = ctx.config()
    problem = display_problem()
    if problem:
        raise click.ClickException(problem)
    from kiosk.ui.app import run_kiosk

    run_kiosk(config, resolve_data_dir(data_dir or config.data_dir))


EXIT_SYNC_FAILED = 1
EXIT_IMAGES_PENDING = 3


@main.command()
@click.option("--once", is_flag=True, help="One sync cycle, then exit: 0 done, 1 failed, 3 applied with images pending.")
@click.option("--feed-url", help="Feed to apply: a path, file:// or https:// URL (default: from the settings).")
@click.option("--public-key", "public_keys", multiple=True, help="Trusted public key (base64); repeatable.")
@click.option("--allow-insecure-http", is_flag=True, default=None,
              help="Accept an http:// feed URL (a closed network or a test); default: from the settings.")
@data_dir_option
@click.pass_obj
def sync(ctx: Context, once: bool, feed_url: str | None, public_keys: tuple[str, ...],
         allow_insecure_http: bool | None, data_dir: str | None) -> None:
    """Fetch, verify and apply the content feed: once, or every sync_interval_s until stopped."""
    from dataclasses import replace

    from sync.status import human_duration
    from sync.worker import SyncWorker

    config = ctx.config()
    url = feed_url or config.feed_url
    keys = list(public_keys) or list(config.public_keys)
    if not url:
        raise click.ClickException("No feed source: pass --feed-url or set feed_url in the settings.")
    if not keys:
        raise click.ClickException("No trusted public key: pass --public-key or set public_keys in the settings.")
    folder = resolve_data_dir(data_dir or config.data_dir)
    settings = replace(config, feed_url=url, public_keys=keys).sync_settings(folder)
    if allow_insecure_http is not None:
        settings = replace(settings, allow_insecure_http=allow_insecure_http)

    def report(outcome) -> None:
        if outcome.ok:
            click.echo(outcome.result.message)
            for pending in outcome.result.pending_images:
                click.echo(f"Image pending: {pending}", err=True)
        else:
            click.echo(f"Sync failed: {outcome.error}", err=True)
            if once and outcome.retry_after is not None:
                click.echo(f"The server asks to be tried again in {human_duration(outcome.retry_after)} "
                           "(Retry-After).", err=True)
        if not once:
            click.echo(f"Next sync in {human_duration(outcome.delay_s)}.")

    worker = SyncWorker(settings, clock=now_utc, on_cycle=report)
    if once:
        outcome = worker.cycle(plan_next=False)
        worker.fetcher.close()
        if not outcome.ok:
            sys.exit(EXIT_SYNC_FAILED)
        if outcome.result.pending_images:
            sys.exit(EXIT_IMAGES_PENDING)
        return
    click.echo(f"Syncing {url} into {folder} every {human_duration(settings.interval_s)}; Ctrl-C to stop.")
    try:
        worker.run()  # in this thread: the command is the loop
    except KeyboardInterrupt:
        click.echo("Stopped.")


@main.command()
@click.option("--at", help="The moment to judge ages and staleness against (ISO), default now.")
@data_dir_option
@json_option
@click.pass_obj
def status(ctx: Context, at: str | None, data_dir: str | None, as_json: bool) -> None:
    """What the last sync did: content, errors, pending images, clock."""
    from sync.status import content_is_stale, describe, read_status

    config = ctx.config()
    folder = resolve_data_dir(data_dir or config.data_dir)
    current = read_status(folder)
    now = parse_at(at)
    if as_json:
        if current:
            # Staleness is a question about now, not about the moment the file was written.
            current["content_stale"] = content_is_stale(current.get("content_valid_until"), now)
        click.echo(json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True))
        return
    click.echo(f"Terminal {current.get('kiosk_id') or config.kiosk_id}, data in {folder}.")
    for line in describe(current, now):
        click.echo(line)


def _event_line(row: dict[str, Any]) -> str:
    mark = "now  " if row["now"] else "     "
    return f"{mark}{row['start']} – {row['end']}  {row['title']}  [{row['id']}]"


@main.command()
@click.option("--at", help="The moment to ask about (ISO), default now.")
@data_dir_option
@lang_option
@json_option
@click.pass_obj
def events(ctx: Context, at: str | None, data_dir: str | None, lang: str, as_json: bool) -> None:
    """Today's events: running now first, then later today."""
    content, _ = open_content(ctx, data_dir)
    lang = content_language(content, lang)
    today = content.todays_events(parse_at(at), lang)
    emit(as_json, [e.as_json() for e in today.running + today.later], _event_line)


@main.command()
@click.option("--kind", help="Only places of this kind (shop, food, culture, art, pharmacy, toilet, ...).")
@click.option("--open-at", help="Evaluate opening hours at this moment (ISO), default now.")
@data_dir_option
@lang_option
@json_option
@click.pass_obj
def places(ctx: Context, kind: str | None, open_at: str | None, data_dir: str | None, lang: str, as_json: bool) -> None:
    """Places with their open-now state and next change."""
    content, _ = open_content(ctx, data_dir)
    lang = content_language(content, lang)
    views = content.places(parse_at(open_at), lang, kinds=[kind] if kind else None)
    state = {True: "open   ", False: "closed ", None: "unknown"}
    emit(as_json, [v.as_json() for v in views], lambda r: f"{state[r['open']]}  {r['name']}  ({r['kind']})  [{r['id']}]")


def _departure_line(row: dict[str, Any]) -> str:
    when = row["expected"][11:16]
    late = " cancelled" if row["cancelled"] else (f" {row['delay_min']:+d}" if row["delay_min"] else "")  # +3 late, -1 early
    return f"{when}{late}  {row['route']:>4}  {row['headsign']}  ({row['source']})"


@main.command()
@click.option("--at", help="The moment to ask about (ISO, with offset) [default: now].")
@click.option("--stop", "stop_id", help="A stop of the feed's transit section [default: the stops near the kiosk].")
@click.option("--place", "place_id", help="The stops of this transit place.")
@click.option("--kiosk", "kiosk_id", help="The kiosk whose nearby stops to show [default: this terminal's].")
@click.option("--limit", default=6, show_default=True, type=click.IntRange(min=1))
@click.option("--live/--no-live", default=True, show_default=True,
              help="Fetch the configured GTFS-Realtime trip updates and EFA departure monitors (the stop areas "
                   "shown) once and lay them over the timetable.")
@data_dir_option
@lang_option
@json_option
@click.pass_obj
def departures(ctx: Context, at: str | None, stop_id: str | None, place_id: str | None, kiosk_id: str | None,
               limit: int, live: bool, data_dir: str | None, lang: str, as_json: bool) -> None:
    """Next departures: the feed's timetable, live where the provider answers."""
    from datetime import timedelta

    from kiosk.config import efa_areas, efa_poller, trip_updates_poller
    from kiosk.live.departures import LiveSources, next_departures, stops_near_kiosk, stops_of_place

    content, config = open_content(ctx, data_dir)
    lang = content_language(content, lang)
    moment = parse_at(at)
    stops = content.transit_stops()
    if stop_id:
        stops = [s for s in stops if s["id"] == stop_id]
    elif place_id:
        stops = stops_of_place(content, place_id)
    else:
        stops = stops_near_kiosk(content, kiosk_id or config.kiosk_id)
    if (stop_id or place_id) and not stops:
        raise click.ClickException(f"The feed has no transit stop for {stop_id or place_id!r}; "
                                   "`kiosk departures --json` lists the stops near this kiosk.")
    poller = trip_updates_poller(config) if live else None
    efa = efa_poller(config) if live else None
    if efa is not None:
        efa.set_areas(efa_areas(stops))
    for source, times in ((poller, 1), (efa, len(efa_areas(stops)))):
        if source is not None:
            for _ in range(times):  # a problem is logged; the answer is then the timetable
                if source.failures:
                    break  # one area failing stands for the provider: do not ask it again at once
                source.poll_once(moment)
            source.fetcher.close()
    predictions = LiveSources(trip_updates=poller.latest() if poller is not None else None,
                              efa=efa.latest() if efa is not None else None)
    boards = [next_departures(content, stop, moment, lang, predictions=predictions, limit=limit,
                              max_live_age=timedelta(seconds=config.live_max_age_s)) for stop in stops]
    if as_json:
        click.echo(json.dumps([b.as_json() for b in boards], ensure_ascii=False, indent=1))
        return
    if not boards:
        click.echo("No transit stop is within walking distance of this kiosk in the feed.")
    for board in boards:
        age = f", live {board.live_age_s} s old" if board.live_age_s is not None else ""
        click.echo(f"{board.stop_name} [{board.stop_id}] ({board.source}{age})")
        for row in [d.as_json() for d in board.departures] or []:
            click.echo("  " + _departure_line(row))


@main.command("warnings")
@click.option("--at", help="The moment to ask about (ISO, with offset) [default: now].")
@data_dir_option
@lang_option
@json_option
@click.pass_obj
def show_warnings(ctx: Context, at: str | None, data_dir: str | None, lang: str | None, as_json: bool) -> None:
    """Official warnings for the configured region (the DWD's for its warn cell; NINA: MoWaS, DWD ...):
    each service asked once, and what was known before (DATA_DIR/dwd-warnings.json, warnings.json)
    while it does not answer; a warning both carry is listed once."""
    from kiosk.config import warnings_poller

    config = ctx.config()
    sources = warnings_poller(config, resolve_data_dir(data_dir or config.data_dir))
    if sources is None:
        raise click.ClickException("No warning service is configured: set dwd_warn_cell, or warnings_url and "
                                   "warnings_ars (docs/live.md).")
    moment = parse_at(at)
    for poller in sources.pollers:
        _ask_once(poller, moment)
    views = sources.views(moment, lang or config.default_locale)
    emit(as_json, [v.as_json() for v in views],
         lambda r: f"{'TAKEOVER' if r['takeover'] else 'banner  '}  {r['severity']:8}  {r['headline']}"
                   f"{'' if r['in_visitor_language'] else '  (German only)'}  until {r['expires'] or 'cancelled'}")


def _ask_once(poller, moment) -> None:
    """One fetch by a live source's poller, as its thread would do it; its problem, if any, on stderr."""
    poller.poll_once(moment)
    poller.fetcher.close()
    if poller.last_problem:
        click.echo(poller.last_problem, err=True)


@main.command("weather")
@click.option("--at", help="The moment to ask about (ISO, with offset) [default: now].")
@json_option
@click.pass_obj
def show_weather(ctx: Context, at: str | None, as_json: bool) -> None:
    """The weather for the configured position (DWD through Bright Sky): fetched once, and what a
    terminal would show of it at that moment (nothing when it is older than weather_max_age_s)."""
    from datetime import timedelta

    from kiosk.config import weather_poller
    from kiosk.live.weather import weather_view

    config = ctx.config()
    poller = weather_poller(config)
    if poller is None:
        raise click.ClickException("No weather is configured: set weather_url, weather_lat and weather_lon "
                                   "(docs/live.md).")
    moment = parse_at(at)
    _ask_once(poller, moment)
    shown = weather_view(poller.latest(), moment, max_age=timedelta(seconds=config.weather_max_age_s))
    if as_json:
        click.echo(json.dumps(shown.as_json() if shown else None, ensure_ascii=False, indent=2))
        return
    if shown is None:
        click.echo("Nothing fresh enough to show: the terminal shows no weather now.")
        return
    if shown.current is not None:
        click.echo(f"now    {shown.current.temperature_c} °C  {shown.current.kind or ''}  "
                   f"(measured {shown.observed_age_s // 60} min ago at {shown.station})")
    for hour in shown.hours:
        rain = f"  rain {hour.precipitation_probability} %" if hour.precipitation_probability is not None else ""
        click.echo(f"{hour.at.isoformat()}  {hour.temperature_c} °C  {hour.kind or ''}{rain}")


@main.command()
@click.argument("query")
@data_dir_option
@lang_option
@json_option
@click.pass_obj
def search(ctx: Context, query: str, data_dir: str | None, lang: str, as_json: bool) -> None:
    """Search places, events and pages (typos forgiven)."""
    content, _ = open_content(ctx, data_dir)
    lang = content_language(content, lang)
    results = content.search(query, lang)
    emit(as_json, [r.as_json() for r in results], lambda r: f"{r['type']:6} {r['title']}  [{r['id']}]")


@main.command()
@click.argument("value")
@click.option("--at", required=True, help="The moment to ask about (ISO).")
@click.option("--country", default="DE", show_default=True)
@click.option("--subdivision", default=None, help="Region for public holidays ('' for none) [default: NW with DE].")
@click.option("--timezone", "tz", default="Europe/Berlin", show_default=True)
@json_option
def hours(value: str, at: str, country: str, subdivision: str | None, tz: str, as_json: bool) -> None:
    """Evaluate an OpenStreetMap opening_hours value: why does a shop show closed?"""
    from kiosk import hours as oh

    moment = parse_at(at)
    if subdivision is None:
        subdivision = "NW" if country == "DE" else ""  # Dortmund's region, meaningless in another country
    try:
        state = oh.state_at(value, moment, timezone=tz, country=country, subdivision=subdivision or None)
    except ValueError as exc:  # OpeningHoursError, or an unknown country, region or time zone
        if as_json:
            click.echo(json.dumps({"state": "unknown", "next_change": None, "error": str(exc)}))
        raise click.ClickException(str(exc)) from None
    answer = {
        "state": state.state,
        "next_change": state.next_change.isoformat() if state.next_change else None,
        "comment": state.comment,
    }
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False))
    else:
        change = f", changes at {answer['next_change']}" if answer["next_change"] else ", no change ahead"
        click.echo(f"{state.state}{change}" + (f" ({state.comment})" if state.comment else ""))


@main.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--screen", "screen_name", required=True,
              help="attract, home, today, shops, discover, place, event, search, help, map, route, feedback, admin "
                   "(the unlocked panel) or night (the night slide at --at, whatever night_mode says).")
@click.option("--lang", default=None, help="Language of the screen (default: the terminal's default language).")
@click.option("--at", help="The moment shown (ISO), default now.")
@click.option("--size", help="Window size WIDTHxHEIGHT (default: the configured screen size and orientation).")
@click.option("--item", help="The place or event id for --screen place/event/route (default: the first featured shop / "
                             "today's first event); for --screen map, a kind of place to show alone (toilet).")
@click.option("--high-contrast", is_flag=True, help="With the visitor's high-contrast switch on.")
@click.option("--large-text", is_flag=True, help="With the visitor's larger-text switch on.")
@click.option("--example-warning", is_flag=True,
              help="With the demo's recorded example warning as its banner (demo mode; left out otherwise).")
@data_dir_option
@click.pass_obj
def screenshot(ctx: Context, out: str, screen_name: str, lang: str | None, at: str | None, size: str | None,
               item: str | None, high_contrast: bool, large_text: bool, example_warning: bool,
               data_dir: str | None) -> None:
    """Render one screen headless to a PNG (for previews, tests and the README)."""
    from kiosk.ui import boot
    from kiosk.ui.shoot import SCREENSHOT_SCREENS, ScreenshotError, render

    if screen_name not in SCREENSHOT_SCREENS:
        raise click.ClickException(
            f"There is no screen called '{screen_name}'; choose one of: {', '.join(SCREENSHOT_SCREENS)}."
        )
    moment = parse_at(at)
    content, config = open_content(ctx, data_dir)
    content.close()
    try:
        window = boot.parse_size(size) if size else boot.window_size(config.screen_size, config.orientation)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--size") from None
    folder = resolve_data_dir(data_dir or config.data_dir)
    try:
        path = render(config, folder, Path(out), screen=screen_name, lang=lang or config.default_locale,
                      at=moment, size=window, item=item, high_contrast=high_contrast, large_text=large_text,
                      example_warning=example_warning)
    except ScreenshotError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {path}")


def _latlon(value: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"'{value}' is not LAT,LON such as 51.5140,7.4650.") from None
    return lat, lon


@main.command()
@click.option("--to", "to_place", required=True, help="The place to go to (its id).")
@click.option("--from", "from_kiosk", help="Start at this kiosk (default: this terminal's kiosk_id).")
@click.option("--from-latlon", help="Start at LAT,LON instead of a kiosk.")
@click.option("--step-free", is_flag=True, help="Only ways without steps (wheelchair, pram).")
@data_dir_option
@lang_option
@json_option
@click.pass_obj
def route(ctx: Context, to_place: str, from_kiosk: str | None, from_latlon: str | None, step_free: bool,
          data_dir: str | None, lang: str, as_json: bool) -> None:
    """Walking directions to a place, with the steps in the visitor's language."""
    from kiosk.directions import NoRoute, Wayfinder

    content, config = open_content(ctx, data_dir)
    lang = content_language(content, lang)
    finder = Wayfinder(content, walking_speed_kmh=config.walking_speed_kmh,
                       step_free_speed_kmh=config.step_free_speed_kmh, share_page_url=config.share_page_url)
    try:
        target = finder.place_position(to_place)
        if from_latlon:
            directions = finder.between(_latlon(from_latlon), target, step_free=step_free, lang=lang)
        else:
            directions = finder.from_kiosk(from_kiosk or config.kiosk_id, target, step_free=step_free, lang=lang,
                                           destination_id=to_place)
    except NoRoute as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(directions.as_json(), ensure_ascii=False, indent=1))
        return
    minutes = max(1, round(directions.duration_s / 60))
    click.echo(f"{directions.distance_m:.0f} m, about {minutes} min" + (" (step-free)" if step_free else ""))
    for number, step in enumerate(directions.steps, 1):
        click.echo(f"{number:2}. {step}")
    click.echo(f"On your phone: {directions.share_url}")


@main.command()
@click.argument("text")
@click.argument("out", type=click.Path(dir_okay=False))
def qr(text: str, out: str) -> None:
    """Write TEXT as a QR code PNG to OUT."""
    from kiosk.share import write_qr_png

    click.echo(f"Wrote {write_qr_png(text, out)}")


@main.group()
def admin() -> None:
    """Settings for the terminal's hidden admin panel."""


@admin.command("set-pin")
@click.option("--pin", help="The PIN, for scripts (otherwise you are asked twice, without echo).")
def set_pin(pin: str | None) -> None:
    """Print the admin_pin_hash line for kiosk.toml from a 4 to 12 digit PIN."""
    from kiosk.admin_pin import PinError, hash_pin

    if pin is None:
        pin = click.prompt("Admin PIN (4 to 12 digits)", hide_input=True, confirmation_prompt="Repeat the PIN")
    try:
        hashed = hash_pin(pin)
    except PinError as exc:
        raise click.BadParameter(str(exc), param_hint="--pin") from None
    click.echo(f'admin_pin_hash = "{hashed}"')


if __name__ == "__main__":
    main()
