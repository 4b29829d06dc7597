"""Ed25519 keys and signatures (sync/signing.py)."""
from __future__ import annotations

import base64
import stat

import pytest

from sync.signing import (
    PublicKeyError,
    SignatureError,
    load_private_key,
    public_key_b64,
    sign_bytes,
    verify_signature,
    write_keypair,
)

FEED = b'{"format": "kiosk-feed", "sequence": 1}\n'


@pytest.fixture
def signer(tmp_path):
    path, public = write_keypair(tmp_path / "keys")
    return load_private_key(path), public


def test_keypair_files(tmp_path):
    path, public = write_keypair(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# kiosk-feed Ed25519 private key")
    assert len(base64.b64decode(lines[-1], validate=True)) == 32
    assert (tmp_path / "feed-signing.key.pub").read_text().strip() == public
    assert public_key_b64(load_private_key(path)) == public
    assert len(base64.b64decode(public, validate=True)) == 32


def test_write_keypair_refuses_to_replace_a_key_unless_asked(tmp_path):
    path, first = write_keypair(tmp_path)
    with pytest.raises(FileExistsError, match="already exists"):
        write_keypair(tmp_path)
    assert public_key_b64(load_private_key(path)) == first
    _, second = write_keypair(tmp_path, overwrite=True)
    assert second != first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_sign_and_verify(signer):
    key, public = signer
    signature = sign_bytes(FEED, key)
    assert "\n" not in signature and len(base64.b64decode(signature)) == 64
    assert verify_signature(FEED, signature, [public]) == public
    assert verify_signature(FEED, (signature + "\n").encode(), [public]) == public


def test_one_changed_byte_fails(signer):
    key, public = signer
    signature = sign_bytes(FEED, key)
    tampered = FEED.replace(b"1", b"2")
    with pytest.raises(SignatureError, match="^the signature does not match the trusted public key$"):
        verify_signature(tampered, signature, [public])


def test_key_rotation_any_trusted_key_may_sign(tmp_path):
    old_path, old_public = write_keypair(tmp_path / "old")
    new_path, new_public = write_keypair(tmp_path / "new")
    signature = sign_bytes(FEED, load_private_key(new_path))
    assert verify_signature(FEED, signature, [old_public, new_public]) == new_public


def test_an_unknown_key_fails(tmp_path, signer):
    key, _ = signer
    _, other = write_keypair(tmp_path / "other")
    _, third = write_keypair(tmp_path / "third")
    with pytest.raises(SignatureError, match="^the signature does not match any of the 2 trusted public keys$"):
        verify_signature(FEED, sign_bytes(FEED, key), [other, third])


@pytest.mark.parametrize("signature", ["not base64!", "QUJD", b"\xff\xfe"])
def test_malformed_signatures(signer, signature):
    _, public = signer
    with pytest.raises(SignatureError, match=r"^feed\.json\.sig (is not valid base64|holds 3 bytes)"):
        verify_signature(FEED, signature, [public])


@pytest.mark.parametrize("bad", ["xyz", "QUJD", "", base64.b64encode(b"x" * 33).decode()])
def test_malformed_public_keys_are_a_setup_error(signer, bad):
    key, public = signer
    with pytest.raises(PublicKeyError, match=f"^public key '{bad}' is not a base64 32-byte Ed25519 key$"):
        verify_signature(FEED, sign_bytes(FEED, key), [public, bad])


def test_no_trusted_keys(signer):
    key, _ = signer
    with pytest.raises(PublicKeyError, match="no trusted public keys"):
        verify_signature(FEED, sign_bytes(FEED, key), [])


def test_load_private_key_errors(tmp_path):
    with pytest.raises(SignatureError, match="does not exist; create one with `kiosk-feed keygen`"):
        load_private_key(tmp_path / "missing.key")
    wrong = tmp_path / "wrong.key"
    wrong.write_text("# comment\nQUJD\n")
    with pytest.raises(SignatureError, match="not the base64 of 32 bytes"):
        load_private_key(wrong)
    wrong.write_text("one\ntwo\n")
    with pytest.raises(SignatureError, match="expected one line of base64 after the comments, found 2"):
        load_private_key(wrong)
    wrong.write_bytes(b"\x89PNG\r\n")
    with pytest.raises(SignatureError, match="not plain ASCII text"):
        load_private_key(wrong)
