# Install rules for everything no target installs itself: desktop entries, icon, systemd user
# unit, shell completions, man page, copyright, changelog. `cmake --install` and the Debian
# package put the same files in the same places (DESTDIR works). The targets install
# /usr/bin/imsa and, in /usr/libexec/imsa, imsa-cli, imsa-service, imsa-tray and imsa-helper; the
# helper's group and capabilities need root, so the package's postinst sets them and a source
# install runs the commands in imsa(1), INSTALLATION. Translations need nothing here: the .qm
# files are embedded in the binary.
include(GNUInstallDirs)

set(IMSA_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${IMSA_GENERATED_DIR})

install(FILES ${PROJECT_SOURCE_DIR}/resources/imsa.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
# The autostart entry belongs in /etc/xdg/autostart for the /usr prefix and in <prefix>/etc
# otherwise (GNUInstallDirs' rule). Decided at install time, because cpack installs with the
# package's prefix /usr even when the tree was configured for /usr/local.
install(CODE "set(imsa_autostart_entry \"${PROJECT_SOURCE_DIR}/resources/imsa-autostart.desktop\")")
install(CODE [[
    if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
        set(imsa_autostart_dir /etc/xdg/autostart)
    else()
        set(imsa_autostart_dir "${CMAKE_INSTALL_PREFIX}/etc/xdg/autostart")
    endif()
    file(INSTALL DESTINATION "${imsa_autostart_dir}" TYPE FILE RENAME imsa.desktop
         FILES "${imsa_autostart_entry}")
]])

install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/imsa.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

# systemd looks for user units in <prefix>/lib/systemd/user, never in a multiarch libdir.
install(FILES ${PROJECT_SOURCE_DIR}/installers/systemd/imsa.service DESTINATION lib/systemd/user)

# Man pages and changelogs are installed compressed, without a timestamp in the gzip header
# (reproducible builds; Debian Policy 12.1 and 12.7).
function(imsa_install_gzipped source destination)
    get_filename_component(name ${source} NAME)
    set(output ${IMSA_GENERATED_DIR}/${name}.gz)
    add_custom_command(
        OUTPUT ${output}
        COMMAND sh -c "gzip -9n -c \"$0\" > \"$1\"" ${source} ${output}
        DEPENDS ${source}
        COMMENT "Compressing ${name}"
        VERBATIM)
    add_custom_target(imsa_gzip_${name} ALL DEPENDS ${output})
    install(FILES ${output} DESTINATION ${destination})
endfunction()

imsa_install_gzipped(${PROJECT_SOURCE_DIR}/installers/man/imsa.1 ${CMAKE_INSTALL_MANDIR}/man1)
# A native package's changelog is changelog.gz (lintian: no-changelog).
imsa_install_gzipped(${PROJECT_SOURCE_DIR}/installers/debian/changelog ${CMAKE_INSTALL_DOCDIR})

# The completion scripts come from the CLI just built (imsa-cli, which holds the command table),
# so they always match it. An ASan build runs fine here; leak reports at exit would only fail the build.
set(IMSA_COMPLETION_FILES)
foreach(shell bash zsh fish)
    set(output ${IMSA_GENERATED_DIR}/completion.${shell})
    add_custom_command(
        OUTPUT ${output}
        COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
                sh -c "\"$0\" completion ${shell} > \"$1\"" $<TARGET_FILE:imsa-cli> ${output}
        DEPENDS imsa-cli
        COMMENT "Generating the ${shell} completion"
        VERBATIM)
    list(APPEND IMSA_COMPLETION_FILES ${output})
endforeach()
add_custom_target(imsa_completions ALL DEPENDS ${IMSA_COMPLETION_FILES})
install(FILES ${IMSA_GENERATED_DIR}/completion.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME imsa)
install(FILES ${IMSA_GENERATED_DIR}/completion.zsh
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions RENAME _imsa)
install(FILES ${IMSA_GENERATED_DIR}/completion.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d RENAME imsa.fish)

install(FILES ${PROJECT_SOURCE_DIR}/installers/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
