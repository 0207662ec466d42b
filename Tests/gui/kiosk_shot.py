#!/usr/bin/env python3
"""Screenshot checks for the kiosk test (read through ImageMagick, no PIL needed).

  kiosk_shot.py none SHOT R,G,B            no pixel of the screenshot has the colour R,G,B
                                           (the desktop's colour: the window covers it all)
  kiosk_shot.py edges SHOT R,G,B WIDTH     below 1% of the pixels in the WIDTH-px strips along
                                           the four edges have the colour R,G,B (a compositor's
                                           background around a window that does not fill it)
  kiosk_shot.py size SHOT W H              the screenshot is W x H
Prints what it measured; exit status 1 when the check fails.
"""
import subprocess
import sys


def load_rgb(path):
    size = subprocess.run(["identify", "-format", "%w %h", path], check=True, capture_output=True,
                          text=True).stdout.split()
    w, h = int(size[0]), int(size[1])
    raw = subprocess.run(["convert", path, "-alpha", "off", "-depth", "8", "rgb:-"], check=True,
                         capture_output=True).stdout
    return w, h, raw


def colour(text):
    return tuple(int(v) for v in text.split(","))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "size":
        w, h, _ = load_rgb(argv[2])
        print("%dx%d (expected %sx%s)" % (w, h, argv[3], argv[4]))
        return 0 if (w, h) == (int(argv[3]), int(argv[4])) else 1
    if cmd == "none":
        w, h, raw = load_rgb(argv[2])
        want = bytes(colour(argv[3]))
        count = sum(1 for i in range(0, len(raw), 3) if raw[i:i + 3] == want)
        print("%d of %d pixels are %s" % (count, w * h, argv[3]))
        return 0 if count == 0 else 1
    if cmd == "edges":
        w, h, raw = load_rgb(argv[2])
        want = bytes(colour(argv[3]))
        strip = int(argv[4])
        count = total = 0
        for y in range(h):
            row = y * w * 3
            xs = range(w) if y < strip or y >= h - strip else list(range(strip)) + list(range(w - strip, w))
            for x in xs:
                total += 1
                if raw[row + 3 * x:row + 3 * x + 3] == want:
                    count += 1
        print("%d of %d pixels in the %d-px edge strips are %s (%.2f%%)" % (count, total, strip, argv[3],
                                                                          100.0 * count / total))
        return 0 if count < 0.01 * total else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
