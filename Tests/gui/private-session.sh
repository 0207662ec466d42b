# Sourced at the top of the GUI scripts, with the script's arguments: runs the script once
# more inside a private D-Bus session bus (GApplication registers on it) with a private
# XDG_RUNTIME_DIR (the accessibility bus that the session starts puts its socket there, else
# at ~/.cache/at-spi/bus, a path shared with other sessions, whose bus removes it when it
# ends: GTK then prints "Unable to connect to the accessibility bus" as a CRITICAL), and
# exits with its status. The bus daemons' own chatter (activations, fd limits) is dropped.
#
#   . "$(dirname "$0")/private-session.sh" "$@"
if [ -z "${DIGITGEN_IN_PRIVATE_SESSION:-}" ]; then
    RUNTIME=$(mktemp -d)
    chmod 700 "$RUNTIME"
    DIGITGEN_IN_PRIVATE_SESSION=1 XDG_RUNTIME_DIR="$RUNTIME" dbus-run-session -- bash "$0" "$@" \
        2> >(grep -v -E '^(dbus-daemon|SpiRegistry)' >&2) | grep --line-buffered -v '^SpiRegistry'
    status=${PIPESTATUS[0]}
    rm -rf "$RUNTIME"
    exit "$status"
fi
