#!/bin/sh
# imsa on a machine that already reaches a real instance metadata service, as a cloud VM does:
# imsa-helper must not put 169.254.169.254 on `lo`, where it would hide that service from every
# program on the machine; imsa serves on 127.0.0.1:9254 and `start` says why. Once nothing
# answers there any more, the helper adds the address, and `imsa stop` takes it off again.
# Runs only inside network namespaces this script creates: its own (unshare --net), and a
# "cloud" one joined to it by a veth pair, where a stand-in metadata service listens on
# 169.254.169.254:80. The host's own network is never touched. Needs root; exits 77 (skip)
# otherwise.
# Usage: netns_cloud_e2e.sh IMSA_BINARY IMSA_HELPER STANDIN_STS
set -eu
# shellcheck source-path=SCRIPTDIR source=netns_common.sh
. "$(dirname "$0")/netns_common.sh"
enter_own_network_namespace "$@"

imsa=$1
helper=$2
standin=$3
work=$(mktemp -d)
cloud_pid=""
service_pid=""

fail() {
    echo "FAIL: $*"
    exit 1
}

on_lo() {
    ip -o -4 addr show dev lo | grep -q ' 169\.254\.169\.254/32 '
}

cleanup() {
    as_user "$imsa" stop >/dev/null 2>&1 || true
    for pid in $service_pid $cloud_pid $sts_pid; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

ip link set lo up
on_lo && fail "the new namespace already has 169.254.169.254 on lo"

# The cloud: a namespace of its own, held by a sleeping process, one veth pair away.
unshare --net sleep 300 &
cloud_pid=$!
for _ in $(seq 100); do
    [ "$(readlink /proc/$cloud_pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
done
[ "$(readlink /proc/$cloud_pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] \
    || fail "the cloud namespace did not come up"
ip link add imsa-vm type veth peer name imsa-cloud netns "$cloud_pid"
ip addr add 169.254.1.1/16 dev imsa-vm
ip link set imsa-vm up
nsenter --net="/proc/$cloud_pid/ns/net" sh -eu -c '
    ip link set lo up
    ip addr add 169.254.169.254/16 dev imsa-cloud
    ip link set imsa-cloud up'
mkdir -p "$work/cloud/latest/meta-data"
echo i-0123456789abcdef0 > "$work/cloud/latest/meta-data/instance-id"
nsenter --net="/proc/$cloud_pid/ns/net" /usr/bin/python3 -m http.server --bind 169.254.169.254 \
    --directory "$work/cloud" 80 >/dev/null 2>&1 &
service_pid=$!
cloud_says() {
    curl -s -m 2 http://169.254.169.254/latest/meta-data/instance-id || true
}
for _ in $(seq 100); do [ "$(cloud_says)" = i-0123456789abcdef0 ] && break; sleep 0.05; done
[ "$(cloud_says)" = i-0123456789abcdef0 ] || fail "the stand-in cloud metadata service is not up"

start_standin_sts
mkdir -p "$work/home"
cat > "$work/home/.imsa" <<'YAML'
dev:
  aws_access_key_id: AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
YAML

# 1. The real service answers: imsa leaves it alone.
as_user "$imsa" start > "$work/start.out" 2>&1 || { cat "$work/start.out"; fail "start"; }
grep -q "already reaches an instance metadata service at 169.254.169.254:80" "$work/start.out" \
    || { cat "$work/start.out"; fail "start does not say why it serves elsewhere"; }
as_user "$imsa" status --json | grep -q '"endpoint":"http://127.0.0.1:9254/"' \
    || { as_user "$imsa" status; fail "not serving on the fallback address"; }
on_lo && fail "169.254.169.254 was put on lo although a real metadata service answers there"
[ "$(cloud_says)" = i-0123456789abcdef0 ] || fail "the real metadata service is hidden"
as_user "$imsa" stop > /dev/null
echo "ok: with a real metadata service reachable, imsa serves on 127.0.0.1:9254 and leaves lo alone"

# 2. Nothing answers at 169.254.169.254:80 any more: the helper adds the address, stop removes it.
kill "$service_pid"
wait "$service_pid" 2>/dev/null || true
service_pid=""
as_user "$imsa" start > "$work/start.out" 2>&1 || { cat "$work/start.out"; fail "second start"; }
as_user "$imsa" status --json | grep -q '"endpoint":"http://169.254.169.254/"' \
    || { as_user "$imsa" status; fail "not serving on 169.254.169.254"; }
on_lo || fail "169.254.169.254 is not on lo while imsa serves there"
as_user "$imsa" stop > /dev/null
on_lo && fail "169.254.169.254 is still on lo after imsa stop"
echo "PASS: imsa does not hide a real metadata service, and takes its address off lo on stop"
