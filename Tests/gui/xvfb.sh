# Sourced by the GUI scripts: start_xvfb FIRST WIDTHxHEIGHT LOG starts Xvfb on the first free
# display from :FIRST down to :60 (a display is taken when its lock file or socket exists),
# waits up to 5 s for its socket, and sets XVFB_PID and exports DISPLAY. Returns 1 (XVFB_PID
# empty) when no display could be started. Each script starts from its own FIRST so that
# scripts running side by side rarely race for the same display.
#
#   . "$(dirname "$0")/xvfb.sh"; start_xvfb 99 1280x800 "$WORK/xvfb.log" || exit 1
start_xvfb() {
    local first=$1 size=$2 logfile=$3 n
    XVFB_PID=
    for n in $(seq "$first" -1 60); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
        Xvfb ":$n" -screen 0 "${size}x24" -nolisten tcp >"$logfile" 2>&1 &
        XVFB_PID=$!
        for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
        if kill -0 "$XVFB_PID" 2>/dev/null && [ -e "/tmp/.X11-unix/X$n" ]; then
            export DISPLAY=":$n"
            return 0
        fi
        XVFB_PID=
    done
    return 1
}
