#!/bin/bash
# Installs the kiosk on a Raspberry Pi 4 or 5 with Raspberry Pi OS Bookworm (Lite or Desktop):
# a non-root service user, the app in /opt/kiosk with its own venv, /etc/kiosk/kiosk.toml, the
# systemd unit, and no screen blanking. Safe to run again (that is how a terminal is updated).
# --dry-run prints every command and every file with its contents, and changes nothing.
# See deploy/README.md and docs/operating.md.
set -eu

APP_DIR=/opt/kiosk
VENV_DIR=$APP_DIR/.venv
CONFIG_DIR=/etc/kiosk
CONFIG_FILE=$CONFIG_DIR/kiosk.toml
DATA_DIR=/var/lib/kiosk
UNIT_FILE=/etc/systemd/system/kiosk.service
SERVICE_USER=kiosk
SERVICE_GROUPS="input render video audio"
# Overridable so the tests can show the planned edit on a copy.
CMDLINE_FILE=${KIOSK_CMDLINE_FILE:-/boot/firmware/cmdline.txt}
# Kivy's wheel loads OpenGL ES through Mesa and touch through mtdev; rsync copies the app; eSpeak NG
# and alsa-utils (aplay, amixer) are the speech mode's voice and headphone jack (docs/accessibility.md).
SYSTEM_PACKAGES="python3-venv python3-dev rsync libgl1 libegl1 libgles2 libgl1-mesa-dri libgbm1 libdrm2 libmtdev1 espeak-ng alsa-utils"
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
ORIGINAL_ARGS="$*"

DRY_RUN=0
REPLACE_CONFIG=0
KIOSK_ID=""
FEED_URL=""
PUBLIC_KEYS=()
ORIENTATION=portrait
COLLECTOR_URL=""
FLEET_TOKEN_FILE=""
ADMIN_PIN_HASH=""

usage() {
    cat <<'USAGE'
Usage: deploy/install.sh --kiosk-id ID --feed-url URL --public-key B64 [--public-key B64 ...]
                         [--orientation portrait|landscape] [--collector-url URL]
                         [--fleet-token-file FILE] [--admin-pin-hash HASH] [--replace-config]
                         [--dry-run]

  --kiosk-id ID           this terminal's id in the feed (letters, digits, . _ -)
  --feed-url URL          the signed feed: https://... or file:///media/usb/feed.json
  --public-key B64        a trusted feed-signing key (base64); repeat for key rotation
  --orientation O         portrait (default) or landscape
  --collector-url URL     base URL of the fleet collector: sets feedback_url, usage_url, heartbeat_url
  --fleet-token-file F    a file holding the fleet token (kept off the command line and out of ps)
  --admin-pin-hash HASH   from `kiosk admin set-pin`
  --replace-config        overwrite an existing /etc/kiosk/kiosk.toml (default: write kiosk.toml.new beside it)
  --dry-run               print every step, command and file, change nothing (no root needed)
USAGE
}

fail() {
    echo "install.sh: $*" >&2
    exit 2
}

value_of() {
    # $1 option name, $2 the number of arguments left, $3 the value.
    if [ "$2" -lt 2 ]; then
        fail "$1 needs a value; run with --help to see the options."
    fi
    printf '%s' "$3"
}

while [ $# -gt 0 ]; do
    case $1 in
        --kiosk-id) KIOSK_ID=$(value_of "$1" $# "${2-}"); shift 2 ;;
        --feed-url) FEED_URL=$(value_of "$1" $# "${2-}"); shift 2 ;;
        --public-key) PUBLIC_KEYS+=("$(value_of "$1" $# "${2-}")"); shift 2 ;;
        --orientation) ORIENTATION=$(value_of "$1" $# "${2-}"); shift 2 ;;
        --collector-url) COLLECTOR_URL=$(value_of "$1" $# "${2-}"); shift 2 ;;
        --fleet-token-file) FLEET_TOKEN_FILE=$(value_of "$1" $# "${2-}"); shift 2 ;;
        --admin-pin-hash) ADMIN_PIN_HASH=$(value_of "$1" $# "${2-}"); shift 2 ;;
        --replace-config) REPLACE_CONFIG=1; shift ;;
        --dry-run) DRY_RUN=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) fail "'$1' is not an option of this script; run with --help to see the options." ;;
    esac
done

# ------------------------------------------------------------------ checks before anything changes

[ -n "$KIOSK_ID" ] || fail "--kiosk-id is missing: give the terminal's id from the feed, e.g. --kiosk-id reinoldikirche."
[[ $KIOSK_ID =~ ^[A-Za-z0-9._-]{1,64}$ ]] || fail "--kiosk-id '$KIOSK_ID' may only use letters, digits, dots, dashes and underscores."
[ -n "$FEED_URL" ] || fail "--feed-url is missing: give the signed feed's https:// or file:// URL."
case $FEED_URL in
    http://*) fail "--feed-url uses http://; terminals fetch feeds over https:// (or file:// from a USB stick)." ;;
    https://*|file:///*) ;;
    *) fail "--feed-url '$FEED_URL' must start with https:// or file:///." ;;
esac
[[ $FEED_URL =~ ^[^[:space:]\"\\]+$ ]] || fail "--feed-url may not contain spaces, quotes or backslashes."
[ ${#PUBLIC_KEYS[@]} -gt 0 ] || fail "--public-key is missing: give the base64 public key that signs the feed (kiosk-feed keygen prints it)."
for key in "${PUBLIC_KEYS[@]}"; do
    [[ $key =~ ^[A-Za-z0-9+/]{43}=$ ]] || fail "--public-key '$key' is not a base64 Ed25519 public key (44 characters ending in =)."
done
case $ORIENTATION in
    portrait|landscape) ;;
    *) fail "--orientation must be portrait or landscape, not '$ORIENTATION'." ;;
esac
if [ -n "$COLLECTOR_URL" ]; then
    [[ $COLLECTOR_URL =~ ^https://[^[:space:]\"\\]+$ ]] || fail "--collector-url must be an https:// URL without spaces or quotes."
    COLLECTOR_URL=${COLLECTOR_URL%/}
fi
FLEET_TOKEN=""
if [ -n "$FLEET_TOKEN_FILE" ]; then
    [ -r "$FLEET_TOKEN_FILE" ] || fail "--fleet-token-file $FLEET_TOKEN_FILE cannot be read."
    FLEET_TOKEN=$(tr -d '[:space:]' < "$FLEET_TOKEN_FILE")
    [[ $FLEET_TOKEN =~ ^[A-Za-z0-9._~+/=-]{16,256}$ ]] || fail "The fleet token in $FLEET_TOKEN_FILE must be 16 to 256 letters, digits or ._~+/=- characters."
fi
if [ -n "$ADMIN_PIN_HASH" ]; then
    [[ $ADMIN_PIN_HASH =~ ^(scrypt|pbkdf2_sha256)\$[A-Za-z0-9+/\$]+$ ]] || fail "--admin-pin-hash is not a hash from 'kiosk admin set-pin'."
fi
if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
    fail "This script installs system files and a service user, so it must run as root: sudo $0 $ORIGINAL_ARGS  (or add --dry-run to only see the steps)."
fi

# ------------------------------------------------------------------ how steps are run or shown

STEP=0
step() {
    STEP=$((STEP + 1))
    echo
    echo "==> Step $STEP: $*"
}

note() {
    echo "    $*"
}

shell_word() {
    if [[ $1 =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

run() {
    # Quoted so that every printed line can be pasted into a shell as it stands.
    local word line="+"
    for word in "$@"; do
        line="$line $(shell_word "$word")"
    done
    echo "$line"
    if [ "$DRY_RUN" = 0 ]; then
        "$@"
    fi
}

# write_file PATH MODE OWNER:GROUP < contents
write_file() {
    local path=$1 mode=$2 owner=$3 contents
    contents=$(cat)
    if [ "$DRY_RUN" = 1 ]; then
        echo "+ write $path (mode $mode, owner $owner):"
        echo "----- begin $path -----"
        printf '%s\n' "$contents"
        echo "----- end $path -----"
        return
    fi
    echo "+ write $path (mode $mode, owner $owner)"
    local tmp
    tmp=$(mktemp "$path.XXXXXX")
    printf '%s\n' "$contents" > "$tmp"
    chown "$owner" "$tmp"
    chmod "$mode" "$tmp"
    # Rename into place: a power cut leaves the old file or the new one, never half of it.
    mv -f "$tmp" "$path"
}

toml_list() {
    local first=1 item
    printf '['
    for item in "$@"; do
        [ "$first" = 1 ] || printf ', '
        printf '"%s"' "$item"
        first=0
    done
    printf ']'
}

kiosk_toml() {
    echo "# Written by deploy/install.sh; every key is described in docs/operating.md."
    echo "kiosk_id = \"$KIOSK_ID\""
    echo "feed_url = \"$FEED_URL\""
    echo "public_keys = $(toml_list "${PUBLIC_KEYS[@]}")"
    echo "data_dir = \"$DATA_DIR\""
    echo "fullscreen = true"
    echo "orientation = \"$ORIENTATION\""
    if [ -n "$COLLECTOR_URL" ]; then
        echo "feedback_url = \"$COLLECTOR_URL/feedback\""
        echo "usage_url = \"$COLLECTOR_URL/usage\""
        echo "heartbeat_url = \"$COLLECTOR_URL/heartbeat\""
    else
        echo "# feedback_url = \"https://collector.example/feedback\""
        echo "# usage_url = \"https://collector.example/usage\""
        echo "# heartbeat_url = \"https://collector.example/heartbeat\""
    fi
    if [ -n "$FLEET_TOKEN" ]; then
        echo "fleet_token = \"$FLEET_TOKEN\""
    else
        echo "# fleet_token = \"the token the collector was started with\""
    fi
    if [ -n "$ADMIN_PIN_HASH" ]; then
        echo "admin_pin_hash = \"$ADMIN_PIN_HASH\""
    else
        echo "# admin_pin_hash = \"from: kiosk admin set-pin\""
    fi
    echo "# night_mode = \"22:00-06:00\""
    echo "# prometheus_file = \"$DATA_DIR/kiosk.prom\""
}

if [ "$DRY_RUN" = 1 ]; then
    echo "Dry run: these are the steps for terminal '$KIOSK_ID'; nothing is changed."
fi

# ------------------------------------------------------------------ the steps

step "Check the machine (Raspberry Pi OS Bookworm on a Pi 4 or 5)"
# shellcheck disable=SC1091 # the system's file, read only for its codename
codename=$( . /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-unknown}" ) || codename=unknown
model=$(tr -d '\0' 2>/dev/null < /proc/device-tree/model) || model="not a Raspberry Pi"
note "system: $codename; hardware: $model"
[ "$codename" = bookworm ] || note "warning: this script is written for Bookworm; other releases may need other package names."

step "Install the system libraries Kivy needs"
run apt-get update
# shellcheck disable=SC2086 # the package list is meant to split into words
run apt-get install -y --no-install-recommends $SYSTEM_PACKAGES

step "Create the service user '$SERVICE_USER' (no login, no root) in the groups $SERVICE_GROUPS"
if id "$SERVICE_USER" >/dev/null 2>&1; then
    note "the user $SERVICE_USER exists already"
else
    run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
fi
# input: touch events (and the headphone jack's switch) from /dev/input; render and video: the GPU and the
# display through /dev/dri; audio: speech through ALSA (/dev/snd).
run usermod --append --groups "${SERVICE_GROUPS// /,}" "$SERVICE_USER"

step "Copy the app from $SOURCE_DIR to $APP_DIR (owned by root: the service can read it, not change it)"
if [ "$SOURCE_DIR" = "$APP_DIR" ]; then
    note "running from $APP_DIR itself; nothing to copy"
else
    run install -d -m 0755 -o root -g root "$APP_DIR"
    run rsync -a --delete --chown=root:root --exclude=/.venv --exclude=/.git --exclude=__pycache__ \
        --exclude=.pytest_cache --exclude='*.egg-info' "$SOURCE_DIR/" "$APP_DIR/"
fi

step "Create the virtual environment $VENV_DIR and install the app into it"
run python3 -m venv "$VENV_DIR"
run "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# Editable: the app finds its assets, fonts and translations beside its code in /opt/kiosk.
run "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check -e "$APP_DIR"
run "$VENV_DIR/bin/python" -m babel.messages.frontend compile --domain kiosk --directory "$APP_DIR/locales" --use-fuzzy
# /opt is read-only for the service (ProtectSystem=strict), so compile the bytecode now.
run "$VENV_DIR/bin/python" -m compileall -q "$APP_DIR/kiosk" "$APP_DIR/sync"

step "Create $CONFIG_DIR and the data folder $DATA_DIR"
run install -d -m 0755 -o root -g root "$CONFIG_DIR"
run install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$DATA_DIR"

step "Write the terminal settings $CONFIG_FILE"
config_target=$CONFIG_FILE
if [ -e "$CONFIG_FILE" ] && [ "$REPLACE_CONFIG" = 0 ]; then
    config_target=$CONFIG_FILE.new
    note "$CONFIG_FILE exists and is kept (it may hold a fleet token or PIN hash added by hand);"
    note "the new settings go to $config_target: compare them, or run again with --replace-config."
fi
# 0640 root:kiosk: the fleet token is readable by the service, not by other users.
kiosk_toml | write_file "$config_target" 0640 "root:$SERVICE_USER"
run "$VENV_DIR/bin/python" -c 'import sys; from kiosk.config import load_config; load_config(sys.argv[1])' "$config_target"

step "Install the systemd unit $UNIT_FILE (Type=notify, watchdog, restart on failure)"
write_file "$UNIT_FILE" 0644 root:root < "$SOURCE_DIR/deploy/kiosk.service"
run systemctl daemon-reload
run systemctl enable kiosk.service

step "Disable screen blanking (consoleblank=0 on the kernel command line $CMDLINE_FILE)"
if [ ! -f "$CMDLINE_FILE" ]; then
    note "warning: $CMDLINE_FILE does not exist (not a Raspberry Pi?); add consoleblank=0 to the kernel command line by hand."
elif grep -qE '(^| )consoleblank=0( |$)' "$CMDLINE_FILE"; then
    note "consoleblank=0 is set already"
elif grep -qE '(^| )consoleblank=[0-9]+' "$CMDLINE_FILE"; then
    run cp -p "$CMDLINE_FILE" "$CMDLINE_FILE.before-kiosk"
    run sed -i -E '1 s/(^| )consoleblank=[0-9]+/\1consoleblank=0/' "$CMDLINE_FILE"
    note "the kernel command line becomes: $(sed -E '1 s/(^| )consoleblank=[0-9]+/\1consoleblank=0/' "$CMDLINE_FILE")"
else
    # cmdline.txt is one line; the setting goes at its end.
    run cp -p "$CMDLINE_FILE" "$CMDLINE_FILE.before-kiosk"
    run sed -i '1 s/$/ consoleblank=0/' "$CMDLINE_FILE"
    note "the kernel command line becomes: $(sed '1 s/$/ consoleblank=0/' "$CMDLINE_FILE")"
fi
default_target=$(readlink /etc/systemd/system/default.target 2>/dev/null || true)
case $default_target in
    *graphical.target)
        note "warning: this Pi boots into the desktop; its compositor (wayfire or labwc) holds the display,"
        note "so the kiosk cannot draw through KMS/DRM. For a kiosk, boot to the console:"
        note "    sudo systemctl set-default multi-user.target && sudo reboot"
        note "or keep the desktop and turn off its screen blanking as docs/operating.md describes." ;;
    *) note "the Pi boots to the console: the kiosk owns the display and the screen never blanks." ;;
esac

step "Start the kiosk"
run systemctl restart kiosk.service
note "Watch it with: journalctl -u kiosk -f    Its status: cat $DATA_DIR/status.json"
note "consoleblank=0 takes effect at the next reboot."

if [ "$DRY_RUN" = 1 ]; then
    echo
    echo "Dry run finished: nothing was changed."
fi
