#!/bin/sh
# desktop-file-validate on both desktop entries (any message fails), plus what imsa relies on:
# both start `imsa start`, the icon they name exists, and the autostart twin is one.
# Usage: desktop_entries_test.sh SOURCE_DIR
set -eu

source=$1
application=$source/resources/imsa.desktop
autostart=$source/resources/imsa-autostart.desktop

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v desktop-file-validate >/dev/null \
    || fail "desktop-file-validate is missing (package desktop-file-utils)"
for entry in "$application" "$autostart"; do
    messages=$(desktop-file-validate "$entry" 2>&1) || fail "$entry: $messages"
    [ -z "$messages" ] || fail "$entry: $messages"
    for line in 'Type=Application' 'Exec=imsa start' 'TryExec=imsa' 'Icon=imsa' 'Terminal=false'; do
        grep -qx "$line" "$entry" || fail "$entry lacks $line"
    done
done
[ -f "$source/resources/icons/imsa.svg" ] || fail "Icon=imsa but resources/icons/imsa.svg is missing"
grep -q '^Categories=' "$application" || fail "$application has no Categories"
grep -qx 'NoDisplay=true' "$autostart" || fail "the autostart entry shows up in menus"
grep -qx 'X-GNOME-Autostart-enabled=true' "$autostart" || fail "the autostart entry is disabled"
echo "desktop entry checks passed"
