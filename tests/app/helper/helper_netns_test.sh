#!/bin/sh
# Runs the netns* cases of tst_imsahelper as root inside a network namespace created here
# (unshare --net), so that the real imsa-helper adds 169.254.169.254 to that namespace's lo and
# binds port 80 there: the host's own lo is never touched. Without root (or without namespace
# support) the cases run anyway to print why they skip, and ctest reports the test as skipped.
# usage: helper_netns_test.sh <path to tst_imsahelper>
set -u
test_binary=$1
functions=$("$test_binary" -functions | sed -n 's/^\(netns[A-Za-z]*\)()$/\1/p')
if [ -z "$functions" ]; then
    echo "helper_netns_test.sh: no netns* functions in $test_binary" >&2
    exit 1
fi

skip() {
    echo "helper_netns_test.sh: SKIPPED: $1"
    # shellcheck disable=SC2086 # one argument per function name
    "$test_binary" $functions
    exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root to create a network namespace"
unshare --net true 2>/dev/null || skip "unshare --net failed (no namespace support here)"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) is not installed"

# The test refuses to touch lo unless its namespace differs from this one.
IMSA_TEST_HOST_NETNS=$(stat -L -c %i /proc/self/ns/net) || exit 1
export IMSA_TEST_HOST_NETNS
# shellcheck disable=SC2086,SC2016 # $0/$@ belong to the inner shell
exec unshare --net sh -c 'ip link set lo up && IMSA_TEST_NETNS=1 exec "$0" "$@"' \
    "$test_binary" $functions
