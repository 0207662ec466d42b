#!/usr/bin/env bash
# Interleaved A/B timing of digitgen builds on training: runs each binary's
# `bench train --epochs 2 --threads 2` in turn, ROUNDS times, and prints per binary the median,
# best and worst of its runs' best epochs. Interleaving spreads the VM's drift over all of them.
#
#   bash bench/train-ab.sh ROUNDS BINARY... (copy each build aside first: cp .build/release/digitgen /tmp/dg-a)
#
# MNIST=DIR picks the data (default ../shared/mnist).
set -euo pipefail
ROUNDS=${1:?usage: train-ab.sh ROUNDS BINARY...}; shift
[ $# -ge 1 ] || { echo "train-ab.sh: give at least one digitgen binary" >&2; exit 2; }
MNIST=${MNIST:-../shared/mnist}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
for _ in $(seq "$ROUNDS"); do
    for b in "$@"; do
        t=$("$b" bench train --data "$MNIST" --epochs 2 --threads 2 2>&1 | sed -n 's/.*best \([0-9.]*\),.*/\1/p')
        [ -n "$t" ] || { echo "train-ab.sh: $b printed no epoch time" >&2; exit 1; }
        echo "$b $t" >> "$OUT"
    done
done
for b in "$@"; do
    awk -v b="$b" '$1 == b {print $2}' "$OUT" | sort -n |
        awk -v b="$b" '{a[NR] = $1} END {printf "%s: median %.3f s, best %.3f s, worst %.3f s over %d runs\n", b, a[int((NR + 1) / 2)], a[1], a[NR], NR}'
done
