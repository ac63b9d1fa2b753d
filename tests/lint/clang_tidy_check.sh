#!/bin/sh
# clang-tidy, configured by .clang-tidy, finds nothing in the project's own .cpp files under app/
# and core/ nor in the app/ and core/ headers they include (HeaderFilterRegex). The compile flags
# come from the build's compile_commands.json, so this runs after the build; generated files
# (moc, qrc, autogen) live in the build directory and are not checked. Exits 77 (skipped) when
# clang-tidy is not installed (package clang-tidy). Files run in parallel, one per core.
# Usage: clang_tidy_check.sh SOURCE_DIR BUILD_DIR
set -eu
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || {
    echo "SKIP: clang-tidy is missing (package clang-tidy)"
    exit 77
}
[ -f "$build/compile_commands.json" ] ||
    fail "no $build/compile_commands.json: configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
logs="$work/logs"
mkdir "$logs"
# One entry per source file, unity batches taken apart (expand_unity_database.py says why).
python3 "$src/tests/lint/expand_unity_database.py" "$build" "$work" ||
    fail "could not read $build/compile_commands.json"
database="$work/compile_commands.json"

# CMake writes one "file" line per entry; a file built into two targets appears twice.
listed=$(sed -n 's/^ *"file": "\(.*\)"$/\1/p' "$database" | sort -u)
# The build has to be done: the moc output (the generated headers) must exist.
for file in $listed; do
    case $file in
    */mocs_compilation.cpp) [ -f "$file" ] || fail "$file is missing: build $build first" ;;
    esac
done
files=$(printf '%s\n' "$listed" | grep -E "^$src/(app|core)/.*\.cpp$" || true)
[ -n "$files" ] || fail "$database lists no .cpp file under $src/app or $src/core"

# The flags are GCC's: clang must not stop on a warning option it does not know, and its own
# compiler warnings are not this check's business (GCC's -Werror build is). A file with a
# finding makes clang-tidy exit non-zero too; a failure without a finding is reported below.
# shellcheck disable=SC2016 # the inner sh expands them
printf '%s\n' "$files" | xargs -P "$(nproc)" -I {} sh -c '
    log="$2/$(printf "%s" "$3" | tr / _).log"
    "$1" -p "$4" --quiet --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-error \
        "$3" >"$log" 2>&1 || echo "$3: clang-tidy exited $?" >"$log.failed"' \
    sh "$tidy" "$logs" {} "$work"

# A header included by several files is reported once per file: print each finding once.
findings=$(cat "$logs"/*.log | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' | sort -u || true)
count=$(printf '%s\n' "$files" | wc -l)
if [ -n "$findings" ]; then
    printf '%s\n' "$findings"
    fail "clang-tidy ($("$tidy" --version | sed -n 's/.*LLVM version //p')) reported the" \
        "$(printf '%s\n' "$findings" | wc -l) findings above in $count files"
fi
if ls "$logs"/*.failed >/dev/null 2>&1; then
    for failed in "$logs"/*.failed; do
        cat "${failed%.failed}" "$failed"
    done
    fail "clang-tidy failed without reporting a finding (see above)"
fi
echo "PASS: clang-tidy found nothing in $count files and the headers they include"
