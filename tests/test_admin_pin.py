"""kiosk/admin_pin.py and `kiosk admin set-pin`: salted hashes, constant-time checks, a lockout with an injected clock."""
from __future__ import annotations

import hashlib
import tomllib

import pytest
from click.testing import CliRunner

from kiosk.admin_pin import PinError, PinGuard, hash_pin, pin_hash_problem, verify_pin
from kiosk.cli import main as kiosk_cli


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_pin("482915")


def test_a_hash_names_its_algorithm_parameters_and_salt(stored):
    algorithm, n, r, p, salt, digest = stored.split("$")
    assert (algorithm, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) >= 22 and len(digest) >= 43
    assert "482915" not in stored


def test_the_same_pin_hashes_differently_each_time_and_verifies(stored):
    assert hash_pin("482915") != stored
    assert verify_pin("482915", stored)
    assert not verify_pin("482916", stored)
    assert not verify_pin("", stored)


def test_pbkdf2_hashes_verify_too():
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", b"2468", salt, 1000)
    import base64

    b64 = lambda b: base64.b64encode(b).decode().rstrip("=")  # noqa: E731
    stored = f"pbkdf2_sha256$1000${b64(salt)}${b64(digest)}"
    assert verify_pin("2468", stored) and not verify_pin("2469", stored)


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "١٢٣٤", " 1234", ""])
def test_a_pin_is_4_to_12_ascii_digits(pin):
    with pytest.raises(PinError, match="4 to 12 digits"):
        hash_pin(pin)


@pytest.mark.parametrize("stored", [None, "", "1234", "md5$abc", "scrypt$x$8$1$AA$AA", "scrypt$3$8$1$AA$AA",
                                    "scrypt$16384$8$1$!!$AA", "pbkdf2_sha256$5$AA$AA"])
def test_an_unusable_stored_hash_never_matches_and_is_explained(stored):
    assert verify_pin("1234", stored) is False
    problem = pin_hash_problem(stored)
    assert problem and problem.endswith((".", "set-pin"))


def test_a_good_hash_has_no_problem(stored):
    assert pin_hash_problem(stored) is None


def test_five_wrong_tries_lock_for_five_minutes_even_for_the_right_pin(stored):
    guard = PinGuard(stored)
    t = 1000.0
    for left in (4, 3, 2, 1):
        attempt = guard.attempt("0000", t)
        assert (attempt.accepted, attempt.locked, attempt.tries_left) == (False, False, left)
        t += 1
    fifth = guard.attempt("0000", t)
    assert fifth.locked and fifth.retry_after_s == 300
    during = guard.attempt("482915", t + 299)
    assert not during.accepted and during.locked and during.retry_after_s == pytest.approx(1)
    assert guard.retry_after(t + 299.5) == pytest.approx(0.5)
    after = guard.attempt("482915", t + 300)
    assert after.accepted and not after.locked and after.tries_left == 5


def test_a_right_pin_resets_the_count_and_the_lock_ends_with_a_fresh_count(stored):
    guard = PinGuard(stored)
    for _ in range(4):
        guard.attempt("1111", 0.0)
    assert guard.attempt("482915", 1.0).accepted
    assert guard.attempt("1111", 2.0).tries_left == 4
    for _ in range(4):
        guard.attempt("1111", 3.0)
    assert guard.attempt("1111", 303.0 + 1).tries_left == 4


def test_without_a_configured_hash_every_pin_is_refused():
    guard = PinGuard(None)
    assert not guard.attempt("1234", 0.0).accepted


def test_hash_pin_command_prints_a_kiosk_toml_line_that_verifies():
    result = CliRunner().invoke(kiosk_cli, ["admin", "set-pin", "--pin", "7391"])
    assert result.exit_code == 0, result.output
    value = tomllib.loads(result.output)["admin_pin_hash"]
    assert verify_pin("7391", value)


def test_hash_pin_command_asks_twice_and_refuses_a_short_pin():
    asked = CliRunner().invoke(kiosk_cli, ["admin", "set-pin"], input="5555\n5555\n")
    assert asked.exit_code == 0 and "Repeat the PIN" in asked.output
    assert verify_pin("5555", tomllib.loads(asked.output.splitlines()[-1])["admin_pin_hash"])
    short = CliRunner().invoke(kiosk_cli, ["admin", "set-pin", "--pin", "12"])
    assert short.exit_code == 2 and "4 to 12 digits" in short.output


def test_each_lockout_doubles_until_a_day_and_the_right_pin_resets_it(stored):
    guard = PinGuard(stored)
    t, waits = 0.0, []
    for _ in range(11):
        for _ in range(5):
            attempt = guard.attempt("0000", t)
        waits.append(attempt.retry_after_s)
        t += attempt.retry_after_s
    assert waits[:5] == [300, 600, 1200, 2400, 4800] and waits[-1] == 86_400
    assert guard.attempt("482915", t).accepted
    for _ in range(5):
        attempt = guard.attempt("0000", t)
    assert attempt.retry_after_s == 300
    # A 4-digit PIN at 5 guesses per lockout: over a year to try half of them, where 1,437 a day found it in days.
    assert sum(waits) + 86_400 * ((5000 // 5) - len(waits)) > 365 * 86_400


def test_the_count_survives_a_restart_and_a_restart_never_shortens_a_lock(stored, tmp_path):
    state = tmp_path / "admin-pin.json"
    guard = PinGuard(stored, state_path=state, now=0.0)
    for _ in range(3):
        guard.attempt("0000", 1.0)
    restarted = PinGuard(stored, state_path=state, now=5000.0)
    assert restarted.attempt("0000", 5001.0).tries_left == 1
    assert restarted.attempt("0000", 5002.0).locked
    rebooted = PinGuard(stored, state_path=state, now=10.0)  # monotonic time starts again after a reboot
    assert rebooted.retry_after(10.0) == 300 and not rebooted.attempt("482915", 309.0).accepted
    assert rebooted.attempt("482915", 310.0).accepted
    assert PinGuard(stored, state_path=state, now=0.0).retry_after(0.0) == 0


def test_a_damaged_state_file_starts_locked_rather_than_open(stored, tmp_path):
    state = tmp_path / "admin-pin.json"
    state.write_text("{not json", encoding="utf-8")
    guard = PinGuard(stored, state_path=state, now=0.0)
    assert guard.attempt("482915", 1.0).locked
    assert guard.attempt("482915", 300.0).accepted
