#!/bin/sh
# Installs the Debian packages, builds imsa with warnings as errors and ASan+UBSan, runs the whole
# test suite (the lint checks included) and then each libFuzzer target for IMSA_FUZZ_SECONDS
# (default 60; 0 skips). Fails when either fails; the last line is ctest's summary.
set -eu
cd "$(dirname "$0")/.."

./scripts/setup-debian.sh --with-tests

build=${IMSA_BUILD_DIR:-build-tests}
cmake -S . -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIMSA_WERROR=ON -DIMSA_SANITIZE=ON \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --build "$build" --parallel "$(nproc)"
cmake --build "$build" --target all_verify_interface_header_sets --parallel "$(nproc)"
# ctest first, so that a fuzzer crash never hides the test results; both fail the run, and the
# last line printed is still ctest's summary.
log="$build/ctest-summary.log"
status_file="$build/ctest-status"
{
    if (cd "$build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 600); then
        echo 0 >"$status_file"
    else
        echo $? >"$status_file"
    fi
} | tee "$log"
ctest_status=$(cat "$status_file")
fuzz_status=0
fuzz_seconds=${IMSA_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" -gt 0 ]; then
    ./tests/fuzz/run.sh "$fuzz_seconds" "${IMSA_FUZZ_BUILD_DIR:-build-fuzz}" || fuzz_status=$?
    [ "$fuzz_status" = 0 ] || echo "test: the fuzzers failed (exit $fuzz_status); see above"
fi
grep -E '^[0-9]+% tests passed' "$log" | tail -n 1
[ "$ctest_status" = 0 ] && [ "$fuzz_status" = 0 ]
