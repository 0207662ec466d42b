#!/usr/bin/python3
"""Reads digit-generator's accessibility tree over AT-SPI (python3-pyatspi).

  a11y_check.py DIGIT   the image's description names DIGIT; the image, sliders, temperature
                        and seed have accessible names.
  a11y_check.py --text TEXT
                        some node's name or description contains TEXT (text on the error page).
Exits 77 when pyatspi is not installed (the GUI test then skips the check).
"""
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
    for node in walk(app):
        for value in (node.name, node.description):
            if value and text in value:
                print("found: %s" % value)
                return 0
    print("no node's name or description contains %r" % text)
    return 1


def main():
    if sys.argv[1] == "--text":
        return find_text(sys.argv[2])
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
