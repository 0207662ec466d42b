#!/usr/bin/env python3
"""Screen burn-in check for the exhibit: reads screenshots taken over time and reports the
longest time any bright pixel stayed bright in every screenshot.

    python3 Tests/gui/burn_in.py DIR [--limit 60] [--level 160]

DIR holds PNG screenshots named by their time in milliseconds (e.g. 0001234567.png), a few
seconds apart. A pixel is bright when its grey level is at least --level (0-255). Prints
"burn-in: ..." lines; exits 1 when some pixel was bright in every screenshot of a span
longer than --limit seconds (sampled: the span between the first and last screenshot in which
it was bright without a break), else 0. Needs ImageMagick's `convert`.
"""
import argparse
import os
import subprocess
import sys


def mask(path, level):
    """The screenshot's bright pixels as one big integer (bit i: pixel i), and its size."""
    out = subprocess.run(["convert", path, "-colorspace", "gray", "-depth", "8", "gray:-"],
                         check=True, stdout=subprocess.PIPE).stdout
    size = subprocess.run(["identify", "-format", "%w %h", path], check=True,
                          stdout=subprocess.PIPE).stdout.split()
    bits = bytes(1 if b >= level else 0 for b in out)
    # Pack 8 pixels a byte: bytes.translate cannot pack, so build the integer from a bit string.
    value = int("".join("1" if b else "0" for b in bits[::-1]) or "0", 2)
    return value, (int(size[0]), int(size[1]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--limit", type=float, default=60.0)
    p.add_argument("--level", type=int, default=160)
    a = p.parse_args()
    names = sorted(n for n in os.listdir(a.dir) if n.endswith(".png"))
    if len(names) < 2:
        print("burn-in: fewer than two screenshots in %s" % a.dir)
        return 1
    times = [int(n[:-4]) / 1000.0 for n in names]
    masks = []
    width = height = 0
    for n in names:
        m, (width, height) = mask(os.path.join(a.dir, n), a.level)
        masks.append(m)
    longest, where = 0.0, None
    for i in range(len(masks)):
        still = masks[i]
        j = i
        while j + 1 < len(masks) and still & masks[j + 1]:
            still &= masks[j + 1]
            j += 1
        span = times[j] - times[i]
        if still and span > longest:
            longest = span
            bit = (still & -still).bit_length() - 1
            where = (bit % width, bit // width)
    bright = sum(bin(m).count("1") for m in masks) / len(masks)
    print("burn-in: %d screenshots over %.0f s, %.0f bright pixels each on average (level %d)" % (
        len(masks), times[-1] - times[0], bright, a.level))
    print("burn-in: longest a pixel stayed bright: %.1f s%s (limit %.0f s)" % (
        longest, " at %d,%d" % where if where else "", a.limit))
    return 1 if longest > a.limit else 0


if __name__ == "__main__":
    sys.exit(main())
