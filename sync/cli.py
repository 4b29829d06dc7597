"""`kiosk-feed`: the publishers' command line.

Exit codes for every command: 0 done, 1 the feed or signature is refused, 2 a file could not be
read or the command was used wrongly.
"""
from __future__ import annotations

from pathlib import Path

import click

from sync import signing
from sync.feed import FeedInvalid, FeedUnreadable, read_feed

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
    """Validate, sign and verify kiosk content feeds (feed.json, format v1)."""


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
