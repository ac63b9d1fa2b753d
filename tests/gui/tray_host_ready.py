#!/usr/bin/python3
"""Exits 0 when an X client owns the selection _NET_SYSTEM_TRAY_S0 on $DISPLAY's first screen:
a tray host is ready to embed icons. That selection is what QSystemTrayIcon::isSystemTrayAvailable()
checks, so it is the one condition that says imsa will show its icon at once (a tray host's window
says less). Exits 1 when nobody owns it, 2 without a display. xprop and xdotool cannot read
selections, so this asks libX11 through ctypes."""
import ctypes
import sys

x11 = ctypes.CDLL("libX11.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XInternAtom.restype = ctypes.c_ulong
x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x11.XGetSelectionOwner.restype = ctypes.c_ulong
x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

display = x11.XOpenDisplay(None)
if not display:
    sys.exit(2)
owner = x11.XGetSelectionOwner(display, x11.XInternAtom(display, b"_NET_SYSTEM_TRAY_S0", 0))
x11.XCloseDisplay(display)
sys.exit(0 if owner else 1)
