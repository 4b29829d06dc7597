"""`kiosk-feed` validate, keygen, sign, verify (sync/cli.py), through click's runner."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli import main

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def feed(tmp_path) -> Path:
    return Path(shutil.copy(FEEDS / "minimal.json", tmp_path / "feed.json"))


def test_validate_a_valid_feed(run, feed):
    result = run("validate", feed)
    assert result.exit_code == 0
    assert result.output == f"{feed}: valid feed, sequence 7, 2 places, 2 events\n"


def test_validate_lists_all_five_problems(run):
    result = run("validate", FEEDS / "five-mistakes.json")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        "$.city.timezone",
        "$.events[1].id",
        "$.events[1].place_id",
        "$.places[0].website",
        "$.places[1].opening_hours",
    ]
    assert lines[-1] == f"{FEEDS / 'five-mistakes.json'}: 5 problems; not a valid kiosk feed"


def test_validate_missing_file_exits_2(run, tmp_path):
    result = run("validate", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert f"cannot read {tmp_path / 'nope.json'}: no such file" in result.stderr


def test_validate_not_json_exits_2(run, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "kiosk-feed",\n  sequence: 3}')
    result = run("validate", broken)
    assert result.exit_code == 2
    assert f"{broken} is not valid JSON" in result.stderr
    assert "line 2, column 3" in result.stderr


def test_keygen_sign_verify_round_trip(run, feed, tmp_path):
    keygen = run("keygen", "--out", tmp_path / "keys")
    assert keygen.exit_code == 0
    public = keygen.stdout.strip()
    assert len(public) == 44
    key = tmp_path / "keys" / "feed-signing.key"

    signed = run("sign", feed, "--key", key)
    assert signed.exit_code == 0, signed.output
    signature = (tmp_path / "feed.json.sig").read_text()
    assert signature.endswith("\n") and signature.count("\n") == 1

    verified = run("verify", feed, "--public-key", public)
    assert verified.exit_code == 0
    assert f"signature good, made by public key {public}" in verified.stdout


def test_keygen_refuses_to_overwrite_unless_forced(run, tmp_path):
    first = run("keygen", "--out", tmp_path).stdout.strip()
    again = run("keygen", "--out", tmp_path)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert (tmp_path / "feed-signing.key.pub").read_text().strip() == first
    forced = run("keygen", "--out", tmp_path, "--force")
    assert forced.exit_code == 0 and forced.stdout.strip() != first


@pytest.fixture
def signed(run, feed, tmp_path):
    public = run("keygen", "--out", tmp_path / "keys").stdout.strip()
    assert run("sign", feed, "--key", tmp_path / "keys" / "feed-signing.key").exit_code == 0
    return feed, public


def test_a_tampered_feed_fails_verify(run, signed):
    feed, public = signed
    raw = bytearray(feed.read_bytes())
    raw[raw.index(b'"sequence": 7') + len('"sequence": ')] = ord("9")
    feed.write_bytes(bytes(raw))
    result = run("verify", feed, "--public-key", public)
    assert result.exit_code == 1
    assert "the signature does not match the trusted public key" in result.stderr


def test_a_signature_by_an_unknown_key_fails(run, signed, tmp_path):
    feed, _ = signed
    stranger = run("keygen", "--out", tmp_path / "stranger").stdout.strip()
    result = run("verify", feed, "--public-key", stranger)
    assert result.exit_code == 1


def test_key_rotation_second_key_signs(run, feed, tmp_path):
    old = run("keygen", "--out", tmp_path / "old").stdout.strip()
    new = run("keygen", "--out", tmp_path / "new").stdout.strip()
    assert run("sign", feed, "--key", tmp_path / "new" / "feed-signing.key").exit_code == 0
    result = run("verify", feed, "--public-key", old, "--public-key", new)
    assert result.exit_code == 0
    assert new in result.stdout


def test_verify_with_signature_elsewhere_and_missing_files(run, signed, tmp_path):
    feed, public = signed
    moved = tmp_path / "elsewhere.sig"
    (tmp_path / "feed.json.sig").rename(moved)
    assert run("verify", feed, "--public-key", public, "--signature", moved).exit_code == 0
    missing = run("verify", feed, "--public-key", public)
    assert missing.exit_code == 2 and "feed.json.sig: no such file" in missing.stderr
    assert run("verify", tmp_path / "gone.json", "--public-key", public).exit_code == 2


def test_verify_with_a_malformed_public_key_exits_2(run, signed):
    feed, _ = signed
    result = run("verify", feed, "--public-key", "xyz")
    assert result.exit_code == 2
    assert "public key 'xyz' is not a base64 32-byte Ed25519 key" in result.stderr


def test_sign_refuses_an_invalid_feed_unless_told(run, tmp_path):
    feed = Path(shutil.copy(FEEDS / "five-mistakes.json", tmp_path / "feed.json"))
    run("keygen", "--out", tmp_path)
    key = tmp_path / "feed-signing.key"
    refused = run("sign", feed, "--key", key)
    assert refused.exit_code == 1
    assert "$.city.timezone: " in refused.stdout
    assert not (tmp_path / "feed.json.sig").exists()
    assert run("sign", feed, "--key", key, "--no-validate").exit_code == 0
    assert (tmp_path / "feed.json.sig").exists()


def test_sign_with_a_missing_key_exits_2(run, feed, tmp_path):
    result = run("sign", feed, "--key", tmp_path / "none.key")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_installed_console_script(feed):
    script = Path(sys.executable).with_name("kiosk-feed")
    if not script.exists():
        pytest.skip("kiosk-feed is not installed next to this Python")
    result = subprocess.run([script, "validate", feed], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "valid feed, sequence 7" in result.stdout
