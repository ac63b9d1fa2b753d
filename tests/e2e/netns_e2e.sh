#!/bin/sh
# The whole chain at the real address, as a user gets it: imsa-helper puts 169.254.169.254 on
# `lo` and binds port 80, imsa serves there, and Debian's awscli and boto3 find the credentials
# with no endpoint configuration at all. Runs only inside a network namespace this script
# creates (unshare --net), so the host's own `lo` is never touched. Needs root; exits 77 (skip)
# otherwise.
# Usage: netns_e2e.sh IMSA_BINARY IMSA_HELPER STANDIN_STS
set -eu
# shellcheck source-path=SCRIPTDIR source=netns_common.sh
. "$(dirname "$0")/netns_common.sh"
enter_own_network_namespace "$@"

imsa=$1
helper=$2
standin=$3
work=$(mktemp -d)
app_pid=""
# The app: `imsa stop` as the user who started it, then by pid if it still runs. The stand-in
# by pid.
cleanup() {
    as_user "$imsa" stop >/dev/null 2>&1 || true
    if [ -n "$app_pid" ] && tr '\0' '\n' <"/proc/$app_pid/environ" 2>/dev/null \
        | grep -qx "HOME=$work/home"; then
        kill -9 "$app_pid" 2>/dev/null || true
    fi
    if [ -n "$sts_pid" ]; then
        kill "$sts_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

ip link set lo up
if ip -o addr show dev lo | grep -q 169.254.169.254; then
    echo "FAIL: the new namespace already has 169.254.169.254"; exit 1
fi

start_standin_sts

mkdir -p "$work/home"
cat > "$work/home/.imsa" <<'YAML'
base:
  aws_access_key_id: AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice
  role_session_name: alice
dev:
  extends: base
  role_arn: arn:aws:iam::111111111111:role/Developer
  region: eu-west-1
YAML
as_user "$imsa" start
status=$(as_user "$imsa" status --json)
app_pid=$(echo "$status" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
echo "$status" | grep -q "\"endpoint\":\"http://169.254.169.254/\"" \
    || { echo "FAIL: not serving on 169.254.169.254"; as_user "$imsa" status; exit 1; }
as_user "$imsa" assume dev --mfa-code 123456
arn=$(as_user /usr/bin/aws sts get-caller-identity --endpoint-url "$sts_url" --query Arn --output text)
echo "awscli: $arn"
[ "$arn" = arn:aws:sts::111111111111:assumed-role/Developer/alice ]
arn=$(as_user /usr/bin/python3 -c "import boto3; print(boto3.client(\"sts\", endpoint_url=\"$sts_url\").get_caller_identity()[\"Arn\"])")
echo "boto3: $arn"
[ "$arn" = arn:aws:sts::111111111111:assumed-role/Developer/alice ]
# A browser page that DNS-rebinds a name to this address is refused.
code=$(as_user curl -s -o /dev/null -w "%{http_code}" -H "Host: evil.example" \
    http://169.254.169.254/latest/meta-data/iam/security-credentials/)
[ "$code" = 403 ] || { echo "FAIL: foreign Host got $code"; exit 1; }
# A peer that is neither loopback nor the listen address (a neighbour routing 169.254.169.254
# here) has its connection aborted before a byte is read: no HTTP answer.
ip addr add 192.0.2.7/32 dev lo
curl_status=0
code=$(as_user curl -s -o /dev/null -w "%{http_code}" --interface 192.0.2.7 \
    http://169.254.169.254/latest/meta-data/iam/security-credentials/) || curl_status=$?
# curl 52: empty reply, 56: connection reset; anything else (an answer, 45: cannot bind
# 192.0.2.7, 7: refused) means the check did not happen as intended.
case "$code $curl_status" in
    "000 52" | "000 56") ;;
    *) echo "FAIL: a foreign peer got HTTP $code, curl exit $curl_status"; exit 1 ;;
esac
ip -o addr show dev lo | grep -q "169.254.169.254/32" || { echo "FAIL: address not on lo"; exit 1; }
as_user "$imsa" stop
if ip -o addr show dev lo | grep -q 169.254.169.254; then
    echo "FAIL: 169.254.169.254 is still on lo after imsa stop"; exit 1
fi
echo "PASS: awscli and boto3 got credentials from 169.254.169.254:80 inside the namespace"
