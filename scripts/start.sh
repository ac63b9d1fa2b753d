#!/bin/sh
# Installs the Debian packages, builds imsa and starts it.
# To serve on 169.254.169.254:80 without running imsa as root, imsa-helper needs two
# capabilities; this script grants them to the helper in the build tree (asking sudo once) and
# limits it to your own group. Without them imsa still starts, on 127.0.0.1:9254.
set -eu
cd "$(dirname "$0")/.."

./scripts/setup-debian.sh

build=${IMSA_BUILD_DIR:-build}
# Only what runs: the CLI and the programs it starts (the tests are scripts/test.sh's build).
# A unity build compiles core's headers once per batch of files instead of once per file: a
# third less compiler work. test.sh builds file by file, so that each file is checked on its
# own (its includes, clang-tidy).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMSA_BUILD_TESTS=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --build "$build" --parallel "$(nproc)" --target imsa

helper="$build/bin/imsa-helper"
if ! getcap "$helper" 2>/dev/null | grep -q cap_net_admin; then
    echo "start: granting imsa-helper cap_net_bind_service,cap_net_admin (needs sudo)"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    if $sudo chmod 0750 "$helper" && $sudo setcap cap_net_bind_service,cap_net_admin+ep "$helper"; then
        :
    else
        echo "start: could not grant the capabilities; imsa will serve on 127.0.0.1 instead"
    fi
fi

exec "$build/bin/imsa" start
