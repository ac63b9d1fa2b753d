#!/bin/sh
# systemd-analyze verify --user on the unit (any message fails). verify needs ExecStart's binary
# to exist and `man imsa` to work, and has no --root for user units: so a copy of the unit whose
# ExecStart names the binary just built is verified, with MANPATH on a tree holding the page.
# Also checks the settings the unit must not have: NoNewPrivileges, and the options that imply
# it or PrivateUsers= in a user manager, which would void imsa-helper's file capabilities.
# Usage: systemd_unit_test.sh UNIT IMSA_BINARY MAN_PAGE
set -eu

unit=$1
binary=$2
page=$3

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (package systemd)"
grep -qx 'ExecStart=/usr/bin/imsa start --foreground --headless' "$unit" || fail "ExecStart"
grep -qx 'Restart=on-failure' "$unit" || fail "Restart=on-failure"
grep -qx 'WantedBy=default.target' "$unit" || fail "WantedBy=default.target"
for key in NoNewPrivileges PrivateUsers SystemCallFilter SystemCallArchitectures \
    RestrictAddressFamilies MemoryDenyWriteExecute LockPersonality RestrictRealtime \
    RestrictSUIDSGID RestrictNamespaces ProtectSystem ProtectHome PrivateTmp PrivateDevices \
    ProtectKernelTunables ProtectKernelModules ProtectControlGroups ProtectClock ProtectHostname \
    CapabilityBoundingSet; do
    if grep -q "^$key=" "$unit"; then
        fail "$key= in the unit: it would void imsa-helper's capabilities (see the unit's comment)"
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/units" "$work/man/man1" "$work/runtime"
chmod 0700 "$work/runtime"
sed "s|^ExecStart=/usr/bin/imsa |ExecStart=$binary |" "$unit" >"$work/units/imsa.service"
cp "$page" "$work/man/man1/imsa.1"
messages=$(XDG_RUNTIME_DIR=$work/runtime MANPATH=$work/man \
    systemd-analyze verify --user "$work/units/imsa.service" 2>&1) || fail "$messages"
[ -z "$messages" ] || fail "$messages"
echo "systemd unit checks passed"
