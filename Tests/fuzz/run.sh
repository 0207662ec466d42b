#!/usr/bin/env bash
# Runs libFuzzer targets built by `make fuzz-build` for SECONDS each, one after the other:
#   bash Tests/fuzz/run.sh SECONDS TARGET...
# Each target starts from its committed seeds (Tests/fuzz/corpus/TARGET, never modified) and
# grows a working corpus in .build-fuzz/corpus/TARGET that later runs continue from. Any
# crash, AddressSanitizer report, leak (LeakSanitizer), timeout (10 s for one input) or
# out-of-memory (2 GB) stops that target; its input is saved as artifacts/fuzz/TARGET-*
# and the script exits non-zero after running the remaining targets.
set -u
seconds=${1:?seconds per target}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build-fuzz/debug"
failed=()
for target in "$@"; do
    exe="$bin/fuzz-$target"
    [ -x "$exe" ] || { echo "fuzz: $target: $exe not built (make fuzz-build)"; failed+=("$target"); continue; }
    work="$root/.build-fuzz/corpus/$target"
    artifacts="$root/artifacts/fuzz"
    mkdir -p "$work" "$artifacts"
    log="$root/.build-fuzz/fuzz-$target.log"
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}" \
        "$exe" "$work" "$root/Tests/fuzz/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(ls "$work" | wc -l)
    if [ "$status" -eq 0 ]; then
        echo "fuzz: $target: ${seconds} s, ${runs:-?} inputs (${speed:-?}/s), corpus $corpus files, no crash, leak or timeout"
    else
        echo "fuzz: $target: FAILED (exit $status) after ${runs:-?} inputs; log $log"
        grep -E "^==[0-9]+==ERROR|^SUMMARY|Fatal error|deadly signal|Test unit written|ALARM|out-of-memory" "$log" | head -8 | sed 's/^/    /'
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: all ${#} targets clean"
