"""Ed25519 keys and signatures for feed.json (PyNaCl).

Public keys travel as the base64 of the raw 32-byte key; a terminal trusts a list of them so that
keys can be rotated. The private key file is text: a comment line, then the base64 of the 32-byte
seed.
"""
from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from sync.files import write_bytes_atomically

KEY_FILE_NAME = "feed-signing.key"
KEY_FILE_HEADER = "# kiosk-feed Ed25519 private key: base64 of the 32-byte seed. Keep it secret."
SIGNATURE_SUFFIX = ".sig"


class SignatureError(Exception):
    """A signature, a key or a key file is not acceptable; the message says which and why."""


class PublicKeyError(SignatureError):
    """A configured trusted public key is malformed (a set-up mistake, not a bad feed)."""


def generate_key() -> SigningKey:
    return SigningKey.generate()


def public_key_b64(key: SigningKey | VerifyKey) -> str:
    """The base64 of the raw 32-byte public key, as terminals are configured with it."""
    verify_key = key.verify_key if isinstance(key, SigningKey) else key
    return base64.b64encode(bytes(verify_key)).decode("ascii")


def write_keypair(out_dir: str | os.PathLike, *, overwrite: bool = False) -> tuple[Path, str]:
    """A new key: `feed-signing.key` (mode 0600) and `feed-signing.key.pub` in `out_dir`.

    Returns the private key's path and the base64 public key. Refuses to replace an existing
    private key unless `overwrite`.
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / KEY_FILE_NAME
    if private_path.exists() and not overwrite:
        raise FileExistsError(
            f"{private_path} already exists; refusing to replace a signing key "
            "(terminals may trust it); choose another directory or pass --force"
        )
    key = generate_key()
    public = public_key_b64(key)
    seed = base64.b64encode(bytes(key)).decode("ascii")
    body = f"{KEY_FILE_HEADER}\n# public key: {public}\n{seed}\n"
    write_bytes_atomically(private_path, body.encode("ascii"), mode=0o600)
    write_bytes_atomically(_public_key_path(private_path), f"{public}\n".encode("ascii"), mode=0o644)
    return private_path, public


def _public_key_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def load_private_key(path: str | os.PathLike) -> SigningKey:
    """The signing key in a file written by `write_keypair`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise SignatureError(f"private key file {path} does not exist; create one with `kiosk-feed keygen`") from None
    except UnicodeDecodeError:
        raise SignatureError(f"{path} is not a kiosk-feed private key file: it is not plain ASCII text") from None
    except OSError as exc:
        raise SignatureError(f"cannot read private key file {path}: {exc.strerror or exc}") from None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) != 1:
        raise SignatureError(
            f"{path} is not a kiosk-feed private key file: expected one line of base64 "
            f"after the comments, found {len(lines)}"
        )
    seed = _b64decode(lines[0])
    if seed is None or len(seed) != 32:
        raise SignatureError(f"{path} is not a kiosk-feed private key file: the key is not the base64 of 32 bytes")
    return SigningKey(seed)


def sign_bytes(data: bytes, key: SigningKey) -> str:
    """The Ed25519 signature of exactly `data`, as one line of base64."""
    return base64.b64encode(key.sign(data).signature).decode("ascii")


def verify_signature(
    data: bytes,
    signature: str | bytes,
    public_keys: list[str],
    *,
    signature_source: str = "feed.json.sig",
) -> str:
    """The trusted public key (base64) that signed `data`; SignatureError if none did."""
    verify_keys = [(text, parse_public_key(text)) for text in public_keys]
    if not verify_keys:
        raise PublicKeyError("no trusted public keys are configured, so no feed can be accepted")
    raw_signature = _b64decode(signature)
    if raw_signature is None:
        raise SignatureError(f"{signature_source} is not valid base64")
    if len(raw_signature) != 64:
        raise SignatureError(
            f"{signature_source} holds {len(raw_signature)} bytes, not the 64 bytes of an Ed25519 signature"
        )
    for text, verify_key in verify_keys:
        try:
            verify_key.verify(data, raw_signature)
        except BadSignatureError:
            continue
        return text
    count = len(verify_keys)
    trusted = "the trusted public key" if count == 1 else f"any of the {count} trusted public keys"
    raise SignatureError(f"the signature does not match {trusted}")


def parse_public_key(text: str) -> VerifyKey:
    """A trusted public key from its base64 form."""
    raw = _b64decode(text) if isinstance(text, (str, bytes)) else None
    if raw is None or len(raw) != 32:
        raise PublicKeyError(f"public key {_quoted(text)} is not a base64 32-byte Ed25519 key")
    return VerifyKey(raw)


def _b64decode(text: str | bytes) -> bytes | None:
    """Strict base64 (surrounding whitespace allowed), or None."""
    try:
        data = text.strip().encode("ascii") if isinstance(text, str) else bytes(text).strip()
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _quoted(value: object) -> str:
    text = str(value)
    return "'" + (text if len(text) <= 60 else text[:59] + "…") + "'"


def write_signature(path: str | os.PathLike, signature: str) -> None:
    """feed.json.sig: one line of base64."""
    write_bytes_atomically(Path(path), f"{signature}\n".encode("ascii"), mode=0o644)
