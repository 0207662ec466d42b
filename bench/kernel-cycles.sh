#!/usr/bin/env bash
# The decoder kernel alone, in TSC cycles per call, on the shipped weights (see
# bench/kernel-cycles.c). Not part of `make test`. Needs numpy (bench/.venv from compare.sh,
# or PYTHON=...) and the Swift toolchain's clang (CC=...).
#
#   bash bench/kernel-cycles.sh [KERNEL [BATCH ...]]    (default: 2 = avx512; batches 1 5 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-bench/.venv/bin/python}
CC=${CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}
KERNEL=${1:-2}
shift || true
BATCHES=${*:-1 5 1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" bench/kernel-cycles.py "$work"
"$CC" -O2 -ISources/CDigitKernels -ISources/CDigitKernels/include bench/kernel-cycles.c -o "$work/kernel-cycles" -lm
for b in $BATCHES; do
    n=20000; [ "$b" -ge 100 ] && n=200
    "$work/kernel-cycles" "$work" "$KERNEL" "$b" "$n"
done
