# The tray's tests (issue 6), included from tests/app/CMakeLists.txt. GUI tests run on the
# offscreen platform (set by imsa_add_test) and carry the label `gui`.
if(NOT TARGET imsa_tray)
    return()
endif()

imsa_add_test(tst_traycontroller SOURCES tst_traycontroller.cpp LIBS imsa_tray LABELS gui)
imsa_add_test(tst_menumodel SOURCES tst_menumodel.cpp LIBS imsa_tray)
imsa_add_test(tst_mfadialog SOURCES tst_mfadialog.cpp LIBS imsa_tray LABELS gui)
imsa_add_test(tst_trayicon SOURCES tst_trayicon.cpp LIBS imsa_tray LABELS gui)
imsa_add_test(tst_translations SOURCES tst_translations.cpp LIBS imsa_tray LABELS gui
    ENVIRONMENT "IMSA_SOURCE_DIR=${PROJECT_SOURCE_DIR};IMSA_LUPDATE=$<TARGET_FILE:Qt6::lupdate>")
imsa_add_test(tst_autostart SOURCES tst_autostart.cpp LIBS imsa_tray LABELS gui)
imsa_add_test(tst_keyeditor SOURCES tst_keyeditor.cpp LIBS imsa_tray LABELS gui)

# The real program under Xvfb with trayer as the tray host: the icon appears, `imsa assume`
# opens the MFA dialog, a code typed into it is accepted. Exit 77: a tool is missing.
# Its waits are long enough for an ASan build on a loaded machine; it takes ~10 s when idle.
imsa_register_test(tray_xvfb_check LABELS gui TIMEOUT 180 SKIP_RETURN_CODE 77
    COMMAND sh ${PROJECT_SOURCE_DIR}/tests/gui/screenshots.sh --check $<TARGET_FILE:imsa>
            $<TARGET_FILE:imsa-standin-sts>
    ENVIRONMENT LANG=C.UTF-8)
