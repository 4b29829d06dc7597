#!/bin/sh
# Prepares a fresh Debian / Raspberry Pi OS checkout: system libraries (when root), .venv, the
# project with its test extras, and compiled translation catalogs. Safe to run again.
set -eu
cd "$(dirname "$0")/.."

# Libraries the Kivy wheel loads at run time (OpenGL through Mesa, touch input) and zbar,
# which the tests use to read QR codes back. Fonts ship in assets/fonts. Chromium (with Noto for
# Arabic and Cyrillic) is the browser the take-along page's tests drive through Playwright, which
# never downloads a browser of its own here (docs/dependencies.md); shellcheck checks our scripts.
# postgresql: the desk's tests start a throw-away server of it (tests/postgresql_server.py).
SYSTEM_PACKAGES="libgl1 libegl1 libgl1-mesa-dri libmtdev1 libzbar0 python3-venv chromium fonts-noto-core shellcheck postgresql"

# eSpeak NG and alsa-utils (aplay, amixer): the speech mode's voice, which the tests render to WAV files.
SYSTEM_PACKAGES="$SYSTEM_PACKAGES espeak-ng alsa-utils"
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in $SYSTEM_PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
    done
fi
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing system packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086 # one word per package: the split is wanted
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "These system packages are missing:$missing"
        echo "Install them with: sudo apt-get install$missing   (or run this as root)."
    fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[publish,test,desk]"
.venv/bin/python -m babel.messages.frontend compile --domain kiosk --directory locales --use-fuzzy >/dev/null 2>&1 || true
# The desk's German words (desk/locale); Babel compiles them, so GNU gettext is not needed.
.venv/bin/python -m babel.messages.frontend compile --domain django --directory desk/locale >/dev/null 2>&1 || true
touch .venv/.installed
