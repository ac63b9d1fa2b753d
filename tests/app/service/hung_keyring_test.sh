#!/bin/sh
# A keyring that exists but does not answer (its daemon stopped, as a keyring waiting to be
# unlocked behaves): `imsa start` waits the bounded 5 s for it, then serves with the file store,
# and `imsa status` and `imsa doctor` say why. Runs inside run-with-keyring.sh (private bus and
# keyring), stops what it started and resumes the daemon however it ends.
# Usage: run-with-keyring.sh sh hung_keyring_test.sh IMSA
set -eu
imsa=$1
[ "${IMSA_TEST_KEYRING:-}" = private ] || { echo "run me inside run-with-keyring.sh" >&2; exit 2; }

daemon=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets |
    sed -n 's/.*uint32 //p')
[ -n "$daemon" ] || { echo "FAIL: nothing owns org.freedesktop.secrets"; exit 1; }
export IMSA_RUNTIME_DIR="$XDG_RUNTIME_DIR/imsa" IMSA_HELPER="$HOME/no-helper" LANG=C.UTF-8
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    kill -CONT "$daemon" 2>/dev/null || true
    timeout 20 "$imsa" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
status=0
fail() {
    echo "FAIL: $*"
    status=1
}

kill -STOP "$daemon"
started=$(date +%s%N)
line=$("$imsa" start --headless --listen 127.0.0.1:0 2>/dev/null) || fail "imsa start failed"
waited_ms=$((($(date +%s%N) - started) / 1000000))
# At least the keychain timeout (so it did try the keyring), and not much more.
if [ "$waited_ms" -ge 3000 ] && [ "$waited_ms" -le 15000 ]; then
    echo "ok: imsa start served after $waited_ms ms"
else
    fail "imsa start took $waited_ms ms; wanted about 5 s"
fi

said=$("$imsa" status) || fail "imsa status failed"
reason="no answer within 5 s"
case $said in
*"key store:    file "*) echo "ok: status shows the file store" ;;
*) fail "status does not show the file store: $said" ;;
esac
case $said in
*"warning: "*"$reason"*) echo "ok: status says why" ;;
*) fail "status does not say '$reason': $said" ;;
esac

# --offline and the endpoint named: the doctor's traffic stays on loopback (it would otherwise
# ask AWS for the time, and whatever answers at 169.254.169.254).
said=$(AWS_EC2_METADATA_SERVICE_ENDPOINT="${line##* }" "$imsa" doctor --offline 2>&1) || true
case $said in
*"$reason"*) echo "ok: doctor says why" ;;
*) fail "doctor does not say '$reason': $said" ;;
esac
exit "$status"
