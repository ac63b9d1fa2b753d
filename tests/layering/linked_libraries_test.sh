#!/bin/sh
# Fails when a program needs a shared library its job does not: the CLI and the headless app
# must never load Qt Widgets or Gui (nor the CLI the HTTP server); the helper links no Qt at all.
# Usage: linked_libraries_test.sh IMSA IMSA_SERVICE IMSA_HELPER
set -eu
status=0

# refuse PROGRAM REGEX: fails when PROGRAM's DT_NEEDED entries match REGEX.
refuse() {
    needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    [ -n "$needed" ] || { echo "FAIL: no DT_NEEDED entries read from $1"; status=1; return; }
    bad=$(printf '%s\n' "$needed" | grep -E "$2" || true)
    if [ -n "$bad" ]; then
        echo "FAIL: $(basename "$1") needs $(echo "$bad" | tr '\n' ' ')"
        status=1
    else
        echo "ok: $(basename "$1") needs none of $2"
    fi
}

refuse "$1" '^libQt6(Widgets|Gui|HttpServer|WebSockets)\.'
refuse "$2" '^libQt6(Widgets|Gui)\.'
refuse "$3" '^libQt6'
exit "$status"
