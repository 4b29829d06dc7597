"""`kiosk-feed`: the publishers' command line.

Exit codes for every command: 0 done, 1 the feed or signature is refused, 2 a file could not be
read or the command was used wrongly.
"""
from __future__ import annotations

from pathlib import Path

import click

from sync import signing
from sync.feed import FeedInvalid, FeedUnreadable, parse_json, read_feed

EXIT_REFUSED = 1
EXIT_UNREADABLE = 2

FileArgument = click.Path(dir_okay=False, path_type=Path)


class FileProblem(click.ClickException):
    """A file that cannot be read, parsed or written, or would be overwritten (exit 2)."""

    exit_code = EXIT_UNREADABLE


class Refused(click.ClickException):
    """A feed or signature that is not accepted (exit 1)."""

    exit_code = EXIT_REFUSED


@click.group()
@click.version_option(package_name="dortmund-kiosk")
def main() -> None:
    """The publishers' tool: build, check, sign and serve kiosk content feeds (format v1), and collect from the fleet."""


@main.command()
@click.argument("feed", type=FileArgument)
def validate(feed: Path) -> None:
    """Check FEED against format v1 and list every problem."""
    document = load_valid_feed(feed)
    click.echo(f"{feed}: {describe(document)}")


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for feed-signing.key and feed-signing.key.pub.")
@click.option("--force", is_flag=True, help="Replace an existing private key in DIR.")
def keygen(out_dir: Path, force: bool) -> None:
    """Create a signing key; print its public key.

    The public key (base64) goes into every terminal's list of trusted keys.
    """
    try:
        private_path, public = signing.write_keypair(out_dir, overwrite=force)
    except FileExistsError as exc:
        raise FileProblem(str(exc)) from None
    except OSError as exc:
        raise FileProblem(f"cannot write the key to {out_dir}: {exc.strerror or exc}") from None
    click.echo(f"wrote {private_path} (keep it secret) and {private_path}.pub", err=True)
    click.echo(public)


@main.command()
@click.argument("feed", type=FileArgument)
@click.option("--key", "key_path", required=True, type=FileArgument, help="Private key file from `keygen`.")
@click.option("--signature", "signature_path", type=FileArgument, help="Where to write it [default: FEED.sig].")
@click.option("--no-validate", is_flag=True, help="Sign even if the feed breaks format v1.")
def sign(feed: Path, key_path: Path, signature_path: Path | None, no_validate: bool) -> None:
    """Write FEED.sig, the signature of FEED's exact bytes.

    Refuses to sign a feed that breaks format v1 unless --no-validate.
    """
    raw = read_bytes(feed)
    if not no_validate:
        load_valid_feed(feed, raw)
    try:
        key = signing.load_private_key(key_path)
    except signing.SignatureError as exc:
        raise FileProblem(str(exc)) from None
    target = signature_path or default_signature_path(feed)
    try:
        signing.write_signature(target, signing.sign_bytes(raw, key))
    except OSError as exc:
        raise FileProblem(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(f"{target}: signed {feed} with public key {signing.public_key_b64(key)}")


@main.command()
@click.argument("feed", type=FileArgument)
@click.option("--public-key", "public_keys", multiple=True, required=True, metavar="B64",
              help="A trusted public key (base64); repeat for key rotation.")
@click.option("--signature", "signature_path", type=FileArgument, help="The signature file [default: FEED.sig].")
def verify(feed: Path, public_keys: tuple[str, ...], signature_path: Path | None) -> None:
    """Check FEED.sig against trusted public keys."""
    raw = read_bytes(feed)
    signature_path = signature_path or default_signature_path(feed)
    signature = read_bytes(signature_path)
    try:
        matched = signing.verify_signature(raw, signature, list(public_keys), signature_source=str(signature_path))
    except signing.PublicKeyError as exc:
        raise click.BadParameter(str(exc), param_hint="--public-key") from None
    except signing.SignatureError as exc:
        raise Refused(f"{feed}: {exc}") from None
    click.echo(f"{feed}: signature good, made by public key {matched}")


# --------------------------------------------------------------------------- publishing: build, diff, preview


@main.command()
@click.option("--base", "base_path", required=True, type=FileArgument,
              help="JSON with city, kiosks, share, pages, campaigns, notices (and a hand-drawn map, if any).")
@click.option("--osm", "osm_path", type=FileArgument, help="OpenStreetMap extract: .osm, .osm.gz or .osm.pbf.")
@click.option("--bbox", help="Use only OpenStreetMap data inside S,W,N,E (degrees).")
@click.option("--boundary", "boundary_path", type=FileArgument,
              help="Use only OpenStreetMap data inside this polygon: an Osmosis .poly file or GeoJSON.")
@click.option("--ics", "ics_paths", multiple=True, type=FileArgument, help="iCalendar file of events; repeatable.")
@click.option("--places", "places_path", type=FileArgument, help="CSV overlay: facts for places, or new places.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for feed.json, build-report.txt, images/ and the take-along page go/.")
@click.option("--sequence", type=click.IntRange(min=1),
              help="[default: one more than DIR/feed.json, else the UTC time as YYYYMMDDHHMM]")
@click.option("--generated-at", help="RFC 3339 date-time with offset [default: now].")
@click.option("--gtfs", "gtfs_path", type=FileArgument,
              help="GTFS timetable .zip: departures of the stops near kiosks and transit places, for the feed's validity.")
@click.option("--walk", "walk_m", type=click.FloatRange(min=1), default=500, show_default=True,
              help="Metres from a kiosk or transit place within which GTFS stops are kept.")
def build(base_path: Path, osm_path: Path | None, bbox: str | None, boundary_path: Path | None,
          ics_paths: tuple[Path, ...],
          places_path: Path | None, out_dir: Path, sequence: int | None, generated_at: str | None,
          gtfs_path: Path | None, walk_m: float) -> None:
    """Build DIR/feed.json from a base file, OpenStreetMap, calendars and a CSV.

    Exit 1 (and nothing written) when the result would not be a valid feed.
    """
    from sync.build.assemble import BuildFailed, BuildInputs, build_feed
    from sync.build.common import SourceError, parse_bbox

    try:
        box = parse_bbox(bbox) if bbox else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--bbox") from None
    inputs = BuildInputs(base=base_path, out_dir=out_dir, osm=osm_path, bbox=box, boundary=boundary_path,
                         ics=list(ics_paths),
                         places=places_path, sequence=sequence, generated_at=generated_at,
                         gtfs=gtfs_path, walk_m=walk_m)
    try:
        result = build_feed(inputs)
    except SourceError as exc:
        raise FileProblem(str(exc)) from None
    except BuildFailed as exc:
        if exc.report is not None:
            click.echo(exc.report.render(limit=10))
        for problem in exc.problems:
            click.echo(problem)
        click.echo(f"{out_dir}: {exc}")
        raise click.exceptions.Exit(EXIT_REFUSED) from None
    try:
        result.write(out_dir)
    except OSError as exc:
        raise FileProblem(f"cannot write the build into {out_dir}: {exc.strerror or exc}") from None
    click.echo(result.report.render(limit=10), nl=False)
    click.echo(f"wrote {out_dir / 'feed.json'}: {describe(result.feed)}; full report in {out_dir / 'build-report.txt'}")
    if "page_url" in (result.feed.get("share") or {}):
        from sync.build.page import PageFailed, write_take_along_page

        try:
            click.echo(write_take_along_page(out_dir / "feed.json", out_dir))
        except PageFailed as exc:
            raise FileProblem(str(exc)) from None


@main.command()
@click.argument("old", type=FileArgument)
@click.argument("new", type=FileArgument)
def diff(old: Path, new: Path) -> None:
    """Say what NEW changes compared with OLD: places, events, campaigns, notices, pages, map.

    Exit 0 without content changes, 1 with changes, 2 when a file cannot be read.
    """
    from sync.diff import diff_feeds

    documents = []
    for path in (old, new):
        try:
            document = parse_json(read_bytes(path), str(path))
        except FeedUnreadable as exc:
            raise FileProblem(str(exc)) from None
        if not isinstance(document, dict):
            raise FileProblem(f"{path} is not a kiosk feed: it holds no JSON object")
        documents.append(document)
    result = diff_feeds(*documents)
    for line in result.lines:
        click.echo(line)
    click.echo(result.summary())
    raise click.exceptions.Exit(1 if result.changed else 0)


@main.command()
@click.argument("feed", type=FileArgument)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PNGs and index.html.")
@click.option("--at", "moments", multiple=True, help="Moment shown (ISO; city time without offset); repeatable [default: now].")
@click.option("--lang", "langs", multiple=True, help="Language; repeatable [default: the feed's default and en].")
@click.option("--screen", "screens", multiple=True, help="Screen; repeatable [default: attract home today shops map route].")
@click.option("--kiosk", "kiosk_id", help="Draw the screens as this kiosk of the feed shows them [default: the first].")
def preview(feed: Path, out_dir: Path, moments: tuple[str, ...], langs: tuple[str, ...], screens: tuple[str, ...],
            kiosk_id: str | None) -> None:
    """Render what the terminals will show from FEED, as PNGs plus DIR/index.html."""
    from datetime import datetime

    from sync import preview as previews

    load_valid_feed(feed)
    try:
        city = previews.city_of(feed)
        instants = [previews.parse_moment(text, city["timezone"]) for text in moments] or [
            datetime.now(previews.zoneinfo.ZoneInfo(city["timezone"])).replace(microsecond=0)]
        result = previews.preview(feed, out_dir, moments=instants, langs=list(langs) or None,
                                  screens=tuple(screens) or previews.DEFAULT_SCREENS, kiosk_id=kiosk_id)
    except previews.PreviewError as exc:
        raise FileProblem(str(exc)) from None
    for shot in result.failed:
        click.echo(f"{shot.screen} ({shot.lang}, {shot.moment}) failed: {shot.message}", err=True)
    if result.unavailable:
        click.echo(f"not available yet: {', '.join(result.unavailable)}")
    click.echo(f"wrote {len(result.rendered)} screens and {out_dir / 'index.html'}")
    if result.failed:
        raise click.exceptions.Exit(EXIT_REFUSED)


# --------------------------------------------------------------------------- shared helpers


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or exit 2 with a sentence saying which file and why."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise FileProblem(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise FileProblem(f"cannot read {path}: {exc.strerror or exc}") from None


def load_valid_feed(path: Path, raw: bytes | None = None) -> dict:
    """The feed at `path`; exit 2 if it is not JSON, or print its problems and a summary and exit 1."""
    raw = read_bytes(path) if raw is None else raw
    try:
        return read_feed(raw, source=str(path))
    except FeedUnreadable as exc:
        raise FileProblem(str(exc)) from None
    except FeedInvalid as exc:
        for problem in exc.problems:
            click.echo(problem)
        count = len(exc.problems)
        click.echo(f"{path}: {count} {'problem' if count == 1 else 'problems'}; not a valid kiosk feed")
        raise click.exceptions.Exit(EXIT_REFUSED) from None


def describe(document: dict) -> str:
    places, events = document.get("places", []), document.get("events", [])
    return f"valid feed, sequence {document.get('sequence')}, {len(places)} places, {len(events)} events"


def default_signature_path(feed: Path) -> Path:
    return feed.with_name(feed.name + signing.SIGNATURE_SUFFIX)


# `serve` lives in its own module: it is a small web server, not a feed operation.
from sync.serve import serve_command, serve_until_stopped  # noqa: E402

main.add_command(serve_command)


# --------------------------------------------------------------------------- fleet: collect, report


@main.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for the network).")
@click.option("--port", default=8787, show_default=True, type=int)
@click.option("--token", envvar="KIOSK_FLEET_TOKEN", required=True,
              help="The fleet_token the terminals send (or KIOSK_FLEET_TOKEN).")
def collect(db: Path, host: str, port: int, token: str) -> None:
    """Collect feedback, usage counts and heartbeats from terminals into DB (SQLite)."""
    from sync.collector import Collector, make_server

    try:
        server = make_server(Collector(db, token), host, port)
    except OSError as exc:
        raise FileProblem(f"cannot listen on {host}:{port} or open {db}: {exc.strerror or exc}") from None
    click.echo(f"Collecting into {db} at http://{host}:{server.server_address[1]}/feedback, /usage and /heartbeat",
               err=True)
    serve_until_stopped(server)


@main.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--now", "now_text", help="Report as of this instant (ISO, with offset); default now.")
@click.option("--timezone", "tz", default="Europe/Berlin", show_default=True, help="For the week boundaries.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def report(db: Path, now_text: str | None, tz: str, as_json: bool) -> None:
    """Fleet summary from a collector DB: silent terminals first, feedback per topic and week, usage."""
    import json
    from datetime import datetime, timezone

    from sync.report import ReportError, fleet_report, format_report

    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter(f"'{now_text}' is not an ISO date-time such as 2026-11-26T18:00+01:00.",
                                     param_hint="--now") from None
        now = now if now.tzinfo else now.astimezone()
    else:
        now = datetime.now(timezone.utc)
    try:
        summary = fleet_report(db, now=now, tz=tz)
    except ReportError as exc:
        raise FileProblem(str(exc)) from None
    click.echo(json.dumps(summary.as_json(), ensure_ascii=False, indent=1) if as_json else format_report(summary))

