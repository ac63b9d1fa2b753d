#pragma once

namespace imsa::tray {

/// Whether a Wayland compositor answers on this session's socket and offers no seat (no
/// keyboard, pointer or touch at all): a headless or kiosk compositor.
bool isSeatlessWaylandCompositor();

/// Keeps Qt's Wayland input method away from a compositor without a seat. Qt 6.4's Wayland
/// input context asks the default seat for its text input on every focus change and every
/// cursor it paints, without checking that a seat exists, and so crashes in
/// QWaylandInputDevice::textInput() as soon as a dialog with a text field is shown (fixed in
/// later Qt by a null check). Without a seat there is nothing to type with, so Qt's compose
/// input context, its default on X11, loses nothing there. Must run before QApplication.
void avoidSeatlessWaylandInputMethod();

} // namespace imsa::tray
