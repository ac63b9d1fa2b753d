#!/usr/bin/python3
"""Reads a window of a running application over the AT-SPI bus, as a screen reader (Orca) does.

  atspi.py check APP TITLE   waits for APP's window TITLE in the AT-SPI tree; asserts that each
                             widget in it that takes the keyboard has a name and a role, and
                             that Tab (pressed with xdotool on the window that has the X input
                             focus) moves the focus through all of them and back to the first

Prints one line a widget: "role<TAB>name". Exit 1: an assertion failed; 2: the window did not
appear."""
import subprocess
import sys
import time

import pyatspi

# Roles that say nothing of what a widget is: filler is what Qt 6.4 gives a scroll area, which
# is why the keys window's "Profile details" is no Tab stop.
VAGUE_ROLES = {pyatspi.ROLE_INVALID, pyatspi.ROLE_UNKNOWN, pyatspi.ROLE_REDUNDANT_OBJECT,
               pyatspi.ROLE_FILLER}


def find_window(app_name, title, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is None or app.name != app_name:
                continue
            for window in app:
                if window is not None and window.name == title:
                    return window
        time.sleep(0.3)
    return None


def descendants(node):
    for child in node:
        if child is None:
            continue
        yield child
        yield from descendants(child)


# Containers whose items the arrow keys move between: Tab stops at the container.
CONTAINER_ROLES = {pyatspi.ROLE_LIST, pyatspi.ROLE_LIST_BOX, pyatspi.ROLE_TABLE,
                   pyatspi.ROLE_TREE, pyatspi.ROLE_TREE_TABLE}


def is_item(node):
    parent = node.parent
    return parent is not None and parent.getRole() in CONTAINER_ROLES


def focusable(window):
    """The widgets Tab stops at, as a screen reader sees them. Qt marks a label whose text can
    be selected with the mouse focusable too, but Tab passes it by (as it should: a screen
    reader reads it with the window); the items of a list are reached with the arrow keys."""
    found = []
    for node in descendants(window):
        states = node.getState()
        if (states.contains(pyatspi.STATE_FOCUSABLE) and states.contains(pyatspi.STATE_SHOWING)
                and states.contains(pyatspi.STATE_SENSITIVE)
                and node.getRole() != pyatspi.ROLE_LABEL and not is_item(node)):
            found.append(node)
    return found


def focused(window):
    """The Tab stop that has the focus. Qt marks a list's current item focused whether or not
    the list has the focus, so an item counts (for its list) only when nothing else is."""
    nodes = [node for node in descendants(window)
             if node.getState().contains(pyatspi.STATE_FOCUSED)]
    for node in nodes:
        if not is_item(node):
            return node
    return nodes[0].parent if nodes else None


def describe(node):
    return f"{node.getRoleName()}\t{node.name}"


def check(app_name, title):
    window = find_window(app_name, title, 30)
    if window is None:
        names = [app.name for app in pyatspi.Registry.getDesktop(0) if app is not None]
        print(f"atspi: no window '{title}' of '{app_name}' on the AT-SPI bus (applications: "
              f"{names})", file=sys.stderr)
        return 2
    widgets = focusable(window)
    failures = []
    if not widgets:
        failures.append("no widget takes the keyboard")
    for widget in widgets:
        print(describe(widget))
        if not widget.name.strip():
            failures.append(f"a {widget.getRoleName()} without a name")
        if widget.getRole() in VAGUE_ROLES:
            failures.append(f"'{widget.name}' has the vague role {widget.getRoleName()}")

    # Keyboard only: from where the focus starts, Tab visits every widget once and comes back.
    start = focused(window)
    if start is None:
        failures.append("no widget has the focus when the window opens")
    visited = [start]
    for _ in range(len(widgets)):
        subprocess.run(["xdotool", "key", "Tab"], check=True)
        time.sleep(0.4)
        visited.append(focused(window))
    print("tab order: " + " -> ".join(node.name if node else "(nothing)" for node in visited))
    if visited[-1] != start:
        failures.append(f"{len(widgets)} Tabs did not come back to '{start.name if start else ''}'")
    missed = [widget.name for widget in widgets if widget not in visited]
    if missed:
        failures.append(f"Tab never reached {missed}")

    for failure in failures:
        print(f"atspi: {title}: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "check":
        print(__doc__, file=sys.stderr)
        return 2
    return check(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
