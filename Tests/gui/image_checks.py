#!/usr/bin/env python3
"""Pixel checks for the GUI test, on screenshots read through ImageMagick (no PIL needed).

  image_checks.py cells SHOT X0 Y0 CELLS          digit-likeness of each image cell
  image_checks.py diff SHOT_A SHOT_B X0 Y0 CELLS  mean absolute change per cell
  image_checks.py png FILE COUNT SIDE SCALE [SHOT X0 Y0 CELLS]
                                                  a saved PNG holds COUNT SIDE x SIDE images
                                                  scaled SCALE times, varied, and equal to the
                                                  cells on screen
  image_checks.py change SHOT_A SHOT_B X0 Y0 CELLS below|above FRACTION
                                                  mean absolute change over all cells, as a
                                                  fraction of 255, below or above FRACTION
  image_checks.py region SHOT X Y W H             standard deviation of a region

CELLS is the app's trace layout, "x,y,size;x,y,size;..." in window coordinates, and X0 Y0
is the window's position on the screen. Each cell is sampled at the centre of each of its
28 x 28 image pixels, so the checks see the generated image itself.
Prints one line per check and exits 1 when a check fails.
"""
import struct
import subprocess
import sys
import zlib

SIDE = 28


def load_gray(path):
    size = subprocess.run(["identify", "-format", "%w %h", path], check=True,
                          capture_output=True, text=True).stdout.split()
    w, h = int(size[0]), int(size[1])
    raw = subprocess.run(["convert", path, "-colorspace", "Gray", "-depth", "8", "gray:-"],
                         check=True, capture_output=True).stdout
    return w, h, raw


def parse_cells(text):
    return [tuple(int(v) for v in c.split(",")) for c in text.split(";") if c]


def sample(image, x0, y0, cell):
    w, h, raw = image
    x, y, s = cell
    out = []
    for r in range(SIDE):
        for c in range(SIDE):
            px = x0 + x + int((c + 0.5) * s / SIDE)
            py = y0 + y + int((r + 0.5) * s / SIDE)
            out.append(raw[py * w + px] if 0 <= px < w and 0 <= py < h else 0)
    return out


def stats(values):
    n = len(values)
    mean = sum(values) / n
    std = (sum((v - mean) ** 2 for v in values) / n) ** 0.5
    ink = sum(1 for v in values if v > 128) / n
    background = sum(1 for v in values if v < 48) / n
    return mean, std, ink, background


def digit_like(values):
    """White strokes on black: a clear background, some ink, real contrast."""
    mean, std, ink, background = stats(values)
    ok = std > 20 and 0.01 <= ink <= 0.6 and background >= 0.3
    return ok, "mean %.1f std %.1f ink %.1f%% background %.1f%%" % (mean, std, 100 * ink, 100 * background)


def main(argv):
    cmd = argv[1]
    failed = False
    if cmd == "cells":
        image = load_gray(argv[2])
        x0, y0, cells = int(argv[3]), int(argv[4]), parse_cells(argv[5])
        if not cells:
            print("no cells in the layout")
            return 1
        for i, cell in enumerate(cells):
            ok, text = digit_like(sample(image, x0, y0, cell))
            failed |= not ok
            print("cell %d: %s (%s)" % (i, text, "digit-like" if ok else "NOT digit-like"))
    elif cmd == "diff":
        a, b = load_gray(argv[2]), load_gray(argv[3])
        x0, y0, cells = int(argv[4]), int(argv[5]), parse_cells(argv[6])
        changed = 0
        for i, cell in enumerate(cells):
            va, vb = sample(a, x0, y0, cell), sample(b, x0, y0, cell)
            d = sum(abs(p - q) for p, q in zip(va, vb)) / len(va)
            changed += d > 2
            print("cell %d: mean change %.1f" % (i, d))
        # Every cell must change: a new digit, a new seed or a slider move touches all five.
        failed = changed < len(cells)
        print("%d of %d cells changed" % (changed, len(cells)))
    elif cmd == "change":
        a, b = load_gray(argv[2]), load_gray(argv[3])
        x0, y0, cells = int(argv[4]), int(argv[5]), parse_cells(argv[6])
        how, limit = argv[7], float(argv[8])
        total, n = 0, 0
        for cell in cells:
            va, vb = sample(a, x0, y0, cell), sample(b, x0, y0, cell)
            total += sum(abs(p - q) for p, q in zip(va, vb))
            n += len(va)
        change = total / n / 255 if n else 0
        failed = not (change < limit if how == "below" else change > limit)
        print("mean absolute change %.4f of full scale (%s %.4f: %s)" % (change, how, limit, "no" if failed else "yes"))
    elif cmd == "png":
        path, count, side, scale = argv[2], int(argv[3]), int(argv[4]), int(argv[5])
        argv = argv[:5] + argv[6:]
        data = open(path, "rb").read()
        if data[:8] != b"\x89PNG\r\n\x1a\n":
            print("not a PNG")
            return 1
        w, h, depth, color = struct.unpack(">IIBB", data[16:26])
        print("PNG %d x %d, bit depth %d, colour type %d" % (w, h, depth, color))
        pos, idat = 8, b""
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            if kind == b"IDAT":
                idat += data[pos + 8:pos + 8 + length]
            pos += 12 + length
        channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color, 0)
        if depth != 8 or channels == 0 or (w, h) != (count * side * scale, side * scale):
            print("expected an 8-bit %d x %d image (%d images of %d x %d side by side, scaled %d times)"
                  % (count * side * scale, side * scale, count, side, side, scale))
            return 1
        raw = zlib.decompress(idat)
        stride = w * channels
        rows, prev = [], bytearray(stride)
        for r in range(h):
            f, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = prev[i], prev[i - channels] if i >= channels else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line)
            prev = line
        screen = None
        if len(argv) > 5:
            screen = (load_gray(argv[5]), int(argv[6]), int(argv[7]), parse_cells(argv[8]))
        for k in range(count):
            values = [rows[y * scale][((k * side + x) * scale) * channels] for y in range(side) for x in range(side)]
            # Each model pixel is a scale x scale block of one value.
            for y in range(side):
                for x in range(side):
                    block = {rows[y * scale + dy][((k * side + x) * scale + dx) * channels]
                             for dy in (0, scale - 1) for dx in (0, scale - 1)}
                    if len(block) != 1:
                        print("image %d: pixel (%d, %d) is not one %d x %d block" % (k, x, y, scale, scale))
                        return 1
            mean, std, ink, _ = stats(values)
            text = "image %d: mean %.1f std %.1f ink %.1f%%" % (k, mean, std, 100 * ink)
            if std < 10:
                failed = True
                text += " (uniform)"
            if screen is not None and k < len(screen[3]):
                shown = sample(screen[0], screen[1], screen[2], screen[3][k])
                d = sum(abs(p - q) for p, q in zip(values, shown)) / len(values)
                text += ", differs from cell %d on screen by %.2f" % (k, d)
                if d > 3:
                    failed = True
                    text += " (NOT the image shown)"
            print(text)
    elif cmd == "region":
        w, h, raw = load_gray(argv[2])
        x, y, rw, rh = (int(v) for v in argv[3:7])
        values = [raw[yy * w + xx] for yy in range(max(0, y), min(h, y + rh)) for xx in range(max(0, x), min(w, x + rw))]
        mean, std, _, _ = stats(values)
        failed = std < 10
        print("region %dx%d+%d+%d: mean %.1f std %.1f (%s)" % (rw, rh, x, y, mean, std, "varied" if not failed else "uniform"))
    else:
        print("unknown command " + cmd)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
