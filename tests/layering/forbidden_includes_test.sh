#!/bin/sh
# Fails when a source file includes what its layer must not use (see app/CMakeLists.txt):
# the include roots already stop most of it at compile time, this names the rule that was broken.
# Usage: forbidden_includes_test.sh SOURCE_DIR
set -eu
cd "$1"
status=0

# check FOLDER REGEX WHY: every #include in FOLDER's .h/.cpp files matching REGEX is a violation.
check() {
    folder=$1 regex=$2 why=$3
    [ -d "$folder" ] || { echo "FAIL: no folder $folder"; status=1; return; }
    found=$(grep -rnE --include='*.h' --include='*.cpp' "^[[:space:]]*#[[:space:]]*include[[:space:]]*$regex" "$folder" || true)
    if [ -n "$found" ]; then
        printf '%s\n' "$found" | sed "s|\$| <- $folder: $why|"
        status=1
    fi
}

app_folders='"(runtime|platform|keystore|service|cli|tray)/'
check core/include "$app_folders" "the core knows nothing of the app"
check app "\"imsa/detail/" "detail/ is the core's inside; use its public headers"
check app/runtime '<Q' "runtime is plain C++: the launcher that links it loads no Qt"
check app/runtime '"(imsa|platform|keystore|service|cli|tray)/' "runtime is below everything"
check app/launcher '<Q' "the launcher loads no Qt, so --version and prompt cost one process start"
check app/launcher '"(imsa|platform|keystore|service|cli|tray)/' "the launcher knows only runtime/"
check app/platform '"(keystore|service|cli|tray)/' "platform is below every other library"
check app/keystore '"(service|cli|tray)/' "the key store is below the service"
check app/cli '"(keystore|service|tray)/' "the CLI talks to the app over the control socket"
check app/cli '"imsa/(credentialbroker|stsclient|sigv4)' "the CLI holds no broker and signs nothing"
check app/imsa '"(keystore|service|tray)/' "the CLI program loads no HTTP server, no key store and no widgets"
check app/imsa '<(QApplication|QWidget|QtWidgets|QGuiApplication|QHttpServer)' "the CLI program loads no widgets"
check app/service '"(cli|tray)/' "the service runs without CLI or tray"
check app/service '<(QApplication|QWidget|QtWidgets|QGuiApplication|QIcon|QSystemTrayIcon)' "the headless app loads no Widgets or Gui"
check app/tray '"cli/' "the tray uses the service in-process"
check app/tray '"imsa/(sigv4|stsclient|stsapi|detail/sts)' "the tray calls no STS: the broker does"
check app/helper '<Q' "the privileged helper uses no Qt"
check app/helper '"(imsa|platform|keystore|service|cli|tray)/' "the privileged helper uses nothing of imsa"

if [ "$status" = 0 ]; then
    echo "layering: no forbidden include"
fi
exit "$status"
