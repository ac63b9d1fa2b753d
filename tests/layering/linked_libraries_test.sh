#!/bin/sh
# Fails when a program needs a shared library its job does not: `imsa` (the launcher) and the
# helper link no Qt at all; imsa-cli no Widgets, Gui, HTTP server, D-Bus or key store library;
# the headless app no Widgets or Gui.
# Usage: linked_libraries_test.sh IMSA IMSA_CLI IMSA_SERVICE IMSA_HELPER
set -eu
status=0

# refuse PROGRAM REGEX: fails when PROGRAM's DT_NEEDED entries match REGEX. A program linked
# statically (the launcher, outside sanitizer builds) has none, and passes.
refuse() {
    dynamic=$(readelf -d "$1") || { echo "FAIL: readelf cannot read $1"; status=1; return; }
    needed=$(printf '%s\n' "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    if [ -z "$needed" ]; then
        echo "ok: $(basename "$1") needs no shared library"
        return
    fi
    bad=$(printf '%s\n' "$needed" | grep -E "$2" || true)
    if [ -n "$bad" ]; then
        echo "FAIL: $(basename "$1") needs $(echo "$bad" | tr '\n' ' ')"
        status=1
    else
        echo "ok: $(basename "$1") needs none of $2"
    fi
}

refuse "$1" '^(libQt6|libqt6|libyaml|libsecret|libglib)'
refuse "$2" '^(libQt6(Widgets|Gui|HttpServer|WebSockets|DBus)\.|libqt6keychain|libsecret)'
refuse "$3" '^libQt6(Widgets|Gui)\.'
refuse "$4" '^libQt6'
exit "$status"
