#!/usr/bin/env bash
# make sanitize: the unit tests (with the CLI tests, which run the sanitized digitgen) and a
# short scripted GUI session (Tests/gui/soak.sh: keys, slider drags, Ctrl+Q) under one
# sanitizer, then check_reports.py over every report written.
#
#   bash Tests/sanitize/run.sh asan     AddressSanitizer with LeakSanitizer (leaks checked at exit)
#   bash Tests/sanitize/run.sh tsan     ThreadSanitizer
#
# Builds into .build-asan / .build-tsan. Fails when a test fails, a sanitizer aborts a
# process, or any report has a frame in our code; reports wholly inside system libraries
# (fontconfig, GTK, GLib, ... see lsan.supp and tsan.supp) are listed but do not fail.
set -u
mode=${1:?asan or tsan}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
SWIFT=${SWIFT:-swift}
GUI_EVENTS=${GUI_EVENTS:-600}
scratch=".build-$mode"
case "$mode" in
    asan) flags=(-Xswiftc -sanitize=address -Xcc -fsanitize=address) ;;
    tsan) flags=(-Xswiftc -sanitize=thread -Xcc -fsanitize=thread) ;;
    *) echo "sanitize: unknown mode $mode"; exit 2 ;;
esac
echo "sanitize: $mode: building into $scratch"
"$SWIFT" build --build-tests --scratch-path "$scratch" "${flags[@]}" 2>&1 | grep -E "error|warning: .*(Sources|Tests)/|Compiling|Build" | grep -v "^\[" || true
[ -x "$scratch/debug/digit-generator" ] || { echo "sanitize: $mode build failed"; exit 1; }

logs="$root/$scratch/reports"
rm -rf "$logs"; mkdir -p "$logs"
symbolizer=$(command -v llvm-symbolizer || true)
export ASAN_SYMBOLIZER_PATH=$symbolizer TSAN_SYMBOLIZER_PATH=$symbolizer
# Leaks and races do not change exit statuses; check_reports.py judges them. ASan's memory
# errors still abort the process that has one.
export ASAN_OPTIONS="detect_leaks=1:log_path=$logs/asan:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$root/Tests/sanitize/lsan.supp:print_suppressions=1:exitcode=0"
export TSAN_OPTIONS="suppressions=$root/Tests/sanitize/tsan.supp:print_suppressions=1:log_path=$logs/tsan:exitcode=0:halt_on_error=0:report_signal_unsafe=0"
# The CLI tests find digitgen beside their bundle, so they run the sanitized one.

status=0
echo "sanitize: $mode: unit and CLI tests"
"$SWIFT" test --skip-build --scratch-path "$scratch" > "$logs/tests.txt" 2>&1
test_status=$?
grep -E "error:|Executed .* tests" "$logs/tests.txt" | tail -3
if [ "$test_status" -ne 0 ]; then echo "sanitize: $mode: tests failed (status $test_status)"; status=1; fi
# A sanitizer that dies at startup leaves XCTest silent while swift test may still say 0.
if ! grep -q -E "Executed [1-9][0-9]* tests, with 0 failures" "$logs/tests.txt"; then
    echo "sanitize: $mode: the XCTest run did not complete"; tail -5 "$logs/tests.txt"; status=1
fi

echo "sanitize: $mode: scripted GUI session ($GUI_EVENTS events, then Ctrl+Q)"
if ! bash Tests/gui/soak.sh "$GUI_EVENTS" "$scratch/debug/digit-generator" > "$logs/gui.txt" 2>&1; then
    echo "sanitize: $mode: GUI session failed"; status=1
fi
grep -E "events in|app died|growth" "$logs/gui.txt"

reports=$(ls "$logs"/asan.* "$logs"/tsan.* 2>/dev/null)
if [ -n "$reports" ]; then
    # shellcheck disable=SC2086
    python3 Tests/sanitize/check_reports.py "$root" $reports || status=1
else
    echo "sanitize: $mode: no sanitizer reports at all"
fi
[ "$status" -eq 0 ] && echo "sanitize: $mode: clean"
exit "$status"
