#!/usr/bin/env python3
"""Screen burn-in check for the exhibit: reads screenshots taken over time and reports how
long any bright pixel stayed still.

    python3 Tests/gui/burn_in.py DIR [--limit 60] [--level 160] [--tolerance 8] [--scale 50]

DIR holds PNG screenshots named by their time in milliseconds (e.g. 0001234567.png), a few
seconds apart, all of one size. They are reduced to --scale percent (box filter) and to grey.
A pixel is bright when its grey level is at least --level; it stays still while it is bright
in every screenshot and its level stays within --tolerance of where the span began. Prints
"burn-in: ..." lines, also the longest time any pixel stayed bright at all; exits 1 when a
bright pixel stayed still longer than --limit seconds, else 0. Needs ImageMagick's `convert`.
"""
import argparse
import os
import subprocess
import sys


def grey(path, scale):
    out = subprocess.run(["convert", path, "-filter", "box", "-resize", "%d%%" % scale, "-colorspace", "gray",
                          "-depth", "8", "-format", "%w", "-write", "info:-", "gray:-"],
                         check=True, stdout=subprocess.PIPE).stdout
    # "info:-" writes the width first (digits), then the raw grey bytes follow.
    digits = 0
    while digits < len(out) and 48 <= out[digits] <= 57:
        digits += 1
    return int(out[:digits]), out[digits:]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--limit", type=float, default=60.0)
    p.add_argument("--level", type=int, default=160)
    p.add_argument("--tolerance", type=int, default=8)
    p.add_argument("--scale", type=int, default=50)
    a = p.parse_args()
    names = sorted(n for n in os.listdir(a.dir) if n.endswith(".png"))
    if len(names) < 2:
        print("burn-in: fewer than two screenshots in %s" % a.dir)
        return 1
    times = [int(n[:-4]) / 1000.0 for n in names]
    width, first = grey(os.path.join(a.dir, names[0]), a.scale)
    n = len(first)
    # Per pixel: where the current still span and bright span began (-1: not bright) and the
    # level the still span began at.
    still_start = [times[0] if v >= a.level else -1.0 for v in first]
    bright_start = list(still_start)
    anchor = list(first)
    longest_still = longest_bright = 0.0
    still_at = bright_at = None
    for name, t in zip(names[1:], times[1:]):
        w, levels = grey(os.path.join(a.dir, name), a.scale)
        if w != width or len(levels) != n:
            print("burn-in: %s has another size" % name)
            return 1
        for i in range(n):
            v = levels[i]
            if v < a.level:
                still_start[i] = bright_start[i] = -1.0
                continue
            if bright_start[i] < 0:
                bright_start[i] = t
            elif t - bright_start[i] > longest_bright:
                longest_bright, bright_at = t - bright_start[i], i
            if still_start[i] < 0 or abs(v - anchor[i]) > a.tolerance:
                still_start[i] = t
                anchor[i] = v
            elif t - still_start[i] > longest_still:
                longest_still, still_at = t - still_start[i], i
    factor = 100.0 / a.scale

    def place(i):
        return "" if i is None else " at %d,%d" % (int(i % width * factor), int(i // width * factor))

    print("burn-in: %d screenshots over %.0f s (level %d, tolerance %d, scale %d%%)" % (
        len(names), times[-1] - times[0], a.level, a.tolerance, a.scale))
    print("burn-in: longest a bright pixel stayed still: %.1f s%s (limit %.0f s)" % (longest_still, place(still_at), a.limit))
    print("burn-in: longest a pixel stayed bright at all: %.1f s%s" % (longest_bright, place(bright_at)))
    return 1 if longest_still > a.limit else 0


if __name__ == "__main__":
    sys.exit(main())
