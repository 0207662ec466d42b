#!/usr/bin/env python3
"""Checks the kiosk's health file (digit-generator --kiosk --health-file FILE).

  kiosk_health.py check FILE [MODE]     valid JSON with every key, each of its type:
                                        version (non-empty string), uptime_seconds (number
                                        >= 0), images_generated and attract_cycles (integers
                                        >= 0), last_input (ISO 8601 or null), last_error
                                        (string or null), mode (visitor, attract, staff-pin
                                        or out-of-order; MODE when given), written (ISO 8601)
  kiosk_health.py get FILE KEY          prints one value (JSON)
  kiosk_health.py reads FILE N SECONDS  FILE is valid JSON at each of N reads spread over
                                        SECONDS (the app rewrites it meanwhile: never half
                                        written)
  kiosk_health.py newer OLD NEW         NEW was written later than OLD: written and
                                        uptime_seconds both grew
Prints what it found; exit status 1 when a check fails.
"""
import datetime
import json
import sys

KEYS = ["version", "uptime_seconds", "images_generated", "attract_cycles", "last_input", "last_error", "mode",
        "written"]
MODES = ["visitor", "attract", "staff-pin", "out-of-order"]


def iso(value):
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    return datetime.datetime.fromisoformat(text)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check(path, mode=None):
    try:
        h = load(path)
    except (OSError, ValueError) as e:
        print("not valid JSON: %s" % e)
        return 1
    problems = []
    if not isinstance(h, dict):
        print("not a JSON object: %r" % h)
        return 1
    for k in KEYS:
        if k not in h:
            problems.append("missing key %s" % k)
    extra = sorted(set(h) - set(KEYS))
    if extra:
        print("other keys: %s" % extra)

    def number(k, integer=False):
        v = h.get(k)
        ok = isinstance(v, int) if integer else isinstance(v, (int, float))
        if isinstance(v, bool) or not ok or v < 0:
            problems.append("%s is %r, expected a%s number >= 0" % (k, v, "n integer" if integer else ""))

    if not isinstance(h.get("version"), str) or not h.get("version"):
        problems.append("version is %r" % h.get("version"))
    number("uptime_seconds")
    number("images_generated", integer=True)
    number("attract_cycles", integer=True)
    for k, nullable in (("last_input", True), ("written", False)):
        v = h.get(k)
        if v is None and nullable:
            continue
        try:
            iso(v)
        except (TypeError, ValueError):
            problems.append("%s is %r, expected an ISO 8601 date%s" % (k, v, " or null" if nullable else ""))
    if h.get("last_error") is not None and not isinstance(h.get("last_error"), str):
        problems.append("last_error is %r" % h.get("last_error"))
    if h.get("mode") not in MODES:
        problems.append("mode is %r, expected one of %s" % (h.get("mode"), MODES))
    if mode is not None and h.get("mode") != mode:
        problems.append("mode is %r, expected %r" % (h.get("mode"), mode))
    print(json.dumps(h, sort_keys=True))
    for p in problems:
        print("problem: " + p)
    return 1 if problems else 0


def newer(old_path, new_path):
    old, new = load(old_path), load(new_path)
    print("written %s -> %s, uptime %s -> %s" % (old["written"], new["written"], old["uptime_seconds"],
                                                 new["uptime_seconds"]))
    ok = iso(new["written"]) > iso(old["written"]) and new["uptime_seconds"] > old["uptime_seconds"]
    return 0 if ok else 1


def reads(path, n, seconds):
    import time
    for i in range(n):
        try:
            load(path)
        except (OSError, ValueError) as e:
            print("read %d of %d: %s" % (i + 1, n, e))
            return 1
        time.sleep(seconds / n)
    print("%d reads over %.1f s, all valid JSON" % (n, seconds))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        return check(argv[2], argv[3] if len(argv) > 3 else None)
    if len(argv) == 4 and argv[1] == "get":
        try:
            print(json.dumps(load(argv[2]).get(argv[3])))
        except (OSError, ValueError) as e:
            print("unreadable: %s" % e)
            return 1
        return 0
    if len(argv) == 5 and argv[1] == "reads":
        return reads(argv[2], int(argv[3]), float(argv[4]))
    if len(argv) == 4 and argv[1] == "newer":
        return newer(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
