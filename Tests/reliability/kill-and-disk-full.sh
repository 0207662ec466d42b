#!/usr/bin/env bash
# Kills and a full disk, on the real digitgen (release build):
#
#   bash Tests/reliability/kill-and-disk-full.sh [KILLS] [DIGITGEN] [MNIST_DIR]
#
# 1. SIGKILLs `digitgen train` KILLS times (default 10) at random moments (during epochs and
#    while checkpoints and outputs are written), resuming from the checkpoint each time; the
#    checkpoint must always load, the final weights must equal an uninterrupted run's tensor
#    for tensor, and no temporary file may remain once the run has finished.
# 2. Trains into a 300 KB tmpfs (root only): the write fails with "No space left on
#    device", exit status 1, the earlier file at the target is intact, no temporary file left.
set -u
KILLS=${1:-10}
BIN=$(realpath "${2:-.build/release/digitgen}")
DATA=${3:-}
[ -z "$DATA" ] && for d in data/mnist ../shared/mnist; do [ -e "$d/train-images-idx3-ubyte.gz" ] || [ -e "$d/train-images-idx3-ubyte" ] && { DATA=$d; break; }; done
[ -n "$DATA" ] || { echo "reliability: skipped (no MNIST in data/mnist or ../shared/mnist)"; exit 0; }
WORK=$(mktemp -d)
trap 'umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"' EXIT
RECIPE=(--data "$DATA" --epochs 3 --seed 1 --threads 1 --hidden 64 --latent 8)
failed=0

same_tensors() {
    python3 - "$1" "$2" <<'PY'
import json, struct, sys
def tensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    data = b[8 + n:]
    return {k: (v["shape"], data[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in h.items() if k != "__metadata__"}
a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
sys.exit(0 if a == b else 1)
PY
}

echo "reliability: reference run"
started=$(date +%s.%N)
"$BIN" train "${RECIPE[@]}" --out "$WORK/ref.safetensors" >/dev/null 2>&1 || { echo "reliability: reference run failed"; exit 1; }
# Kills land at random moments of a run: uniformly within the reference run's duration.
duration=$(python3 -c "import time; print(time.time() - $started)")

mkdir -p "$WORK/run"
kills=0; resumes=0
while :; do
    args=(train "${RECIPE[@]}" --out "$WORK/run/out.safetensors" --checkpoint "$WORK/run/ck.safetensors")
    [ -f "$WORK/run/ck.safetensors" ] && { args+=(--resume "$WORK/run/ck.safetensors"); resumes=$((resumes + 1)); }
    "$BIN" "${args[@]}" >"$WORK/log" 2>&1 &
    pid=$!
    if [ "$kills" -lt "$KILLS" ]; then
        sleep "$(python3 -c "import random; print(round(random.uniform(0.05, 0.6) * $duration, 2))")"
        if kill -9 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null
            kills=$((kills + 1))
            continue
        fi
    fi
    wait "$pid"; status=$?
    if [ "$status" -ne 0 ]; then
        echo "reliability: FAIL - run after $kills kills exited $status:"; tail -3 "$WORK/log"; failed=1
    fi
    break
done
if [ "$failed" -eq 0 ]; then
    if same_tensors "$WORK/ref.safetensors" "$WORK/run/out.safetensors"; then
        echo "reliability: ok   - $kills SIGKILLs at random moments of a $(printf %.1f "$duration") s run, $resumes resumes from the checkpoint: weights equal the uninterrupted run's"
    else
        echo "reliability: FAIL - weights after $kills kills differ from the uninterrupted run's"; failed=1
    fi
    left=$(ls -A "$WORK/run" | grep -c '\.tmp-' || true)
    if [ "$left" -eq 0 ]; then echo "reliability: ok   - no temporary files left ($(ls -A "$WORK/run" | tr '\n' ' '))"
    else echo "reliability: FAIL - temporary files left: $(ls -A "$WORK/run" | grep '\.tmp-')"; failed=1; fi
fi

mkdir -p "$WORK/full"
if mount -t tmpfs -o size=300k tmpfs "$WORK/full" 2>/dev/null; then
    printf 'earlier file' > "$WORK/full/w.safetensors"
    "$BIN" train "${RECIPE[@]}" --epochs 1 --out "$WORK/full/w.safetensors" >/dev/null 2>"$WORK/err"
    status=$?
    if [ "$status" -eq 1 ] && grep -q "No space left on device" "$WORK/err" \
        && [ "$(cat "$WORK/full/w.safetensors")" = "earlier file" ] && [ "$(ls -A "$WORK/full")" = "w.safetensors" ]; then
        echo "reliability: ok   - full disk: exit 1, '$(tail -1 "$WORK/err")', earlier file intact, nothing else left"
    else
        echo "reliability: FAIL - full disk: exit $status, stderr: $(cat "$WORK/err"); files: $(ls -A "$WORK/full")"; failed=1
    fi
    umount "$WORK/full"
else
    echo "reliability: full-disk check skipped (mounting a tmpfs needs root)"
fi
exit "$failed"
