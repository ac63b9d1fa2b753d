#include "seatlesswayland.h"

#include <cstring>
#include <wayland-client.h>

#include <QByteArray>

#include "imsa/logging.h"

namespace imsa::tray {

namespace {

void countSeat(void *data, wl_registry *, uint32_t, const char *interface, uint32_t)
{
    if (std::strcmp(interface, wl_seat_interface.name) == 0)
        ++*static_cast<int *>(data);
}

void ignoreRemoval(void *, wl_registry *, uint32_t) { }

} // namespace

bool isSeatlessWaylandCompositor()
{
    wl_display *display = wl_display_connect(nullptr);
    if (!display)
        return false;
    int seats = 0;
    static const wl_registry_listener listener = {countSeat, ignoreRemoval};
    wl_registry *registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &listener, &seats);
    // The compositor announces every global it has in answer to the registry request.
    const bool answered = wl_display_roundtrip(display) >= 0;
    wl_registry_destroy(registry);
    wl_display_disconnect(display);
    return answered && seats == 0;
}

void avoidSeatlessWaylandInputMethod()
{
    // Someone who chose an input method keeps it, unless it is the one that crashes.
    const QByteArray chosen = qgetenv("QT_IM_MODULE");
    if (!chosen.isEmpty() && chosen != "wayland")
        return;
    if (!isSeatlessWaylandCompositor())
        return;
    qCInfo(lcTray) << "the Wayland compositor has no seat; using Qt's compose input method";
    qputenv("QT_IM_MODULE", "compose");
}

} // namespace imsa::tray
