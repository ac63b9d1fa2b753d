#!/bin/sh
# No shellcheck finding in any tracked shell script: the *.sh files and every file whose first
# line runs sh, bash or dash (.ci/run, the Debian maintainer scripts, ...).
# Usage: shellcheck_check.sh SOURCE_DIR
set -eu
cd "$1"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v shellcheck >/dev/null || fail "shellcheck is missing (package shellcheck)"
command -v git >/dev/null || fail "git is missing: the check lints the files git tracks"
tracked=$(git ls-files) || fail "git ls-files failed in $PWD"

set --
for file in $tracked; do
    case $file in
    *.sh) ;;
    *)
        [ -f "$file" ] || continue
        head -n 1 "$file" | grep -qE '^#! *(/usr)?/bin/(env +)?(ba|da)?sh( |$)' || continue
        ;;
    esac
    set -- "$@" "$file"
done
[ $# -gt 0 ] || fail "found no shell scripts in $PWD"

# --external-sources: a sourced file is read with its caller, which sets its variables.
shellcheck --external-sources --format=gcc "$@" || fail "shellcheck reported the findings above"
echo "PASS: shellcheck found nothing in $# scripts"
