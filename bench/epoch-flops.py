"""Floating-point operations of one training epoch (batch 128) as digitgen's trainer does them:
dense products over the pixel columns that are non-zero somewhere in the batch (fc1), and the
full fc21/fc22/fc3/fc4 products, forward and backward. README "Performance" cites it.

    python bench/epoch-flops.py MNIST_DIR
"""
import gzip
import os
import sys

import numpy as np

mnist = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"
with gzip.open(os.path.join(mnist, "train-images-idx3-ubyte.gz")) as f:
    x = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784)
rng = np.random.default_rng(0)
order = rng.permutation(len(x))
active = np.mean([(x[order[i:i + 128]].max(0) > 0).sum() for i in range(0, len(x), 128)])
k = active + 10  # the one-hot label columns
H, L, C, P = 400, 20, 10, 784
forward = k * H + 2 * H * L + (L + C) * H + H * P
backward = 2 * P * H + 2 * (L + C) * H + 2 * 2 * H * L + k * H  # fc1: weight gradient only
print(f"non-zero pixels {np.mean(x > 0):.3f}; active pixel columns per batch of 128 {active:.1f} of 784")
print(f"multiply-adds per image: forward {forward:.0f}, backward {backward:.0f}; "
      f"epoch {2 * (forward + backward) * len(x) / 1e9:.1f} GFLOP")
