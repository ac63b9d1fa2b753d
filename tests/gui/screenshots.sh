#!/bin/sh
# Runs the imsa tray under Xvfb with trayer as the tray host (XEmbed), opens its menu, the MFA
# dialog, the profiles window (also with a profile's approvals), the Recent use window (over
# generated access log lines), the question of an `access: ask` profile and the IAM Identity
# Center sign-in dialog, and saves PNG screenshots of them in OUT_DIR, the account picker after
# a sign-in, and the panel with the icon at QT_SCALE_FACTOR=2 (tray-2x.png, trayer twice as
# high).
#
# With --check it takes no pictures: it asserts that the tray icon appeared, that `imsa assume`
# opened the MFA dialog, that a code typed into the dialog got the profile its credentials, and
# that the tray's message about a missing IAM Identity Center sign-in opens the sign-in dialog,
# whose Open browser leads to the code's page (the `gui` ctest). Everything runs in a temporary
# HOME; STS, sso-oidc and the SSO portal are the local stand-in on 127.0.0.1
# (AWS_ENDPOINT_URL_STS, _SSO_OIDC, _SSO), so nothing leaves the machine.
#
# Usage: screenshots.sh [--check] IMSA IMSA_STANDIN_STS [OUT_DIR]
# Needs: xvfb-run, trayer, xdotool, ImageMagick (import, convert), Qt's SVG plugin, python3.
set -eu

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
if [ $# -lt 2 ]; then
    echo "usage: $0 [--check] IMSA IMSA_STANDIN_STS [OUT_DIR]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
imsa=$(realpath "$1")
standin=$(realpath "$2")
out=$(realpath -m "${3:-$here/../../docs/screenshots}")

for tool in xvfb-run trayer xdotool import /usr/bin/python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "screenshots: $tool is missing (scripts/setup-debian.sh --with-tests installs it)" >&2
        exit 77
    fi
done

session_name=screenshots
# shellcheck source=tests/gui/session.sh
. "$here/session.sh"
mode=
[ "$check" = 1 ] && mode=--check
# shellcheck disable=SC2086 # an empty $mode must vanish
session_in_xvfb IMSA_SCREENSHOTS_IN_XVFB 1024x640 "$0" $mode "$imsa" "$standin" "$out"

# --- a private user: HOME, XDG folders, file key store, STS stand-in -----------------------
session_start
session_standin "$standin"
if [ "$check" = 1 ]; then
    # The console's sign-in goes to the stand-in too, and the browser is a recorder: it keeps
    # a copy of the page it was given (imsa removes the page later) and then, last, its argument.
    export IMSA_SIGNIN_URL="http://127.0.0.1:$sts_port/federation"
    cat >"$work/browser.sh" <<'BROWSER'
#!/bin/sh
dir=$(dirname "$0")
cp "${1#file://}" "$dir/browser-page.html"
printf '%s\n' "$1" >"$dir/browser-argument.tmp"
mv "$dir/browser-argument.tmp" "$dir/browser-argument"
BROWSER
    chmod 700 "$work/browser.sh"
    export BROWSER="$work/browser.sh"
fi

# The stand-in's built-in user alice (tests/fakes/standinsts.cpp): its MFA code is 123456.
cat >"$HOME/.imsa" <<'YAML'
# Sample profiles for the screenshots: one IAM user with an MFA device, three roles.
alice:
  aws_access_key_id: AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice
  region: eu-west-1

dev:
  extends: alice
  role_arn: arn:aws:iam::123456789012:role/Developer

prod:
  extends: alice
  role_arn: arn:aws:iam::123456789012:role/Admin
  access: ask

audit:
  extends: alice
  role_arn: arn:aws:iam::210987654321:role/ReadOnly
  external_id: audit-2026
  access: ask

# A mistake, for the profiles window to show.
staging:
  extends: alice
  role_arn: arn:aws:iam::123456789012:role/Staging
  role_duration_seconds: 90000
YAML

# --- the desktop: a background, the tray host, imsa ------------------------------------------
if [ "$check" = 0 ] && [ -x /usr/bin/convert ]; then
    /usr/bin/convert -size 1024x640 gradient:'#4a6583'-'#22303f' "$work/background.png"
    display -window root "$work/background.png" &
    started $!
fi
# The panel: 96×30 at 1×; twice that for the 2× shot (panel_scale=2).
panel_scale=1
start_trayer() {
    trayer --edge top --align right --widthtype pixel --width $((96 * panel_scale)) \
        --height $((30 * panel_scale)) --tint 0x2b2b2b --transparent true --alpha 0 \
        >"$work/trayer.log" 2>&1 &
    trayer_pid=$!
    started "$trayer_pid"
    # Ready once it owns _NET_SYSTEM_TRAY_S0, what Qt checks before it shows an icon.
    wait_for 30 /usr/bin/python3 "$here/tray_host_ready.py"
}
# trayer now and then fails to come up on a fresh Xvfb; a second one does.
start_panel() {
    if ! start_trayer; then
        kill "$trayer_pid" 2>/dev/null || true
        start_trayer || fail "trayer did not take _NET_SYSTEM_TRAY_S0: $(cat "$work/trayer.log")"
    fi
}
start_panel

# Sets icon, icon_x and icon_y to imsa's embedded tray icon window (the small one). A window
# may be gone between search and geometry, and then has no geometry at all.
find_icon() {
    icon=
    for window in $(xdotool search --classname '^imsa$'); do
        WIDTH=0
        eval "$(xdotool getwindowgeometry --shell "$window" 2>/dev/null || true)"
        if [ "$WIDTH" -gt 0 ] && [ "$WIDTH" -le $((32 * panel_scale)) ]; then
            icon=$window icon_x=$((X + WIDTH / 2)) icon_y=$((Y + HEIGHT / 2))
        fi
    done
    [ -n "$icon" ]
}

start_imsa() {
    "$imsa" start --foreground --listen 127.0.0.1:0 >"$work/imsa.log" 2>&1 &
    imsa_pid=$!
    started "$imsa_pid"
    # Generous bounds: an ASan build on a loaded machine takes many seconds to start.
    wait_for 60 grep -q 'tray icon shown' "$work/imsa.log" || fail "the tray icon did not appear"
    wait_for 20 find_icon || fail "no tray icon window"
}

stop_imsa() {
    kill "$imsa_pid"
    wait "$imsa_pid" 2>/dev/null || true
}

# Windows of imsa other than the tray icon: menus, balloons, dialogs.
popups() {
    for window in $(xdotool search --onlyvisible --classname '^imsa$'); do
        [ "$window" = "$icon" ] || echo "$window"
    done
}

have_popups() { test -n "$(popups)"; }

close_popups() {
    xdotool key Escape
    for window in $(popups); do
        xdotool windowunmap "$window" 2>/dev/null || true
    done
    sleep 0.3
}

open_menu() {
    close_popups
    xdotool mousemove "$icon_x" "$icon_y" click 1
    wait_for 5 have_popups || fail "the menu did not open"
    sleep 0.4
}

# shoot_window NAME WINDOW: a screenshot of one window with a margin.
shoot_window() {
    eval "$(xdotool getwindowgeometry --shell "$2")"
    mkdir -p "$out"
    import -window root -crop "$((WIDTH + 32))x$((HEIGHT + 32))+$((X - 16))+$((Y - 16))" +repage \
        "$work/$1.png"
    /usr/bin/convert "$work/$1.png" -strip -colors 256 "PNG8:$out/$1.png" 2>/dev/null \
        || cp "$work/$1.png" "$out/$1.png"
    echo "screenshots: $out/$1.png"
}

# shoot NAME: a screenshot cropped to the open popups and the tray, with a margin.
shoot() {
    name=$1
    left=$((icon_x - 20)) top=0 right=1024 bottom=$((icon_y + 20))
    for window in $(popups); do
        eval "$(xdotool getwindowgeometry --shell "$window")"
        [ "$X" -lt "$left" ] && left=$X
        [ $((X + WIDTH)) -gt "$right" ] && right=$((X + WIDTH))
        [ $((Y + HEIGHT)) -gt "$bottom" ] && bottom=$((Y + HEIGHT))
    done
    left=$((left > 16 ? left - 16 : 0))
    bottom=$((bottom + 16 > 640 ? 640 : bottom + 16))
    mkdir -p "$out"
    import -window root -crop "$((right - left))x$((bottom - top))+$left+$top" +repage \
        "$work/$name.png"
    /usr/bin/convert "$work/$name.png" -strip -colors 256 "PNG8:$out/$name.png" 2>/dev/null \
        || cp "$work/$name.png" "$out/$name.png"
    echo "screenshots: $out/$name.png"
}

# --- the IAM Identity Center sign-in dialog, opened from the tray message ----------------------
# An SSO profile without a sign-in: `imsa assume` makes it active, the tray says it needs a
# sign-in, and a click on that message opens the dialog with a code from the stand-in. Sets
# `dialog`.
open_sso_sign_in() {
    stop_imsa
    export LANG=C.UTF-8
    mkdir -p "$HOME/.aws"
    cat >"$HOME/.aws/config" <<'INI'
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev-admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = eu-west-1
INI
    export AWS_ENDPOINT_URL_SSO_OIDC="http://127.0.0.1:$sts_port/"
    export AWS_ENDPOINT_URL_SSO="http://127.0.0.1:$sts_port/"
    start_imsa
    wait_for 5 have_popups && sleep 0.5
    close_popups
    # imsa assume signs in on the way: it waits for the same sign-in as the dialog, and ends
    # when the dialog is cancelled.
    "$imsa" assume dev-admin --no-browser >"$work/assume-sso.out" 2>&1 &
    started $!
    wait_for 10 have_popups || fail "no tray message for the missing sign-in"
    sleep 0.5
    message=$(popups | head -n 1)
    eval "$(xdotool getwindowgeometry --shell "$message")"
    xdotool mousemove "$((X + WIDTH / 2))" "$((Y + HEIGHT / 2))" click 1
    wait_for 10 xdotool search --onlyvisible --name '^Sign in to IAM Identity Center$' \
        || fail "a click on the sign-in message did not open the sign-in dialog"
    dialog=$(xdotool search --onlyvisible --name '^Sign in to IAM Identity Center$' | head -n 1)
    sleep 1
}

# `imsa login corp` from the CLI, the user's part done with curl on the code's page: the app
# then lists the stand-in's accounts and roles as profiles.
sign_in_from_cli() {
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
}

# "Accounts and roles…" from the menu, with dev-admin active and ready: the ninth enabled entry
# from the bottom (Quit, Start at login, Recent use, Profiles and keys, Forget MFA session, Copy
# env, Copy export, Renew now, Accounts and roles; Open AWS console is disabled without a role).
# Sets `picker`.
open_account_picker() {
    wait_for 10 sh -c "'$imsa' status | grep -q 'state: *ready'" \
        || fail "dev-admin is not ready after the sign-in: $("$imsa" status)"
    open_menu
    xdotool key Up Up Up Up Up Up Up Up Up Return
    wait_for 10 xdotool search --onlyvisible --name '^Accounts and roles — imsa$' \
        || fail "Accounts and roles… did not open the account picker"
    picker=$(xdotool search --onlyvisible --name '^Accounts and roles — imsa$' | head -n 1)
    sleep 0.5
}

start_imsa
if [ "$check" = 0 ]; then
    # The file key store's warning is the first tray message.
    wait_for 5 have_popups && sleep 0.5 && shoot tray-notification
    close_popups
fi

# --- the MFA dialog, opened by the CLI -------------------------------------------------------
"$imsa" assume prod >"$work/assume.out" 2>&1 &
assume_pid=$!
started "$assume_pid"
wait_for 30 xdotool search --onlyvisible --name '^imsa: MFA code for prod$' \
    || fail "imsa assume prod did not open the MFA dialog"
dialog=$(xdotool search --onlyvisible --name '^imsa: MFA code for prod$' | head -n 1)
sleep 0.5

if [ "$check" = 1 ]; then
    xdotool windowfocus --sync "$dialog" type --delay 20 123456
    xdotool key Return
    wait_for 30 sh -c "! kill -0 $assume_pid" || fail "imsa assume did not finish"
    wait "$assume_pid" || fail "imsa assume failed: $(cat "$work/assume.out")"
    grep -q 'prod' "$work/assume.out" || fail "unexpected assume output: $(cat "$work/assume.out")"
    wait_for 15 sh -c "! xdotool search --onlyvisible --name '^imsa: MFA code for prod$'" \
        || fail "the MFA dialog stayed open after the code was accepted"

    # With prod active, the menu's "Open AWS console" (sixth from the bottom: Quit, Start at
    # login, Recent use, Profiles and keys, Forget MFA session, Open AWS console) reaches the
    # browser.
    open_menu
    xdotool key Up Up Up Up Up Up Return
    wait_for 20 test -s "$work/browser-argument" \
        || fail "Open AWS console did not run the browser (BROWSER=$BROWSER)"
    argument=$(cat "$work/browser-argument")
    case $argument in
    file://*.html) ;;
    *) fail "the browser was given '$argument', not a file:// page" ;;
    esac
    grep -qF "$IMSA_SIGNIN_URL?Action=login" "$work/browser-page.html" \
        || fail "no login URL of the stand-in in the page: $(cat "$work/browser-page.html")"
    grep -q 'SigninToken=[^&"]' "$work/browser-page.html" \
        || fail "the browser's page has no SigninToken: $(cat "$work/browser-page.html")"

    # Enter in the sign-in dialog is Open browser: the page it gets leads to the code's page.
    rm -f "$work/browser-argument"
    open_sso_sign_in
    xdotool windowfocus --sync "$dialog" key Return
    wait_for 20 test -s "$work/browser-argument" \
        || fail "Open browser in the sign-in dialog did not run the browser"
    grep -q '/device?user_code=' "$work/browser-page.html" \
        || fail "the sign-in page is not the code's: $(cat "$work/browser-page.html")"
    xdotool windowfocus --sync "$dialog" key Escape

    # After a sign-in the picker lists the session's roles: two words filter to one, Enter
    # serves it.
    sign_in_from_cli
    open_account_picker
    xdotool windowfocus --sync "$picker" type --delay 20 "stag read"
    xdotool key Return
    wait_for 10 sh -c "'$imsa' status | grep -q 'profile: *staging/ReadOnlyAccess'" \
        || fail "choosing staging/ReadOnlyAccess in the picker did not serve it: $("$imsa" status)"
    wait_for 10 sh -c "! xdotool search --onlyvisible --name '^Accounts and roles — imsa\$'" \
        || fail "the picker stayed open after a choice"
    echo "screenshots: check passed (tray icon shown, MFA dialog opened, code accepted," \
        "Open AWS console reached the browser, the sign-in dialog opened the code's page," \
        "the account picker served the role chosen)"
    exit 0
fi

xdotool windowfocus --sync "$dialog" type --delay 40 1234
sleep 0.3
shoot_window mfa-dialog "$dialog"
xdotool type --delay 20 99
xdotool key Return
sleep 1
shoot_window mfa-wrong-code "$dialog"
xdotool windowfocus --sync "$dialog" type --delay 20 123456
xdotool key Return
wait_for 15 sh -c "! kill -0 $assume_pid" || fail "imsa assume did not finish"

# --- the menu and tooltip with prod active ---------------------------------------------------
sleep 0.5
open_menu
shoot tray-menu
close_popups
# Qt shows a tooltip after the pointer rested on the icon; a few small moves make the X
# server report it as entered.
xdotool mousemove 500 300 sleep 0.3 mousemove "$((icon_x - 4))" "$icon_y" sleep 0.2 \
    mousemove "$icon_x" "$icon_y" sleep 0.2 mousemove "$((icon_x + 1))" "$icon_y"
sleep 2.5
shoot tray-tooltip

# --- the profiles window ----------------------------------------------------------------------
open_menu
xdotool key Up Up Up Up Return
wait_for 10 xdotool search --onlyvisible --name '^imsa: Profiles and keys$' \
    || fail "the profiles window did not open"
window=$(xdotool search --onlyvisible --name '^imsa: Profiles and keys$' | head -n 1)
sleep 0.6
shoot_window profiles-window "$window"

# --- prod's approvals (access: ask), two of them given from the CLI while the window is open --
"$imsa" allow prod /usr/bin/aws >/dev/null || fail "imsa allow prod /usr/bin/aws failed"
"$imsa" allow prod /usr/bin/python3 /home/alice/bin/sync-reports.py >/dev/null \
    || fail "imsa allow prod python3 script failed"
# The list has the focus: typing selects prod; Tab goes on to Open AWS console and the
# approvals, selecting the first.
xdotool windowfocus --sync "$window" type --delay 40 prod
xdotool key Tab Tab Tab
# Taller, so that the whole Access box is in the picture.
xdotool windowmove "$window" 160 40 windowsize "$window" "$WIDTH" 560
sleep 0.6
shoot_window profiles-approvals "$window"
xdotool windowunmap "$window"

# --- Recent use: who took which profile's credentials, from generated access log lines --------
/usr/bin/python3 - "$XDG_STATE_HOME/imsa/access.log" <<'PYTHON'
import datetime, json, sys
log = sys.argv[1]
now = datetime.datetime.now(datetime.timezone.utc)
def line(minutes_ago, profile, exe, cmdline, program=None, result="served", repeats=0, pid=4242):
    event = {"time": (now - datetime.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "profile": profile, "route": "imds", "result": result, "uid": 1000, "pid": pid,
             "exe": exe, "cmdline": cmdline, "parent": "/usr/bin/bash", "program": program or exe}
    if repeats:
        event["repeats"] = repeats
    return json.dumps(event) + "\n"
sync = "/home/alice/bin/sync-reports.py"
python = "/usr/bin/python3.11"
with open(log, "a") as out:
    out.write(line(185, "dev", "/usr/bin/aws", "aws s3 ls", pid=31201))
    out.write(line(170, "prod", "/usr/bin/aws", "aws sts get-caller-identity", pid=31377))
    out.write(line(95, "prod", python, "python3 " + sync, python + " " + sync, pid=32010))
    out.write(line(94, "prod", python, "python3 " + sync, python + " " + sync, repeats=11, pid=32010))
    out.write(line(60, "dev", "/usr/bin/curl", "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/", pid=33112))
    out.write(line(41, "prod", "/usr/bin/curl", "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/", result="denied", pid=33540))
    out.write(line(12, "prod", "/usr/bin/aws", "aws s3 cp report.csv s3://reports/", pid=34002))
    out.write(line(3, "audit", "/usr/bin/node", "node /tmp/npm-7f3a/node_modules/left-padd/install.js", "/usr/bin/node /tmp/npm-7f3a/node_modules/left-padd/install.js", pid=34520))
PYTHON
open_menu
xdotool key Up Up Up Return
wait_for 10 xdotool search --onlyvisible --name '^imsa: Recent use$' \
    || fail "Recent use… did not open its window"
window=$(xdotool search --onlyvisible --name '^imsa: Recent use$' | head -n 1)
sleep 0.6
shoot_window recent-use "$window"
xdotool windowunmap "$window"

# --- the question of an `access: ask` profile: a Python tool runs `imsa export audit` ---------
close_popups
mkdir -p "$HOME/projects"
cat >"$HOME/projects/deploy.py" <<'PYTHON'
import subprocess, sys
subprocess.run([sys.argv[1], "export", "audit"], check=False)
PYTHON
/usr/bin/python3 "$HOME/projects/deploy.py" "$imsa" >"$work/deploy.out" 2>&1
grep -q 'is not approved for audit' "$work/deploy.out" \
    || fail "imsa export audit was not refused: $(cat "$work/deploy.out")"
wait_for 10 xdotool search --onlyvisible --name '^imsa: allow access to audit\?$' \
    || fail "the access question did not open"
window=$(xdotool search --onlyvisible --name '^imsa: allow access to audit\?$' | head -n 1)
sleep 0.6
shoot_window access-ask "$window"
xdotool windowfocus --sync "$window" key Escape

# --- the same menu in German: the MFA session and prod come back after a restart --------------
stop_imsa
export LANG=de_DE.UTF-8
start_imsa
wait_for 10 grep -q 'restored active profile' "$work/imsa.log" || fail "prod was not restored"
sleep 1
open_menu
shoot tray-menu-de
close_popups

# --- the panel at 2×: trayer twice as high, Qt scaled by 2, prod still active ------------------
stop_imsa
kill "$trayer_pid"
wait "$trayer_pid" 2>/dev/null || true
panel_scale=2
start_panel
export LANG=C.UTF-8 QT_SCALE_FACTOR=2
start_imsa
wait_for 10 grep -q 'restored active profile' "$work/imsa.log" || fail "prod was not restored"
# The file key store's warning comes as a balloon over the icon: gone before the shot.
wait_for 5 have_popups && sleep 0.5
close_popups
sleep 1
have_popups && fail "a balloon or menu is still open over the 2x panel"
import -window root -crop "$((96 * panel_scale))x$((30 * panel_scale))+$((1024 - 96 * panel_scale))+0" \
    +repage "$work/tray-2x.png"
/usr/bin/convert "$work/tray-2x.png" -strip -colors 256 "PNG8:$out/tray-2x.png" 2>/dev/null \
    || cp "$work/tray-2x.png" "$out/tray-2x.png"
echo "screenshots: $out/tray-2x.png"
stop_imsa
kill "$trayer_pid"
wait "$trayer_pid" 2>/dev/null || true
unset QT_SCALE_FACTOR
panel_scale=1
start_panel
start_imsa


# --- the IAM Identity Center sign-in dialog ----------------------------------------------------
open_sso_sign_in
shoot_window sso-sign-in "$dialog"
xdotool windowfocus --sync "$dialog" key Escape

# --- the account picker, after a sign-in: the stand-in's five roles, filtered --------------------
sign_in_from_cli
open_account_picker
xdotool windowfocus --sync "$picker" type --delay 40 read
xdotool key Down Down
sleep 0.5
shoot_window account-picker "$picker"
xdotool windowfocus --sync "$picker" key Escape
