#!/bin/sh
# Installs everything imsa needs to build, run and test on Debian 12 (bookworm).
# Uses sudo when not run as root. Safe to run again.
set -eu

PACKAGES="
  cmake ninja-build g++ pkg-config ccache mold
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-tools-dev qt6-l10n-tools qt6-translations-l10n
  qtkeychain-qt6-dev libyaml-cpp-dev libsecret-1-0 libqt6svg6 libwayland-dev libxcb1-dev
  libcap2-bin iproute2
"
# Only the test suite needs these: real AWS clients (the AWS SDK for JavaScript comes from the npm
# registry, tests/e2e/js), the shells the completion scripts are for, a real Secret Service, an X
# server with a tray host, the AT-SPI bus screen readers read, nginx, wrk and ab for the
# benchmarks, the packaging checks, and the lint checks: format, clang-tidy, shell scripts (git
# lists the files they check).
TEST_PACKAGES="
  awscli python3-boto3 nodejs npm curl zsh fish
  dbus dbus-x11 gnome-keyring libsecret-tools
  xvfb xauth trayer imagemagick x11-utils xdotool python3-dbus python3-gi
  weston qt6-wayland xfce4-panel xfconf dunst at-spi2-core python3-pyatspi
  nginx-light wrk hyperfine apache2-utils
  lintian dpkg-dev file desktop-file-utils man-db systemd clang libclang-rt-14-dev
  clang-format clang-tidy shellcheck git
"

with_tests=0
[ "${1:-}" = "--with-tests" ] && with_tests=1

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

list=$PACKAGES
[ "$with_tests" = 1 ] && list="$PACKAGES $TEST_PACKAGES"
missing=""
for package in $list; do
    # Debian's nodejs (18.x) comes without npm; a Node.js from elsewhere brings its own
    # (NodeSource's nodejs package provides npm and conflicts with Debian's: apt can't add it).
    [ "$package" = npm ] && command -v npm >/dev/null && continue
    dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed \
        || missing="$missing $package"
done
if [ -z "$missing" ]; then
    echo "setup: all Debian packages are installed"
    exit 0
fi
as_root apt-get update
# shellcheck disable=SC2086 # word splitting of the package list is intended
as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    --no-install-recommends $missing
