#!/bin/sh
# The tray app's MFA dialog, keys window and account picker as a screen reader gets them: under Xvfb, with a
# D-Bus session of its own, the AT-SPI bus (at-spi-bus-launcher, which starts the registry) and
# Qt's AT-SPI bridge on (QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1). Over AT-SPI (tests/gui/atspi.py)
# it asserts that every widget that takes the keyboard has a name and a role, and that Tab alone
# moves the focus through all of them. The keys window and the account picker open from the tray
# menu, clicked over com.canonical.dbusmenu (a StatusNotifierWatcher from tests/gui/sni.py is the
# tray host); the picker is checked before an IAM Identity Center sign-in (a Sign in button, no
# list) and after one (the stand-in's roles in the list). Everything runs in a temporary HOME
# against the local STS, sso-oidc and SSO portal stand-in and is stopped by pid.
#
# Usage: atspi_check.sh IMSA IMSA_STANDIN_STS
# Needs: xvfb-run, xdotool, curl, dbus-daemon, at-spi2-core, python3-pyatspi, python3-dbus,
# python3-gi. Exit 77: one of them is missing.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 IMSA IMSA_STANDIN_STS" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
imsa=$(realpath "$1")
standin=$(realpath "$2")

session_name=atspi_check
session_logs="imsa.log atspi.log"
# shellcheck source=tests/gui/session.sh
. "$here/session.sh"
for tool in xvfb-run xdotool curl dbus-daemon /usr/bin/python3; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done
launcher=/usr/libexec/at-spi-bus-launcher
[ -x "$launcher" ] || skip "at-spi-bus-launcher (at-spi2-core) is missing"
/usr/bin/python3 -c 'import dbus, gi, pyatspi' 2>/dev/null \
    || skip "python3-pyatspi, python3-dbus or python3-gi is missing"

session_in_xvfb IMSA_ATSPI_IN_XVFB 1024x640 "$0" "$imsa" "$standin"

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
# An IAM Identity Center sign-in, for the tray menu's "Accounts and roles…".
mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/config" <<'INI'
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
INI
export AWS_ENDPOINT_URL_SSO_OIDC="http://127.0.0.1:$sts_port/"
export AWS_ENDPOINT_URL_SSO="http://127.0.0.1:$sts_port/"

# --- the session: D-Bus, the AT-SPI bus, a tray host -------------------------------------------
session_dbus
# The launcher owns org.a11y.Bus on the session bus and runs the accessibility bus (a
# dbus-daemon of its own, which starts the registry): both are its children, stopped by pid too.
"$launcher" --launch-immediately --a11y=1 >"$work/atspi.log" 2>&1 &
launcher_pid=$!
started "$launcher_pid"
a11y_address() {
    dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus org.a11y.Bus.GetAddress \
        | sed -n 's/^ *string "\(.*\)"$/\1/p' | grep .
}
wait_for 20 a11y_address || fail "the AT-SPI bus did not start"
for child in $(ps -o pid= --ppid "$launcher_pid"); do
    started "$child"
done
/usr/bin/python3 "$here/sni.py" watcher "$work/watcher.ready" >"$work/watcher.log" 2>&1 &
started $!
wait_for 10 test -s "$work/watcher.ready" \
    || fail "the watcher did not start: $(cat "$work/watcher.log")"

# --- imsa with Qt's AT-SPI bridge ----------------------------------------------------------------
export QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1
"$imsa" start --foreground --listen 127.0.0.1:0 >"$work/imsa.log" 2>&1 &
started $!
wait_for 60 grep -q 'tray icon shown' "$work/imsa.log" || fail "the tray icon was not shown"
wait_for 10 grep -q '^registered ' "$work/watcher.log" || fail "no item registered"
item=$(sed -n 's/^registered //p' "$work/watcher.log" | head -n 1)

# check_window TITLE: gives the window the keyboard, then asks atspi.py.
check_window() {
    wait_for 30 xdotool search --onlyvisible --name "^$1\$" || fail "no window '$1'"
    window=$(xdotool search --onlyvisible --name "^$1\$" | head -n 1)
    sleep 0.5
    xdotool windowfocus --sync "$window"
    /usr/bin/python3 "$here/atspi.py" check imsa "$1" || fail "'$1' over AT-SPI: see above"
}

"$imsa" assume prod >"$work/assume.out" 2>&1 &
started $!
check_window 'imsa: MFA code for prod'
xdotool key Escape

/usr/bin/python3 "$here/sni.py" click "$item" 'Profiles and keys…' \
    || fail "no 'Profiles and keys…' entry in the item's menu"
check_window 'imsa: Profiles and keys'
xdotool key Escape

picker='Accounts and roles — imsa'
# Signed out: the filter, a Sign in button for corp, Refresh and Close (Use has no row).
/usr/bin/python3 "$here/sni.py" click "$item" 'Accounts and roles…' \
    || fail "no 'Accounts and roles…' entry in the item's menu"
check_window "$picker"
xdotool key Escape
wait_for 10 sh -c "! xdotool search --onlyvisible --name '^$picker\$'" \
    || fail "Escape did not close the account picker"

# `imsa login corp`, the user's part done with curl on the code's page; then the list.
"$imsa" login corp --no-browser >"$work/login.out" 2>"$work/login.err" &
login_pid=$!
started "$login_pid"
wait_for 10 grep -q 'user_code=' "$work/login.err" \
    || fail "imsa login printed no URL: $(cat "$work/login.err")"
curl -s -o /dev/null --max-time 5 \
    "$(grep -o 'http://[^ ]*user_code=[^ ]*' "$work/login.err" | head -n 1)"
wait_for 20 sh -c "! kill -0 $login_pid" || fail "imsa login did not finish"
wait "$login_pid" || fail "imsa login failed: $(cat "$work/login.err")"
wait_for 10 sh -c "'$imsa' profiles | grep -q staging/ReadOnlyAccess" \
    || fail "the accounts were not listed after the sign-in: $("$imsa" profiles)"
/usr/bin/python3 "$here/sni.py" click "$item" 'Accounts and roles…' \
    || fail "no 'Accounts and roles…' entry in the item's menu after the sign-in"
check_window "$picker"
# Down in the filter selects the first role: Use joins the Tab walk.
xdotool key Down
check_window "$picker"

echo "atspi_check: passed (MFA dialog, keys window, account picker before and after a sign-in:" \
    "every widget that takes the keyboard has a name and a role over AT-SPI, and Tab reaches" \
    "each of them)"
