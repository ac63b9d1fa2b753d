#!/bin/sh
# Every tracked C++ file under core/, app/ and tests/ is formatted as .clang-format says. The
# file is written for clang-format 14 (Debian 12); another version formats some constructs
# differently, so clang-format-14 is used when present. Fix with: clang-format-14 -i FILE...
# Usage: format_check.sh SOURCE_DIR
set -eu
cd "$1"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

format=$(command -v clang-format-14 || command -v clang-format) \
    || fail "clang-format is missing (package clang-format)"
command -v git >/dev/null || fail "git is missing: the check formats the files git tracks"
files=$(git ls-files -- 'core/*.h' 'core/*.cpp' 'app/*.h' 'app/*.cpp' 'tests/*.h' 'tests/*.cpp') \
    || fail "git ls-files failed in $PWD"
[ -n "$files" ] || fail "git ls-files found no C++ files in $PWD"

unformatted=""
count=0
for file in $files; do
    count=$((count + 1))
    "$format" --dry-run -Werror "$file" 2>/dev/null || unformatted="$unformatted $file"
done
if [ -n "$unformatted" ]; then
    for file in $unformatted; do
        "$format" "$file" | diff -u "$file" - || true
    done
    fail "not formatted as .clang-format says ($("$format" --version)):$unformatted"
fi
echo "PASS: $count files formatted as .clang-format says"
