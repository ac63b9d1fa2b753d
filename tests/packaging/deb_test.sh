#!/bin/sh
# Builds the .deb from this build tree (cpack -G DEB) and checks it as a Debian archive would:
# lintian without errors, the file list, the control fields and maintainer scripts, and an
# unpacked tree whose imsa runs. Prints the package size and its Depends line.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR VERSION
set -eu

build=$1
source=$2
version=$3

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

[ -f "$build/CPackConfig.cmake" ] \
    || fail "no $build/CPackConfig.cmake: CMakeLists.txt must include cmake/ImsaPackaging.cmake"
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup-debian.sh --with-tests)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- build ---------------------------------------------------------------------------------
rm -f "$build"/imsa_*.deb
(cd "$build" && cpack -G DEB) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$build"/imsa_"$version"_*.deb)
echo "package: $deb ($(stat -c %s "$deb") bytes, installed $(dpkg-deb -f "$deb" Installed-Size) KiB)"
echo "Depends: $(dpkg-deb -f "$deb" Depends)"

# --- lintian: errors fail, warnings are shown ----------------------------------------------
lintian --pedantic "$deb" >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
if grep -q '^E:' "$work/lintian.log"; then
    fail "lintian reports errors"
fi

# --- file list -----------------------------------------------------------------------------
dpkg-deb -c "$deb" >"$work/contents"
awk '{ print $6 }' "$work/contents" >"$work/paths"
for path in \
    ./usr/bin/imsa \
    ./usr/libexec/imsa/imsa-cli \
    ./usr/libexec/imsa/imsa-helper \
    ./usr/libexec/imsa/imsa-service \
    ./usr/libexec/imsa/imsa-tray \
    ./usr/share/applications/imsa.desktop \
    ./etc/xdg/autostart/imsa.desktop \
    ./usr/share/icons/hicolor/scalable/apps/imsa.svg \
    ./usr/lib/systemd/user/imsa.service \
    ./usr/share/bash-completion/completions/imsa \
    ./usr/share/zsh/vendor-completions/_imsa \
    ./usr/share/fish/vendor_completions.d/imsa.fish \
    ./usr/share/man/man1/imsa.1.gz \
    ./usr/share/doc/imsa/copyright \
    ./usr/share/doc/imsa/changelog.gz; do
    grep -qx "$path" "$work/paths" || fail "$path is not in the package"
done
if grep -E '^\./usr/(local|etc)/' "$work/paths"; then
    fail "files under /usr/local or /usr/etc"
fi
# Privilege comes from file capabilities set by postinst, never from setuid/setgid bits.
if awk '{ print $1 }' "$work/contents" | grep -q '[sS]'; then
    fail "a setuid or setgid file in the package"
fi
grep -E ' root/root .* \./usr/libexec/imsa/imsa-helper$' "$work/contents" >/dev/null \
    || fail "imsa-helper is not owned by root in the package"

# `cmake --install` from source puts the same files in the same places.
DESTDIR=$work/destdir cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1 \
    || { cat "$work/install.log"; fail "cmake --install"; }
(cd "$work/destdir" && find . -type f | sort) >"$work/installed"
grep -v '/$' "$work/paths" | sort >"$work/packaged"
diff -u "$work/packaged" "$work/installed" || fail "cmake --install and the package differ (above)"

# --- control fields ------------------------------------------------------------------------
[ "$(dpkg-deb -f "$deb" Package)" = imsa ] || fail "Package is not imsa"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
[ "$(dpkg-deb -f "$deb" Section)" = utils ] || fail "Section is not utils"
depends=$(dpkg-deb -f "$deb" Depends)
# Declared by hand (dlopened, or run by postinst), then what dpkg-shlibdeps found.
for package in libsecret-1-0 adduser libcap2-bin libqt6core6 libqt6network6 libqt6httpserver6 \
    libqt6keychain1 libyaml-cpp0.7 libstdc++6 libc6; do
    echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$package" \
        || fail "Depends lacks $package: $depends"
done

# --- maintainer scripts --------------------------------------------------------------------
dpkg-deb -e "$deb" "$work/control"
for script in postinst postrm; do
    cmp "$work/control/$script" "$source/installers/debian/$script" \
        || fail "$script differs from installers/debian/$script"
    [ "$(stat -c %a "$work/control/$script")" = 755 ] || fail "$script is not mode 0755"
done
[ "$(cat "$work/control/conffiles")" = /etc/xdg/autostart/imsa.desktop ] \
    || fail "conffiles: $(cat "$work/control/conffiles")"
dpkg-parsechangelog -l "$source/installers/debian/changelog" -S Version | grep -qx "$version" \
    || fail "installers/debian/changelog's latest entry is not $version"

# --- an unpacked tree runs -----------------------------------------------------------------
root=$work/root
dpkg-deb -x "$deb" "$root"
imsa=$root/usr/bin/imsa
[ "$("$imsa" --version)" = "imsa $version" ] || fail "imsa --version: $("$imsa" --version)"
"$imsa" completion bash | bash -n || fail "the bash completion does not parse"
"$imsa" completion bash | cmp - "$root/usr/share/bash-completion/completions/imsa" \
    || fail "the installed bash completion is not what imsa prints"
bash -n "$root/usr/share/bash-completion/completions/imsa"
if command -v zsh >/dev/null; then zsh -n "$root/usr/share/zsh/vendor-completions/_imsa"; fi
if command -v fish >/dev/null; then fish -n "$root/usr/share/fish/vendor_completions.d/imsa.fish"; fi
MANWIDTH=80 man -l "$root/usr/share/man/man1/imsa.1.gz" >/dev/null || fail "man -l on the package's page"

# The unpacked imsa finds the helper beside it (../libexec/imsa), as the installed one does.
home=$work/home
mkdir -p "$home"
env -i PATH=/usr/bin:/bin HOME="$home" IMSA_RUNTIME_DIR="$home/run" IMSA_KEYSTORE=file \
    ASAN_OPTIONS=detect_leaks=0 "$imsa" doctor --offline >"$work/doctor.log" 2>&1 || true
grep -F "helper: $root/usr/libexec/imsa/imsa-helper" "$work/doctor.log" >/dev/null \
    || { cat "$work/doctor.log"; fail "imsa doctor does not look for the unpacked helper"; }

echo "package checks passed"
