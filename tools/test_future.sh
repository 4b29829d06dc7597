#!/bin/sh
# Runs the whole suite with the clock moved: a year and three years ahead, both nights of a
# daylight-saving change in Europe/Berlin, and 29 February 2028. A test that compares the real
# clock with a fixed date fails here long before it fails on everybody's machine (docs/testing.md).
set -eu
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing faketime (libfaketime) to move the clock."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends faketime >/dev/null
    else
        echo "faketime is not installed; install it with: sudo apt-get install faketime   (or run this as root)." >&2
        exit 2
    fi
fi

PY=.venv/bin/python
# Two real kiosk processes, a desk and chromium waiting on each other in real time: under libfaketime
# their waits never end, even with the clock not moved at all (faketime -f +0, tried on 2 Dec 2026),
# so this test would measure libfaketime, not aging. Its moments all come from the processes' own clocks.
UNDER_FAKETIME_NEVER_ENDS="--deselect=tests/test_emergency_browser.py::test_an_emergency_notice_reaches_two_terminals_within_a_minute_and_leaves_as_fast"
failed=""
run() {
    label=$1; tz=$2; when=$3
    case $when in
        +*) offset=$when ;;
        # A moment becomes an offset in seconds from now: libfaketime reads an absolute time in
        # the process's zone, where the hour of a fall-back night happens twice.
        *) offset="+$(( $(date -u -d "$when" +%s) - $(date -u +%s) ))" ;;
    esac
    echo
    echo "=== $label: TZ=$tz, clock at $when (libfaketime offset $offset) ==="
    if TZ=$tz faketime -f "$offset" "$PY" -m pytest -q -p no:cacheprovider "$UNDER_FAKETIME_NEVER_ENDS"; then
        echo "=== $label: passed ==="
    else
        echo "=== $label: FAILED ===" >&2
        failed="$failed
  $label"
    fi
}

# '+1y' moves the clock 365 days ahead (libfaketime's syntax); a moment is given in UTC, and
# the DST nights start two minutes before Berlin's clocks change, so the change falls in the run.
run "one year ahead" UTC "+1y"
run "three years ahead" Europe/Berlin "+3y"
run "spring-forward night (02:00 becomes 03:00 in Berlin)" Europe/Berlin "2027-03-28 00:58:00 UTC"
run "fall-back night (03:00 becomes 02:00 in Berlin)" Europe/Berlin "2027-10-31 00:58:00 UTC"
run "29 February 2028" Europe/Berlin "2028-02-29 11:00:00 UTC"

if [ -n "$failed" ]; then
    echo "The suite failed with the clock moved:$failed" >&2
    exit 1
fi
echo
echo "The suite passed at every moment."
