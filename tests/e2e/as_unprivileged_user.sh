#!/bin/sh
# Runs an end-to-end test program as uid 65534 (nobody), the way a user without privileges runs
# it: root reads any process's /proc entries, an ordinary user does not (the imsa CLI makes itself
# non-dumpable), so a test run only as root, as CI runs it, would not see what such a user gets.
# The programs are copied first, because the build tree may sit where that uid cannot reach.
# Needs root and setpriv; exits 77 (skipped) otherwise: then the test runs as the user anyway.
# Usage: as_unprivileged_user.sh TEST_PROGRAM IMSA_BINARY STANDIN_STS [TEST_ARGUMENTS...]
set -eu

test_program=$1
imsa=$2
standin=$3
shift 3

[ "$(id -u)" = 0 ] || { echo "skipped: needs root (the test runs as this user elsewhere)"; exit 77; }
command -v setpriv >/dev/null || { echo "FAIL: setpriv is missing" >&2; exit 1; }

# Short names: the app's control socket ends up below TMPDIR, and a socket path has 107 bytes.
work=$(mktemp -d "${TMPDIR:-/tmp}/u.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
# imsa finds imsa-cli and imsa-service beside itself.
cp -r "$(dirname "$imsa")" "$work/bin"
cp "$test_program" "$standin" "$work/"
mkdir "$work/t"
chown 65534:65534 "$work/t"

# Through a shell, so the test program is started by uid 65534 and not by setpriv as root.
# The test's own processes are its children and stop with it.
IMSA_BINARY=$work/bin/$(basename "$imsa") \
    IMSA_STANDIN_STS=$work/$(basename "$standin") \
    TMPDIR=$work/t HOME=$work/t \
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    sh -c 'exec "$@"' sh "$work/$(basename "$test_program")" "$@"
