#!/usr/bin/env bash
# What a shell prompt and a script pay for imsa's command line: `imsa --version`, `imsa prompt`
# and `imsa status` against a running app (and `imsa status --json`, which still goes through
# imsa-cli: what a Qt program start costs in the same run), and the time from `imsa start` to
# the first answer of the metadata endpoint with no session bus, with a bus but no Secret
# Service, and with an unlocked private GNOME Keyring. The reference is /bin/true in the same run: one process start.
# Usage: tests/bench/cli.sh BUILD_DIR   (loopback only; stops everything it started by pid)
# Environment: BENCH_RUNS (hyperfine runs per command, default 100), BENCH_STARTS (default 5).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/common.sh
source "$here/common.sh"
bench_init "$@"
keyring=$here/../app/keystore/run-with-keyring.sh
runs=${BENCH_RUNS:-100}
starts=${BENCH_STARTS:-5}
for tool in hyperfine curl dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/imsa-bench-cli.XXXXXX)
pids=()
cleanup() {
    local pid
    env -i PATH="$PATH" IMSA_RUNTIME_DIR="$tmp/run" timeout 10 "$imsa" stop >/dev/null 2>&1 || true
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "== $*" >&2; }

start_sts sts
mkdir -p "$tmp/home" "$tmp/state"
mkdir -m 700 "$tmp/run"
write_profiles "$tmp/home/.imsa"
# Only these variables: no session bus unless a run adds one, no key store forced.
base_env=(PATH="$PATH" HOME="$tmp/home" IMSA_CONFIG="$tmp/home/.imsa" XDG_STATE_HOME="$tmp/state"
    IMSA_HELPER="$tmp/no-helper" AWS_ENDPOINT_URL_STS="http://127.0.0.1:$sts_port/" LANG=C.UTF-8)
app_env=("${base_env[@]}" IMSA_RUNTIME_DIR="$tmp/run" IMSA_KEYSTORE=file)

# --- the command line against a running app --------------------------------------------------

env -i "${app_env[@]}" "$imsa" start --headless --listen 127.0.0.1:0 >/dev/null 2>"$tmp/start.err"
env -i "${app_env[@]}" "$imsa" assume dev --mfa-code 123456 >/dev/null
[[ $(env -i "${app_env[@]}" "$imsa" prompt) == "dev "* ]] || { echo "imsa prompt shows no profile" >&2; exit 1; }

log "hyperfine: /bin/true, imsa --version, imsa prompt, imsa status, imsa status --json ($runs runs each)"
env -i "${app_env[@]}" hyperfine -N --warmup 10 --runs "$runs" --export-json "$tmp/cli.json" \
    /bin/true "$imsa --version" "$imsa prompt" "$imsa status" "$imsa status --json" >/dev/null 2>"$tmp/hyperfine.err"

# --- start to first answer --------------------------------------------------------------------

# start_times: prints one line per start, the milliseconds from `imsa start` to the first
# answer of the endpoint (404 counts: no profile is active yet, but it answered). Runs in
# whatever bus set-up run-with-keyring.sh gave it; each start uses its own runtime directory.
cat >"$tmp/start-times.sh" <<'SCRIPT'
set -eu
for i in $(seq "$STARTS"); do
    run="$WORK/start-$MODE-$i"
    mkdir -m 700 "$run"
    t0=$(date +%s%N)
    line=$(IMSA_RUNTIME_DIR="$run" "$IMSA" start --headless --listen 127.0.0.1:0 2>/dev/null)
    url=${line##* }
    until code=$(curl -s -o /dev/null -w '%{http_code}' "${url%/}/latest/meta-data/iam/security-credentials/") \
        && { [ "$code" = 200 ] || [ "$code" = 404 ]; }; do
        [ $(($(date +%s%N) - t0)) -lt 20000000000 ] || { echo "no answer from $url" >&2; exit 1; }
    done
    echo $((($(date +%s%N) - t0) / 1000000))
    IMSA_RUNTIME_DIR="$run" "$IMSA" stop >/dev/null 2>&1
    # What the app chose, for the report.
    grep -o 'key store: .*' "$STATE/imsa/imsa.log" | tail -1 >"$WORK/keystore-$MODE.txt" || true
done
SCRIPT
start_mode() {
    local mode=$1
    shift
    log "start to first answer, $mode ($starts starts)"
    # shellcheck disable=SC2016 # expanded by the inner shell, after run-with-keyring.sh
    env -i "${base_env[@]}" IMSA="$imsa" WORK="$tmp" STARTS="$starts" MODE="$mode" STATE="$tmp/state" \
        sh "$keyring" "$@" sh -c 'XDG_STATE_HOME="$STATE" exec sh "$0"' "$tmp/start-times.sh" \
        >"$tmp/start-$mode.ms"
}
start_mode nobus --no-bus
start_mode busonly --bus-only
start_mode keyring

# --- report -----------------------------------------------------------------------------------

echo "imsa command line, $(date -u +%Y-%m-%d), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | median ms | mean ms | min ms | ratio to /bin/true |"
echo "| --- | ---: | ---: | ---: | ---: |"
"$python" - "$tmp/cli.json" "$imsa" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
true_median = results[0]["median"]
for r in results:
    name = r["command"].replace(sys.argv[2], "imsa")
    print(f"| `{name}` | {r['median']*1e3:.2f} | {r['mean']*1e3:.2f} | {r['min']*1e3:.2f} | {r['median']/true_median:.2f} |")
PY
echo
echo "| start to first answer | median ms | runs (ms) | key store chosen |"
echo "| --- | ---: | --- | --- |"
for mode in nobus busonly keyring; do
    case $mode in
    nobus) what="no session bus" ;;
    busonly) what="session bus, no Secret Service" ;;
    keyring) what="session bus, unlocked GNOME Keyring" ;;
    esac
    echo "| $what | $(median <"$tmp/start-$mode.ms") | $(paste -sd' ' "$tmp/start-$mode.ms") | $(sed 's/^key store: //' "$tmp/keystore-$mode.txt" 2>/dev/null | cut -c1-60) |"
done

# The goals of issue 19 (this machine, idle).
median_ms() { # median_ms COMMAND: hyperfine's median of COMMAND ("imsa status" …), in ms
    "$python" -c 'import json,sys; print("%.2f" % [r["median"] * 1e3 for r in json.load(open(sys.argv[1]))["results"] if r["command"] == sys.argv[2]][0])' \
        "$tmp/cli.json" "$1"
}
while read -r command goal; do
    measured=$(median_ms "$imsa $command")
    verdict "imsa $command <= $goal ms" "$(le "$measured" "$goal")" "$measured ms (median)"
done <<'GOALS'
--version 5
prompt 3
status 10
GOALS
for mode in nobus busonly keyring; do
    measured=$(median <"$tmp/start-$mode.ms")
    verdict "start to first answer ($mode) <= 150 ms" "$(le "$measured" 150)" "$measured ms (median of $starts)"
done
echo
print_verdicts
