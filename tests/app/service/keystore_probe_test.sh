#!/bin/sh
# `imsa-service --probe-key-store` as the headless app is built (hardened, Qt's own event
# dispatcher), in the three settings a server or desktop has: an unlocked keyring answers; no
# session bus, and a bus where nothing provides the Secret Service, are told at once by their
# reason (not by the 5 s keychain timeout, whose message differs).
# Usage: keystore_probe_test.sh IMSA_SERVICE
set -eu
service=$1
keyring="$(dirname "$0")/../keystore/run-with-keyring.sh"
status=0

# expect NAME EXIT TEXT [RUN-WITH-KEYRING OPTION]: the probe's exit status and first line.
expect() {
    name=$1 exit_wanted=$2 text_wanted=$3
    shift 3
    exit_got=0
    text_got=$(sh "$keyring" "$@" "$service" --probe-key-store 2>/dev/null) || exit_got=$?
    if [ "$exit_got" = "$exit_wanted" ] && [ "$text_got" = "$text_wanted" ]; then
        echo "ok: $name"
    else
        echo "FAIL: $name: exit $exit_got, said '$text_got'; wanted exit $exit_wanted, '$text_wanted'"
        status=1
    fi
}

expect "unlocked keyring answers" 0 ""
# shellcheck disable=SC2016 # a literal $DISPLAY, as libdbus writes it
expect "no session bus" 1 \
    'no D-Bus session bus: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11' --no-bus
expect "a bus without Secret Service" 1 \
    "nothing on the D-Bus session bus provides org.freedesktop.secrets (no keyring daemon running or installed)" \
    --bus-only
exit "$status"
