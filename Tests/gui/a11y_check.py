#!/usr/bin/python3
"""Reads digit-generator's accessibility tree over AT-SPI (python3-pyatspi).

  a11y_check.py DIGIT   the image's description names DIGIT; the image, sliders, temperature
                        and seed have accessible names.
  a11y_check.py --text TEXT
                        some node's name or description contains TEXT (text on the error page).
  a11y_check.py --focusable-named
                        every focusable, showing node of the main window has a name.
  a11y_check.py --focused
                        prints the focused node's role, name and description.
  a11y_check.py --on-screen W H
                        every focusable, visible node of the main window lies inside its
                        W x H window (window coordinates: GTK 4 warns about screen ones).
  a11y_check.py --min-size PREFIX SIZE
                        every button whose name starts with PREFIX is at least SIZE x SIZE.
  a11y_check.py --slider NAME
                        prints the value (and value text) of the slider named NAME.
Exits 77 when pyatspi is not installed (the GUI test then skips the check).
"""
import re
import sys

try:
    import pyatspi
except ImportError:
    print("python3-pyatspi is not installed")
    sys.exit(77)


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    # A node that is not VISIBLE hides its subtree too (a stack's pages that are not shown,
    # which the app marks hidden: GTK 4.8 would still report their widgets as visible).
    if depth > 0 and not node.getState().contains(pyatspi.STATE_VISIBLE):
        return
    for i in range(node.childCount):
        try:
            yield from walk(node.getChildAtIndex(i), depth + 1)
        except Exception:
            continue


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    app = next((a for a in apps if a is not None and a.name in ("digit-generator", "Digit Generator")), None)
    if app is None:
        print("application not on the AT-SPI bus; found: %s" % [a.name for a in apps if a is not None])
    return app


def find_text(text):
    app = find_app()
    if app is None:
        return 1
    # A number at the end of TEXT must end there too: "seed 1" does not match "seed 1173179987".
    pattern = re.compile(re.escape(text) + (r"(?!\d)" if text[-1:].isdigit() else ""))
    for node in walk(app):
        for value in (node.name, node.description):
            if value and pattern.search(value):
                print("found: %s" % value)
                return 0
    print("no node's name or description contains %r" % text)
    return 1


def main_window(app):
    for i in range(app.childCount):
        w = app.getChildAtIndex(i)
        if w is not None and w.name.startswith("Digit Generator"):
            return w
    return app


def focusable_named():
    app = find_app()
    if app is None:
        return 1
    unnamed, count = [], 0
    for node in walk(main_window(app)):
        states = node.getState()
        # GTK 4.8 reports VISIBLE (not SHOWING) for widgets that are shown.
        if not (states.contains(pyatspi.STATE_FOCUSABLE) and states.contains(pyatspi.STATE_VISIBLE)):
            continue
        count += 1
        # GTK names an unlabelled part after its type ("GtkToggleButton"): no name for a person.
        if not node.name.strip() or node.name.startswith("Gtk"):
            unnamed.append("%s (parent %s %r)" % (node.getRoleName(), node.parent.getRoleName(), node.parent.name))
    print("%d focusable nodes" % count)
    for u in unnamed:
        print("unnamed: " + u)
    return 1 if unnamed or count == 0 else 0


def on_screen(w, h):
    x, y = 0, 0
    app = find_app()
    if app is None:
        return 1
    outside, count = [], 0
    for node in walk(main_window(app)):
        states = node.getState()
        if not (states.contains(pyatspi.STATE_FOCUSABLE) and states.contains(pyatspi.STATE_VISIBLE)):
            continue
        # Parts of closed popups (a drop-down's list) have no size.
        e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        if e.width <= 0 or e.height <= 0 or node.getRoleName() in ("scroll pane",):
            continue
        count += 1
        inside = e.x >= x and e.y >= y and e.x + e.width <= x + w and e.y + e.height <= y + h
        if not inside:
            outside.append("%s %r at %d,%d %dx%d" % (node.getRoleName(), node.name, e.x, e.y, e.width, e.height))
    print("%d focusable controls checked against %dx%d+%d+%d" % (count, w, h, x, y))
    for o in outside:
        print("outside: " + o)
    return 1 if outside or count < 10 else 0


def min_size(prefix, size):
    app = find_app()
    if app is None:
        return 1
    small, count = [], 0
    for node in walk(main_window(app)):
        if not node.name.startswith(prefix) or node.getRoleName() not in ("push button", "toggle button"):
            continue
        e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        count += 1
        print("%s: %dx%d" % (node.name, e.width, e.height))
        if e.width < size or e.height < size:
            small.append(node.name)
    return 1 if small or count == 0 else 0


def focused():
    app = find_app()
    if app is None:
        return 1
    for node in walk(app):
        if node.getState().contains(pyatspi.STATE_FOCUSED):
            print("%s|%s|%s" % (node.getRoleName(), node.name, node.description))
            return 0
    print("nothing focused")
    return 1


def slider(name):
    app = find_app()
    if app is None:
        return 1
    for node in walk(app):
        if node.getRoleName() == "slider" and node.name == name:
            v = node.queryValue()
            text = getattr(v, "text", None)
            print("value %s|text %s|description %s" % (v.currentValue, text, node.description))
            return 0
    print("no slider named %r" % name)
    return 1


def main():
    if sys.argv[1] == "--text":
        return find_text(sys.argv[2])
    if sys.argv[1] == "--focusable-named":
        return focusable_named()
    if sys.argv[1] == "--focused":
        return focused()
    if sys.argv[1] == "--on-screen":
        return on_screen(int(sys.argv[2]), int(sys.argv[3]))
    if sys.argv[1] == "--min-size":
        return min_size(sys.argv[2], int(sys.argv[3]))
    if sys.argv[1] == "--slider":
        return slider(sys.argv[2])
    digit = sys.argv[1]
    app = find_app()
    if app is None:
        return 1
    images, sliders, named = [], [], {}
    for node in walk(app):
        role = node.getRoleName()
        if role == "image" and node.name == "Generated digits":
            images.append(node)
        elif role == "slider":
            sliders.append(node.name)
        if node.name:
            named[node.name] = role
    ok = True
    if not images:
        print("no image named 'Generated digits'")
        ok = False
    else:
        description = images[0].description
        print("image description: %s" % description)
        if "digit %s" % digit not in description:
            print("the description does not name digit %s" % digit)
            ok = False
    print("sliders: %s" % sliders)
    if len([s for s in sliders if s]) < 3 or "Temperature" not in sliders:
        print("expected two named latent sliders and Temperature")
        ok = False
    if "Seed" not in named:
        print("no control named Seed")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
