#!/bin/sh
# Installs the Debian packages, builds imsa with warnings as errors and ASan+UBSan, and runs the
# whole test suite. The last line is ctest's summary.
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
cd "$build"
exec ctest --output-on-failure --parallel "$(nproc)" --timeout 600
