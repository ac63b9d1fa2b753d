#!/bin/sh
# Builds the libFuzzer targets in a clang build directory and runs each for N seconds
# (default 60), printing executions/s, corpus size and crashes. Usage: run.sh [seconds] [builddir]
set -eu
seconds=${1:-60}
build=${2:-build-fuzz}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
launcher=
command -v ccache >/dev/null && launcher=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DIMSA_BUILD_FUZZERS=ON $launcher >/dev/null
cmake --build "$build" --target imsa_fuzzers
failed=0
for target in imdshandler configloader stsxml ipcmessage statusjson; do
    work="$build/fuzz-work/$target"
    # The corpus grows from run to run; crashes are this run's own (a fixed one stays in
    # tests/data/fuzz-regressions).
    rm -rf "$work/artifacts"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "$source_dir/tests/fuzz/corpus/$target/"* "$work/corpus/"
    status=0
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" \
        >"$work/log.txt" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log.txt")
    crashes=$(find "$work/artifacts" -type f | wc -l)
    corpus=$(find "$work/corpus" -type f | wc -l)
    echo "$target: ${execs:-?} execs/s, corpus $corpus files, $crashes crashes (exit $status)"
    [ "$status" -eq 0 ] && [ "$crashes" -eq 0 ] || failed=1
done
exit $failed
