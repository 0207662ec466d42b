# The GUI test scripts' reporting, sourced by gui-test.sh and kiosk-test.sh: every line starts
# with "$REPORT_PREFIX: "; pass/fail count into PASSED and FAILED; a failing check prints the
# detail its command wrote and keeps the named screenshots from $WORK in $ARTIFACTS;
# REPORT_VERBOSE (non-empty) prints the detail of passing checks too.

log() { echo "$REPORT_PREFIX: $*"; }

# Keeps the named screenshots as artefacts and says what they show.
keep() {
    mkdir -p "$ARTIFACTS"
    for shot in "$@"; do
        [ -f "$WORK/$shot" ] || continue
        cp "$WORK/$shot" "$ARTIFACTS/$shot"
        log "  artefact: $(realpath "$ARTIFACTS/$shot") ($(identify -format '%wx%h' "$WORK/$shot") screenshot)"
    done
}

pass() { PASSED=$((PASSED + 1)); log "ok   - $1"; }
fail() {
    local what=$1; shift
    FAILED=$((FAILED + 1)); log "FAIL - $what"
    [ -f "$WORK/detail" ] && sed "s/^/$REPORT_PREFIX:   /" "$WORK/detail"
    keep "$@"
}

# check WHAT SHOTS COMMAND...: passes when COMMAND succeeds (its output goes to the detail).
check() {
    local what=$1 shots=$2; shift 2
    if "$@" > "$WORK/detail" 2>&1; then
        pass "$what"
        [ -n "${REPORT_VERBOSE:-}" ] && sed "s/^/$REPORT_PREFIX:   /" "$WORK/detail"
    else
        # shellcheck disable=SC2086
        fail "$what" $shots
    fi
    rm -f "$WORK/detail"
}
