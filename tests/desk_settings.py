"""The desk's settings for the tests: a throw-away data folder, and a fast password hash."""
import os
import tempfile

os.environ.setdefault("DESK_DATA_DIR", tempfile.mkdtemp(prefix="desk-test-"))

from desk.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only: no test is about hashing
