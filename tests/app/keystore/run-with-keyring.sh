#!/bin/sh
# Runs a command against a private, unlocked GNOME Keyring on a private D-Bus session bus, so
# that keychain tests never see the user's real keyring, and removes every trace afterwards.
# With --no-bus the command runs with no session bus at all (the headless SSH case), with
# --bus-only on a private session bus where nothing owns or can start a Secret Service (a
# server with D-Bus but no keyring), to check the failure paths.
#
# Usage: run-with-keyring.sh [--no-bus | --bus-only] COMMAND [ARGS...]
# The command sees IMSA_TEST_KEYRING=private (=none with --no-bus, =busonly with --bus-only) and
# fresh HOME/XDG dirs.
set -eu

mode=private
case "${1:-}" in
--no-bus) mode=none; shift ;;
--bus-only) mode=busonly; shift ;;
esac
if [ $# -eq 0 ]; then
    echo "usage: $0 [--no-bus | --bus-only] COMMAND [ARGS...]" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/imsa-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Turn signals into a normal exit so that the EXIT trap still cleans up (ctest kills on timeout).
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -m 700 "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/state" "$tmp/run"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
    XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" XDG_RUNTIME_DIR="$tmp/run" \
    IMSA_TEST_KEYRING="$mode"
# Without these, libsecret could find the caller's real bus ($DBUS_SESSION_BUS_ADDRESS, or
# autolaunch through $DISPLAY) and QtKeychain could pick KWallet from the desktop variables.
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL \
    XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION KDE_SESSION_VERSION \
    GNOME_DESKTOP_SESSION_ID

status=0
if [ "$mode" = none ]; then
    "$@" || status=$?
elif [ "$mode" = busonly ]; then
    # The standard session configuration without its service directories: no D-Bus activation.
    mkdir -m 700 "$tmp/services"
    cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$tmp/run</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    dbus-run-session --config-file="$tmp/bus.conf" -- "$@" || status=$?
else
    # --unlock creates the login keyring with this password and unlocks it, so no prompt can
    # appear. The daemon runs in the foreground so that it can be stopped by pid: a forked one
    # outlives the bus when the command ends before it has connected. The command starts only
    # once the daemon owns the Secret Service name; earlier, D-Bus activation would start a
    # second daemon without an unlocked keyring.
    # shellcheck disable=SC2016 # expanded by the inner shell, inside the private bus
    dbus-run-session -- sh -c '
        printf %s imsa-test-keyring \
            | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
        daemon=$!
        tries=0
        until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
                | grep -q "boolean true"; do
            tries=$((tries + 1))
            if [ "$tries" -gt 100 ]; then
                echo "run-with-keyring.sh: gnome-keyring-daemon did not start" >&2
                kill "$daemon" 2>/dev/null
                exit 1
            fi
            sleep 0.1
        done
        status=0
        "$@" || status=$?
        kill "$daemon" 2>/dev/null
        wait "$daemon" 2>/dev/null
        exit "$status"' sh "$@" || status=$?
fi
exit "$status"
