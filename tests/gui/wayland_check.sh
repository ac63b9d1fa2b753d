#!/bin/sh
# The tray app under a Wayland compositor (weston), with its own D-Bus session and a
# StatusNotifierWatcher on it (tests/gui/sni.py), as Qt's `wayland` platform runs it in a
# Plasma or GNOME Wayland session:
# - the app starts and registers its StatusNotifierItem;
# - `imsa assume` opens the MFA dialog (app_id imsa), and the app survives it being shown (Qt
#   6.4 crashed there in QWaylandInputDevice::textInput() without a seat: seatlesswayland.h);
# - "Profiles and keys…", clicked over com.canonical.dbusmenu, opens the keys window, which
#   the app survives too.
# By default weston runs on its headless backend: no seat, no keyboard, but an input method
# (weston-keyboard). With --seat it runs on its X11 backend under Xvfb, whose seat has a
# keyboard and a pointer, with the kiosk shell (it gives the newest window the keyboard): the
# code typed into the MFA dialog then serves the profile.
# Windows are found in weston's scene graph (weston-debug). Everything runs in a temporary HOME
# against the local STS stand-in; everything started is stopped by pid.
#
# With --seat and OUT_DIR, it saves weston's screen with the dialog and four digits typed
# (wayland-mfa-dialog.png) there.
#
# Usage: wayland_check.sh [--seat] IMSA IMSA_STANDIN_STS [OUT_DIR]
# Needs: weston (with weston-debug), qt6-wayland, dbus-daemon, python3-dbus, python3-gi; with
# --seat also xvfb-run and xdotool. Exit 77: one of them is missing.
set -eu

seat=0
if [ "${1:-}" = "--seat" ]; then
    seat=1
    shift
fi
if [ $# -lt 2 ]; then
    echo "usage: $0 [--seat] IMSA IMSA_STANDIN_STS [OUT_DIR]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
imsa=$(realpath "$1")
standin=$(realpath "$2")
out=${3:+$(realpath -m "$3")}

session_name=wayland_check
# shellcheck source=tests/gui/session.sh
. "$here/session.sh"
for tool in weston weston-debug dbus-daemon /usr/bin/python3; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || skip "python3-dbus or python3-gi is missing"
# shellcheck disable=SC2012 # only whether a file matches
ls /usr/lib/*/qt6/plugins/platforms/libqwayland-generic.so >/dev/null 2>&1 \
    || skip "Qt's Wayland platform (qt6-wayland) is missing"
if [ "$seat" = 1 ]; then
    for tool in xvfb-run xdotool; do
        command -v "$tool" >/dev/null || skip "$tool is missing"
    done
    session_in_xvfb IMSA_WAYLAND_IN_XVFB 1024x640 "$0" --seat "$imsa" "$standin" ${out:+"$out"}
fi

# --- a private user -------------------------------------------------------------------------
session_start
session_standin "$standin"

cat >"$HOME/.imsa" <<'YAML'
alice:
  aws_access_key_id: AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice
  region: eu-west-1

prod:
  extends: alice
  role_arn: arn:aws:iam::123456789012:role/Admin
YAML

# --- the session: D-Bus, a StatusNotifierWatcher, weston -------------------------------------
session_dbus
/usr/bin/python3 "$here/sni.py" watcher "$work/watcher.ready" >"$work/watcher.log" 2>&1 &
started $!
wait_for 10 test -s "$work/watcher.ready" || fail "the watcher did not start: $(cat "$work/watcher.log")"

# --debug lets weston-debug print the scene graph: the titles of the windows shown.
if [ "$seat" = 1 ]; then
    session_weston --backend=x11-backend.so --use-pixman --width=1024 --height=640 \
        --shell=kiosk-shell.so --debug
else
    session_weston --backend=headless-backend.so --debug
fi
# Qt takes Wayland; X11 (Xvfb, which only shows weston's output) is no longer imsa's business.
x_display=${DISPLAY:-}
unset DISPLAY
export WAYLAND_DISPLAY=imsa-test QT_QPA_PLATFORM=wayland

# shown TITLE: whether a top-level window with this title and the app_id imsa (what compositors
# match with imsa.desktop) is in weston's scene graph.
shown() {
    timeout 5 weston-debug scene-graph 2>/dev/null | grep -qF "top-level window '$1' of imsa,"
}

"$imsa" start --foreground --listen 127.0.0.1:0 >"$work/imsa.log" 2>&1 &
imsa_pid=$!
started "$imsa_pid"
alive() { kill -0 "$imsa_pid" 2>/dev/null; }
# check_alive WHEN: fails with imsa's exit status (139: a segfault) when it has ended.
check_alive() {
    alive && return 0
    status=0
    wait "$imsa_pid" || status=$?
    fail "imsa ended with status $status $1"
}
wait_for 60 grep -q 'tray icon shown' "$work/imsa.log" \
    || { check_alive "at start" && fail "the tray icon was not shown"; }
wait_for 10 grep -q '^registered ' "$work/watcher.log" \
    || fail "no StatusNotifierItem registered with the watcher"
item=$(sed -n 's/^registered //p' "$work/watcher.log" | head -n 1)

# --- the MFA dialog, opened by the CLI -------------------------------------------------------
"$imsa" assume prod >"$work/assume.out" 2>&1 &
assume_pid=$!
started "$assume_pid"
wait_for 30 shown 'imsa: MFA code for prod' || check_alive "when the MFA dialog opened"
shown 'imsa: MFA code for prod' || fail "the MFA dialog was not shown"
# The crash came with the dialog's first paint, after it was shown: give it time to come.
sleep 2
check_alive "after the MFA dialog was shown"
if [ "$seat" = 1 ]; then
    # Keys pressed on Xvfb go to weston's window, from there to the dialog that has the keyboard.
    # xdotool search does not find weston's window; xwininfo does.
    weston_window=$(DISPLAY=$x_display xwininfo -root -tree \
        | sed -n 's/^ *\(0x[0-9a-f]*\) "Weston Compositor.*/\1/p' | head -n 1)
    DISPLAY=$x_display xdotool windowfocus "$weston_window" sleep 0.3 type --delay 40 1234
    if [ -n "$out" ] && command -v import >/dev/null; then
        sleep 0.5
        mkdir -p "$out"
        DISPLAY=$x_display import -window root "$work/wayland.png"
        /usr/bin/convert "$work/wayland.png" -strip -colors 256 "PNG8:$out/wayland-mfa-dialog.png"
    fi
    DISPLAY=$x_display xdotool type --delay 40 56
    DISPLAY=$x_display xdotool key Return
    wait_for 30 sh -c "! kill -0 $assume_pid" || fail "the code typed did not end imsa assume"
    wait "$assume_pid" || fail "imsa assume failed: $(cat "$work/assume.out")"
    grep -q 'Serving profile prod' "$work/assume.out" \
        || fail "unexpected assume output: $(cat "$work/assume.out")"
fi

# --- the keys window, from the tray menu over D-Bus ------------------------------------------
/usr/bin/python3 "$here/sni.py" click "$item" 'Profiles and keys…' \
    || fail "no 'Profiles and keys…' entry in the item's menu"
wait_for 20 shown 'imsa: Profiles and keys' || check_alive "when the keys window opened"
shown 'imsa: Profiles and keys' || fail "the keys window was not shown"
sleep 2
check_alive "after the keys window was shown"
if [ "$seat" = 1 ]; then
    # With a seat Qt keeps its Wayland input method (on-screen keyboards, input methods).
    ! grep -q 'no seat' "$work/imsa.log" || fail "imsa took weston's seat for none"
    echo "wayland_check: passed (item $item registered; weston with a keyboard: the code typed" \
        "into the MFA dialog served prod; keys window shown)"
else
    grep -q 'no seat' "$work/imsa.log" || fail "imsa did not notice that weston has no seat"
    echo "wayland_check: passed (item $item registered; MFA dialog and keys window shown on a" \
        "seatless weston; imsa still serving)"
fi
