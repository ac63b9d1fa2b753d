#pragma once

#include <memory>

namespace imsa::app {

/// Keeps GLib's default main context running while the returned token lives: libsecret, under
/// QtKeychain, delivers the Secret Service's answers through that context, and the CLI and the
/// headless app run Qt's own event dispatcher instead of GLib's, for speed
/// (platform/coreapplication.cpp), so nothing else would run it and every keychain call would
/// end in its timeout. A no-op (an empty token) where Qt's dispatcher is GLib's, as in the tray.
/// Main thread only.
std::shared_ptr<void> keepGlibMainContextRunning();

} // namespace imsa::app
