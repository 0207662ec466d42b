#!/usr/bin/env bash
# Kiosk test of digit-generator --kiosk (issue 9): the exhibit window under Xvfb with the
# openbox window manager (fullscreen needs one), driven with xdotool and AT-SPI; then the
# exhibit under the cage kiosk compositor (headless) as an unprivileged user, as the systemd
# unit runs it; then the unit itself (systemd-analyze verify).
#
#   bash Tests/gui/kiosk-test.sh PATH/TO/digit-generator
#
# Needs: Xvfb, openbox, wmctrl, xdotool, xprop, ImageMagick, python3 (+ python3-pyatspi),
# dbus-run-session, cage, xwayland, grim, systemd-analyze (make test-deps installs them).
# As root it runs cage as the system user digitgen-kiosk-test, created with useradd when
# missing and kept (like a package's system user); the binary, its Swift libraries when
# that user cannot read them, and the weights are copied to a temporary directory it can
# read. Screenshots of failed checks are kept in $KIOSK_ARTIFACTS (default artifacts/kiosk).
# The last line is "kiosk: N passed, M failed"; the exit status is 0 only when M is 0.

set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: bash Tests/gui/kiosk-test.sh PATH/TO/digit-generator" >&2
    exit 2
fi

# One private session bus and runtime directory for the whole run.
# shellcheck source=Tests/gui/private-session.sh
. "$(dirname "$0")/private-session.sh" "$@"

BIN=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RESOURCES="$REPO/resources"
CHECK="python3 $HERE/image_checks.py"
SHOT="python3 $HERE/kiosk_shot.py"
HEALTH="python3 $HERE/kiosk_health.py"
A11Y="/usr/bin/python3 $HERE/kiosk_a11y.py"
ARTIFACTS=${KIOSK_ARTIFACTS:-artifacts/kiosk}
WORK=$(mktemp -d)
PASSED=0
FAILED=0
APP_PID=
XVFB_PID=
WM_PID=
CAGE_PID=
CAGE_DIR=
SCREEN_W=1280
SCREEN_H=800
# The colour painted on the X root window: a pixel of it in a screenshot is desktop.
DESKTOP=255,0,255
KIOSK_USER=digitgen-kiosk-test

REPORT_PREFIX=kiosk
REPORT_VERBOSE=${KIOSK_VERBOSE:-}
# shellcheck source=Tests/gui/report.sh
. "$HERE/report.sh"

for tool in Xvfb openbox wmctrl xdotool xprop import convert identify python3 cage grim systemd-analyze; do
    command -v "$tool" >/dev/null || { log "missing tool $tool (make test-deps installs it)"; echo "kiosk: 0 passed, 1 failed"; exit 1; }
done

# descendants PID: the PIDs of PID's children, grandchildren, ... (deepest last).
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

# stop_tree PID: ends PID and every process under it (each by its PID), then reaps PID.
stop_tree() {
    local root=$1 pids
    [ -n "$root" ] || return 0
    pids="$(descendants "$root") $root"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    for _ in $(seq 30); do
        local alive=0
        for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    wait "$root" 2>/dev/null
}

cleanup() {
    [ -n "$APP_PID" ] && stop_tree "$APP_PID"
    [ -n "$CAGE_PID" ] && stop_tree "$CAGE_PID"
    # Daemons a session inside cage started and left behind (a session bus, the
    # accessibility registry): processes of the test user whose command line or environment
    # names this run's directory (another run's processes name their own).
    if [ -n "$CAGE_DIR" ] && [ "$(id -u)" = 0 ]; then
        for p in $(ps -u "$KIOSK_USER" -o pid= 2>/dev/null); do
            cat "/proc/$p/cmdline" "/proc/$p/environ" 2>/dev/null | tr '\0' '\n' | grep -q -F "$CAGE_DIR" && kill "$p" 2>/dev/null
        done
    fi
    [ -n "$WM_PID" ] && kill "$WM_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    [ -n "$CAGE_DIR" ] && rm -rf "$CAGE_DIR"
    rm -rf "$WORK"
}
trap cleanup EXIT


# a11y WHAT SHOTS ARGS...: check through kiosk_a11y.py; skips without python3-pyatspi.
a11y() {
    local what=$1 shots=$2; shift 2
    $A11Y "$@" > "$WORK/detail" 2>&1
    case $? in
        0) pass "$what"; [ -n "${KIOSK_VERBOSE:-}" ] && sed 's/^/kiosk:   /' "$WORK/detail" ;;
        77) log "skip - $what (python3-pyatspi not installed)" ;;
        # shellcheck disable=SC2086
        *) fail "$what" $shots ;;
    esac
    rm -f "$WORK/detail"
}

# --- X server with a window manager -----------------------------------------------------
# shellcheck source=Tests/gui/xvfb.sh
. "$HERE/xvfb.sh"
if ! start_xvfb 97 "${SCREEN_W}x${SCREEN_H}" "$WORK/xvfb.log"; then
    log "FAIL - no free X display for Xvfb"; echo "kiosk: 0 passed, 1 failed"; exit 1
fi
# The desktop is magenta, so that any of it left visible shows in a screenshot.
convert -size 8x8 "xc:rgb($DESKTOP)" "$WORK/desktop.png"
display -window root "$WORK/desktop.png" >/dev/null 2>&1
import -window root "$WORK/desktop-shot.png"
if ! $SHOT none "$WORK/desktop-shot.png" "$DESKTOP" >/dev/null 2>&1; then
    desktop_painted=1
else
    desktop_painted=0
    log "note: the root window could not be painted; the desktop-pixel checks see nothing"
fi
mkdir -p "$WORK/openbox-config"
XDG_CONFIG_HOME="$WORK/openbox-config" openbox --sm-disable >"$WORK/openbox.log" 2>&1 &
WM_PID=$!
for _ in $(seq 50); do wmctrl -m >/dev/null 2>&1 && break; sleep 0.1; done
if ! wmctrl -m >/dev/null 2>&1; then
    log "FAIL - openbox did not start"; cat "$WORK/openbox.log"; echo "kiosk: 0 passed, 1 failed"; exit 1
fi
export GDK_BACKEND=x11 GSK_RENDERER=cairo DIGITGEN_TRACE=1
export XDG_STATE_HOME="$WORK/state"
unset GTK_THEME DIGITGEN_KIOSK_HEALTH_SECONDS DIGITGEN_KIOSK_RETRY_SECONDS
log "Xvfb ${SCREEN_W}x${SCREEN_H} on $DISPLAY with $(wmctrl -m | sed -n 's/^Name: //p'), binary $BIN"

# --- helpers around one app run -----------------------------------------------------------
RUN=0
WID=
# start [ENV=VALUE...] -- ARGS...: launches the app with stderr in $WORK/stderr.N (N = RUN),
# waits for its window (WID) and records the window's geometry from the moment it is mapped
# until "trace: kiosk ready" (or 40 s) in $WORK/geometry.N, one "X,Y WxH" line per look.
start() {
    local envs=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    RUN=$((RUN + 1))
    env "${envs[@]}" "$BIN" "$@" >"$WORK/stdout.$RUN" 2>"$WORK/stderr.$RUN" &
    APP_PID=$!
    WID=
    : > "$WORK/geometry.$RUN"
    for _ in $(seq 800); do
        if [ -z "$WID" ]; then
            WID=$(xdotool search --onlyvisible --pid "$APP_PID" 2>/dev/null | head -1)
        fi
        if [ -n "$WID" ]; then
            xdotool getwindowgeometry --shell "$WID" 2>/dev/null \
                | awk -F= '{v[$1]=$2} END {if (v["WIDTH"] != "") print v["X"] "," v["Y"] " " v["WIDTH"] "x" v["HEIGHT"]}' \
                >> "$WORK/geometry.$RUN"
            grep -q "^trace: kiosk ready" "$WORK/stderr.$RUN" && break
        fi
        kill -0 "$APP_PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$WID" ]
}

# wait_for PATTERN [SECONDS]: waits for a line matching PATTERN in this run's stderr.
wait_for() {
    local limit=$(( ${2:-10} * 10 ))
    for _ in $(seq "$limit"); do
        grep -q -- "$1" "$WORK/stderr.$RUN" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# count PATTERN: lines of this run's stderr matching PATTERN.
count() { grep -c -- "$1" "$WORK/stderr.$RUN" 2>/dev/null; }

# wait_count PATTERN N [SECONDS]: waits until N lines match.
wait_count() {
    local limit=$(( ${3:-10} * 10 ))
    for _ in $(seq "$limit"); do
        [ "$(count "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

shot() { import -window root "$WORK/$1"; }

cells() { grep "^trace: layout" "$WORK/stderr.$RUN" | tail -1 | sed -n 's/.*cells=\([^ ]*\).*/\1/p'; }
layout_field() { grep "^trace: layout" "$WORK/stderr.$RUN" | tail -1 | sed -n "s/.* $1=\([^ ]*\).*/\1/p;s/^trace: layout $1=\([^ ]*\).*/\1/p" | head -1; }

# fullscreen: the window is fullscreen (_NET_WM_STATE) and covers the screen exactly.
fullscreen() {
    local g state
    g=$(xdotool getwindowgeometry --shell "$WID" 2>/dev/null | awk -F= '{v[$1]=$2} END {print v["X"] "," v["Y"] " " v["WIDTH"] "x" v["HEIGHT"]}')
    state=$(xprop -id "$WID" _NET_WM_STATE 2>/dev/null)
    echo "geometry $g; $state"
    [ "$g" = "0,0 ${SCREEN_W}x${SCREEN_H}" ] && [[ "$state" == *_NET_WM_STATE_FULLSCREEN* ]]
}

alive() { kill -0 "$APP_PID" 2>/dev/null; }

# exited_with STATUS SECONDS: the app ends within SECONDS with STATUS (prints what happened).
exited_with() {
    local want=$1 limit=$(( $2 * 10 )) status
    for _ in $(seq "$limit"); do alive || break; sleep 0.1; done
    if alive; then echo "still running after $2 s"; return 1; fi
    wait "$APP_PID"; status=$?
    APP_PID=
    echo "exit status $status"
    [ "$status" = "$want" ]
}

# stop: ends the app of this run (SIGTERM, then SIGKILL) when it still runs.
stop() {
    [ -n "$APP_PID" ] || return 0
    stop_tree "$APP_PID"
    APP_PID=
}

no_warnings() {
    if grep -E "(Gtk|Gdk|GLib|GLib-GObject|GLib-GIO|Adwaita|Gsk|Pango|cairo)-(CRITICAL|WARNING)|Fatal error" "$WORK/stderr.$RUN"; then
        return 1
    fi
    echo "no GTK/GLib critical or warning lines"
}

windows_of_app() { xdotool search --onlyvisible --pid "$APP_PID" 2>/dev/null | wc -l; }

# hold_corner SECONDS: presses the top-left corner (the staff corner is 96 x 96 px) that long.
hold_corner() {
    xdotool mousemove 30 30
    sleep 0.1
    xdotool mousedown 1
    sleep "$1"
    xdotool mouseup 1
}

startup_failed() {
    shot "$1"
    { echo "the kiosk window did not come up; stderr:"; tail -20 "$WORK/stderr.$RUN"; } > "$WORK/detail"
    fail "$2" "$1"
    stop
}

# description: the images' accessible description (empty without pyatspi).
description() { $A11Y description 2>/dev/null; }


# still_locked: the app runs and its window is still fullscreen over the whole screen.
still_locked() {
    alive || { echo "the app is gone"; return 1; }
    fullscreen
}

# refusals_since N: at least two more "close request refused" lines than N.
refusals_since() {
    local n
    n=$(count "close request refused")
    echo "$n refusals, $((n - $1)) new"
    grep "close request refused" "$WORK/stderr.$RUN" | head -2
    [ $((n - $1)) -ge 2 ]
}

# no_new_window N: the app shows at most N windows.
no_new_window() {
    local n
    n=$(windows_of_app)
    echo "windows of the app: $1 before, $n now"
    [ "$n" -le "$1" ]
}

# health_counts FILE: images_generated > 0 and a last_input (keys were pressed).
health_counts() {
    local images input
    images=$($HEALTH get "$1" images_generated); input=$($HEALTH get "$1" last_input)
    echo "images_generated $images, last_input $input"
    [ "${images:-0}" -gt 0 ] 2>/dev/null && [ "$input" != null ]
}

# ends_within SECONDS: the app is gone within SECONDS.
ends_within() {
    for _ in $(seq $(( $1 * 10 ))); do alive || { wait "$APP_PID" 2>/dev/null; echo "ended, status $?"; APP_PID=; return 0; }; sleep 0.1; done
    echo "still running after $1 s"
    return 1
}

# desc_has TEXT / desc_lacks TEXT: the images' accessible description (in $DESC) does or
# does not contain TEXT.
desc_has() { echo "description: $DESC"; [[ "$DESC" == *"$1"* ]]; }
desc_lacks() { echo "description: $DESC"; [ -n "$DESC" ] && [[ "$DESC" != *"$1"* ]]; }
seed_of() { echo "$1" | sed -n 's/.*seed \([0-9]*\).*/\1/p'; }

# drag_pad: a drag across the middle of the images (the pad), a quarter of its width to the
# right in small steps, as a finger would.
drag_pad() {
    local pad px py pw ph
    pad=$(layout_field pad)
    IFS=, read -r px py pw ph <<< "$pad"
    xdotool mousemove $((px + pw / 2)) $((py + ph / 2)) mousedown 1
    for _ in $(seq 12); do xdotool mousemove_relative -- $((pw / 48)) -2; sleep 0.03; done
    xdotool mouseup 1
}

# ============================================================================================
# Run 1: the locked window (the shipped example key file, no PIN, health file every second).
# ============================================================================================
mkdir -p "$WORK/config1/digit-generator" "$WORK/no-config"
cp "$RESOURCES/kiosk/kiosk.conf" "$WORK/config1/digit-generator/kiosk.conf"
if ! start XDG_CONFIG_HOME="$WORK/config1" DIGITGEN_KIOSK_HEALTH_SECONDS=1 -- \
        --kiosk --fresh --health-file "$WORK/health1.json" || ! wait_for "^trace: kiosk ready" 40; then
    startup_failed start1.png "the kiosk window opens with the shipped kiosk.conf and reports ready"
else
    pass "the kiosk window opens with the shipped kiosk.conf and reports ready ($(grep -o 'first samples drawn [0-9.]* ms' "$WORK/stderr.$RUN"))"
    check "fullscreen from the first look at the mapped window ($(wc -l < "$WORK/geometry.$RUN") looks until ready)" "" \
        bash -c "sort | uniq -c; ! grep -q -v -x '0,0 ${SCREEN_W}x${SCREEN_H}' '$WORK/geometry.$RUN'" < "$WORK/geometry.$RUN"
    wait_for "^trace: layout cells=" 5
    sleep 0.5
    shot kiosk.png
    check "the window is fullscreen (_NET_WM_STATE) and covers the ${SCREEN_W}x${SCREEN_H} screen" kiosk.png fullscreen
    [ $desktop_painted = 1 ] && check "no desktop pixel is visible" kiosk.png $SHOT none "$WORK/kiosk.png" "$DESKTOP"
    check "the five cells hold digit-like images" kiosk.png $CHECK cells "$WORK/kiosk.png" 0 0 "$(cells)"
    a11y "no header bar: no Close, Minimize, Maximize or Main Menu button (AT-SPI)" kiosk.png \
        no-button Close Minimize Maximize "Main Menu" "Main menu"
    refused=$(count "close request refused")
    for key in ctrl+q ctrl+w alt+F4 F11; do
        xdotool key --clearmodifiers "$key"
        sleep 1
        check "$key leaves the exhibit running and fullscreen" "" still_locked
    done
    wmctrl -c "Digit Generator"
    sleep 1
    shot after-close.png
    check "wmctrl -c (the window manager's close) leaves it running and fullscreen" after-close.png still_locked
    check "Alt+F4 and wmctrl -c each logged 'close request refused'" "" refusals_since "$refused"
    before=$(windows_of_app)
    xdotool key --clearmodifiers ctrl+s
    sleep 1.5
    shot ctrl-s.png
    check "Ctrl+S opens no window" ctrl-s.png no_new_window "$before"

    # The health file: written at start and then every second (DIGITGEN_KIOSK_HEALTH_SECONDS=1).
    check "the health file is valid JSON with every key (mode visitor)" "" $HEALTH check "$WORK/health1.json" visitor
    cp "$WORK/health1.json" "$WORK/health1.a.json" 2>/dev/null
    check "the health file is valid JSON at each of 200 reads over 3 s (rewritten every second)" "" \
        $HEALTH reads "$WORK/health1.json" 200 3
    cp "$WORK/health1.json" "$WORK/health1.b.json" 2>/dev/null
    check "the health file is rewritten (written and uptime_seconds grew)" "" $HEALTH newer "$WORK/health1.a.json" "$WORK/health1.b.json"
    check "the health file counts images (> 0) and has the last input (the keys above)" "" health_counts "$WORK/health1.b.json"

    xdotool key --clearmodifiers ctrl+alt+shift+q
    check "Ctrl+Alt+Shift+Q (no PIN) exits with status 0" "" exited_with 0 5
    check "no GTK warnings in the run" "" no_warnings
    stop
fi

# ============================================================================================
# Run 2: the attract loop (after 3 s without input), stopped by a click.
# ============================================================================================
if ! start DIGITGEN_KIOSK_HEALTH_SECONDS=1 XDG_CONFIG_HOME="$WORK/no-config" -- \
        --kiosk --fresh --attract-after 3 --health-file "$WORK/health2.json" || ! wait_for "^trace: kiosk ready" 40; then
    startup_failed start2.png "the kiosk window opens (attract run)"
elif ! wait_for "^trace: kiosk mode attract" 10; then
    { echo "no 'trace: kiosk mode attract' within 10 s of ready"; grep "^trace: kiosk" "$WORK/stderr.$RUN"; } > "$WORK/detail"
    shot attract.png
    fail "the attract loop starts after 3 s without input" attract.png
    stop
else
    pass "the attract loop starts after 3 s without input"
    sleep 1
    # Two screenshots 0.5 s apart under one layout (the page moves a few pixels every 10 s
    # against burn-in: a pair that straddles a move is taken again).
    for _ in 1 2 3; do
        l1=$(cells); shot attract-a.png; sleep 0.5; shot attract-b.png; l2=$(cells)
        [ "$l1" = "$l2" ] && break
    done
    check "with no input the images change (two screenshots 0.5 s apart)" "attract-a.png attract-b.png" \
        $CHECK change "$WORK/attract-a.png" "$WORK/attract-b.png" 0 0 "$l2" above 0.01
    a11y "the 'Touch to explore' hint is shown during the attract loop (AT-SPI label)" attract-b.png text "Touch to explore" label
    sleep 1.1
    check "the health file says mode attract" "" $HEALTH check "$WORK/health2.json" attract
    n=$(count "^trace: kiosk mode visitor"); loops=$(count "^trace: kiosk mode attract")
    # A click on the middle image (any touch stops the loop).
    IFS=, read -r x y size <<< "$(cells | cut -d';' -f3)"
    xdotool mousemove $((x + size / 2)) $((y + size / 2)) click 1
    clicked=$(date +%s%N)
    if ! wait_count "^trace: kiosk mode visitor" $((n + 1)) 3; then
        { echo "no new 'trace: kiosk mode visitor' after the click"; grep "^trace: kiosk" "$WORK/stderr.$RUN" | tail -5; } > "$WORK/detail"
        shot click.png
        fail "a click stops the attract loop" click.png
    else
        pass "a click stops the attract loop"
        # Everything is looked at before the loop may start again (3 s after the click) and
        # judged afterwards: the hint, the images' description, two screenshots 0.5 s apart.
        $A11Y absent "Touch to explore" label > "$WORK/hint" 2>&1; hint_status=$?
        DESC=$(description)
        sleep 0.2
        shot stopped-a.png; sleep 0.5; shot stopped-b.png
        ms=$(( ($(date +%s%N) - clicked) / 1000000 ))
        if [ "$(count "^trace: kiosk mode attract")" -gt "$loops" ]; then
            log "skip - after a click: the loop started again before the checks were done ($ms ms after the click)"
        else
            check "after a click the images stop changing (two screenshots 0.5 s apart, the last $ms ms after it)" \
                "stopped-a.png stopped-b.png" \
                $CHECK change "$WORK/stopped-a.png" "$WORK/stopped-b.png" 0 0 "$(cells)" below 0.0005
            check "after the click the images are digit-like" stopped-b.png $CHECK cells "$WORK/stopped-b.png" 0 0 "$(cells)"
            if [ "$hint_status" = 77 ]; then
                log "skip - the hint and the description after the click (python3-pyatspi not installed)"
            else
                cp "$WORK/hint" "$WORK/detail"
                if [ "$hint_status" = 0 ]; then pass "the 'Touch to explore' hint is gone after the click (AT-SPI: no shown label says it)"
                else fail "the 'Touch to explore' hint is gone after the click (AT-SPI: no shown label says it)" stopped-b.png; fi
                rm -f "$WORK/detail"
                check "after the click the images' description names their digit again (not the attract text)" stopped-b.png \
                    bash -c "echo \"description: \$0\"; [[ \"\$0\" == *'of the digit '* ]] && [[ \"\$0\" != *'running by itself'* ]]" "$DESC"
            fi
        fi
    fi
    check "no GTK warnings in the run" "" no_warnings
    kill -TERM "$APP_PID" 2>/dev/null
    check "SIGTERM (systemctl stop) ends the exhibit within 5 s" "" ends_within 5
    stop
fi

# ============================================================================================
# Run 3: the idle reset (after 3 s), then the staff corner (no PIN).
# ============================================================================================
if ! start XDG_CONFIG_HOME="$WORK/no-config" -- --kiosk --fresh --attract-after 600 --reset-after 3 \
        || ! wait_for "^trace: kiosk ready" 40; then
    startup_failed start3.png "the kiosk window opens (reset run)"
else
    wait_for "^trace: layout cells=" 5
    sleep 0.5
    DESC=$(description); seed_welcome=$(seed_of "$DESC")
    a11y "the exhibit starts at the welcome view (the description names digit 3)" "" text "of the digit 3 "
    resets=$(count "^trace: kiosk reset to welcome")
    xdotool key 7
    sleep 1
    DESC=$(description); seed_seven=$(seed_of "$DESC")
    [ -n "$DESC" ] && check "key 7 shows the digit 7" "" desc_has "of the digit 7 "
    drag_pad
    sleep 1
    shot moved.png
    DESC=$(description)
    [ -n "$DESC" ] && check "a drag across the images moves them along a direction (the description names it)" moved.png \
        desc_has "standard deviation"
    if ! wait_count "^trace: kiosk reset to welcome" $((resets + 1)) 8; then
        { echo "no new 'trace: kiosk reset to welcome' within 8 s"; grep "^trace: kiosk" "$WORK/stderr.$RUN" | tail -5; } > "$WORK/detail"
        shot no-reset.png
        fail "3 s without input: back to the welcome view" no-reset.png
    else
        pass "3 s without input: back to the welcome view (trace: kiosk reset to welcome)"
        sleep 1
        shot reset.png
        DESC=$(description); seed_reset=$(seed_of "$DESC")
        if [ -n "$DESC" ]; then
            check "after the reset: digit 3, offsets 0 (no direction named)" reset.png \
                bash -c "echo \"description: $DESC\"; [[ \"$DESC\" == *'of the digit 3 '* ]] && [[ \"$DESC\" != *'standard deviation'* ]]"
            check "after the reset: a fresh seed (welcome $seed_welcome, digit 7 $seed_seven, now $seed_reset)" "" \
                bash -c "[ -n '$seed_reset' ] && [ '$seed_reset' != '$seed_welcome' ] && [ '$seed_reset' != '$seed_seven' ]"
        fi
        check "after the reset the five cells hold digit-like images" reset.png $CHECK cells "$WORK/reset.png" 0 0 "$(cells)"
    fi
    hold_corner 1.5
    sleep 0.5
    check "a 1.5 s press on the staff corner does not exit" "" still_locked
    hold_corner 5.5
    check "a 5 s hold on the staff corner (no PIN) exits with status 0" "" exited_with 0 3
    check "no GTK warnings in the run" "" no_warnings
    stop
fi

# ============================================================================================
# Run 4: the staff PIN pad (--staff-pin 1234): a wrong PIN goes back, the right one exits.
# ============================================================================================
if ! start XDG_CONFIG_HOME="$WORK/no-config" -- --kiosk --fresh --staff-pin 1234 --attract-after 600 --reset-after 600 \
        || ! wait_for "^trace: kiosk ready" 40; then
    startup_failed start4.png "the kiosk window opens (PIN run)"
else
    xdotool key --clearmodifiers ctrl+alt+shift+q
    if ! wait_for "^trace: kiosk pin pad shown" 3; then
        shot no-pad.png
        { echo "no 'trace: kiosk pin pad shown' after the chord"; tail -5 "$WORK/stderr.$RUN"; } > "$WORK/detail"
        fail "with a PIN, Ctrl+Alt+Shift+Q shows the number pad" no-pad.png
    else
        sleep 0.5
        shot pad.png
        pass "with a PIN, Ctrl+Alt+Shift+Q shows the number pad (and does not exit)"
        a11y "the pad's buttons 0-9, Delete, OK and Cancel are at least 48 x 48 px" pad.png pad-sizes
        a11y "a wrong PIN (9999, OK) is typed on the pad" pad.png press 9 9 9 9 OK
        sleep 1
        shot wrong-pin.png
        check "a wrong PIN goes back to the exhibit (still running, fullscreen, 'wrong staff PIN' logged)" wrong-pin.png \
            bash -c "grep 'wrong staff PIN' '$WORK/stderr.$RUN' && kill -0 $APP_PID"
        a11y "after a wrong PIN the pad is gone" wrong-pin.png absent "Staff number pad"
        xdotool key --clearmodifiers ctrl+alt+shift+q
        wait_count "^trace: kiosk pin pad shown" 2 3
        sleep 0.5
        a11y "the right PIN (1234, OK) is typed on the pad" "" press 1 2 3 4 OK
        check "the right PIN exits with status 0" "" exited_with 0 5
    fi
    check "no GTK warnings in the run" "" no_warnings
    stop
fi

# ============================================================================================
# Run 5: no model (out of order), then the model appears: the exhibit heals itself.
# ============================================================================================
mkdir -p "$WORK/late"
LATE="$WORK/late/cvae-mnist.safetensors"
if ! start XDG_CONFIG_HOME="$WORK/no-config" DIGITGEN_KIOSK_RETRY_SECONDS=1 DIGITGEN_KIOSK_HEALTH_SECONDS=1 -- \
        --kiosk --fresh --weights "$LATE" --health-file "$WORK/health5.json" || ! wait_for "^trace: kiosk mode out-of-order" 40; then
    startup_failed start5.png "a missing model shows the out-of-order screen"
else
    pass "a missing model shows the out-of-order screen"
    check "the out-of-order screen reports ready to systemd (trace: kiosk ready)" "" wait_for "^trace: kiosk ready" 3
    sleep 0.5
    shot out-of-order.png
    check "the out-of-order window is fullscreen" out-of-order.png fullscreen
    [ $desktop_painted = 1 ] && check "no desktop pixel is visible on the out-of-order screen" out-of-order.png \
        $SHOT none "$WORK/out-of-order.png" "$DESKTOP"
    a11y "the out-of-order screen says so calmly (a label 'Back Soon')" out-of-order.png text "Back Soon" label
    a11y "AT-SPI shows the out-of-order page only (no 'New handwriting' button of the hidden exhibit)" out-of-order.png \
        no-button --allow-none "New handwriting"
    check "each try is logged on stderr (3 tries with DIGITGEN_KIOSK_RETRY_SECONDS=1)" "" \
        bash -c "for i in \$(seq 80); do [ \$(grep -c 'trying to load the model again' '$WORK/stderr.$RUN') -ge 3 ] && break; sleep 0.1; done; grep -E 'model|$LATE' '$WORK/stderr.$RUN' | grep -v '^trace' | head -4; [ \$(grep -c 'trying to load the model again' '$WORK/stderr.$RUN') -ge 3 ]"
    check "the health file says out-of-order with the error" "" \
        bash -c "$HEALTH check '$WORK/health5.json' out-of-order && [ \"\$($HEALTH get '$WORK/health5.json' last_error)\" != null ]"
    check "the app is still running after the failed tries" "" still_locked
    cp "$RESOURCES/cvae-mnist.safetensors" "$LATE.tmp" && mv "$LATE.tmp" "$LATE"
    if ! wait_for "model loaded; the exhibit is back" 15; then
        shot not-back.png
        { echo "no 'model loaded; the exhibit is back' within 15 s of the file appearing"; tail -5 "$WORK/stderr.$RUN"; } > "$WORK/detail"
        fail "when the model file appears, the exhibit comes back by itself" not-back.png
    else
        pass "when the model file appears, the exhibit comes back by itself"
        wait_for "^trace: layout cells=" 5
        sleep 1.5
        shot back.png
        check "back from out of order, the five cells hold digit-like images" back.png $CHECK cells "$WORK/back.png" 0 0 "$(cells)"
        check "the health file says visitor again" "" $HEALTH check "$WORK/health5.json" visitor
    fi
    check "no GTK warnings in the run" "" no_warnings
    stop
fi

# Staff can leave a broken exhibit too: the corner hold on the out-of-order screen.
if ! start XDG_CONFIG_HOME="$WORK/no-config" DIGITGEN_KIOSK_RETRY_SECONDS=1 -- \
        --kiosk --fresh --weights "$WORK/late/missing.safetensors" || ! wait_for "^trace: kiosk mode out-of-order" 40; then
    startup_failed start5b.png "a missing model shows the out-of-order screen (staff corner run)"
else
    hold_corner 5.5
    check "on the out-of-order screen a 5 s hold on the staff corner (no PIN) exits with status 0" "" exited_with 0 3
    stop
fi

# ============================================================================================
# Run 6: the key file: an unknown key is an error naming the file and the key (status 2).
# ============================================================================================
mkdir -p "$WORK/config6/digit-generator"
printf '[kiosk]\nattract-after=30\nscreensaver=yes\n' > "$WORK/config6/digit-generator/kiosk.conf"
RUN=$((RUN + 1))
XDG_CONFIG_HOME="$WORK/config6" timeout 60 "$BIN" --kiosk --fresh >"$WORK/stdout.$RUN" 2>"$WORK/stderr.$RUN"
status=$?
check "an unknown key in kiosk.conf: exit status 2, the message names the file and the key" "" \
    bash -c "echo 'exit status $status'; grep -v '^trace' '$WORK/stderr.$RUN' | head -3; [ $status = 2 ] && grep -v '^trace' '$WORK/stderr.$RUN' | grep -F '$WORK/config6/digit-generator/kiosk.conf' | grep -q screensaver"

# ============================================================================================
# The unit and the session script, installed by make install-kiosk-files into a prefix.
# ============================================================================================
PREFIX_DIR="$WORK/prefix"
if make -s -C "$REPO" install-kiosk-files PREFIX="$PREFIX_DIR" KIOSK_CONF="$WORK/etc/kiosk.conf" > "$WORK/install.log" 2>&1; then
    mkdir -p "$PREFIX_DIR/bin"
    ln -s "$BIN" "$PREFIX_DIR/bin/digit-generator"
    UNIT="$PREFIX_DIR/lib/systemd/system/digit-generator-kiosk.service"
    check "the installed unit's ExecStart names the installed session script and binary" "" \
        bash -c "grep '^ExecStart=' '$UNIT'; grep -q -x 'ExecStart=$PREFIX_DIR/libexec/digit-generator-kiosk-session $PREFIX_DIR/bin/digit-generator' '$UNIT'"
    check "systemd-analyze verify accepts the installed unit (no message at all)" "" \
        bash -c "out=\$(systemd-analyze verify '$UNIT' 2>&1); status=\$?; echo \"status \$status\"; echo \"\$out\"; [ \$status = 0 ] && [ -z \"\$out\" ]"
    check "the unit is Type=notify, NotifyAccess=all, WatchdogSec=30, Restart=always" "" \
        bash -c "for k in Type=notify NotifyAccess=all WatchdogSec=30 Restart=always; do grep -q -x \"\$k\" '$UNIT' || { echo \"missing \$k\"; exit 1; }; done; echo 'all four set'"
    check "the installed example key file is the shipped one" "" cmp "$RESOURCES/kiosk/kiosk.conf" "$WORK/etc/kiosk.conf"
else
    cp "$WORK/install.log" "$WORK/detail"
    fail "make install-kiosk-files installs the unit, the session script and the key file"
fi

# ============================================================================================
# Under cage (headless, 1280x720), as an unprivileged user, through the session script the
# unit runs: the exhibit fills the output and draws samples; the app's exit status comes out
# of cage (0 for the staff exit, non-zero for a crash, so that the unit restarts it).
# ============================================================================================
# as_user COMMAND...: runs COMMAND as the test user (as root) or as ourselves.
as_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$KIOSK_USER" -- "$@"; else "$@"; fi
}

# in_cage_env COMMAND...: COMMAND as the user, in the environment the unit gives (plus the
# headless backend, the trace and the test's own directories), nothing of ours inherited.
in_cage_env() {
    as_user env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$CAGE_DIR/home" XDG_RUNTIME_DIR="$CAGE_DIR/run" \
        XDG_CONFIG_HOME="$CAGE_DIR/home/config" XDG_STATE_HOME="$CAGE_DIR/home/state" XDG_SESSION_TYPE=wayland \
        WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 GSK_RENDERER=cairo \
        DIGITGEN_TRACE=1 ${CAGE_LIBS:+LD_LIBRARY_PATH=$CAGE_LIBS} "$@"
}

cage_ready=0
if [ "$(id -u)" = 0 ] && ! id "$KIOSK_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$KIOSK_USER" \
        > "$WORK/useradd.log" 2>&1 || { cp "$WORK/useradd.log" "$WORK/detail"; fail "create the test user $KIOSK_USER"; }
fi
if [ "$(id -u)" != 0 ] || id "$KIOSK_USER" >/dev/null 2>&1; then
    CAGE_DIR=$(mktemp -d /tmp/digitgen-kiosk-cage.XXXXXX)
    chmod 755 "$CAGE_DIR"
    # The installed layout (make install-kiosk-files, then the binary and the weights, as
    # make install puts them), in a directory the user can read: the repository may be
    # under /root.
    make -s -C "$REPO" install-kiosk-files PREFIX="$CAGE_DIR/prefix" KIOSK_CONF="$CAGE_DIR/etc/kiosk.conf" >/dev/null 2>&1
    mkdir -p "$CAGE_DIR/prefix/bin" "$CAGE_DIR/prefix/share/digit-generator" "$CAGE_DIR/run" "$CAGE_DIR/home/config" "$CAGE_DIR/home/state"
    cp "$BIN" "$CAGE_DIR/prefix/bin/digit-generator"
    cp "$RESOURCES"/*.safetensors "$CAGE_DIR/prefix/share/digit-generator/"
    # Shared libraries outside the system directories (the Swift runtime) that the user
    # cannot read where they are: copied beside the binary.
    CAGE_LIBS=
    for lib in $(ldd "$BIN" | awk '$3 ~ /^\// {print $3}'); do
        case $lib in /lib/*|/usr/lib/*) continue ;; esac
        if ! as_user test -r "$lib"; then
            mkdir -p "$CAGE_DIR/prefix/lib"; cp "$lib" "$CAGE_DIR/prefix/lib/"; CAGE_LIBS="$CAGE_DIR/prefix/lib"
        fi
    done
    chmod -R a+rX "$CAGE_DIR/prefix"
    if [ "$(id -u)" = 0 ]; then chown -R "$KIOSK_USER" "$CAGE_DIR/run" "$CAGE_DIR/home"; fi
    chmod 700 "$CAGE_DIR/run"
    SESSION="$CAGE_DIR/prefix/libexec/digit-generator-kiosk-session"
    APP="$CAGE_DIR/prefix/bin/digit-generator"
    if [ ! -x "$SESSION" ] || ! as_user test -x "$APP"; then
        echo "the user $KIOSK_USER cannot run $APP (or make install-kiosk-files installed no session script)" > "$WORK/detail"
        fail "the exhibit's files are readable by the kiosk user"
    else
        cage_ready=1
    fi
fi

# cage_ends SECONDS: the session (cage) ends within SECONDS; sets CAGE_STATUS.
cage_ends() {
    for _ in $(seq $(( $1 * 10 ))); do kill -0 "$CAGE_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$CAGE_PID" 2>/dev/null; then echo "still running after $1 s"; return 1; fi
    wait "$CAGE_PID"; CAGE_STATUS=$?; CAGE_PID=
    echo "the session script exited with status $CAGE_STATUS"
}

# crash_status STATUS: the session ends within 10 s with STATUS.
crash_status() { cage_ends 10 && [ "$CAGE_STATUS" = "$1" ]; }

if [ $cage_ready = 1 ]; then
    RUN=$((RUN + 1))
    ( cd "$CAGE_DIR" && in_cage_env "$SESSION" "$APP" --fresh --attract-after 4 --health-file "$CAGE_DIR/home/health.json" ) \
        >"$WORK/stdout.$RUN" 2>"$WORK/stderr.$RUN" &
    CAGE_PID=$!
    if ! wait_for "^trace: kiosk ready" 60; then
        { echo "no 'trace: kiosk ready' within 60 s under cage; stderr:"; grep -v -E "^trace: frame|Basic output test" "$WORK/stderr.$RUN" | tail -15; } > "$WORK/detail"
        fail "under cage, as user $(as_user id -un), the exhibit starts and reports ready"
    else
        pass "under cage, as user $(as_user id -un), the exhibit starts and reports ready"
        # The first frame is drawn at the output's size: the app's first layout is for a
        # 1280x720 window (it takes the monitor's size before its first frame; cage
        # maximizes a window only after that frame). A grim screenshot cannot show it:
        # cage 0.1.4's headless output, once a surface covers it, tries to scan it out, the
        # test fails ("Basic output test failed") and the still screen is not composited
        # again until the app draws again (measured: black for 8 s, then the attract loop
        # shows). So the first look is the app's own layout, the second a screenshot while
        # the attract loop draws every frame.
        wait_for "^trace: layout " 5
        first_layout=$(grep -m1 "^trace: layout " "$WORK/stderr.$RUN")
        if echo "$first_layout" | grep -q " window=1280x720 "; then
            pass "the first frame is laid out for the whole 1280x720 output"
        else
            echo "first layout: $first_layout" > "$WORK/detail"
            fail "the first frame is laid out for the whole 1280x720 output"
        fi
        if wait_for "^trace: kiosk mode attract" 10; then
            sleep 1.5
            as_user env XDG_RUNTIME_DIR="$CAGE_DIR/run" WAYLAND_DISPLAY=wayland-0 grim "$CAGE_DIR/run/cage.png" > "$WORK/grim.log" 2>&1
            cp "$CAGE_DIR/run/cage.png" "$WORK/cage.png" 2>/dev/null
            check "while running, the exhibit fills the output (no cage black in the 6-px edge strips)" cage.png \
                $SHOT edges "$WORK/cage.png" 0,0,0 6
            check "while running, the five cells, where the app lays them out, hold digit-like images" cage.png \
                $CHECK cells "$WORK/cage.png" 0 0 "$(cells)"
        else
            { echo "no 'trace: kiosk mode attract' under cage"; tail -5 "$WORK/stderr.$RUN"; } > "$WORK/detail"
            fail "under cage the attract loop starts after 4 s"
        fi
        check "under cage the health file is valid JSON" "" $HEALTH check "$CAGE_DIR/home/health.json"
        check "no GTK warnings under cage (a session bus from the session script)" "" no_warnings
        # A crash: the app killed. The session script must exit non-zero (the unit restarts).
        app_pid=
        for p in $(descendants "$CAGE_PID"); do
            [ "$(ps -o comm= -p "$p" 2>/dev/null)" = digit-generator ] && app_pid=$p
        done
        if [ -z "$app_pid" ]; then
            echo "no digit-generator process under the session" > "$WORK/detail"; fail "find the app under cage"
        else
            kill -KILL "$app_pid"
            check "the app killed (a crash): the session script exits with 137, so the unit restarts it" "" \
                crash_status 137
        fi
    fi
    [ -n "$CAGE_PID" ] && stop_tree "$CAGE_PID"
    CAGE_PID=

    # The staff exit's status 0 and a failure's status come out of cage unchanged (cage 0.1.4
    # itself exits 0 either way): a stand-in app that exits with a given status.
    printf '#!/bin/sh\nexit "$FAKE_STATUS"\n' > "$CAGE_DIR/prefix/bin/fake-app"
    chmod 755 "$CAGE_DIR/prefix/bin/fake-app"
    for want in 0 3; do
        status=$( cd "$CAGE_DIR" && in_cage_env FAKE_STATUS=$want "$SESSION" "$CAGE_DIR/prefix/bin/fake-app" > "$WORK/fake.$want.log" 2>&1; echo $? )
        check "the session script passes an app's exit status $want through cage (got $status)" "" [ "$status" = "$want" ]
    done
fi

echo "kiosk: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
