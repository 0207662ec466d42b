#!/usr/bin/env bash
# Kiosk soak: digit-generator --kiosk --attract-after 20 --reset-after 15 for MINUTES under
# Xvfb + openbox with DIGITGEN_TRACE=1, visited every ~35 s by a scripted visitor (taps on
# digit buttons, drags across the images, a tap on "New handwriting", digit keys) and left
# alone in between, so that each cycle has a visit, an idle reset (15 s) and an attract
# period (from 20 s of idleness until the next visit). Not part of make test.
#
#   bash Tests/gui/kiosk-soak.sh MINUTES [PATH/TO/digit-generator]   (default .build/release/digit-generator)
#
# Every minute: the app's resident memory (VmRSS from /proc/PID/status) and the frames drawn
# (the app's per-minute "trace: kiosk frames N max-gap X ms" line, attract-loop frames, and
# the count of "trace: frame" lines, the visitor's renders). At the end: RSS after 5 minutes,
# at the end, the growth between them, the largest frame gap, the count of stderr lines with
# WARNING or CRITICAL, and how many visits, resets and attract periods happened.
# Exit status 1 when the growth after minute 5 is above 2 MB (KIOSK_SOAK_LIMIT_KB, default
# 2048), a frame gap is above 100 ms (KIOSK_SOAK_GAP_MS), a warning appeared, or the app died
# or did not leave with status 0 on Ctrl+Alt+Shift+Q at the end. KIOSK_SOAK_STDERR=FILE keeps
# the app's stderr. Needs Xvfb, openbox, xdotool, python3, dbus-run-session.
set -u
# shellcheck source=Tests/gui/private-session.sh
. "$(dirname "$0")/private-session.sh" "$@"

MINUTES=${1:?usage: kiosk-soak.sh MINUTES [BINARY]}
BIN=$(realpath "${2:-.build/release/digit-generator}")
LIMIT_KB=${KIOSK_SOAK_LIMIT_KB:-2048}
GAP_MS=${KIOSK_SOAK_GAP_MS:-100}
WORK=$(mktemp -d)
XVFB_PID=
WM_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null
    [ -n "$WM_PID" ] && kill "$WM_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    [ -n "${KIOSK_SOAK_STDERR:-}" ] && [ -f "$WORK/stderr" ] && cp "$WORK/stderr" "$KIOSK_SOAK_STDERR"
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "soak: $*"; }

# shellcheck source=Tests/gui/xvfb.sh
. "$(dirname "$0")/xvfb.sh"
start_xvfb 96 1280x800 "$WORK/xvfb.log" || { log "no free X display"; exit 1; }
mkdir -p "$WORK/openbox-config" "$WORK/config"
XDG_CONFIG_HOME="$WORK/openbox-config" openbox --sm-disable >"$WORK/openbox.log" 2>&1 &
WM_PID=$!
for _ in $(seq 50); do wmctrl -m >/dev/null 2>&1 && break; sleep 0.1; done
export GDK_BACKEND=x11 GSK_RENDERER=cairo DIGITGEN_TRACE=1 XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config"
unset GTK_THEME DIGITGEN_KIOSK_HEALTH_SECONDS DIGITGEN_KIOSK_RETRY_SECONDS

"$BIN" --kiosk --fresh --attract-after 20 --reset-after 15 >"$WORK/stdout" 2>"$WORK/stderr" &
APP_PID=$!
for _ in $(seq 600); do grep -q "^trace: kiosk ready" "$WORK/stderr" && break; kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
if ! grep -q "^trace: kiosk ready" "$WORK/stderr"; then
    log "the exhibit did not report ready within 60 s"; tail -20 "$WORK/stderr"; exit 1
fi
sleep 1

field() { grep "^trace: layout" "$WORK/stderr" | tail -1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$APP_PID/status" 2>/dev/null; }

# One visit: 4-7 actions about 0.7 s apart, picked from a fixed sequence of random numbers.
RANDOM=9
visit() {
    local digits pad new n box x y w h
    IFS=';' read -r -a digits <<< "$(field digits)"
    pad=$(field pad); new=$(field new)
    n=$((4 + RANDOM % 4))
    for _ in $(seq "$n"); do
        case $((RANDOM % 4)) in
            0)  # a tap on a digit button
                box=${digits[$((RANDOM % ${#digits[@]}))]:-}
                [ -n "$box" ] || continue
                IFS=, read -r x y w h <<< "$box"
                xdotool mousemove $((x + w / 2)) $((y + h / 2)) click 1 ;;
            1|2)  # a drag across the images, as a finger would, in small steps
                [ -n "$pad" ] || continue
                IFS=, read -r x y w h <<< "$pad"
                local dx=$(( (RANDOM % 21) - 10 )) dy=$(( (RANDOM % 11) - 5 ))
                xdotool mousemove $((x + w / 4 + RANDOM % (w / 2))) $((y + h / 4 + RANDOM % (h / 2))) mousedown 1
                for _ in $(seq 15); do xdotool mousemove_relative -- "$dx" "$dy"; sleep 0.02; done
                xdotool mouseup 1 ;;
            3)  # "New handwriting", or a digit key
                if [ -n "$new" ] && [ $((RANDOM % 2)) = 0 ]; then
                    IFS=, read -r x y w h <<< "$new"
                    xdotool mousemove $((x + w / 2)) $((y + h / 2)) click 1
                else
                    xdotool key $((RANDOM % 10))
                fi ;;
        esac
        sleep 0.7
    done
    VISITS=$((VISITS + 1))
}

VISITS=0
START=$(date +%s)
NEXT_VISIT=$START
NEXT_SAMPLE=$((START + 60))
RSS_AT_5=
MINUTE=0
log "$MINUTES min of --kiosk --attract-after 20 --reset-after 15, pid $APP_PID, RSS at start $(rss) kB"
while [ "$MINUTE" -lt "$MINUTES" ]; do
    if ! kill -0 "$APP_PID" 2>/dev/null; then
        log "the app died after minute $MINUTE"; tail -10 "$WORK/stderr"; APP_PID=; exit 1
    fi
    now=$(date +%s)
    if [ "$now" -ge "$NEXT_VISIT" ]; then
        visit
        NEXT_VISIT=$((now + 35))
    fi
    if [ "$(date +%s)" -ge "$NEXT_SAMPLE" ]; then
        MINUTE=$((MINUTE + 1))
        NEXT_SAMPLE=$((NEXT_SAMPLE + 60))
        r=$(rss)
        [ "$MINUTE" = 5 ] && RSS_AT_5=$r
        line=$(grep "^trace: kiosk frames" "$WORK/stderr" | tail -1 | sed 's/^trace: kiosk //')
        log "minute $MINUTE: RSS $r kB; ${line:-no per-minute frames line yet}; visitor frames so far $(grep -c '^trace: frame' "$WORK/stderr")"
    fi
    sleep 0.5
done
RSS_END=$(rss)

# The end: the staff chord, no PIN: status 0.
xdotool key --clearmodifiers ctrl+alt+shift+q
for _ in $(seq 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
status=0
if kill -0 "$APP_PID" 2>/dev/null; then
    log "FAIL: the app did not leave on Ctrl+Alt+Shift+Q"; status=1
else
    wait "$APP_PID"; app_status=$?; APP_PID=
    [ "$app_status" = 0 ] || { log "FAIL: the app left with status $app_status"; status=1; }
fi

frames_lines=$(grep -c "^trace: kiosk frames" "$WORK/stderr")
attract_frames=$(grep "^trace: kiosk frames" "$WORK/stderr" | awk '{s += $4} END {print s + 0}')
max_gap=$(grep "^trace: kiosk frames" "$WORK/stderr" | awk '{g = $6 + 0; if (g > m) m = g} END {printf "%.1f", m + 0}')
warnings=$(grep -c -E "WARNING|CRITICAL" "$WORK/stderr")
log "visits $VISITS, attract periods $(grep -c '^trace: kiosk mode attract' "$WORK/stderr"), resets to welcome $(grep -c '^trace: kiosk reset to welcome' "$WORK/stderr"), attract frames $attract_frames in $frames_lines per-minute lines, visitor frames $(grep -c '^trace: frame' "$WORK/stderr")"
if [ -n "$RSS_AT_5" ]; then
    growth=$((RSS_END - RSS_AT_5))
    log "RSS after 5 min $RSS_AT_5 kB, at the end $RSS_END kB, growth $growth kB (limit $LIMIT_KB kB)"
    [ "$growth" -gt "$LIMIT_KB" ] && { log "FAIL: memory grew by $growth kB after minute 5"; status=1; }
else
    log "RSS at the end $RSS_END kB; no growth after minute 5 in a run of $MINUTES min"
fi
if [ "$frames_lines" -gt 0 ]; then
    log "largest gap between two attract frames: $max_gap ms (limit $GAP_MS ms)"
    awk -v g="$max_gap" -v l="$GAP_MS" 'BEGIN {exit !(g > l)}' && { log "FAIL: a frame gap of $max_gap ms"; status=1; }
else
    log "no 'trace: kiosk frames' line (the app prints one a minute): frame gaps not measured"
fi
log "stderr lines with WARNING or CRITICAL: $warnings"
if [ "$warnings" -gt 0 ]; then
    grep -E "WARNING|CRITICAL" "$WORK/stderr" | sort | uniq -c | sort -rn | head -5
    status=1
fi
exit "$status"
