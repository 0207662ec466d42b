"""Dumps what bench/kernel-cycles.c times: the shipped decoder's weights and the inputs of
1000 clicks of 5 images (latents from the fitted prior at the file's default temperature,
digits 0-9 in turn), and prints how many hidden units the ReLU leaves active.

    python bench/kernel-cycles.py OUTDIR [WEIGHTS]
"""
import json
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
path = sys.argv[2] if len(sys.argv) > 2 else "resources/cvae-mnist.safetensors"
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    base = 8 + n

    def tensor(name):
        v = header[name]
        a, b = v["data_offsets"]
        f.seek(base + a)
        return np.frombuffer(f.read(b - a), dtype=np.float32).reshape(v["shape"])

    w3, b3, w4, b4 = tensor("fc3.weight"), tensor("fc3.bias"), tensor("fc4.weight"), tensor("fc4.bias")
    means, logvars = tensor("prior.means"), tensor("prior.logvars")
temperature = float(header.get("__metadata__", {}).get("default_temperature", "1"))
os.makedirs(out, exist_ok=True)
for name, a in (("w3", w3), ("b3", b3), ("w4", w4), ("b4", b4)):
    np.ascontiguousarray(a, dtype=np.float32).tofile(os.path.join(out, name + ".bin"))

rng = np.random.default_rng(1)
latent, classes = means.shape[2], means.shape[0]
xs, active = [], []
for c in range(1000):
    d = c % classes
    k = rng.integers(0, means.shape[1], 5)
    z = means[d, k] + temperature * np.exp(0.5 * logvars[d, k]) * rng.standard_normal((5, latent)).astype(np.float32)
    x = np.concatenate([z, np.eye(classes, dtype=np.float32)[[d] * 5]], 1)
    xs.append(x)
    active.append((x @ w3.T + b3) > 0)
np.array(xs, dtype=np.float32).tofile(os.path.join(out, "x.bin"))
a = np.array(active)  # clicks x 5 x hidden
print(f"temperature {temperature}: hidden units active per row {a.mean():.3f}, "
      f"in at least one of a click's 5 rows {a.any(1).mean():.3f} (of {w3.shape[0]})")
with open(os.path.join(out, "sizes.txt"), "w") as f:
    f.write(f"{w3.shape[1]} {w3.shape[0]} {w4.shape[0]}\n")
