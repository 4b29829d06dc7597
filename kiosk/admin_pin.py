"""The admin panel's PIN: salted, self-describing hashes and a lockout against guessing.

kiosk.toml holds only `admin_pin_hash`, e.g. "scrypt$16384$8$1$<salt>$<hash>" (base64 without
padding), made with `kiosk admin set-pin`. "pbkdf2_sha256$<iterations>$<salt>$<hash>" is accepted
too, for Pythons built without scrypt. Five wrong tries lock the panel for five minutes, each
further lockout twice as long (up to a day) until the right PIN is entered; with a state file the
count survives a restart, and a restart never shortens a lock. The guard takes the time as an
argument (pass time.monotonic(), which NTP corrections do not move).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sync.status import write_json_atomically

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PBKDF2_ITERATIONS = 600_000
MAX_TRIES = 5
LOCKOUT_S = 300.0
MAX_LOCKOUT_S = 86_400.0  # at most 5 guesses a day once escalated: a 4-digit PIN then takes years
log = logging.getLogger(__name__)


class PinError(ValueError):
    """A PIN or a stored hash that cannot be used; the message says what is wrong."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def check_pin(pin: str) -> str:
    """The PIN if it is 4 to 12 digits; PinError otherwise."""
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit() or not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise PinError(f"The PIN must be {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits (0-9), nothing else.")
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash of `pin` that names its own parameters (pbkdf2 where scrypt is missing)."""
    secret = check_pin(pin).encode("ascii")
    salt = salt or os.urandom(16)
    if hasattr(hashlib, "scrypt"):
        digest = hashlib.scrypt(secret, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
        return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"
    digest = hashlib.pbkdf2_hmac("sha256", secret, salt, PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${_b64(salt)}${_b64(digest)}"


def _derive(pin: bytes, stored: str) -> tuple[bytes, bytes]:
    """(derived, expected) for a stored hash; PinError when it is not one this module writes."""
    parts = stored.split("$")
    try:
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = (int(x) for x in parts[1:4])
            if n < 2 or n & (n - 1) or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16:
                raise PinError("The admin_pin_hash has scrypt parameters out of range.")
            salt, expected = _unb64(parts[4]), _unb64(parts[5])
            return hashlib.scrypt(pin, salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=256 * 1024 * 1024), expected
        if parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            iterations = int(parts[1])
            if not 1000 <= iterations <= 10_000_000:
                raise PinError("The admin_pin_hash has a pbkdf2 iteration count out of range.")
            salt, expected = _unb64(parts[2]), _unb64(parts[3])
            return hashlib.pbkdf2_hmac("sha256", pin, salt, iterations, dklen=len(expected)), expected
    except (ValueError, binascii.Error) as exc:
        if isinstance(exc, PinError):
            raise
        raise PinError("The admin_pin_hash is damaged (a number or base64 part does not parse); make a new one with: kiosk admin set-pin") from None
    raise PinError("The admin_pin_hash is not a hash from `kiosk admin set-pin` (it should start with scrypt$).")


def pin_hash_problem(stored: str | None) -> str | None:
    """A sentence for the log and status when the configured hash is unusable; None when it is fine."""
    if not stored:
        return "No admin_pin_hash is configured, so the admin panel stays locked; set one with kiosk admin set-pin."
    try:
        _derive(b"0000", stored)
    except PinError as exc:
        return str(exc)
    return None


def verify_pin(pin: str, stored: str | None) -> bool:
    """Whether `pin` matches the stored hash, compared in constant time; False for an unusable hash."""
    if not stored or not isinstance(pin, str) or not pin.isascii():
        return False
    try:
        derived, expected = _derive(pin.encode("ascii"), stored)
    except PinError:
        return False
    return hmac.compare_digest(derived, expected)


@dataclass(frozen=True)
class PinAttempt:
    accepted: bool
    locked: bool
    tries_left: int
    retry_after_s: float  # seconds until the panel accepts tries again (0 when it does)


class PinGuard:
    """Counts wrong PINs: after `max_tries` in a row it refuses every try for a while.

    The first lockout lasts `lockout_s`, each further one twice as long as the one before (at most
    MAX_LOCKOUT_S), until the right PIN resets everything. With `state_path` the counts are kept in
    a small JSON file; a guard that starts while a lock was on starts that lock again in full.
    """

    def __init__(self, stored_hash: str | None, *, max_tries: int = MAX_TRIES, lockout_s: float = LOCKOUT_S,
                 state_path: str | os.PathLike | None = None, now: float = 0.0):
        self.stored_hash = stored_hash
        self.max_tries = max_tries
        self.lockout_s = lockout_s
        self.state_path = Path(state_path) if state_path else None
        self._wrong = 0
        self._lockouts = 0  # lockouts since the last right PIN: each one doubles the next
        self._locked_until: float | None = None
        self._load(now)

    def lockout_for(self, lockouts: int) -> float:
        """How long the `lockouts`-th lockout in a row lasts (1 for the first)."""
        return min(self.lockout_s * 2 ** min(max(lockouts - 1, 0), 32), MAX_LOCKOUT_S)

    def retry_after(self, now: float) -> float:
        """Seconds until tries are accepted again; 0 when the panel is not locked."""
        if self._locked_until is None:
            return 0.0
        if now >= self._locked_until:
            self._locked_until = None
            self._wrong = 0
            self._save()
            return 0.0
        return self._locked_until - now

    def attempt(self, pin: str, now: float) -> PinAttempt:
        """Check one PIN at monotonic time `now`; a locked guard does not even look at it."""
        if wait := self.retry_after(now):
            return PinAttempt(False, True, 0, wait)
        if verify_pin(pin, self.stored_hash):
            self._wrong = self._lockouts = 0
            self._save()
            return PinAttempt(True, False, self.max_tries, 0.0)
        self._wrong += 1
        if self._wrong >= self.max_tries:
            self._lockouts += 1
            wait = self.lockout_for(self._lockouts)
            self._locked_until = now + wait
            self._save()
            return PinAttempt(False, True, 0, wait)
        self._save()
        return PinAttempt(False, False, self.max_tries - self._wrong, 0.0)

    def _load(self, now: float) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            wrong, lockouts, locked = int(state["wrong"]), int(state["lockouts"]), state["locked"] is True
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A damaged file must not open the panel: count it as a lockout on top of nothing known.
            log.warning("The PIN state file %s cannot be read (%s); the panel starts locked.", self.state_path, exc)
            wrong, lockouts, locked = 0, 1, True
        self._wrong, self._lockouts = max(wrong, 0), max(lockouts, 0)
        if locked:
            self._locked_until = now + self.lockout_for(max(self._lockouts, 1))

    def _save(self) -> None:
        if self.state_path is None:
            return
        state = {"wrong": self._wrong, "lockouts": self._lockouts, "locked": self._locked_until is not None}
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(self.state_path, state)
        except OSError as exc:  # the lockout in memory still holds; only a restart would forget it
            log.warning("The PIN state file %s cannot be written: %s", self.state_path, exc.strerror or exc)
