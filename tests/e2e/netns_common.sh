# Sourced by the network-namespace end-to-end scripts (netns_e2e.sh, netns_cloud_e2e.sh): the
# root check, the re-exec inside a network namespace of their own, the user's environment and
# the stand-in STS. The sourcing script sets imsa, helper, standin and work.
# shellcheck shell=sh disable=SC2154  # those variables are set by the sourcing script

# Re-runs the sourcing script ("$0") with "$@" inside a new network namespace, so that the
# host's own `lo` is never touched. Exits 77 (skip) when not root.
enter_own_network_namespace() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root to create network namespaces (run: sudo ctest -L root)"
        exit 77
    fi
    if [ "${IMSA_IN_NETNS:-}" != 1 ]; then
        IMSA_IN_NETNS=1 exec unshare --net "$0" "$@"
    fi
}

sts_url=""
# shellcheck disable=SC2034  # the sourcing script's cleanup stops it
sts_pid=""

# The user's whole environment: nothing points the clients at imsa, they must find it at the
# default IMDS address. imsa-test-isolate's marks stay, to tell whose a leftover is.
as_user() {
    env -i PATH=/usr/bin:/bin HOME="$work/home" IMSA_CONFIG="$work/home/.imsa" \
        IMSA_RUNTIME_DIR="$work/run" XDG_STATE_HOME="$work/state" IMSA_KEYSTORE=file \
        IMSA_HELPER="$helper" AWS_ENDPOINT_URL_STS="$sts_url" AWS_DEFAULT_REGION=eu-west-1 \
        IMSA_TEST_NAME="${IMSA_TEST_NAME:-}" IMSA_TEST_TAG="${IMSA_TEST_TAG:-}" "$@"
}

# Starts the stand-in STS on a free loopback port: sets sts_pid (the caller's cleanup stops it)
# and sts_url.
start_standin_sts() {
    "$standin" --port 0 >"$work/sts.out" &
    # shellcheck disable=SC2034  # the sourcing script's cleanup stops it
    sts_pid=$!
    for _ in $(seq 100); do grep -q LISTENING "$work/sts.out" 2>/dev/null && break; sleep 0.05; done
    sts_url="http://127.0.0.1:$(awk '/LISTENING/ {print $2}' "$work/sts.out")/"
}
