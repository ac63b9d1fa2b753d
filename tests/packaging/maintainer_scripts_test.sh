#!/bin/sh
# Runs postinst and postrm against stand-ins for getent, addgroup, delgroup, dpkg-statoverride
# and setcap that keep their state in files, so that the scripts' logic (what they call, in
# which case, and that a second run changes nothing) is checked without touching the system.
# Usage: maintainer_scripts_test.sh INSTALLERS_DEBIAN_DIR
set -eu

scripts=$1
helper=/usr/libexec/imsa/imsa-helper

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

for script in postinst postrm; do
    sh -n "$scripts/$script" || fail "$script: syntax"
    bash --posix -n "$scripts/$script" || fail "$script: syntax (bash --posix)"
    head -n 1 "$scripts/$script" | grep -qx '#!/bin/sh' || fail "$script: not #!/bin/sh"
    grep -qx 'set -e' "$scripts/$script" || fail "$script: no set -e"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$work/bin
state=$work/state
mkdir -p "$bin" "$state"

stub() {
    printf '#!/bin/sh\nPATH=/usr/bin:/bin\necho "%s $*" >>"%s/calls"\n%s\n' "$1" "$state" "$2" \
        >"$bin/$1"
    chmod +x "$bin/$1"
}
# The stand-ins' bodies are scripts of their own: their $1 is theirs, not expanded here.
# shellcheck disable=SC2016
stub getent '[ "$1 $2" = "group imsa" ] && [ -e '"$state"'/group ]'
stub addgroup 'touch '"$state"'/group'
stub delgroup 'rm -f '"$state"'/group'
# shellcheck disable=SC2016
stub dpkg-statoverride 'case "$1" in
    --list) [ -e '"$state"'/override ] ;;
    --update) touch '"$state"'/override ;;
    --remove) rm -f '"$state"'/override ;;
esac'
stub setcap '[ ! -e '"$state"'/setcap-fails ]'

# run SCRIPT ARGS...: runs it with only the stand-ins on PATH; output in $work/out.
run() {
    rm -f "$state/calls"
    touch "$state/calls"
    script=$1
    shift
    PATH=$bin /bin/sh "$scripts/$script" "$@" >"$work/out" 2>&1 \
        || fail "$script $* exited $?: $(cat "$work/out")"
}

expect_calls() {
    printf '%s\n' "$@" | grep -v '^$' >"$work/expected" || true
    diff -u "$work/expected" "$state/calls" || fail "unexpected calls (above)"
}

# First installation: group, statoverride, capabilities, and the advice to the admin.
run postinst configure ''
expect_calls "getent group imsa" "addgroup --quiet --system imsa" \
    "dpkg-statoverride --list $helper" "dpkg-statoverride --update --add root imsa 0750 $helper" \
    "setcap cap_net_bind_service,cap_net_admin+ep $helper"
grep -q 'sudo adduser USER imsa' "$work/out" || fail "postinst does not say how to add users"

# Upgrade: the group and the admin's override stay; capabilities again (dpkg dropped them).
run postinst configure 0.0.9
expect_calls "getent group imsa" "dpkg-statoverride --list $helper" \
    "setcap cap_net_bind_service,cap_net_admin+ep $helper"
[ ! -s "$work/out" ] || fail "postinst repeats its advice on upgrade: $(cat "$work/out")"

# A file system without extended attributes: installed anyway, with a warning.
touch "$state/setcap-fails"
run postinst configure 0.1.0
grep -q '127.0.0.1:9254' "$work/out" || fail "no warning when setcap fails"
rm "$state/setcap-fails"

# Other actions do nothing.
run postinst abort-upgrade 0.1.0
expect_calls
run postrm remove
expect_calls
run postrm upgrade 0.1.0
expect_calls

# Purge: override and group go; a second purge finds nothing to do.
run postrm purge
expect_calls "dpkg-statoverride --list $helper" "dpkg-statoverride --remove $helper" \
    "getent group imsa" "delgroup --quiet --system imsa"
if [ -e "$state/group" ] || [ -e "$state/override" ]; then
    fail "purge left the group or the statoverride"
fi
run postrm purge
expect_calls "dpkg-statoverride --list $helper" "getent group imsa"

# Purge after adduser and dpkg-statoverride are gone.
rm "$bin/delgroup" "$bin/dpkg-statoverride"
touch "$state/group"
run postrm purge
expect_calls

echo "maintainer script checks passed"
