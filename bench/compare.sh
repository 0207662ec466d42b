#!/usr/bin/env bash
# Times digitgen against ONNX Runtime, PyTorch (CPU, eager) and numpy on the same decoder work
# (and one training epoch against PyTorch), interleaved in one run; prints a table of medians
# and ratios. Not part of `make test`.
#
#   bash bench/compare.sh [ROUNDS]           (default 5 rounds; THREADS=2, MNIST=data/mnist)
#
# Makes bench/.venv (python3 -m venv) with numpy, onnx, onnxruntime and torch from PyPI.
# PyPI's torch wheel for Linux x86-64 pulls the CUDA libraries too (about 5.5 GB installed);
# only the CPU is used. SKIP_TORCH=1 leaves PyTorch out (no epoch comparison then).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
THREADS=${THREADS:-2}
MNIST=${MNIST:-data/mnist}
[ -d "$MNIST" ] || MNIST=../shared/mnist
VENV=bench/.venv

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
pkgs="numpy onnx onnxruntime"
[ "${SKIP_TORCH:-0}" = 1 ] || pkgs="$pkgs torch"
missing=""
for p in $pkgs; do "$VENV/bin/python" -c "import $p" 2>/dev/null || missing="$missing $p"; done
if [ -n "$missing" ]; then
    echo "installing into $VENV:$missing" >&2
    "$VENV/bin/pip" install -q $missing
fi

swift build -c release --product digitgen >&2
"$VENV/bin/python" bench/compare.py --digitgen .build/release/digitgen \
    --weights resources/cvae-mnist.safetensors --mnist "$MNIST" \
    --rounds "$ROUNDS" --threads "$THREADS" $([ "${SKIP_TORCH:-0}" = 1 ] && echo --no-torch)
