#!/usr/bin/python3
"""The kiosk window over AT-SPI (python3-pyatspi), for Tests/gui/kiosk-test.sh.

  kiosk_a11y.py description      prints the description of the images (the node whose name
                                 starts with "Generated digits")
  kiosk_a11y.py text TEXT [ROLE] some shown node (of role ROLE) has a name or description
                                 containing TEXT (case-insensitive)
  kiosk_a11y.py absent TEXT [ROLE]
                                 no shown node (of role ROLE, e.g. "label") has a name or
                                 description containing TEXT
  kiosk_a11y.py press LABEL...   activates, in order, the push buttons of the staff number
                                 pad with these accessible names ("1".."9", "0", "Delete",
                                 "OK", "Cancel"), as a touch on each would
  kiosk_a11y.py pad-sizes        prints each number-pad button's size; fails if one is
                                 smaller than 48 x 48 px (a finger's target)
  kiosk_a11y.py buttons          prints every shown push button (role, name, extents)
  kiosk_a11y.py no-button [--allow-none] NAME...
                                 no shown button (push, toggle or menu) has one of these
                                 names (and, without --allow-none, some button is shown)

Exits 77 when pyatspi is not installed (the test then skips the check).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a11y_check import find_app, walk  # noqa: E402  (exits 77 without pyatspi)

import pyatspi  # noqa: E402

PAD_LABELS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "Delete", "OK", "Cancel"]


def images(app):
    for node in walk(app):
        if node.name.startswith("Generated digits"):
            return node
    return None


def description():
    app = find_app()
    if app is None:
        return 1
    node = images(app)
    if node is None:
        print("no node named 'Generated digits...'")
        return 1
    print(node.description)
    return 0


def named(app, needle, role=None):
    """The shown nodes (of `role`, if given) whose name or description contains `needle`
    (case-insensitive), with the matching text."""
    for node in walk(app):
        if role is not None and node.getRoleName() != role:
            continue
        for value in (node.name, node.description):
            if value and needle.lower() in value.lower():
                yield node, value
                break


def text(wanted, role=None):
    app = find_app()
    if app is None:
        return 1
    for _, value in named(app, wanted, role):
        print("found: %s" % value)
        return 0
    print("no shown node's name or description contains %r" % wanted)
    return 1


def absent(unwanted, role=None):
    app = find_app()
    if app is None:
        return 1
    for node, value in named(app, unwanted, role):
        print("shown: %s (%s)" % (value, node.getRoleName()))
        return 1
    print("no shown node names %r" % unwanted)
    return 0


def push_buttons(root):
    return [n for n in walk(root) if n.getRoleName() == "push button"]


def pad_buttons(app):
    """The number pad's buttons by name: those under the node that holds both an "OK" and a
    "Cancel" button (so that a digit button elsewhere with the same name is not taken)."""
    ok = next((b for b in push_buttons(app) if b.name == "OK"), None)
    if ok is None:
        return None
    node = ok.parent
    for _ in range(8):
        if node is None:
            break
        names = {b.name: b for b in push_buttons(node)}
        if "Cancel" in names and all(d in names for d in "0123456789"):
            return names
        node = node.parent
    return None


def press(labels):
    app = find_app()
    if app is None:
        return 1
    buttons = pad_buttons(app)
    if buttons is None:
        print("no number pad shown (no node holding the buttons OK, Cancel and 0-9); buttons: %s"
              % [b.name for b in push_buttons(app)])
        return 1
    for label in labels:
        b = buttons.get(label)
        if b is None:
            print("no pad button named %r; pad: %s" % (label, sorted(buttons)))
            return 1
        action = b.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        index = names.index("click") if "click" in names else 0
        action.doAction(index)
        print("pressed %r (action %r)" % (label, names[index] if names else "?"))
        time.sleep(0.15)
    return 0


def pad_sizes():
    app = find_app()
    if app is None:
        return 1
    buttons = pad_buttons(app)
    if buttons is None:
        print("no number pad shown")
        return 1
    small = []
    for label in PAD_LABELS:
        b = buttons.get(label)
        if b is None:
            print("missing pad button %r" % label)
            small.append(label)
            continue
        e = b.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        print("%s: %dx%d" % (label, e.width, e.height))
        if e.width < 48 or e.height < 48:
            small.append(label)
    return 1 if small else 0


def buttons():
    app = find_app()
    if app is None:
        return 1
    for b in push_buttons(app):
        e = b.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        print("%s %r at %d,%d %dx%d" % (b.getRoleName(), b.name, e.x, e.y, e.width, e.height))
    return 0


def no_button(names):
    allow_none = bool(names) and names[0] == "--allow-none"
    if allow_none:
        names = names[1:]
    app = find_app()
    if app is None:
        return 1
    shown = [n for n in walk(app) if n.getRoleName() in ("push button", "toggle button", "menu button")]
    found = [n.name for n in shown if n.name in names]
    print("%d buttons shown: %s" % (len(shown), sorted({n.name for n in shown})))
    for f in found:
        print("found a button named %r" % f)
    return 1 if found or (not shown and not allow_none) else 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "description":
        return description()
    if cmd == "text":
        return text(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    if cmd == "absent":
        return absent(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    if cmd == "press":
        return press(sys.argv[2:])
    if cmd == "pad-sizes":
        return pad_sizes()
    if cmd == "buttons":
        return buttons()
    if cmd == "no-button":
        return no_button(sys.argv[2:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
