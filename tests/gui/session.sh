# shellcheck shell=sh disable=SC2154 # session_name: set by the script that sources this
# The desktop session the tray checks run in, sourced by tests/gui/*.sh (POSIX sh): a temporary
# folder ($work) removed at exit, everything started stopped by pid, a private user, a D-Bus
# session of its own and weston. Before sourcing, a script sets `session_name` (the prefix of
# its messages) and may set `session_logs` (files in $work that `fail` prints, imsa.log if
# unset).
#
#   session_in_xvfb VARIABLE SIZE "$0" ARGS...   runs the script again under xvfb-run (once:
#                                                VARIABLE marks the second run)
#   session_start                                $work, the EXIT trap, the private user
#   started PID                                  stops PID at exit
#   wait_for SECONDS COMMAND...                  polls until COMMAND succeeds
#   fail MESSAGE                                 says it with the logs, exits 1
#   skip MESSAGE                                 a tool is missing: exits 77
#   session_dbus                                 a bus of its own, in DBUS_SESSION_BUS_ADDRESS
#   session_weston ARGS...                       weston on the socket imsa-test, with ARGS
#   session_standin STANDIN ARGS...              the local STS stand-in; sets sts_port and
#                                                AWS_ENDPOINT_URL_STS

skip() {
    echo "$session_name: $* (scripts/setup-debian.sh --with-tests installs it); skipped" >&2
    exit 77
}

session_in_xvfb() {
    marker=$1 size=$2
    shift 2
    if eval "[ -z \"\${$marker:-}\" ]"; then
        export "$marker=1"
        exec xvfb-run -a -s "-screen 0 ${size}x24" "$@"
    fi
}

started() { pids="$pids $1"; }

fail() {
    echo "$session_name: $*" >&2
    for log in ${session_logs:-imsa.log}; do
        echo "--- $log:" >&2
        cat "$work/$log" >&2 2>/dev/null || true
    done
    exit 1
}

# wait_for SECONDS COMMAND...: polls until COMMAND succeeds.
wait_for() {
    tries=$(($1 * 5))
    shift
    while [ "$tries" -gt 0 ]; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        tries=$((tries - 1))
        sleep 0.2
    done
    return 1
}

session_cleanup() {
    for pid in $pids; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}

# A private user: HOME, XDG folders, the file key store; none of the caller's imsa, AWS and Qt
# settings (a developer who uses imsa has them) and no desktop of the caller's.
session_start() {
    work=$(mktemp -d)
    pids=
    trap session_cleanup EXIT
    # A signal ends the script through exit, so that the EXIT trap stops what it started.
    trap 'exit 143' TERM INT HUP
    mkdir -p "$work/home" "$work/config" "$work/state" "$work/run"
    chmod 700 "$work/run"
    export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
    export XDG_CONFIG_DIRS="$work/xdg" XDG_DATA_HOME="$work/data"
    export LANG=C.UTF-8 LANGUAGE='' LC_ALL=''
    for variable in $(env | sed -n 's/^\(\(IMSA\|AWS\|QT\)_[A-Za-z0-9_]*\)=.*/\1/p'); do
        case $variable in
        IMSA_TEST_NAME | IMSA_TEST_TAG | IMSA_*_IN_XVFB) ;;
        *) unset "$variable" ;;
        esac
    done
    unset WAYLAND_DISPLAY XDG_SESSION_TYPE XDG_CURRENT_DESKTOP DBUS_SESSION_BUS_ADDRESS
    export XDG_RUNTIME_DIR="$work/run" IMSA_RUNTIME_DIR="$work/run/imsa" IMSA_KEYSTORE=file
}

# A bus of its own that starts no services (with the system's service files it would start,
# say, dunst for a notification, and that one would outlive the test): Debian's session bus
# without its service and include folders.
session_dbus() {
    sed -e "s#<listen>.*</listen>#<listen>unix:dir=$work</listen>#" \
        -e '/standard_session_servicedirs/d' -e '/<include/d' /usr/share/dbus-1/session.conf \
        >"$work/bus.conf"
    dbus-daemon --config-file="$work/bus.conf" --fork --print-address=1 --print-pid=1 \
        >"$work/bus" || fail "dbus-daemon did not start"
    started "$(sed -n 2p "$work/bus")"
    DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p "$work/bus")
    export DBUS_SESSION_BUS_ADDRESS
}

# weston on $XDG_RUNTIME_DIR/imsa-test, its log in $work/weston.log; ready once the socket is.
session_weston() {
    weston --socket=imsa-test --idle-time=0 --no-config --log="$work/weston.log" "$@" \
        >/dev/null 2>&1 &
    started $!
    wait_for 10 test -S "$work/run/imsa-test" \
        || fail "weston did not start: $(cat "$work/weston.log")"
}

session_standin() {
    "$@" --port 0 >"$work/sts.out" 2>&1 &
    started $!
    wait_for 10 grep -q '^LISTENING' "$work/sts.out" || fail "the STS stand-in did not start"
    sts_port=$(sed -n 's/^LISTENING //p' "$work/sts.out")
    export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$sts_port/"
}
