#!/bin/sh
# Installs the Debian packages, builds imsa with warnings as errors and ASan+UBSan, runs each
# libFuzzer target for IMSA_FUZZ_SECONDS (default 60; 0 skips) and then the whole test suite.
# The last line is ctest's summary.
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
fuzz_seconds=${IMSA_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" -gt 0 ]; then
    ./tests/fuzz/run.sh "$fuzz_seconds" "${IMSA_FUZZ_BUILD_DIR:-build-fuzz}"
fi
cd "$build"
exec ctest --output-on-failure --parallel "$(nproc)" --timeout 600
