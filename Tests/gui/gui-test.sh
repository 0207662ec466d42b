#!/usr/bin/env bash
# GUI test of digit-generator: drives the real window under Xvfb with xdotool and checks
# screenshots with ImageMagick.
#
#   bash Tests/gui/gui-test.sh PATH/TO/digit-generator [WEIGHTS.safetensors]
#
# Without WEIGHTS (or $DIGITGEN_TEST_WEIGHTS) the app loads its shipped weights.
# Needs: Xvfb, xdotool, ImageMagick (import, convert, identify), python3, dbus-run-session.
# Screenshots of a failing run are kept in $GUI_ARTIFACTS (default: artifacts/gui).
# The last line is "gui: N passed, M failed"; the exit status is 0 only when M is 0.

set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: bash Tests/gui/gui-test.sh PATH/TO/digit-generator [WEIGHTS]" >&2
    exit 2
fi

# One private session bus and runtime directory for the whole run.
# shellcheck source=Tests/gui/private-session.sh
. "$(dirname "$0")/private-session.sh" "$@"

BIN=$(realpath "$1")
WEIGHTS=${2:-${DIGITGEN_TEST_WEIGHTS:-}}
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="python3 $HERE/image_checks.py"
ARTIFACTS=${GUI_ARTIFACTS:-artifacts/gui}
WORK=$(mktemp -d)
PASSED=0
FAILED=0
APP_PID=
XVFB_PID=

for tool in Xvfb xdotool import convert identify python3; do
    command -v "$tool" >/dev/null || { echo "gui: missing tool $tool"; echo "gui: 0 passed, 1 failed"; exit 1; }
done

cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    [ -n "${GUI_KEEP_WORK:-}" ] && rm -rf "$GUI_KEEP_WORK" && cp -r "$WORK" "$GUI_KEEP_WORK"
    rm -rf "$WORK"
}
trap cleanup EXIT

REPORT_PREFIX=gui
REPORT_VERBOSE=${GUI_VERBOSE:-}
# shellcheck source=Tests/gui/report.sh
. "$HERE/report.sh"


# --- X server on a free display -------------------------------------------------------
# shellcheck source=Tests/gui/xvfb.sh
. "$HERE/xvfb.sh"
if ! start_xvfb 99 1280x800 "$WORK/xvfb.log"; then
    log "FAIL - no free X display for Xvfb"; echo "gui: 0 passed, 1 failed"; exit 1
fi
export GDK_BACKEND=x11 GSK_RENDERER=cairo DIGITGEN_TRACE=1
# A state directory of its own: the first run is a first launch, and nothing is left behind.
export XDG_STATE_HOME="$WORK/state"
DIGITGEN=$(dirname "$BIN")/digitgen
unset GTK_THEME
log "Xvfb on $DISPLAY, binary $BIN"

# --- helpers around one app run ------------------------------------------------------
# start ARGS...: launches the app with stderr in $WORK/stderr.N; sets APP_PID, RUN, WID, X0, Y0.
RUN=0
start() {
    RUN=$((RUN + 1))
    "$BIN" "$@" >"$WORK/stdout.$RUN" 2>"$WORK/stderr.$RUN" &
    APP_PID=$!
    WID=
    for _ in $(seq 100); do
        WID=$(xdotool search --onlyvisible --pid "$APP_PID" 2>/dev/null | head -1)
        [ -n "$WID" ] && break
        kill -0 "$APP_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$WID" ] || return 1
    eval "$(xdotool getwindowgeometry --shell "$WID")"
    X0=$X; Y0=$Y
    xdotool mousemove $((X0 + 5)) $((Y0 + 60))
    timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null
    return 0
}

# wait_for PATTERN [SECONDS]: waits for a line in the current run's stderr.
wait_for() {
    local limit=$(( ${2:-10} * 10 ))
    for _ in $(seq "$limit"); do
        grep -q -- "$1" "$WORK/stderr.$RUN" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

frames() { grep -c "^trace: frame" "$WORK/stderr.$RUN" 2>/dev/null; }

# settle: waits until the window has drawn something new and then stays quiet for a moment.
settle() {
    local before=$1
    for _ in $(seq 50); do [ "$(frames)" -gt "$before" ] && break; sleep 0.05; done
    sleep 0.25
}

shot() { import -window root "$WORK/$1"; }

title() { xdotool getwindowname "$WID" 2>/dev/null; }

# other_window NAME SECONDS: a visible window of the app other than the main one whose title
# contains NAME (any title when empty), waiting up to SECONDS; prints its id or nothing.
other_window() {
    local tries=$(( $2 * 10 + 1 ))
    for _ in $(seq "$tries"); do
        for w in $(xdotool search --onlyvisible --pid "$APP_PID" 2>/dev/null); do
            [ "$w" = "$WID" ] && continue
            [[ "$(xdotool getwindowname "$w" 2>/dev/null)" == *"$1"* ]] && { echo "$w"; return; }
        done
        [ "$tries" -gt 1 ] && sleep 0.1
    done
}

# popup_open SECONDS: waits until a drop-down's popup is mapped (a window of the app other
# than the main one and taller than 200 px; tooltips are smaller), so that keys go to its list.
popup_open() {
    local w h
    for _ in $(seq $(( $1 * 10 ))); do
        for w in $(xdotool search --onlyvisible --pid "$APP_PID" 2>/dev/null); do
            [ "$w" = "$WID" ] && continue
            h=$(xdotool getwindowgeometry --shell "$w" 2>/dev/null | sed -n 's/^HEIGHT=//p')
            [ "${h:-0}" -gt 200 ] && return 0
        done
        sleep 0.1
    done
    return 1
}

cells() { grep "^trace: layout" "$WORK/stderr.$RUN" | tail -1 | sed 's/.*cells=\([^ ]*\).*/\1/'; }

slider() { grep "^trace: layout" "$WORK/stderr.$RUN" | tail -1 | sed "s/.*slider$1=\([0-9,]*\).*/\1/"; }

# stop: Ctrl+Q, then the exit status of the app (124 if it did not quit).
stop() {
    xdotool key --clearmodifiers ctrl+q
    for _ in $(seq 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID"; wait "$APP_PID" 2>/dev/null; APP_PID=; return 124
    fi
    wait "$APP_PID"; local status=$?
    APP_PID=
    return $status
}

# a11y_text WHAT TEXT SHOTS: passes when a node of the app's accessibility tree names TEXT.
# a11y WHAT SHOTS ARGS...: passes when a11y_check.py ARGS passes (skips without pyatspi).
a11y() {
    local what=$1 shots=$2; shift 2
    /usr/bin/python3 "$HERE/a11y_check.py" "$@" > "$WORK/detail" 2>&1
    case $? in
        0) pass "$what"; [ -n "${GUI_VERBOSE:-}" ] && sed 's/^/gui:   /' "$WORK/detail" ;;
        77) log "skip - $what (python3-pyatspi not installed)" ;;
        # shellcheck disable=SC2086
        *) fail "$what" $shots ;;
    esac
    rm -f "$WORK/detail"
}

# focused: the focused node's "role|name|description" (empty without pyatspi).
focused() { /usr/bin/python3 "$HERE/a11y_check.py" --focused 2>/dev/null; }

a11y_text() {
    /usr/bin/python3 "$HERE/a11y_check.py" --text "$2" > "$WORK/detail" 2>&1
    local status=$?
    # An alternative text ($4), e.g. the same description with a temperature in it.
    if [ $status -ne 0 ] && [ $status -ne 77 ] && [ -n "${4:-}" ]; then
        /usr/bin/python3 "$HERE/a11y_check.py" --text "$4" >> "$WORK/detail" 2>&1
        status=$?
    fi
    case $status in
        0) pass "$1" ;;
        77) log "skip - $1 (python3-pyatspi not installed)" ;;
        *) fail "$1" "$3" ;;
    esac
    rm -f "$WORK/detail"
}

no_gtk_warnings() {
    if grep -E "(Gtk|Gdk|GLib|GLib-GObject|GLib-GIO|Adwaita|Gsk)-(CRITICAL|WARNING)" "$WORK/stderr.$RUN"; then
        return 1
    fi
    echo "no GTK/GLib critical or warning lines"
}

# --- run 1: the model ------------------------------------------------------------------
ARGS=()
[ -n "$WEIGHTS" ] && ARGS=(--weights "$WEIGHTS")
if ! start "${ARGS[@]}" || ! wait_for "first samples drawn" 15 || ! wait_for "trace: layout" 5; then
    shot start.png
    { echo "the window did not show samples; stderr:"; cat "$WORK/stderr.$RUN"; } > "$WORK/detail"
    fail "window opens and draws samples" start.png
    echo "gui: $PASSED passed, $FAILED failed"; exit 1
fi
pass "window opens and draws samples ($(grep -o 'first samples drawn [0-9.]* ms' "$WORK/stderr.$RUN"))"
wait_for "directions ready" 5
settle 0
CELLS=$(cells)
shot initial.png
check "five cells hold digit-like images" initial.png $CHECK cells "$WORK/initial.png" "$X0" "$Y0" "$CELLS"
[ -z "$WEIGHTS" ] && a11y_text "the first launch shows the welcome view (digit 3, seed 570)" "of the digit 3 (seed 570, temperature 0.90)" initial.png

# Press 7: new digit, title names it.
n=$(frames); xdotool key 7; settle "$n"
shot digit7.png
check "key 7 changes every cell" "initial.png digit7.png" \
    $CHECK diff "$WORK/initial.png" "$WORK/digit7.png" "$X0" "$Y0" "$CELLS"
check "key 7 puts 7 in the title" digit7.png bash -c "t=\$(xdotool getwindowname $WID); echo \"title: \$t\"; [[ \"\$t\" == *7 ]]"
check "digit 7 images are digit-like" digit7.png $CHECK cells "$WORK/digit7.png" "$X0" "$Y0" "$CELLS"

# The image's accessible description names the digit (AT-SPI; needs python3-pyatspi, which
# lives in Debian's python, not in a virtualenv's).
/usr/bin/python3 "$HERE/a11y_check.py" 7 > "$WORK/detail" 2>&1
case $? in
    0) pass "accessible description names digit 7; sliders and seed are named"; rm -f "$WORK/detail" ;;
    77) log "skip - accessibility tree (python3-pyatspi not installed)"; rm -f "$WORK/detail" ;;
    *) fail "accessible description names digit 7; sliders and seed are named" digit7.png; rm -f "$WORK/detail" ;;
esac
# 7. Every focusable part has a name (not a GTK type name).
a11y "AT-SPI finds a name on every focusable widget" digit7.png --focusable-named

# 1. Space activates the focused control: the digit row is one Tab stop before the images;
# Right moves inside it; Space on "Digit 9" picks 9 (it used to draw new samples of 7).
xdotool key --clearmodifiers alt+s; sleep 0.2; xdotool key Escape; sleep 0.2   # focus: the images
xdotool key shift+Tab; sleep 0.2
first=$(focused)
xdotool key Right Right; sleep 0.2
now=$(focused)
n=$(frames); xdotool key space; settle "$n"
shot space-digit.png
check "Space on a focused digit button selects it (focus went $first -> $now)" space-digit.png \
    bash -c "t=\$(xdotool getwindowname $WID); echo \"title: \$t\"; [[ \"\$t\" == *9 ]] && { [ -z '$now' ] || [[ '$now' == *'Digit 9'* ]]; }"
xdotool key Tab; sleep 0.2
check "the digit row is one Tab stop (Tab from it reaches the images)" space-digit.png \
    bash -c "f='$(focused)'; echo \"focused: \$f\"; [ -z \"\$f\" ] || [[ \"\$f\" == image* ]]"
n=$(frames); xdotool key space; settle "$n"
shot space-images.png
check "Space on the focused images draws new samples" "space-digit.png space-images.png" \
    $CHECK diff "$WORK/space-digit.png" "$WORK/space-images.png" "$X0" "$Y0" "$CELLS"
n=$(frames); xdotool key --clearmodifiers ctrl+r; settle "$n"
shot ctrl-r.png
check "Ctrl+R draws new samples" "space-images.png ctrl-r.png" \
    $CHECK diff "$WORK/space-images.png" "$WORK/ctrl-r.png" "$X0" "$Y0" "$CELLS"
n=$(frames); xdotool key F5; settle "$n"
shot f5.png
check "F5 draws new samples" "ctrl-r.png f5.png" $CHECK diff "$WORK/ctrl-r.png" "$WORK/f5.png" "$X0" "$Y0" "$CELLS"

# 5. Seed 1 typed into the seed field (Alt+S) and Enter: used, and the keyboard is back (the
# digit key 3 then picks 3 instead of typing into the field). Escape leaves the field
# without using what was typed.
xdotool key --clearmodifiers alt+s
sleep 0.2
xdotool key --clearmodifiers ctrl+a
xdotool type 1
n=$(frames); xdotool key Return; settle "$n"
a11y_text "the typed seed is used after Enter (accessible description names seed 1)" "of the digit 9 (seed 1, temperature 0.90)" f5.png
check "Enter gives the keyboard back (focus on the images)" "" bash -c "f='$(focused)'; echo \"focused: \$f\"; [ -z \"\$f\" ] || [[ \"\$f\" == image* ]]"
n=$(frames); xdotool key 3; settle "$n"
xdotool key --clearmodifiers alt+s; sleep 0.2
xdotool key --clearmodifiers ctrl+a; xdotool type 1; sleep 0.2
check "while typing, the subtitle and the images keep the seed in use" "" \
    bash -c "! /usr/bin/python3 '$HERE/a11y_check.py' --text 'Digit 3 · seed 1' && ! /usr/bin/python3 '$HERE/a11y_check.py' --text 'of the digit 3 (seed 1, temperature 0.90)'"
xdotool key Escape; sleep 0.3
check "Escape leaves the seed field" "" bash -c "f='$(focused)'; echo \"focused: \$f\"; [ -z \"\$f\" ] || [[ \"\$f\" != text* ]]"
check "Escape does not use the typed seed (the description does not name seed 1)" "" \
    bash -c "! /usr/bin/python3 '$HERE/a11y_check.py' --text 'of the digit 3 (seed 1, temperature 0.90)'"
n=$(frames); xdotool key --clearmodifiers alt+s; sleep 0.2; xdotool key --clearmodifiers ctrl+a; xdotool type 1; xdotool key Return; settle "$n"
xdotool key --clearmodifiers alt+a
sleep 0.3
shot seed1.png
a11y_text "seed 1 typed for digit 3 is used" "of the digit 3 (seed 1, temperature 0.90)" seed1.png

# 3. The first arrow step on slider A changes the images a little (mean absolute pixel
# change below 2%); the full range (End) changes them far more; Delete returns exactly.
n=$(frames); xdotool key Right; settle "$n"
shot step.png
n=$(frames); xdotool key End; settle "$n"
shot end.png
check "the first arrow step on slider A changes the images by less than 2%" "seed1.png step.png" \
    $CHECK change "$WORK/seed1.png" "$WORK/step.png" "$X0" "$Y0" "$CELLS" below 0.02
check "the step is not nothing (above 0.1%)" "seed1.png step.png" \
    $CHECK change "$WORK/seed1.png" "$WORK/step.png" "$X0" "$Y0" "$CELLS" above 0.001
check "slider A at its end changes the images by more than 6%" "seed1.png end.png" \
    $CHECK change "$WORK/seed1.png" "$WORK/end.png" "$X0" "$Y0" "$CELLS" above 0.06
a11y "slider A reads +3.0 standard deviations along direction 1" end.png --text "+3.0 standard deviations along direction 1"
n=$(frames); xdotool key Delete; settle "$n"
shot reset.png
check "Delete resets slider A to the sampled images" "seed1.png reset.png" \
    $CHECK change "$WORK/seed1.png" "$WORK/reset.png" "$X0" "$Y0" "$CELLS" below 0.0005

# Drag slider A from its middle to the right, screenshot with the button still down, then
# on to the left and screenshot again: the cells follow the pointer, not only the release.
IFS=, read -r sx sy sw sh <<< "$(slider 0)"
cx=$((X0 + sx + sw / 2)); cy=$((Y0 + sy + sh / 2))
xdotool mousemove "$cx" "$cy" mousedown 1
for i in $(seq 1 15); do xdotool mousemove $((cx + i * sw / 50)) "$cy"; sleep 0.01; done
sleep 0.1
shot drag1.png
for i in $(seq 14 -1 -15); do xdotool mousemove $((cx + i * sw / 50)) "$cy"; sleep 0.01; done
sleep 0.1
shot drag2.png
xdotool mouseup 1
check "dragging slider A changes the cells (button still down)" "reset.png drag1.png" \
    $CHECK diff "$WORK/reset.png" "$WORK/drag1.png" "$X0" "$Y0" "$CELLS"
check "the cells keep changing while the drag goes on" "drag1.png drag2.png" \
    $CHECK diff "$WORK/drag1.png" "$WORK/drag2.png" "$X0" "$Y0" "$CELLS"
settle 0

# Dragging across the images (a finger on a touch screen) moves slider A sideways and B up
# and down: a quarter of the area's width to the right is a quarter of A's range.
xdotool key --clearmodifiers alt+a; sleep 0.1; xdotool key Delete; sleep 0.1
xdotool key --clearmodifiers alt+b; sleep 0.1; xdotool key Delete; sleep 0.3
IFS=, read -r c0x c0y c0s <<< "$(echo "$CELLS" | cut -d';' -f1)"
IFS=, read -r c4x c4y c4s <<< "$(echo "$CELLS" | awk -F';' '{print $NF}')"
gx=$((X0 + c0x + c0s / 2)); gy=$((Y0 + c0y + c0s / 2))
xdotool mousemove "$gx" "$gy" mousedown 1
for i in $(seq 1 10); do xdotool mousemove $((gx + i * (c4x + c4s - c0x) / 40)) "$gy"; sleep 0.02; done
xdotool mouseup 1
sleep 0.4
shot image-drag.png
a11y "dragging right across the images moves slider A (to about +1.5)" image-drag.png --text "Moves the five samples +1."

# 2. Choosing slider B's direction for slider A swaps the two (keyboard only: the drop-down
# before slider A, Space opens it, Home goes to its first entry; the weights' four named
# directions (Slant, Thickness, Width, Height) come first, so five Downs and Enter pick
# "Direction 2"). The pointer goes off the window first: a row under it would be hovered, and
# Enter would pick that row instead of the focused one.
xdotool mousemove 1270 790
xdotool key --clearmodifiers alt+a; sleep 0.2
xdotool key shift+Tab; sleep 0.2
xdotool key space; popup_open 10; sleep 0.5
xdotool key Home; sleep 0.3
for _ in 1 2 3 4 5; do xdotool key Down; sleep 0.3; done
xdotool key Return; sleep 0.6
shot swap.png
a11y "choosing slider B's direction for slider A: A is on direction 2" swap.png --text "Direction of slider A: Direction 2"
a11y "... and B moved to direction 1 (they swapped)" swap.png --text "Direction of slider B: Direction 1"
xdotool key Escape; sleep 0.2
# 2b. The named directions are in the same menu: Space, Home and Enter pick its first entry,
# Slant; the view saved below then uses it, so `generate --view` reproduces a named direction too.
xdotool key --clearmodifiers alt+a; sleep 0.2
xdotool key shift+Tab; sleep 0.2
xdotool key space; popup_open 10; sleep 0.5
xdotool key Home; sleep 0.3
xdotool key Return; sleep 0.6
shot named.png
a11y "the direction menu offers the named directions: slider A on Slant" named.png --text "Direction of slider A: Slant"
a11y "... and slider A reads its offset along slant" named.png --text "standard deviations along slant"
xdotool key Escape; sleep 0.2

# 8. Ctrl+S opens the save dialog (GtkFileChooserNative, a GtkFileChooserDialog without a
# portal); a path typed into it saves the five images at 8x with the view in text chunks,
# and digitgen generate --view writes the same file again.
settle 0
shot before-save.png
SAVED="$WORK/saved.png"
xdotool key --clearmodifiers ctrl+s
DIALOG=$(other_window "" 5)
if [ -n "$DIALOG" ]; then
    sleep 0.3
    shot save-dialog.png
    timeout 5 xdotool windowfocus --sync "$DIALOG" 2>/dev/null
    xdotool key --clearmodifiers ctrl+a
    xdotool type --delay 5 "$SAVED"
    xdotool key Return
    for _ in $(seq 50); do [ -s "$SAVED" ] && break; sleep 0.1; done
else
    shot save-dialog.png
fi
check "Ctrl+S opens the save dialog" save-dialog.png test -n "$DIALOG"
check "saving writes the five images on screen at 8x (1120 x 224)" "before-save.png save-dialog.png" \
    $CHECK png "$SAVED" 5 28 8 "$WORK/before-save.png" "$X0" "$Y0" "$CELLS"
if [ -x "$DIGITGEN" ]; then
    "$DIGITGEN" generate --view "$SAVED" --out "$WORK/again.png" > "$WORK/detail.gen" 2>&1
    check "a saved PNG reproduces through digitgen generate --view (same file, byte for byte)" "" \
        bash -c "cat '$WORK/detail.gen'; cmp '$SAVED' '$WORK/again.png'"
else
    log "skip - digitgen generate --view ($DIGITGEN not built)"
fi
sleep 0.5
a11y "the toast names the saved file" "" --text "Saved saved.png"
timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null

# 5b. The explorer's pages: the same-style row, the latent map and the morph.
layout_field() { grep "^trace: layout" "$WORK/stderr.$RUN" | tail -1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }
wait_layout() { for _ in $(seq 50); do [ -n "$(layout_field "$1")" ] && return 0; sleep 0.1; done; return 1; }
# grid_cells X,Y,SIZE,N: the N x N cells of a square, as "x,y,size;...".
grid_cells() { python3 -c "
import sys
x, y, s, n = (int(v) for v in sys.argv[1].split(','))
print(';'.join('%d,%d,%d' % (x + c * s // n, y + r * s // n, s // n) for r in range(n) for c in range(n)))" "$1"; }
wait_layout stylerow
STYLE=$(layout_field stylerow)
shot style.png
check "the same-style row holds ten digit-like images" style.png $CHECK cells "$WORK/style.png" "$X0" "$Y0" "$STYLE"
IFS=';' read -ra STYLE_CELLS <<< "$STYLE"
IFS=, read -r sx sy ss <<< "${STYLE_CELLS[8]:-0,0,0}"
n=$(frames); xdotool mousemove $((X0 + sx + ss / 2)) $((Y0 + sy + ss / 2)) click 1; settle "$n"
shot style8.png
check "a click on the 8 of the same-style row switches to 8 (title)" style8.png \
    bash -c "t=\$(xdotool getwindowname $WID); echo \"title: \$t\"; [[ \"\$t\" == *8 ]]"
check "... and every sample changes" "style.png style8.png" $CHECK diff "$WORK/style.png" "$WORK/style8.png" "$X0" "$Y0" "$(layout_field cells)"
a11y_text "... drawn in the style of the samples before" "in the style of a" style8.png
# save_as FILE: Ctrl+S (or the given chord), then the path typed into the dialog.
save_as() {
    xdotool key --clearmodifiers "${2:-ctrl+s}"
    local dialog
    dialog=$(other_window "" 5)
    [ -n "$dialog" ] || return 1
    sleep 0.3
    timeout 5 xdotool windowfocus --sync "$dialog" 2>/dev/null
    xdotool key --clearmodifiers ctrl+a
    xdotool type --delay 5 "$1"
    xdotool key Return
    for _ in $(seq 50); do [ -s "$1" ] && break; sleep 0.1; done
    sleep 0.3
    timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null
}
save_as "$WORK/style-saved.png" ctrl+shift+s
if [ -x "$DIGITGEN" ]; then
    "$DIGITGEN" generate --view "$WORK/style-saved.png" --out "$WORK/style-again.png" > "$WORK/detail.style" 2>&1
    check "Ctrl+Shift+S saves the same-style row at 8x (2240 x 224), reproduced by digitgen generate --view" "" \
        bash -c "cat '$WORK/detail.style'; identify -format '%w x %h\n' '$WORK/style-saved.png' | grep -q '^2240 x 224\$' && cmp '$WORK/style-saved.png' '$WORK/style-again.png'"
fi

xdotool key --clearmodifiers alt+2
wait_layout map; sleep 0.5
MAP=$(layout_field map)
shot map.png
check "Alt+2 shows the map: 11 x 11 digit-like cells ($MAP)" map.png $CHECK cells "$WORK/map.png" "$X0" "$Y0" "$(grid_cells "${MAP:-0,0,0,1}")"
IFS=, read -r mx my ms mn <<< "${MAP:-0,0,0,1}"
xdotool mousemove $((X0 + mx + ms / mn / 2)) $((Y0 + my + ms / mn / 2)) click 1
sleep 0.6
shot map-corner.png
a11y_text "a click on the map's top-left cell moves the samples there" "column 1, row 1" map-corner.png
check "... slider A reads -2 standard deviations" map-corner.png bash -c \
    "/usr/bin/python3 '$HERE/a11y_check.py' --slider 'Slider A' | tee /dev/stderr | grep -q 'value -2.0'"

save_as "$WORK/map-saved.png"
if [ -x "$DIGITGEN" ]; then
    "$DIGITGEN" generate --view "$WORK/map-saved.png" --out "$WORK/map-again.png" > "$WORK/detail.map" 2>&1
    check "Save on the map page writes the 11 x 11 map at 8x (2464 x 2464), reproduced by digitgen generate --view" "" \
        bash -c "cat '$WORK/detail.map'; identify -format '%w x %h\n' '$WORK/map-saved.png' | grep -q '^2464 x 2464\$' && cmp '$WORK/map-saved.png' '$WORK/map-again.png'"
fi

# Copy View puts the map's text on the clipboard; after new samples, Open View brings it back.
xdotool key --clearmodifiers ctrl+shift+c; sleep 0.5
COPIED=$(timeout 5 xclip -o -selection clipboard 2>/dev/null)
check "Ctrl+Shift+C copies the map's view text ($COPIED)" map-corner.png \
    bash -c "[[ '$COPIED' == 'view=map size=11 digit=8 '*'style=3'*'=-2.00 '*'=+2.00' ]]"
xdotool key --clearmodifiers alt+1; sleep 0.3
n=$(frames); xdotool key --clearmodifiers ctrl+r; settle "$n"
xdotool key --clearmodifiers ctrl+o
DIALOG=$(other_window "" 5)
if [ -n "$DIALOG" ]; then
    sleep 0.3
    timeout 5 xdotool windowfocus --sync "$DIALOG" 2>/dev/null
    xdotool type --delay 5 "$COPIED"
    xdotool key Return
    sleep 1
fi
shot opened.png
check "Ctrl+O opens the copied text: the map page again" opened.png bash -c \
    "grep '^trace: layout' '$WORK/stderr.$RUN' | tail -1 | grep -q ' map='"
a11y_text "... at the copied point, in the copied style" "the samples are at column 1, row 1" opened.png
a11y_text "... with the copied seed and style" "of the digit 8 in the style of a 3 (seed 1," opened.png
timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null

xdotool key --clearmodifiers alt+3
wait_layout morph; sleep 1
MORPH=$(layout_field morph)
shot morph1.png; sleep 0.5; shot morph2.png
check "Alt+3 shows the morph: a digit-like frame ($MORPH)" morph1.png $CHECK cells "$WORK/morph1.png" "$X0" "$Y0" "$MORPH"
check "... and it plays (frames 0.5 s apart differ)" "morph1.png morph2.png" \
    $CHECK change "$WORK/morph1.png" "$WORK/morph2.png" "$X0" "$Y0" "$MORPH" above 0.01
MORPH_GIF="$WORK/morph.gif"
save_as "$MORPH_GIF"
check "Save on the morph page exports a GIF of 48 frames at 8x (224 x 224)" "" bash -c \
    "identify -format '%w %h\n' '$MORPH_GIF' | sort | uniq -c | tee /dev/stderr | grep -q '^ *48 224 224\$'"
if [ -x "$DIGITGEN" ]; then
    "$DIGITGEN" morph --view "$MORPH_GIF" --out "$WORK/morph-again.gif" > "$WORK/detail.morph" 2>&1
    check "the exported GIF reproduces through digitgen morph --view (byte for byte)" "" \
        bash -c "cat '$WORK/detail.morph'; cmp '$MORPH_GIF' '$WORK/morph-again.gif'"
fi
timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null
# Let the export's toast go before the next pages: its 8 s count only while neither the
# pointer nor the keyboard focus is on it, so the focus goes to the morph (a click on it).
IFS=, read -r qx qy qs <<< "${MORPH:-0,0,0}"
xdotool mousemove $((X0 + qx + qs / 2)) $((Y0 + qy + qs / 2)) click 1
xdotool mousemove $((X0 + 5)) $((Y0 + 60))
toast_shown() { /usr/bin/python3 "$HERE/a11y_check.py" --text "$1" >/dev/null 2>&1; }
for _ in $(seq 15); do toast_shown "Saved morph.gif" && break; sleep 0.2; done
for _ in $(seq 60); do toast_shown "Saved morph.gif" || break; sleep 0.2; done
xdotool key --clearmodifiers alt+1
sleep 0.8

# Ctrl+? shows the shortcuts window (its X title is the application's name); Escape closes it.
# It is modal and not one of the application's windows, so Ctrl+Q waits until it is closed.
for _ in $(seq 30); do [ -z "$(other_window "" 0)" ] && break; sleep 0.1; done
xdotool key --clearmodifiers ctrl+question
HELP=$(other_window "" 5)
sleep 0.3
shot shortcuts.png
check "Ctrl+? shows the keyboard shortcuts window" shortcuts.png test -n "$HELP"
if [ -n "$HELP" ]; then
    timeout 5 xdotool windowfocus --sync "$HELP" 2>/dev/null
    xdotool key Escape
    for _ in $(seq 30); do [ -z "$(other_window "" 0)" ] && break; sleep 0.1; done
    check "Escape closes the shortcuts window" shortcuts.png test -z "$(other_window "" 0)"
fi
timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null

# 9. The handwriting page (Alt+4): a stroke shaped like a digit, drawn with the mouse on the
# pad, is restyled as the ten digits 0-9 (digit-like); a second stroke changes all ten; Ctrl+Z
# brings the first drawing's images back; Save writes the ten digits and digitgen restyle
# --view reproduces the file byte for byte; Delete clears the pad.
hw_layout() { grep "^trace: layout" "$WORK/stderr.$RUN" | grep "pad=" | tail -1; }
restyled() { grep -c "^trace: handwriting restyled" "$WORK/stderr.$RUN" 2>/dev/null; }
# wait_restyled N: waits until more than N restyles have been drawn, then for the page to settle.
wait_restyled() {
    for _ in $(seq 100); do [ "$(restyled)" -gt "$1" ] && break; sleep 0.1; done
    sleep 0.6
}
# stroke X,Y ...: a mouse drag through points given as fractions of the pad's square.
stroke() {
    local first=1 x y
    for p in "$@"; do
        x=$(python3 -c "print(int($X0 + $PAD_X + ${p%,*} * $PAD_S))")
        y=$(python3 -c "print(int($Y0 + $PAD_Y + ${p#*,} * $PAD_S))")
        if [ $first = 1 ]; then
            xdotool mousemove "$x" "$y"; sleep 0.05; xdotool mousedown 1; first=0
        else
            xdotool mousemove "$x" "$y"
        fi
        sleep 0.03
    done
    xdotool mouseup 1
}
timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null
# A toast from an earlier save (8 s with its Open button) would cover the row of ten: wait
# until no toast is left (the toast's text leaves the accessibility tree with it).
for _ in $(seq 60); do toast_shown "Saved " || break; sleep 0.2; done
xdotool key --clearmodifiers alt+4
for _ in $(seq 50); do [ -n "$(hw_layout)" ] && break; sleep 0.1; done
sleep 0.5
shot hw-empty.png
PAD=$(hw_layout | sed -n 's/.*pad=\([0-9,]*\).*/\1/p')
HW_CELLS=$(hw_layout | sed -n 's/.*handwriting=\([^ ]*\).*/\1/p')
check "Alt+4 shows the handwriting page with its pad and ten cells (pad $PAD)" hw-empty.png \
    test -n "$PAD" -a "$(echo "$HW_CELLS" | tr ';' '\n' | grep -c ,)" = 10
a11y_text "an empty pad gives the hint, not a guess" "Draw a digit on the pad" hw-empty.png
if [ -n "$PAD" ]; then
    IFS=, read -r PAD_X PAD_Y PAD_S <<< "$PAD"
    n=$(restyled)
    # A "7": the bar, then the slanted stem.
    stroke 0.25,0.22 0.35,0.22 0.45,0.22 0.55,0.22 0.65,0.22 0.72,0.23 0.68,0.32 0.63,0.42 0.58,0.52 0.53,0.62 0.49,0.72 0.46,0.82
    wait_restyled "$n"
    shot hw-1.png
    check "a stroke on the pad is restyled as ten digit-like images" hw-1.png \
        $CHECK cells "$WORK/hw-1.png" "$X0" "$Y0" "$HW_CELLS"
    a11y_text "the page names the classifier's guess with its confidence" "Looks like a" hw-1.png
    a11y_text "the pad's description counts the strokes" "1 stroke drawn" hw-1.png
    n=$(restyled)
    # A cross-bar through the stem: a continental 7.
    stroke 0.42,0.52 0.5,0.52 0.58,0.52 0.66,0.52 0.74,0.52
    wait_restyled "$n"
    shot hw-2.png
    check "a second stroke changes every one of the ten restyled digits" "hw-1.png hw-2.png" \
        $CHECK diff "$WORK/hw-1.png" "$WORK/hw-2.png" "$X0" "$Y0" "$HW_CELLS"
    check "... and they stay digit-like" hw-2.png $CHECK cells "$WORK/hw-2.png" "$X0" "$Y0" "$HW_CELLS"
    a11y_text "the pad's description says 2 strokes" "2 strokes drawn" hw-2.png
    n=$(restyled)
    xdotool key --clearmodifiers ctrl+z
    wait_restyled "$n"
    shot hw-undo.png
    check "Ctrl+Z undoes the second stroke: the first drawing's images come back" "hw-1.png hw-undo.png" \
        $CHECK change "$WORK/hw-1.png" "$WORK/hw-undo.png" "$X0" "$Y0" "$HW_CELLS" below 0.002
    HW_SAVED="$WORK/hand.png"
    save_as "$HW_SAVED"
    check "Save on the handwriting page writes the ten digits on screen at 8x (2240 x 224)" hw-undo.png \
        $CHECK png "$HW_SAVED" 10 28 8 "$WORK/hw-undo.png" "$X0" "$Y0" "$HW_CELLS"
    if [ -x "$DIGITGEN" ]; then
        "$DIGITGEN" restyle --view "$HW_SAVED" --out "$WORK/hand-again.png" > "$WORK/detail.hw" 2>&1
        check "a saved drawing reproduces through digitgen restyle --view (same file, byte for byte)" "" \
            bash -c "cat '$WORK/detail.hw'; cmp '$HW_SAVED' '$WORK/hand-again.png'"
    else
        log "skip - digitgen restyle --view ($DIGITGEN not built)"
    fi
    sleep 0.5
    timeout 5 xdotool windowfocus --sync "$WID" 2>/dev/null
    n=$(restyled)
    xdotool key 9
    wait_restyled "$n"
    shot hw-chosen.png
    a11y_text "a digit key corrects the classifier (the style is encoded as a 9)" "You chose 9" hw-chosen.png
    a11y_text "... and the chooser shows it" "Your digit: 9" hw-chosen.png
    check "... and the row changes" "hw-undo.png hw-chosen.png" \
        $CHECK change "$WORK/hw-undo.png" "$WORK/hw-chosen.png" "$X0" "$Y0" "$HW_CELLS" above 0.01
    xdotool key Delete
    sleep 0.5
    shot hw-cleared.png
    a11y_text "Delete clears the pad (the hint is back)" "Empty: draw a digit here" hw-cleared.png
fi
xdotool key --clearmodifiers alt+1
sleep 0.5

# 6. At 360 x 640 (portrait phone, tiled half-screen) every control is inside the window.
xdotool windowsize "$WID" 360 640
sleep 1.5
eval "$(xdotool getwindowgeometry --shell "$WID")"
shot narrow.png
check "the window can be 360 x 640 (got ${WIDTH}x${HEIGHT})" narrow.png test "$WIDTH" -le 360 -a "$HEIGHT" -le 640
a11y "at 360 x 640 every control is on screen" narrow.png --on-screen "$WIDTH" "$HEIGHT"
a11y "at 360 x 640 the digit buttons are at least 48 x 48" narrow.png --min-size "Digit " 48
NARROW_CELLS=$(cells)
check "at 360 x 640 the five cells hold digit-like images" narrow.png $CHECK cells "$WORK/narrow.png" "$X" "$Y" "$NARROW_CELLS"
xdotool windowsize "$WID" 1280 800
sleep 1.5
shot wide.png
a11y "at 1280 x 800 the digit buttons are at least 48 x 48" wide.png --min-size "Digit " 48
xdotool windowsize "$WID" 940 680
sleep 1

LAST_TITLE=$(title)
stop; status=$?
check "Ctrl+Q quits with status 0 (got $status)" "" test "$status" -eq 0
# After quitting, so that the teardown is checked too.
check "no GTK warnings on stderr (model run, through quit)" "" no_gtk_warnings
grep "^trace: summary" "$WORK/stderr.$RUN" | sed 's/^/gui:   /'

# Remembered state: the next launch shows the last view.
if start "${ARGS[@]}" && wait_for "first samples drawn" 15; then
    settle 0
    shot restored.png
    check "the next launch restores the last view (title $(title), was $LAST_TITLE)" restored.png test "$(title)" = "$LAST_TITLE"
    a11y_text "the next launch restores the seed (seed 1 in the description)" "(seed 1" restored.png
    stop
else
    fail "the window opens a second time" ""
fi

# --- run 2: corrupt weights -------------------------------------------------------------
head -c 4096 /dev/urandom > "$WORK/corrupt.safetensors"
# A damaged remembered state too: it is ignored with one warning.
echo '{"version": 1, "window": {' > "$XDG_STATE_HOME/digit-generator/state.json"
if start --weights "$WORK/corrupt.safetensors"; then
    check "a corrupt remembered state is ignored with a warning" "" \
        grep -F "digit-generator: ignoring the remembered state in $XDG_STATE_HOME/digit-generator/state.json: not the JSON this version writes" "$WORK/stderr.$RUN"
    sleep 1
    shot corrupt.png
    eval "$(xdotool getwindowgeometry --shell "$WID")"
    check "corrupt weights: the window shows the error" corrupt.png \
        bash -c "t=\$(xdotool getwindowname $WID); echo \"title: \$t\"; [[ \"\$t\" == *error* ]]"
    check "corrupt weights: the error page is not blank" corrupt.png \
        $CHECK region "$WORK/corrupt.png" "$X0" $((Y0 + 60)) "$WIDTH" $((HEIGHT - 60))
    check "corrupt weights: stderr names the file" "" grep -F "digit-generator: $WORK/corrupt.safetensors" "$WORK/stderr.$RUN"
    a11y_text "corrupt weights: the page says how to fix it" "How to fix:" corrupt.png
    check "corrupt weights: the app stays alive" corrupt.png kill -0 "$APP_PID"
    stop; status=$?
    check "corrupt weights: Ctrl+Q quits with status 0 (got $status)" "" test "$status" -eq 0
    check "no GTK warnings on stderr (error run, through quit)" "" no_gtk_warnings
else
    shot corrupt.png
    cat "$WORK/stderr.$RUN" > "$WORK/detail"
    fail "corrupt weights: the window opens" corrupt.png
fi

echo "gui: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
