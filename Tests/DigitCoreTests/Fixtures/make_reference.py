#!/usr/bin/env python3
"""Writes the reference fixtures for ReferenceImplementationTests.

A small CVAE in PyTorch's state_dict layout (nn.Linear weights as [out, in]) saved with the
reference `safetensors` library (pip install safetensors numpy), once as F32 and once as F16,
plus the decoder's and encoder's outputs computed here in float64 with numpy from the F32
tensors. Rerun with: python3 make_reference.py
"""
import json

import numpy as np
from safetensors.numpy import save_file

rng = np.random.default_rng(2026)
pixels, classes, hidden, latent = 784, 10, 16, 3


def linear(out_f, in_f):
    bound = 1 / np.sqrt(in_f)
    return (rng.uniform(-bound, bound, (out_f, in_f)).astype(np.float32),
            rng.uniform(-bound, bound, (out_f,)).astype(np.float32))


state = {}
for name, (o, i) in {"fc1": (hidden, pixels + classes), "fc21": (latent, hidden),
                     "fc22": (latent, hidden), "fc3": (hidden, latent + classes),
                     "fc4": (pixels, hidden)}.items():
    w, b = linear(o, i)
    state[f"{name}.weight"], state[f"{name}.bias"] = w, b

save_file(state, "reference-f32.safetensors", metadata={"format": "pt"})
save_file({k: v.astype(np.float16) for k, v in state.items()}, "reference-f16.safetensors",
          metadata={"format": "pt"})

p = {k: v.astype(np.float64) for k, v in state.items()}
relu = lambda x: np.maximum(x, 0)
sigmoid = lambda x: 1 / (1 + np.exp(-x))
one_hot = lambda y: np.eye(classes)[y]

z = rng.standard_normal((4, latent))
labels = np.array([0, 3, 7, 9])
h = relu(np.concatenate([z, one_hot(labels)], 1) @ p["fc3.weight"].T + p["fc3.bias"])
decoded = sigmoid(h @ p["fc4.weight"].T + p["fc4.bias"])

images = rng.uniform(0, 1, (2, pixels))
enc_labels = np.array([5, 1])
h = relu(np.concatenate([images, one_hot(enc_labels)], 1) @ p["fc1.weight"].T + p["fc1.bias"])
mean = h @ p["fc21.weight"].T + p["fc21.bias"]
logvar = h @ p["fc22.weight"].T + p["fc22.bias"]

json.dump({"z": z.ravel().tolist(), "labels": labels.tolist(), "decoded": decoded.ravel().tolist(),
           "images": images.ravel().tolist(), "encode_labels": enc_labels.tolist(),
           "mean": mean.ravel().tolist(), "logvar": logvar.ravel().tolist()},
          open("reference-outputs.json", "w"))
