#!/bin/sh
# Installs the AWS SDK for JavaScript that tst_ssoclients runs into DESTINATION/node_modules (the
# build tree, never the source tree): `npm ci` from SOURCE/package-lock.json, which pins every
# package to an exact version and checksum. npm's cache is DESTINATION/npm-cache, so a second run
# needs the registry only when the lock changed; an install that matches the lock is kept.
# Bounded: each attempt gets ATTEMPT_SECONDS, and a failed one is tried again once (npm itself
# retries each download). Fails, saying why, when npm is missing or the registry can't be reached.
# Usage: install.sh SOURCE DESTINATION
set -eu
source=$1
destination=$2

ATTEMPT_SECONDS=150
RETRY_PAUSE_SECONDS=10

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v node >/dev/null || fail "node is missing: package nodejs (scripts/setup-debian.sh)"
command -v npm >/dev/null || fail "npm is missing: package npm (scripts/setup-debian.sh)"

# Node trusts only its own copy of Mozilla's roots. A machine that reaches the registry through a
# proxy whose CA is installed system-wide (update-ca-certificates) needs the system's store too,
# the one apt and curl use; with only Node's, npm fails with SELF_SIGNED_CERT_IN_CHAIN.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
    export NODE_EXTRA_CA_CERTS
fi

mkdir -p "$destination"
installed="$destination/node_modules/.installed-package-lock.json"
if cmp -s "$source/package-lock.json" "$installed" \
    && cmp -s "$source/package.json" "$destination/package.json"; then
    echo "PASS: $destination/node_modules already matches $source/package-lock.json"
    exit 0
fi
rm -f "$installed"
cp "$source/package.json" "$source/package-lock.json" "$destination/"

# --ignore-scripts: nothing from the registry runs here (these packages have no install scripts).
# --prefer-offline: what the cache holds is not checked again; the lock's checksums still are.
log="$destination/npm-ci.log"
attempt=1
while :; do
    echo "npm ci (attempt $attempt) into $destination, node $(node --version), npm $(npm --version)"
    started=$(date +%s)
    if timeout --kill-after=10 "$ATTEMPT_SECONDS" npm ci --prefix "$destination" \
        --cache "$destination/npm-cache" --prefer-offline --ignore-scripts --no-audit --no-fund \
        --no-update-notifier --fetch-timeout=60000 --fetch-retries=3 \
        --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=20000 >"$log" 2>&1; then
        cp "$source/package-lock.json" "$installed"
        cat "$log"
        echo "PASS: npm ci took $(($(date +%s) - started)) s"
        exit 0
    else
        status=$?
    fi
    tail -n 20 "$log"
    [ "$status" = 124 ] && echo "npm ci did not finish within $ATTEMPT_SECONDS s"
    [ "$attempt" -ge 2 ] && break
    attempt=$((attempt + 1))
    sleep "$RETRY_PAUSE_SECONDS"
done
fail "npm ci could not install the AWS SDK for JavaScript (exit $status; npm's output above," \
    "all of it in $log): is the npm registry ($(npm config get registry)) reachable?"
