"""The desk's settings for the tests: a throw-away data folder, and a fast password hash."""
import atexit
import os
import shutil
import tempfile

if "DESK_DATA_DIR" not in os.environ:
    os.environ["DESK_DATA_DIR"] = tempfile.mkdtemp(prefix="desk-test-")
    atexit.register(shutil.rmtree, os.environ["DESK_DATA_DIR"], True)

from desk.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only: no test is about hashing
