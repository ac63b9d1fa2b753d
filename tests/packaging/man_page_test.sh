#!/bin/sh
# The man page renders without a warning, and documents what the program has: every command of
# `imsa --help`, every option of each `imsa COMMAND --help`, every configuration key the
# profile readers know, the environment variables, and the sections a user looks for.
# Usage: man_page_test.sh SOURCE_DIR IMSA_BINARY
set -eu

source=$1
imsa=$2
page=$source/installers/man/imsa.1

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

command -v man >/dev/null || fail "man is missing (package man-db)"
warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || fail "man -l: $warnings"
[ -z "$warnings" ] || fail "man --warnings: $warnings"

text=$(mktemp)
trap 'rm -f "$text"' EXIT
MANWIDTH=200 man -l "$page" 2>/dev/null | col -b >"$text"

documents() {
    grep -qF -- "$1" "$text" || fail "the man page does not mention $1"
}

for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS CONFIGURATION ENVIRONMENT FILES \
    'EXIT STATUS' SECURITY EXAMPLES 'SEE ALSO'; do
    grep -qx "$section" "$text" || fail "no section $section"
done

commands=$("$imsa" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || fail "imsa --help lists no commands"
for command in $commands; do
    documents "imsa $command"
    for option in $("$imsa" "$command" --help | grep -oE '^ +(-[a-z], )?--[a-z0-9-]+' \
        | grep -oE -- '--[a-z0-9-]+'); do
        documents "$option"
    done
done
documents --version

# The keys as the readers spell them: {"aws_access_key_id", Setting::AccessKeyId}, ...
keys=$(grep -ohE '\{"[a-z_]+", Setting::' "$source/core/include/imsa/detail/imsayaml.h" \
    "$source/core/include/imsa/detail/awsprofiles.h" | grep -oE '[a-z_]+' | grep -v '^Setting$') \
    || fail "found no configuration keys in the profile readers"
while read -r key; do
    documents "$key"
done <<EOF
$keys
EOF

for variable in IMSA_CONFIG IMSA_RUNTIME_DIR IMSA_KEYSTORE IMSA_HELPER IMSA_PROFILE \
    IMSA_PROFILE_EXPIRATION AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL_STS \
    IMSA_SIGNIN_URL BROWSER XDG_RUNTIME_DIR XDG_STATE_HOME; do
    documents "$variable"
done
echo "man page checks passed"
