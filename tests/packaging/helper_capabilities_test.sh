#!/bin/sh
# What postinst sets up, for real on a copy of the helper: the capabilities it grants let an
# ordinary user's helper have both (`imsa-helper --check`), group and mode keep everyone else
# out, no_new_privs voids them (why the systemd unit must not set NoNewPrivileges), and
# `imsa doctor` reports each case. Needs root (setcap, setpriv); exits 77 (skipped) otherwise.
# Usage: helper_capabilities_test.sh IMSA_HELPER IMSA_BINARY POSTINST
set -eu

helper=$1
imsa=$2
postinst=$3

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
for tool in setcap setpriv; do
    command -v "$tool" >/dev/null || fail "$tool is missing"
done

# shellcheck disable=SC2016 # $helper is postinst's text, not a variable here
capabilities=$(sed -n 's/^ *if ! setcap \([^ ]*\) "\$helper".*/\1/p' "$postinst")
[ "$capabilities" = cap_net_bind_service,cap_net_admin+ep ] \
    || fail "postinst grants '$capabilities'"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
copy=$work/imsa-helper
cp "$helper" "$copy"
# The group stands in for imsa: nogroup is nobody's own, daemon is not.
chown root:nogroup "$copy"
chmod 0750 "$copy"
if ! setcap "$capabilities" "$copy" 2>"$work/setcap.log"; then
    echo "skipped: no file capabilities on this file system: $(cat "$work/setcap.log")"
    exit 77
fi

# Through a shell: setpriv itself still holds root's capabilities when it execs, so a command
# it runs directly passes the permission check that nobody would fail.
as_user() {
    group=$1
    shift
    setpriv --reuid=nobody --regid="$group" --clear-groups "$@"
}
as_member() { as_user nogroup sh -c 'exec "$@"' sh "$@"; }
as_outsider() { as_user daemon sh -c 'exec "$@"' sh "$@"; }
as_member_without_new_privileges() {
    as_user nogroup --no-new-privs sh -c 'exec "$@"' sh "$@"
}

output=$(as_member "$copy" --check) || fail "a member's helper lacks capabilities: $output"
[ "$output" = "cap_net_bind_service: yes
cap_net_admin: yes" ] || fail "--check said: $output"

if as_outsider "$copy" --check >/dev/null 2>&1; then
    fail "a user outside the group could run the helper"
fi

status=0
output=$(as_member_without_new_privileges "$copy" --check) || status=$?
if [ "$status" != 1 ] || ! echo "$output" | grep -qx 'cap_net_admin: no'; then
    fail "no_new_privs did not void the capabilities (exit $status): $output"
fi

# imsa doctor, run by that user, on each of the three.
home=$work/home
mkdir -p "$home/run"
chown -R nobody:nogroup "$home"
chmod 0700 "$home/run"
doctor() {
    "$@" env -i PATH=/usr/bin:/bin HOME="$home" IMSA_RUNTIME_DIR="$home/run" \
        IMSA_KEYSTORE=file IMSA_HELPER="$copy" ASAN_OPTIONS=detect_leaks=0 \
        "$imsa" doctor --offline 2>/dev/null | grep '^[a-zA-Z]* *helper:' || true
}
line=$(doctor as_member)
echo "$line" | grep -q "^ok    helper: $copy has cap_net_bind_service and cap_net_admin" \
    || fail "doctor as a member: $line"
line=$(doctor as_outsider)
echo "$line" | grep -q "^FAIL  helper: you may not run $copy (group nogroup, mode 750).*adduser" \
    || fail "doctor outside the group: $line"
line=$(doctor as_member_without_new_privileges)
echo "$line" | grep -q "^FAIL  helper: .*no_new_privs" || fail "doctor under no_new_privs: $line"

echo "helper capability checks passed"
