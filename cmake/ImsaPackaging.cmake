# The Debian package: `cpack -G DEB` in the build directory after building. Everything the
# install rules put in place, plus the maintainer scripts that give imsa-helper its group and
# capabilities (installers/debian/postinst, postrm). dpkg-shlibdeps (package dpkg-dev) computes
# the library dependencies from the binaries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME imsa)
set(CPACK_PACKAGE_VENDOR "imsa contributors")
set(CPACK_PACKAGE_CONTACT "imsa contributors <imsa@users.noreply.github.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "short-lived AWS credentials served as EC2 instance metadata")
# The extended description (the summary above is the synopsis): at most 80 columns a line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"imsa asks once for an MFA code and then serves short-lived AWS credentials to
every AWS tool on this computer (AWS CLI, SDKs, Terraform) by imitating the EC2
instance metadata service on 169.254.169.254. Long-lived keys stay in the
desktop keychain; imsa renews role credentials silently until the MFA session
ends. It reads ~/.imsa (the Python imsa's format) and ~/.aws/config.
.
It runs as the user, with a tray icon or as a systemd user unit. Only a small
helper holds two file capabilities, to add the address to lo and bind port 80;
users of imsa must be in the group imsa.")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Merged with what dpkg-shlibdeps finds. QtKeychain dlopens libsecret without declaring it
# (every keychain call then fails "Unknown error"); postinst runs addgroup and setcap.
set(imsa_depends "libsecret-1-0, adduser, libcap2-bin")
set(imsa_recommends "gnome-keyring | keepassxc | kwalletmanager")
if(IMSA_BUILD_TRAY)
    # The tray needs a platform plugin (xcb, wayland), which libqt6gui6 only recommends, and
    # Qt's SVG icon engine for its icons (a plugin: dpkg-shlibdeps can't see it); it loads
    # Qt's own translations (dialog buttons) from the system.
    string(APPEND imsa_depends ", qt6-qpa-plugins, libqt6svg6")
    string(APPEND imsa_recommends ", qt6-translations-l10n")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS ${imsa_depends})
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ${imsa_recommends})
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "awscli")

# The package's prefix, which also puts the autostart entry in /etc (see ImsaInstall.cmake).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The autostart entry is the only file in /etc; dpkg must treat it as the admin's to change.
set(IMSA_CONFFILES ${CMAKE_BINARY_DIR}/generated/conffiles)
file(WRITE ${IMSA_CONFFILES} "/etc/xdg/autostart/imsa.desktop\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/installers/debian/postinst
    ${PROJECT_SOURCE_DIR}/installers/debian/postrm
    ${IMSA_CONFFILES})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
