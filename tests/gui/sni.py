#!/usr/bin/python3
"""Talks to StatusNotifierItems on the session bus ($DBUS_SESSION_BUS_ADDRESS), as a tray host does.

  sni.py watcher READY_FILE    be org.kde.StatusNotifierWatcher with a host registered (what KDE
                               Plasma and GNOME's AppIndicator extension offer); writes READY_FILE
                               once the name is owned and prints each item that registers
  sni.py items                 the items the bus's watcher knows, one a line
  sni.py has-host              exits 0 when a watcher with a registered host exists, 1 when not
  sni.py props ITEM            the item's properties as JSON (IconPixmap as sizes and a digest)
  sni.py layout ITEM           the item's dbusmenu: one line an entry, "id<TAB>label<TAB>flags"
  sni.py click ITEM LABEL      sends "clicked" to the first enabled entry whose label (without &)
                               is LABEL

ITEM is "SERVICE" or "SERVICE/PATH", as items register themselves. Exit 2: no session bus or an
answer that is not what the protocol says."""
import hashlib
import json
import sys
import time

import dbus
import dbus.service

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"
PROPERTIES = "org.freedesktop.DBus.Properties"


def split_item(item):
    service, slash, path = item.partition("/")
    return service, "/" + path if slash else "/StatusNotifierItem"


def plain(value):
    """dbus types to JSON-able Python values."""
    if isinstance(value, (dbus.Array, list)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.Struct, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dbus.Dictionary):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Int32, dbus.UInt32, dbus.Int64, dbus.UInt64, dbus.Byte)):
        return int(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath)):
        return str(value)
    return value


def pixmaps(value):
    """IconPixmap a(iiay): sizes and a digest of the pixels, enough to tell icons apart."""
    return [{"width": int(w), "height": int(h),
             "sha1": hashlib.sha1(bytes(bytearray(data))).hexdigest()} for w, h, data in value]


def props(bus, item):
    service, path = split_item(item)
    everything = bus.get_object(service, path).GetAll(ITEM, dbus_interface=PROPERTIES)
    result = {}
    for name, value in everything.items():
        if name in ("IconPixmap", "AttentionIconPixmap", "OverlayIconPixmap"):
            result[str(name)] = pixmaps(value)
        elif name == "ToolTip":
            icon_name, icon_pixmaps, title, text = value
            result["ToolTip"] = {"IconName": str(icon_name), "IconPixmap": pixmaps(icon_pixmaps),
                                 "Title": str(title), "Text": str(text)}
        else:
            result[str(name)] = plain(value)
    return result


def menu_entries(bus, item):
    service, path = split_item(item)
    menu_path = bus.get_object(service, path).Get(ITEM, "Menu", dbus_interface=PROPERTIES)
    menu = bus.get_object(service, menu_path)
    _, layout = menu.GetLayout(0, -1, dbus.Array([], signature="s"), dbus_interface=MENU)
    entries = []

    def walk(node):
        entry_id, properties, children = node
        if entry_id != 0:
            entries.append((int(entry_id), {str(k): plain(v) for k, v in properties.items()}))
        for child in children:
            walk(child)

    walk(layout)
    return menu, entries


def label_of(properties):
    return properties.get("label", "").replace("&", "")


class Watcher(dbus.service.Object):
    """A watcher with one host registered: Qt then shows its tray icon as an item."""

    def __init__(self, bus):
        super().__init__(bus, "/StatusNotifierWatcher")
        self.items = []

    @dbus.service.method(WATCHER, in_signature="s", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        # Qt gives its own bus name; others give only an object path on the caller's name.
        item = sender + service if service.startswith("/") else service
        self.items.append(item)
        print("registered " + item, flush=True)
        self.StatusNotifierItemRegistered(item)

    @dbus.service.method(WATCHER, in_signature="s")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(WATCHER, signature="s")
    def StatusNotifierItemRegistered(self, item):
        pass

    @dbus.service.signal(WATCHER, signature="s")
    def StatusNotifierItemUnregistered(self, item):
        pass

    @dbus.service.signal(WATCHER, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    def properties(self):
        return {"RegisteredStatusNotifierItems": dbus.Array(self.items, signature="s"),
                "IsStatusNotifierHostRegistered": dbus.Boolean(True),
                "ProtocolVersion": dbus.Int32(0)}

    @dbus.service.method(PROPERTIES, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        return self.properties()[name]

    @dbus.service.method(PROPERTIES, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return self.properties()

    # Qt reads the properties through the introspection data: they must be declared there.
    @dbus.service.method("org.freedesktop.DBus.Introspectable", out_signature="s")
    def Introspect(self):
        return """<node><interface name="org.kde.StatusNotifierWatcher">
  <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
  <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
  <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
  <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
  <signal name="StatusNotifierHostRegistered"/>
  <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
  <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
  <property name="ProtocolVersion" type="i" access="read"/>
</interface></node>"""


def run_watcher(ready_file):
    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib

    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    watcher = Watcher(bus)
    name = dbus.service.BusName(WATCHER, bus, do_not_queue=True)
    with open(ready_file, "w") as ready:
        ready.write(name.get_name() + "\n")
    GLib.MainLoop().run()
    del watcher


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = sys.argv[1], sys.argv[2:]
    if command == "watcher":
        run_watcher(args[0])
        return 0
    bus = dbus.SessionBus()
    if command == "items":
        watcher = bus.get_object(WATCHER, "/StatusNotifierWatcher")
        for item in watcher.Get(WATCHER, "RegisteredStatusNotifierItems",
                                dbus_interface=PROPERTIES):
            print(item)
        return 0
    if command == "has-host":
        try:
            watcher = bus.get_object(WATCHER, "/StatusNotifierWatcher")
            return 0 if watcher.Get(WATCHER, "IsStatusNotifierHostRegistered",
                                    dbus_interface=PROPERTIES) else 1
        except dbus.exceptions.DBusException:
            return 1
    if command == "props":
        print(json.dumps(props(bus, args[0]), indent=1, sort_keys=True))
        return 0
    if command == "layout":
        for entry_id, properties in menu_entries(bus, args[0])[1]:
            flags = [key for key in ("enabled", "visible") if properties.get(key) is False]
            flags += [properties.get("type", ""), properties.get("toggle-type", "")]
            if properties.get("toggle-state") == 1:
                flags.append("checked")
            print("%d\t%s\t%s" % (entry_id, label_of(properties),
                                  " ".join(flag for flag in flags if flag)))
        return 0
    if command == "click":
        menu, entries = menu_entries(bus, args[0])
        for entry_id, properties in entries:
            if label_of(properties) == args[1] and properties.get("enabled", True):
                # A host sends AboutToShow before it shows the menu: Qt refreshes it then.
                menu.AboutToShow(entry_id, dbus_interface=MENU)
                menu.Event(entry_id, "clicked", dbus.String("", variant_level=1),
                           dbus.UInt32(int(time.time())), dbus_interface=MENU)
                return 0
        print("sni: no enabled entry '%s'" % args[1], file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except dbus.exceptions.DBusException as error:
        print("sni: %s" % error, file=sys.stderr)
        sys.exit(2)
