#!/usr/bin/python3
"""Reads AddressSanitizer/LeakSanitizer/ThreadSanitizer logs (log_path files) and fails when a
report has a stack frame in our product code: a source path under Sources/ of this
repository, or a symbol of our modules (DigitCore, digitgen, digit_generator, the C shims).
Every AddressSanitizer error fails. Leaks count by their direct leaks: an indirect leak is
memory reachable only from a direct one, which is where the fault is (XCTest, for one,
never frees its test-case objects, and what they hold shows up as indirect leaks). Reports
wholly inside system libraries or the test harness are counted and listed by their top
frame, but do not fail.

  check_reports.py REPO_ROOT LOG_FILE...
"""
import re
import sys

root = sys.argv[1].rstrip("/") + "/"
OURS = re.compile(r"(%sSources/)|(\$s9DigitCore|\$s8digitgen|\$s15digit_generator|\bpng_shim_|\bdg_[a-z_]+)"
                  % re.escape(root))
FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ in (.*)$")


def reports(text):
    """Splits a log into (kind, lines) reports."""
    current = None
    for line in text.splitlines():
        start = re.match(r"^(Direct|Indirect) leak of", line) or "ERROR: AddressSanitizer" in line \
            or "WARNING: ThreadSanitizer" in line or "ERROR: LeakSanitizer" in line
        if start:
            if current and current[1]:
                yield current
            kind = line.strip()
            current = (kind, [])
            continue
        if current is not None:
            if line.startswith("SUMMARY:") or line.startswith("=================="):
                yield current
                current = None
            else:
                current[1].append(line)
    if current and current[1]:
        yield current


ours, theirs = [], {}
for path in sys.argv[2:]:
    with open(path, errors="replace") as f:
        text = f.read()
    for kind, lines in reports(text):
        if kind.startswith("ERROR: LeakSanitizer"):
            continue  # the heading of a leak list; its entries are reports of their own
        frames = [m.group(1) for m in (FRAME.match(l) for l in lines) if m]
        if not frames and "AddressSanitizer" not in kind:
            continue
        if kind.startswith("Indirect leak"):
            theirs["Indirect leaks (consequences of direct ones)"] = theirs.get("Indirect leaks (consequences of direct ones)", 0) + 1
            continue
        if "AddressSanitizer" in kind or any(OURS.search(f) for f in frames):
            ours.append((path, kind, lines))
        else:
            alloc = re.compile(r"^(malloc|calloc|realloc|posix_memalign|aligned_alloc|memalign|swift_slowAlloc|swift_allocObject|operator new)")
            useful = [f for f in frames if not alloc.match(f)]
            top = useful[0] if useful else (frames[0] if frames else "?")
            key = kind.split(" of ")[0] + " in " + re.sub(r"\s+\S+:\d+(:\d+)?$", "", top)[:100]
            theirs[key] = theirs.get(key, 0) + 1

for key, n in sorted(theirs.items(), key=lambda kv: -kv[1])[:15]:
    print("sanitize: not ours (%d): %s" % (n, key))
if ours:
    for path, kind, lines in ours[:10]:
        print("sanitize: OUR CODE: %s (%s)" % (kind, path))
        for l in lines[:30]:
            print("    " + l)
    print("sanitize: %d report(s) point into our code" % len(ours))
    sys.exit(1)
print("sanitize: no report points into our code (%d system-library report(s) above)" % sum(theirs.values()))
