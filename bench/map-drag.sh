#!/bin/bash
# Drags across a 25 x 25 latent map (200 pointer moves) under Xvfb and prints the trace
# summary: pick-to-frame latency of each move. Usage: bash bench/map-drag.sh .build/release/digit-generator
BIN=$(realpath "${1:-.build/release/digit-generator}")
LOG=$(mktemp)
for n in $(seq 97 -1 60); do [ -e "/tmp/.X$n-lock" ] || break; done
export DISPLAY=:$n GDK_BACKEND=x11 GSK_RENDERER=cairo DIGITGEN_TRACE=1 XDG_STATE_HOME=$(mktemp -d)
Xvfb :$n -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 & XVFB=$!; sleep 0.8
$BIN 2>$LOG & APP=$!
sleep 2.5
W=$(xdotool search --onlyvisible --pid $APP | head -1)
xdotool windowsize $W 1100 860; sleep 0.5
xdotool key --clearmodifiers alt+2; sleep 0.8
xdotool key --clearmodifiers alt+s; sleep 0.2; xdotool key space; sleep 0.4; xdotool key Down Down Down Return; sleep 1.5
line=$(grep "trace: layout" $LOG | tail -1 | tr ' ' '\n' | sed -n 's/^map=//p')
echo "map: $line"
IFS=, read -r mx my ms mn <<< "$line"
n0=$(grep -c "trace: frame" $LOG)
xdotool mousemove $((mx + 10)) $((my + 10)) mousedown 1
for i in $(seq 1 200); do xdotool mousemove $((mx + 10 + i * (ms - 20) / 200)) $((my + 10 + (i * 7 % 100) * (ms - 20) / 100)); sleep 0.01; done
xdotool mouseup 1; sleep 0.5
import -window root "${SHOT:-/dev/null}" 2>/dev/null
xdotool key --clearmodifiers ctrl+q; sleep 1
echo "frames drawn: $(( $(grep -c "trace: frame" $LOG) - n0 ))"
grep "trace: summary" $LOG
kill $APP 2>/dev/null
kill $XVFB 2>/dev/null; rm -f "$LOG"
