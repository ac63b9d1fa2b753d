#!/bin/sh
# Every docs/*.md that a comment, a test or the README cites exists in the tree: a reader sent to
# a missing file has nowhere to check the claim.
# Usage: docs_references_test.sh SOURCE_DIR
set -eu
source=$1
cd "$source"
missing=$(grep -rhoE 'docs/[A-Za-z0-9_./-]+\.md' core app tests README.md | sort -u \
    | while read -r cited; do [ -f "$cited" ] || printf ' %s' "$cited"; done)
if [ -n "$missing" ]; then
    echo "FAIL: cited but not in the tree:$missing"
    exit 1
fi
echo "PASS: every cited docs/*.md exists"
