#!/usr/bin/python3
"""Sends EVENTS input events to the digit-generator window through xdotool and prints the
app's VmRSS every 1,000 events (see soak.sh)."""
import argparse
import os
import random
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--events", type=int, required=True)
parser.add_argument("--pid", type=int, required=True)
parser.add_argument("--window", required=True)
parser.add_argument("--sliders", default="", help="'slider0=x,y,w,h slider1=...' in window coordinates")
parser.add_argument("--seed", type=int, default=13)
args = parser.parse_args()
rng = random.Random(args.seed)


def rss_kb():
    with open("/proc/%d/status" % args.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def window_origin():
    out = subprocess.run(["xdotool", "getwindowgeometry", "--shell", args.window],
                         capture_output=True, text=True, check=True).stdout
    values = dict(line.split("=", 1) for line in out.split())
    return int(values["X"]), int(values["Y"])


sliders = []
for part in args.sliders.split():
    name, _, rect = part.partition("=")
    numbers = [int(v) for v in rect.split(",") if v]
    if len(numbers) == 4:
        sliders.append(numbers)
if not sliders:
    print("soak: no slider positions found; drags are replaced by Alt+A and arrow keys", flush=True)

subprocess.run(["xdotool", "windowfocus", "--sync", args.window], check=False)
origin = window_origin()


def next_events():
    """One action as a list of xdotool sub-commands; each sub-command is one event."""
    r = rng.random()
    if r < 0.35:
        return [["key", str(rng.randrange(10))]]
    if r < 0.45:
        return [["key", "space"]]
    if r < 0.70:
        slider = rng.choice(["alt+a", "alt+b"])
        arrows = [["key", rng.choice(["Left", "Right"])] for _ in range(rng.randrange(2, 8))]
        return [["key", slider]] + arrows
    if r < 0.75:
        # Tab moves the focus somewhere; Alt+A brings it back so digits never go into the seed field.
        return [["key", "Tab"], ["key", "alt+a"]]
    if r < 0.77:
        # Reload/refresh keys of newer versions of the app (ignored where unbound).
        return [["key", rng.choice(["ctrl+r", "F5"])], ["key", "alt+a"]]
    if not sliders:
        return [["key", "alt+b"], ["key", "Right"], ["key", "Left"]]
    x, y, w, h = rng.choice(sliders)
    cy = origin[1] + y + h // 2
    points = [origin[0] + x + rng.randrange(max(1, w)) for _ in range(rng.randrange(3, 9))]
    drag = [["mousemove", str(points[0]), str(cy)], ["mousedown", "1"]]
    drag += [["mousemove", str(p), str(cy)] for p in points[1:]]
    drag += [["mouseup", "1"]]
    return drag


def send(commands):
    argv = ["xdotool"]
    for c in commands:
        if c[0] == "key":
            argv += ["key", "--delay", "2", "--clearmodifiers"] + c[1:]
        else:
            argv += c
    subprocess.run(argv, check=False, stderr=subprocess.DEVNULL)


sent = 0
baseline = None
start = time.time()
print("soak: events rss_kb elapsed_s", flush=True)
print("soak: %d %d 0" % (0, rss_kb()), flush=True)
next_report = 1000
while sent < args.events:
    batch = []
    while len(batch) < 60 and sent + len(batch) < args.events:
        batch += next_events()
    send(batch)
    sent += len(batch)
    if sent >= next_report or sent >= args.events:
        try:
            os.kill(args.pid, 0)
        except OSError:
            print("soak: the app is gone after %d events" % sent)
            sys.exit(1)
        time.sleep(0.2)   # let the queued events be handled before measuring
        rss = rss_kb()
        print("soak: %d %d %.0f" % (sent, rss, time.time() - start), flush=True)
        if baseline is None and sent >= 1000:
            baseline = (sent, rss)
        next_report += 1000

end = rss_kb()
elapsed = time.time() - start
print("soak: %d events in %.0f s (%.0f events/s)" % (sent, elapsed, sent / elapsed), flush=True)
if baseline and sent > baseline[0]:
    growth_mb = (end - baseline[1]) / 1024
    per100k = growth_mb * 100000 / (sent - baseline[0])
    print("soak: RSS %d kB after %d events, %d kB at the end: growth %.2f MB, %.2f MB per 100,000 events"
          % (baseline[1], baseline[0], end, growth_mb, per100k), flush=True)
    limit = os.environ.get("SOAK_LIMIT_MB")
    if limit and per100k > float(limit):
        print("soak: growth above %s MB per 100,000 events" % limit)
        sys.exit(1)
