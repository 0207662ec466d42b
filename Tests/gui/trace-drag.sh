#!/usr/bin/env bash
# Measures the app's responsiveness with DIGITGEN_TRACE=1 under Xvfb: starts it (with a
# private state directory, so that it opens on the welcome view), drags
# slider A back and forth (about 300 pointer steps), quits with Ctrl+Q and prints the
# trace summary: slider value-changed to drawn frame (p50, p99) and process start to the
# first drawn samples.
#
#   bash Tests/gui/trace-drag.sh .build/release/digit-generator [WEIGHTS] [STEPS]
#
# GSK_RENDERER is cairo, as in the GUI tests; TRACE_RENDERER=gl (or any GTK renderer name)
# picks another, TRACE_RENDERER=default leaves it unset (the app's own choice).
set -u
# shellcheck source=Tests/gui/private-session.sh
. "$(dirname "$0")/private-session.sh" "$@"
BIN=$(realpath "$1"); WEIGHTS=${2:-}; STEPS=${3:-300}
WORK=$(mktemp -d)
# shellcheck source=Tests/gui/xvfb.sh
. "$(dirname "$0")/xvfb.sh"
start_xvfb 99 1280x800 "$WORK/xvfb.log" || { echo "trace-drag: no free X display"; exit 1; }
trap 'kill $XVFB_PID 2>/dev/null; rm -rf "$WORK"' EXIT
export GDK_BACKEND=x11 GSK_RENDERER="${TRACE_RENDERER:-cairo}" DIGITGEN_TRACE=1 XDG_STATE_HOME="$WORK/state"
[ "${TRACE_RENDERER:-}" = default ] && unset GSK_RENDERER
ARGS=(); [ -n "$WEIGHTS" ] && ARGS=(--weights "$WEIGHTS")
"$BIN" "${ARGS[@]}" 2>"$WORK/stderr" & APP=$!
# Waits until the positions of both sliders and the temperature have been decoded ahead
# (about 0.2 s after the window shows its first images; until then a move is drawn one
# frame later, and the worker competes with the main thread for a core).
for _ in $(seq 100); do grep -q "sweep sweep-temperature ready" "$WORK/stderr" && grep -q "trace: layout" "$WORK/stderr" && break; sleep 0.1; done
sleep 0.3
WID=$(xdotool search --onlyvisible --pid "$APP" | head -1)
eval "$(xdotool getwindowgeometry --shell "$WID")"
IFS=, read -r sx sy sw sh <<< "$(grep "trace: layout" "$WORK/stderr" | tail -1 | sed 's/.*slider0=\([0-9,]*\).*/\1/')"
cx=$((X + sx + sw / 2)); cy=$((Y + sy + sh / 2))
xdotool mousemove "$cx" "$cy" mousedown 1
python3 - "$cx" "$cy" "$sw" "$STEPS" <<'PY' | xdotool -
import math, sys
cx, cy, sw, steps = (int(v) for v in sys.argv[1:])
for i in range(1, steps + 1):
    print("mousemove %d %d" % (cx + int(0.4 * sw * math.sin(i / 12.0)), cy))
    print("sleep 0.012")
PY
xdotool mouseup 1
sleep 0.3
xdotool windowfocus --sync "$WID" 2>/dev/null; xdotool key --clearmodifiers ctrl+q
wait "$APP"; echo "exit status $?"
grep -E "^trace: (summary|first samples|directions|sweep|.* after process start)" "$WORK/stderr"
[ -n "${TRACE_KEEP:-}" ] && cp "$WORK/stderr" "$TRACE_KEEP"
