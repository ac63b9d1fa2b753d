#!/bin/sh
# The tray as a StatusNotifierItem in a real host: Xfce 4.18's panel (xfce4-panel, whose systray
# plugin is the org.kde.StatusNotifierWatcher and shows the items) under Xvfb, with a D-Bus
# session of its own and no other tray. Over D-Bus, as the panel sees it, it asserts:
# - the item registers, with a title, and a tooltip that names the profile and the time left;
# - its icon changes with the state: idle, needs MFA (after `imsa assume`), expiring;
# - its menu (com.canonical.dbusmenu GetLayout) lists the profiles, and a "clicked" event on
#   one makes it the active profile;
# - "MFA session ends in …" reaches dunst with "Renew now", which opens the MFA dialog.
# Everything runs in a temporary HOME against the local STS stand-in and is stopped by pid.
# Given OUT_DIR, it also saves a screenshot of the panel with the icon there (tray-sni-panel.png).
#
# Usage: sni_check.sh IMSA IMSA_STANDIN_STS [OUT_DIR]
# A notification daemon (dunst) runs too, as on a desktop: without one Qt shows the tray's
# messages in the item itself (status NeedsAttention, the message as its tooltip).
# Needs: xvfb-run, xfce4-panel, xfconf, dunst, dbus-daemon, xdotool, python3-dbus, python3-gi; for the
# screenshot ImageMagick. Exit 77: one of them is missing.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 IMSA IMSA_STANDIN_STS [OUT_DIR]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
imsa=$(realpath "$1")
standin=$(realpath "$2")
out=${3:+$(realpath -m "$3")}

session_name=sni_check
session_logs="imsa.log panel.log"
# shellcheck source=tests/gui/session.sh
. "$here/session.sh"
for tool in xvfb-run xfce4-panel dunst dbus-daemon xdotool /usr/bin/python3; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || skip "python3-dbus or python3-gi is missing"
xfconfd=
for candidate in /usr/lib/*/xfce4/xfconf/xfconfd; do
    [ -x "$candidate" ] && xfconfd=$candidate
done
[ -n "$xfconfd" ] || skip "xfconfd (xfconf) is missing"

session_in_xvfb IMSA_SNI_IN_XVFB 1024x640 "$0" "$imsa" "$standin" ${out:+"$out"}

sni() { /usr/bin/python3 "$here/sni.py" "$@"; }

# --- a private user ---------------------------------------------------------------------------
session_start
# MFA sessions of 20 minutes end for imsa (15 min before AWS's end) in 5: the tray warns at once.
session_standin "$standin" --session-duration 1200

# alice's MFA code at the stand-in is 123456 (tests/fakes/standinsts.cpp).
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

# --- the session: D-Bus, xfconf, the panel ------------------------------------------------------
session_dbus

# One panel along the top with the systray plugin only (Xfce's default has more, and asks on
# the first start whether to use it).
mkdir -p "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml"
cat >"$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="dark-mode" type="bool" value="true"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="icon-size" type="uint" value="22"/>
      <property name="size" type="uint" value="30"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator">
      <property name="expand" type="bool" value="true"/>
      <property name="style" type="uint" value="0"/>
    </property>
    <property name="plugin-2" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
  </property>
</channel>
XML
"$xfconfd" >"$work/xfconfd.log" 2>&1 &
started $!
xfce4-panel --disable-wm-check >"$work/panel.log" 2>&1 &
started $!
wait_for 30 sni has-host || fail "xfce4-panel registered no StatusNotifierHost"
dunst >"$work/dunst.log" 2>&1 &
started $!
wait_for 10 sh -c "dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q true" \
    || fail "dunst did not take org.freedesktop.Notifications: $(cat "$work/dunst.log")"

# --- imsa ---------------------------------------------------------------------------------------
"$imsa" start --foreground --listen 127.0.0.1:0 >"$work/imsa.log" 2>&1 &
imsa_pid=$!
started "$imsa_pid"
wait_for 60 grep -q 'tray icon shown' "$work/imsa.log" || fail "the tray icon was not shown"
wait_for 10 sh -c "/usr/bin/python3 '$here/sni.py' items | grep -q ." \
    || fail "no item registered with the panel's watcher"
item=$(sni items | head -n 1)
# Qt took the StatusNotifierItem path: no XEmbed icon window of imsa's.
for window in $(xdotool search --classname '^imsa$' 2>/dev/null); do
    eval "$(xdotool getwindowgeometry --shell "$window" 2>/dev/null || echo WIDTH=0)"
    [ "$WIDTH" -gt 0 ] && [ "$WIDTH" -le 32 ] && fail "an XEmbed icon appeared as well"
done

# prop KEY: one property of the item, as JSON.
prop() {
    sni props "$item" | /usr/bin/python3 -c \
        "import json, sys; print(json.dumps(json.load(sys.stdin)['$1'], ensure_ascii=False))"
}
icon() { prop IconPixmap; prop IconName; }
icon_differs() { [ "$(icon)" != "$1" ]; }

# The file key store's warning at start is a tray message: Qt shows it through the notification
# daemon and, for the message's 10 s, as the item's attention state and tooltip.
wait_for 20 sh -c "/usr/bin/python3 '$here/sni.py' props '$item' | grep -q '\"Status\": \"Active\"'" \
    || fail "the item did not return to Active: $(sni props "$item")"
sni props "$item" >"$work/props-idle.json" || fail "cannot read the item's properties"
grep -q '"Title": "imsa"' "$work/props-idle.json" || fail "no title imsa: $(cat "$work/props-idle.json")"
idle_icon=$(icon)
[ "$idle_icon" != '[]
""' ] || fail "the item has no icon: $(cat "$work/props-idle.json")"

# The menu as the panel gets it: the profiles and the actions.
sni layout "$item" >"$work/layout.txt" || fail "cannot read the item's menu"
for label in alice prod 'Profiles and keys…' Quit; do
    cut -f 2 "$work/layout.txt" | grep -qxF "$label" \
        || fail "no '$label' in the menu: $(cat "$work/layout.txt")"
done

# --- needs MFA, then expiring (a 20-minute session), through the MFA dialog ----------------------------------------------
"$imsa" assume prod >"$work/assume.out" 2>&1 &
assume_pid=$!
started "$assume_pid"
wait_for 30 xdotool search --onlyvisible --name '^imsa: MFA code for prod$' \
    || fail "imsa assume prod did not open the MFA dialog"
wait_for 10 icon_differs "$idle_icon" || true
needs_mfa_icon=$(icon)
[ "$needs_mfa_icon" != "$idle_icon" ] || fail "the icon did not change for 'needs MFA'"
prop ToolTip | grep -q 'prod' || fail "the tooltip does not name prod: $(prop ToolTip)"

dialog=$(xdotool search --onlyvisible --name '^imsa: MFA code for prod$' | head -n 1)
sleep 0.5
xdotool windowfocus --sync "$dialog" type --delay 20 123456
xdotool key Return
wait_for 30 sh -c "! kill -0 $assume_pid" || fail "imsa assume did not finish"
wait "$assume_pid" || fail "imsa assume failed: $(cat "$work/assume.out")"
wait_for 10 icon_differs "$needs_mfa_icon" || true
active_icon=$(icon)
if [ "$active_icon" = "$needs_mfa_icon" ] || [ "$active_icon" = "$idle_icon" ]; then
    fail "the icon did not change for 'expiring'"
fi
tooltip=$(prop ToolTip)
echo "$tooltip" | grep -q 'prod' || fail "the tooltip does not name prod: $tooltip"
# The time left, e.g. "59 min left" or "1 h 0 min".
echo "$tooltip" | grep -Eq '[0-9]+ (h|min)' || fail "the tooltip shows no time left: $tooltip"

if [ -n "$out" ] && command -v import >/dev/null; then
    # The panel with the icon, then the menu the panel shows for it (right click: the host
    # draws the item's dbusmenu itself).
    mkdir -p "$out"
    import -window root -crop 360x40+664+0 +repage "$work/panel.png"
    /usr/bin/convert "$work/panel.png" -strip "$out/tray-sni-panel.png"
    xdotool mousemove 1008 15 click 3
    sleep 1.5
    import -window root -crop 640x330+384+0 +repage "$work/menu.png"
    /usr/bin/convert "$work/menu.png" -strip -colors 256 "PNG8:$out/tray-sni-menu.png"
    xdotool key Escape
    echo "sni_check: screenshots in $out"
fi

# --- "MFA session ends in …" through dunst, with "Renew now" ---------------------------------------
# dunst runs a notification's default action on a middle click: that is "Renew now", which
# opens the MFA dialog for prod again.
wait_for 15 sh -c "dunstctl count displayed | grep -qv '^0$'" \
    || fail "no notification in dunst after the code: $(dunstctl history 2>&1 | head -c 600)"
dunstctl history >/dev/null 2>&1 || true
notification=$(xdotool search --onlyvisible --classname '^Dunst$' | head -n 1)
[ -n "$notification" ] || fail "no dunst window"
eval "$(xdotool getwindowgeometry --shell "$notification")"
if [ -n "$out" ] && command -v import >/dev/null; then
    mkdir -p "$out"
    import -window root -crop "$((WIDTH + 24))x$((HEIGHT + 24))+$((X - 12))+$((Y - 12))" +repage \
        "$work/notification.png"
    /usr/bin/convert "$work/notification.png" -strip "$out/notification-dunst.png"
fi
xdotool mousemove "$((X + WIDTH / 2))" "$((Y + HEIGHT / 2))" click 2
wait_for 15 xdotool search --onlyvisible --name '^imsa: MFA code for prod$' \
    || fail "Renew now in the notification did not open the MFA dialog: $(cat "$work/dunst.log")"
xdotool windowfocus --sync "$(xdotool search --onlyvisible --name '^imsa: MFA code for prod$' \
    | head -n 1)" key Escape

# --- a profile chosen in the menu over dbusmenu --------------------------------------------------
# alice becomes the active profile (with the short MFA session above it asks for a new code).
sni click "$item" alice || fail "no enabled 'alice' entry in the menu: $(sni layout "$item")"
wait_for 15 sh -c "'$imsa' status | grep -q 'profile: *alice'" \
    || fail "clicking alice in the menu did not make it active: $("$imsa" status)"
sni layout "$item" | grep "$(printf '\talice\tradio checked')" >/dev/null \
    || fail "alice is not the checked entry after the click: $(sni layout "$item")"

echo "sni_check: passed (item $item in xfce4-panel; icon idle → needs MFA → expiring; tooltip" \
    "$(echo "$tooltip" | sed -n 's/.*"Title": "\([^"]*\)".*/\1/p'); dunst's Renew now opened the" \
    "MFA dialog; a click on alice made it active)"
