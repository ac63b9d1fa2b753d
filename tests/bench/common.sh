# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # $tmp comes from the caller, and what this sets is the caller's
# What run.sh and cli.sh share, sourced by both after `set -euo pipefail`: the BUILD_DIR
# argument and the programs in it, the stand-in STS, the profiles of the e2e tests, a median,
# and the goal verdicts. Callers provide $tmp and the pids array (stopped by their cleanup).

# bench_init "$@": checks the one argument, sets build, imsa, sts and python.
bench_init() {
    if [[ $# -ne 1 ]]; then
        echo "usage: $0 BUILD_DIR" >&2
        exit 2
    fi
    build=$(cd "$1" && pwd)
    imsa="$build/bin/imsa"
    sts="$build/tests/imsa-standin-sts"
    # Debian's python3: another one may come first on PATH.
    python=/usr/bin/python3
    local tool
    for tool in "$imsa" "$sts" "$python"; do
        [[ -x $tool ]] || { echo "missing $tool (build the imsa and imsa-standin-sts targets)" >&2; exit 2; }
    done
}

# start_sts NAME [ARGS...]: starts a stand-in STS, sets sts_port.
start_sts() {
    local name=$1
    shift
    "$sts" --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pids+=("$!")
    for _ in $(seq 100); do
        if grep -q '^LISTENING ' "$tmp/$name.out"; then
            sts_port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$tmp/$name.out")
            return 0
        fi
        sleep 0.05
    done
    echo "stand-in STS $name did not start" >&2
    exit 1
}

# write_profiles FILE: the e2e tests' ~/.imsa (base keys with MFA, and the role dev).
write_profiles() {
    cat >"$1" <<EOF_PROFILES
base:
  aws_access_key_id: AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice
  role_session_name: alice

dev:
  extends: base
  role_arn: arn:aws:iam::111111111111:role/Developer
  region: eu-west-1
EOF_PROFILES
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

verdicts=()
verdict() { # verdict GOAL PASSED(0/1) MEASURED
    local word=MISS
    [[ $2 -eq 1 ]] && word=PASS
    verdicts+=("$(printf '| %-4s | %-52s | %s |' "$word" "$1" "$3")")
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }

# print_verdicts: the table of every verdict so far.
print_verdicts() {
    echo "| goal | what                                                 | measured |"
    echo "|------|------------------------------------------------------|----------|"
    printf '%s\n' "${verdicts[@]}"
}
