#!/usr/bin/env bash
# GUI soak: drives digit-generator with EVENTS key presses and slider drags under Xvfb and
# prints the app's resident memory (VmRSS) every 1,000 events, then the growth after the
# first 1,000 events scaled to 100,000.
#
#   bash Tests/gui/soak.sh EVENTS [PATH/TO/digit-generator]      (default .build/release/digit-generator)
#
# Layout-independent: keys are digits, Space, Alt+A / Alt+B then arrow keys (slider focus),
# Tab; drags go to the sliders' positions measured at run time (the app's DIGITGEN_TRACE
# layout line from a short first launch, in window coordinates) and are skipped, with a
# note, when no position can be found. SOAK_LIMIT_MB=N makes the exit status 1 when the
# growth per 100,000 events is above N MB. Needs Xvfb, xdotool, python3, dbus-run-session.
set -u
# One private session bus and runtime directory for the whole run.
# shellcheck source=Tests/gui/private-session.sh
. "$(dirname "$0")/private-session.sh" "$@"

EVENTS=${1:?usage: soak.sh EVENTS [BINARY]}
BIN=$(realpath "${2:-.build/release/digit-generator}")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
XVFB_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=Tests/gui/xvfb.sh
. "$(dirname "$0")/xvfb.sh"
start_xvfb 98 1280x800 "$WORK/xvfb.log" || { echo "soak: no free X display"; exit 1; }
export GDK_BACKEND=x11 GSK_RENDERER=cairo
unset GTK_THEME DIGITGEN_TRACE

# launch [ENV=...]: starts the app, sets APP_PID and WID.
launch() {
    env "$@" "$BIN" >"$WORK/stdout" 2>"$WORK/stderr" &
    APP_PID=$!
    WID=
    for _ in $(seq 150); do
        WID=$(xdotool search --onlyvisible --pid "$APP_PID" 2>/dev/null | head -1)
        [ -n "$WID" ] && break
        kill -0 "$APP_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$WID" ]
}

# quit: Ctrl+Q; waits up to 120 s (a sanitized build checks for leaks at exit), sets APP_STATUS.
quit() {
    xdotool key --clearmodifiers ctrl+q 2>/dev/null
    for _ in $(seq 1200); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$APP_PID" 2>/dev/null; then
        echo "soak: the app did not quit within 120 s of Ctrl+Q; killed"
        kill -9 "$APP_PID" 2>/dev/null
    fi
    wait "$APP_PID" 2>/dev/null
    APP_STATUS=$?
    APP_PID=
}

# 1. Where the sliders are, in window coordinates: a short launch with the trace on.
SLIDERS=
#    Sanitizers stay quiet in this launch: it is not the session under test.
if launch DIGITGEN_TRACE=1 ASAN_OPTIONS=detect_leaks=0 TSAN_OPTIONS=report_bugs=0; then
    for _ in $(seq 50); do grep -q "^trace: layout.*slider1=" "$WORK/stderr" && break; sleep 0.1; done
    SLIDERS=$(grep "^trace: layout" "$WORK/stderr" | tail -1 | grep -o 'slider[0-9]=[0-9,]*' | tr '\n' ' ')
    quit
fi

# 2. The soak itself, without the trace (its per-event records would grow memory;
#    SOAK_TRACE=1 keeps it on, to check that the events reach the app).
launch ${SOAK_TRACE:+DIGITGEN_TRACE=1} || { echo "soak: the app did not show a window"; cat "$WORK/stderr"; exit 1; }
sleep 2
python3 "$HERE/soak.py" --events "$EVENTS" --pid "$APP_PID" --window "$WID" --sliders "$SLIDERS"
status=$?
if ! kill -0 "$APP_PID" 2>/dev/null; then
    echo "soak: the app died"; tail -5 "$WORK/stderr"; exit 1
fi
quit
if [ "$APP_STATUS" -ne 0 ]; then
    echo "soak: the app exited with status $APP_STATUS after Ctrl+Q"; status=1
fi
if grep -q -E "(Gtk|Gdk|GLib|GLib-GObject|Adwaita|Gsk)-(CRITICAL|WARNING)|Fatal error" "$WORK/stderr"; then
    grep -E "(Gtk|Gdk|GLib|GLib-GObject|Adwaita|Gsk)-(CRITICAL|WARNING)|Fatal error" "$WORK/stderr" | sort | uniq -c | head -5
    echo "soak: warnings on stderr (above)"
fi
[ -n "${SOAK_KEEP_STDERR:-}" ] && cp "$WORK/stderr" "$SOAK_KEEP_STDERR"
exit "$status"
