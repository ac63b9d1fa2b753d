#!/bin/sh
# imsa-test-isolate and imsa-test-leftovers on made-up situations (issue 20).
# The wrapper: removes the caller's IMSA_*/AWS_* and desktop variables and keeps the test's own,
# gives the test directories of its own and removes them, passes the exit status on, stops a
# test that overruns or when the wrapper is signalled (the test's trap runs), and stops a daemon
# the test detached, failing the test for it. The guard: names and stops a test's leftover found
# by its mark or by its directory and fails; leaves alone a program of the build tree no test
# started, and what a running test owns; with --before it stops and reports but passes.
# Every case uses a made-up tag, so the suite's real guard never sees these processes.
# Usage: isolation_test.sh IMSA_TEST_ISOLATE IMSA_TEST_LEFTOVERS
set -eu

isolate=$1
leftovers=$2
tag=selftest$$
work=$(mktemp -d)
planted=
cleanup() {
    for pid in $planted; do
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

failures=0
check() { # check DESCRIPTION COMMAND...: one assertion
    description=$1
    shift
    if "$@"; then
        echo "PASS: $description"
    else
        echo "FAIL: $description"
        failures=$((failures + 1))
    fi
}
# Alive: its status can be read and it is not a zombie. (A check of /proc/PID first and the state
# after would call a process that ends between the two reads alive.)
alive() { grep -q '^State:[[:space:]]*[^Z[:space:]]' "/proc/$1/status" 2>/dev/null; }
dead() { ! alive "$1"; }
has_line() { grep -qx -- "$2" "$1"; }
has_text() { grep -qF -- "$2" "$1"; }
lacks_variable() { ! grep -q "^$2=" "$1"; }
equals() { [ "$1" = "$2" ]; }
wait_for_file() {
    for _ in $(seq 100); do
        [ -s "$1" ] && return 0
        sleep 0.05
    done
    return 1
}
isolated() { # isolated NAME TIMEOUT [NAME=VALUE...] -- COMMAND...
    name=$1 seconds=$2
    shift 2
    "$isolate" --name "$name" --tag "$tag" --timeout "$seconds" "$@"
}

# --- the wrapper ------------------------------------------------------------------------------

status=0
env IMSA_CONFIG=/nonexistent/nonsense AWS_PROFILE=nonsense AWS_ACCESS_KEY_ID=nonsense \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=http://192.0.2.1/ DISPLAY=:99 \
    DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
    "$isolate" --name env_case --tag "$tag" --timeout 30 IMSA_BINARY=/the/binary \
    AWS_DEFAULT_REGION=eu-west-1 -- env >"$work/env.out" || status=$?
check "the wrapper passes a test's exit status 0 on" equals "$status" 0
for variable in IMSA_CONFIG AWS_PROFILE AWS_ACCESS_KEY_ID AWS_EC2_METADATA_SERVICE_ENDPOINT \
    DISPLAY DBUS_SESSION_BUS_ADDRESS; do
    check "the caller's $variable does not reach the test" lacks_variable "$work/env.out" "$variable"
done
check "the test's own IMSA_ variable reaches it" has_line "$work/env.out" IMSA_BINARY=/the/binary
check "the test's own AWS_ variable reaches it" has_line "$work/env.out" AWS_DEFAULT_REGION=eu-west-1
check "the test is named in IMSA_TEST_NAME" has_line "$work/env.out" IMSA_TEST_NAME=env_case
check "the test is marked with the tag" has_line "$work/env.out" "IMSA_TEST_TAG=$tag"
root=$(sed -n 's/^TMPDIR=//p' "$work/env.out")
case $root in
*/imsa-test-"$tag".env_case.*) root_named=yes ;;
*) root_named=no ;;
esac
check "TMPDIR is a directory named after the tag and the test ($root)" equals "$root_named" yes
check "HOME is inside it" has_line "$work/env.out" "HOME=$root/home"
check "XDG_RUNTIME_DIR is inside it" has_line "$work/env.out" "XDG_RUNTIME_DIR=$root/run"
check "the directory is gone after the test" test ! -e "$root"

for code in 3 77; do
    status=0
    isolated exit_case 30 -- sh -c "exit $code" || status=$?
    check "the wrapper passes exit status $code on" equals "$status" "$code"
done

# A daemon detached as `imsa start` does (its own session, its parent gone) is stopped, and the
# test that left it fails.
cat >"$work/detach.sh" <<'EOF'
setsid sleep 300 </dev/null >/dev/null 2>&1 &
echo $! >"$1"
EOF
status=0
isolated daemon_case 30 -- sh "$work/detach.sh" "$work/daemon.pid" 2>"$work/daemon.err" || status=$?
daemon=$(cat "$work/daemon.pid")
planted="$planted $daemon"
check "a test that leaves a detached daemon fails (exit 1)" equals "$status" 1
check "the wrapper names the daemon" has_text "$work/daemon.err" "left pid $daemon running: sleep 300"
check "the daemon is stopped" dead "$daemon"

# A test that overruns its time and ignores SIGTERM is killed, with what it detached.
cat >"$work/overrun.sh" <<'EOF'
trap '' TERM
setsid sleep 300 </dev/null >/dev/null 2>&1 &
echo $! >"$1"
while :; do sleep 1; done
EOF
status=0
started=$(date +%s)
isolated timeout_case 1 -- sh "$work/overrun.sh" "$work/overrun.pid" 2>"$work/timeout.err" \
    || status=$?
took=$(($(date +%s) - started))
daemon=$(cat "$work/overrun.pid")
planted="$planted $daemon"
check "an overrunning test ends with 124" equals "$status" 124
check "the wrapper says it timed out" has_text "$work/timeout.err" "timed out after 1 s"
check "a test ignoring SIGTERM is killed" has_text "$work/timeout.err" "killing it"
check "its daemon (ignoring SIGTERM too) is killed" dead "$daemon"
check "all within 25 s (took $took s)" test "$took" -le 25
cat "$work/timeout.err"

# SIGTERM to the wrapper (ctest interrupted): the test's trap runs, its daemon is stopped.
cat >"$work/trapping.sh" <<'EOF'
trap 'echo trap ran >"$1"; exit 143' TERM
setsid sleep 300 </dev/null >/dev/null 2>&1 &
echo $! >"$2"
while :; do sleep 0.1; done
EOF
"$isolate" --name signal_case --tag "$tag" --timeout 60 -- \
    sh "$work/trapping.sh" "$work/trap.out" "$work/signal.pid" 2>"$work/signal.err" &
wrapper=$!
wait_for_file "$work/signal.pid" || true
kill -TERM "$wrapper"
status=0
wait "$wrapper" || status=$?
daemon=$(cat "$work/signal.pid")
planted="$planted $daemon"
check "a wrapper stopped by SIGTERM ends with 143" equals "$status" 143
check "the test's SIGTERM trap ran" has_line "$work/trap.out" "trap ran"
check "the test's daemon is stopped" dead "$daemon"

# --- the guard --------------------------------------------------------------------------------

# A made-up build tree with a program in it; `plant VARIABLES...` runs it detached (orphaned, as
# a leaked daemon is) with these variables (env's syntax) and prints its pid.
build=$work/build
mkdir -p "$build/bin"
cp "$(command -v sleep)" "$build/bin/imsa"
plant() {
    (
        env "$@" setsid "$build/bin/imsa" 300 </dev/null >/dev/null 2>&1 &
        # Once it runs the program (not env or setsid any more), it is what the guard should see.
        for _ in $(seq 100); do
            [ "$(readlink "/proc/$!/exe")" = "$build/bin/imsa" ] && break
            sleep 0.05
        done
        echo $!
    )
}
guard() { "$leftovers" --tag "$tag" --build-dir "$build" --isolate "$isolate" "$@"; }

status=0
guard >"$work/clean.out" || status=$?
check "the guard passes when nothing is left" equals "$status" 0
check "and says so" has_text "$work/clean.out" "no test left a process running"

pid=$(plant IMSA_TEST_TAG="$tag" IMSA_TEST_NAME=tst_planted)
planted="$planted $pid"
status=0
guard >"$work/marked.out" || status=$?
cat "$work/marked.out"
check "the guard fails on a test's leftover" equals "$status" 1
check "it names the leftover and its test" has_text "$work/marked.out" \
    "pid $pid left running by tst_planted: $build/bin/imsa 300"
check "it stops the leftover" dead "$pid"

mkdir -p "$work/imsa-test-$tag.tst_envless.Ab12Cd"
pid=$(cd "$work/imsa-test-$tag.tst_envless.Ab12Cd" && plant -i)
planted="$planted $pid"
status=0
guard >"$work/envless.out" || status=$?
cat "$work/envless.out"
check "the guard fails on a leftover with a cleared environment, in a test's directory" \
    equals "$status" 1
check "it names that test from the directory" has_text "$work/envless.out" \
    "pid $pid left running by tst_envless"
check "it stops it" dead "$pid"

pid=$(plant -i)
planted="$planted $pid"
status=0
guard >"$work/unmarked.out" || status=$?
cat "$work/unmarked.out"
check "a program of the build tree that no test started does not fail the guard" \
    equals "$status" 0
check "it is listed as left alone" has_text "$work/unmarked.out" "pid $pid runs $build/bin/imsa"
check "and keeps running" alive "$pid"
kill -9 "$pid"

"$isolate" --name live_case --tag "$tag" --timeout 60 -- "$build/bin/imsa" 300 &
wrapper=$!
for _ in $(seq 100); do
    pid=$(pgrep -P "$wrapper" || true)
    [ -n "$pid" ] && break
    sleep 0.05
done
planted="$planted $pid"
status=0
guard >"$work/live.out" || status=$?
check "a running test's process does not fail the guard" equals "$status" 0
check "and is not touched" alive "$pid"
kill -TERM "$wrapper"
wait "$wrapper" || true

pid=$(plant IMSA_TEST_TAG="$tag" IMSA_TEST_NAME=tst_interrupted)
planted="$planted $pid"
status=0
guard --before >"$work/before.out" || status=$?
cat "$work/before.out"
check "with --before the guard passes on an earlier run's leftover" equals "$status" 0
check "but names it" has_text "$work/before.out" "pid $pid left running by tst_interrupted"
check "and stops it" dead "$pid"

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
