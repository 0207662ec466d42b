"""Times the CVAE's decoder (and one training epoch) in digitgen, ONNX Runtime, PyTorch eager
and numpy, interleaved round by round in one run, and prints a table of medians and ratios.

Run through bench/compare.sh, which makes the virtual environment. Every runtime gets the same
thread count (--threads, default 2) and the same work:
  per click   sample 5 latent vectors from N(0, I), build [z | one_hot(digit)], decode 5 images
  map         the same for 625 images (the app's 25 x 25 latent map)
  batch 1000  the same for 1000 images; throughput = 1000 / median batch time
  epoch       one training epoch of the seed's recipe (60,000 MNIST images, batch 128, Adam 1e-3)
"""
import argparse
import gzip
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import time

import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", f"{k}: {v['dtype']}"
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[a:b], dtype=np.float32).reshape(v["shape"]).copy()
    return out


def export_onnx(w, path):
    """The decoder fc3 + ReLU + fc4 + sigmoid as an ONNX graph with a dynamic batch."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    inits = [numpy_helper.from_array(w[k], k.replace(".", "_")) for k in ("fc3.weight", "fc3.bias", "fc4.weight", "fc4.bias")]
    nodes = [
        helper.make_node("Gemm", ["x", "fc3_weight", "fc3_bias"], ["a3"], transB=1),
        helper.make_node("Relu", ["a3"], ["h3"]),
        helper.make_node("Gemm", ["h3", "fc4_weight", "fc4_bias"], ["a4"], transB=1),
        helper.make_node("Sigmoid", ["a4"], ["y"]),
    ]
    zin = w["fc3.weight"].shape[1]
    pixels = w["fc4.weight"].shape[0]
    graph = helper.make_graph(nodes, "cvae_decoder",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", zin])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", pixels])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))]


class Decoders:
    """The same decoder in each Python runtime; each `name` maps x (B, 30) -> images (B, 784)."""

    def __init__(self, w, onnx_path, threads, have_torch):
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
        self.ort_version = ort.__version__
        self.w3, self.b3 = w["fc3.weight"], w["fc3.bias"]
        self.w4t = np.ascontiguousarray(w["fc4.weight"].T)
        self.w3t = np.ascontiguousarray(w["fc3.weight"].T)
        self.b4 = w["fc4.bias"]
        self.torch = None
        if have_torch:
            import torch
            torch.set_num_threads(threads)
            self.torch = torch
            net = torch.nn.Sequential(torch.nn.Linear(30, 400), torch.nn.ReLU(), torch.nn.Linear(400, 784), torch.nn.Sigmoid())
            with torch.no_grad():
                net[0].weight.copy_(torch.from_numpy(w["fc3.weight"]))
                net[0].bias.copy_(torch.from_numpy(w["fc3.bias"]))
                net[2].weight.copy_(torch.from_numpy(w["fc4.weight"]))
                net[2].bias.copy_(torch.from_numpy(w["fc4.bias"]))
            net.eval()
            self.net = net

    def onnxruntime(self, x):
        return self.sess.run(None, {"x": x})[0]

    def pytorch(self, x):
        with self.torch.inference_mode():
            return self.net(self.torch.from_numpy(x)).numpy()

    def numpy(self, x):
        h = x @ self.w3t
        h += self.b3
        np.maximum(h, 0, out=h)
        a = h @ self.w4t
        a += self.b4
        with np.errstate(over="ignore"):  # exp(-a) = inf gives the right 0
            return 1.0 / (1.0 + np.exp(-a))


def time_python(fn, iterations, seconds, rng):
    onehot = np.eye(10, dtype=np.float32)

    def work(n, digit):
        z = rng.standard_normal((n, 20), dtype=np.float32)
        x = np.concatenate([z, np.broadcast_to(onehot[digit], (n, 10))], axis=1)
        return fn(x)

    for i in range(200):
        work(5, i % 10)
    clicks = []
    for i in range(iterations):
        t0 = time.perf_counter_ns()
        work(5, i % 10)
        clicks.append((time.perf_counter_ns() - t0) / 1e3)
    res = {"click_p50_us": pct(clicks, 0.5), "click_p99_us": pct(clicks, 0.99)}
    for n, key in ((625, "map625_ms"), (1000, "batch1000_ms")):
        work(n, 0)
        times = []
        start = time.perf_counter()
        while time.perf_counter() - start < seconds or len(times) < 5:
            t0 = time.perf_counter_ns()
            work(n, len(times) % 10)
            times.append((time.perf_counter_ns() - t0) / 1e6)
        res[key] = pct(times, 0.5)
    res["batch1000_images_per_s"] = 1000 / (res.pop("batch1000_ms") / 1e3)
    return res


def time_digitgen(binary, weights, iterations, seconds, threads):
    out = subprocess.run([binary, "bench", "inference", "--weights", weights, "--iterations", str(iterations),
                          "--seconds", str(seconds), "--prior", "standard", "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("result:")][-1]
    kv = dict(p.split("=", 1) for p in line.split()[1:])
    return {"click_p50_us": float(kv["click_p50_us"]), "click_p99_us": float(kv["click_p99_us"]),
            "map625_ms": float(kv["map625_ms"]), "batch1000_images_per_s": float(kv["batch1000_images_per_s"]),
            "kernel": kv["kernel"]}


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise FileNotFoundError(f"{stem} in {directory}")


class TorchTrainer:
    """The seed's recipe in PyTorch eager: CVAE 794-400-20/20, 30-400-784, BCE(sum) + KL, Adam 1e-3."""

    def __init__(self, mnist, threads):
        import torch
        torch.set_num_threads(threads)
        self.torch = torch
        images = read_idx(find(mnist, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
        labels = read_idx(find(mnist, "train-labels-idx1-ubyte")).astype(np.int64)
        self.x = torch.from_numpy(images)
        self.y = torch.nn.functional.one_hot(torch.from_numpy(labels), 10).float()
        nn = torch.nn

        class CVAE(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(794, 400)
                self.fc21 = nn.Linear(400, 20)
                self.fc22 = nn.Linear(400, 20)
                self.fc3 = nn.Linear(30, 400)
                self.fc4 = nn.Linear(400, 784)

            def forward(self, x, c):
                h = torch.relu(self.fc1(torch.cat([x, c], 1)))
                mu, logvar = self.fc21(h), self.fc22(h)
                z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
                logits = self.fc4(torch.relu(self.fc3(torch.cat([z, c], 1))))
                return logits, mu, logvar

        torch.manual_seed(1)
        self.model = CVAE()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)

    def epoch(self):
        torch = self.torch
        F = torch.nn.functional
        t0 = time.perf_counter()
        perm = torch.randperm(self.x.shape[0])
        total = 0.0
        for i in range(0, self.x.shape[0], 128):
            idx = perm[i:i + 128]
            x, c = self.x[idx], self.y[idx]
            logits, mu, logvar = self.model(x, c)
            bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
            kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
            loss = bce + kld
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item()
        return time.perf_counter() - t0, total / self.x.shape[0]


def digitgen_epoch(binary, mnist, threads):
    out = subprocess.run([binary, "bench", "train", "--data", mnist, "--epochs", "1", "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"epoch 1: ([0-9.]+) s", out)
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--digitgen", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--mnist", default="")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--train-rounds", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    w = load_safetensors(args.weights)
    onnx_path = os.path.join(args.out, "cvae-decoder.onnx")
    export_onnx(w, onnx_path)
    have_torch = False
    if not args.no_torch:
        try:
            import torch  # noqa: F401
            have_torch = True
        except ImportError:
            print("PyTorch is not installed: left out", file=sys.stderr)
    dec = Decoders(w, onnx_path, args.threads, have_torch)

    # The runtimes agree on the images before anything is timed.
    rng = np.random.default_rng(0)
    z = rng.standard_normal((7, 20), dtype=np.float32)
    x = np.concatenate([z, np.eye(10, dtype=np.float32)[[3] * 7]], axis=1)
    ref = dec.numpy(x.astype(np.float64))
    for name in ["onnxruntime"] + (["pytorch"] if have_torch else []):
        err = float(np.abs(getattr(dec, name)(x) - ref).max())
        assert err < 1e-5, f"{name} differs from numpy float64 by {err}"

    runtimes = ["digitgen", "onnxruntime"] + (["pytorch"] if have_torch else []) + ["numpy"]
    results = {r: [] for r in runtimes}
    kernel = "?"
    for rnd in range(args.rounds):
        for r in runtimes:
            if r == "digitgen":
                res = time_digitgen(args.digitgen, args.weights, args.iterations, args.seconds, args.threads)
                kernel = res.pop("kernel")
            else:
                res = time_python(getattr(dec, r), args.iterations, args.seconds, np.random.default_rng(rnd))
            results[r].append(res)
            print(f"round {rnd + 1} {r}: " + ", ".join(f"{k} {v:.2f}" for k, v in res.items()), file=sys.stderr, flush=True)

    epochs = {"digitgen": [], "pytorch": []}
    if args.mnist and have_torch and args.train_rounds > 0:
        trainer = TorchTrainer(args.mnist, args.threads)
        for rnd in range(args.train_rounds):
            epochs["digitgen"].append(digitgen_epoch(args.digitgen, args.mnist, args.threads))
            t, loss = trainer.epoch()
            epochs["pytorch"].append(t)
            print(f"round {rnd + 1} epoch: digitgen {epochs['digitgen'][-1]:.3f} s, pytorch {t:.3f} s (loss {loss:.1f})",
                  file=sys.stderr, flush=True)

    med = {r: {k: statistics.median(x[k] for x in results[r]) for k in results[r][0]} for r in runtimes}
    names = {"digitgen": f"digitgen ({kernel})", "onnxruntime": f"ONNX Runtime {dec.ort_version}",
             "pytorch": f"PyTorch {dec.torch.__version__} eager" if have_torch else "", "numpy": f"numpy {np.__version__}"}
    cols = runtimes
    print(f"\nmedians of {args.rounds} interleaved rounds, {args.threads} threads each; ratio = digitgen / runtime "
          f"(time) or runtime / digitgen (throughput): below 1 means digitgen is faster\n")
    print("| work | " + " | ".join(names[c] for c in cols) + " |")
    print("| --- |" + " --- |" * len(cols))

    def row(label, key, fmt, lower_better=True):
        cells = []
        for c in cols:
            v = med[c][key]
            if c == "digitgen":
                cells.append(fmt.format(v))
            else:
                ratio = med["digitgen"][key] / v if lower_better else v / med["digitgen"][key]
                cells.append(fmt.format(v) + f" ({ratio:.2f}x)")
        print(f"| {label} | " + " | ".join(cells) + " |")

    row("per click p50 (sample 5 + decode 5)", "click_p50_us", "{:.1f} µs")
    row("per click p99", "click_p99_us", "{:.1f} µs")
    row("25 x 25 map (625 images), median", "map625_ms", "{:.2f} ms")
    row("batch 1000, images/s", "batch1000_images_per_s", "{:,.0f}", lower_better=False)
    if epochs["digitgen"]:
        d, p = epochs["digitgen"], epochs["pytorch"]
        cells = {"digitgen": f"median {statistics.median(d):.2f} s, best {min(d):.2f} s",
                 "pytorch": f"median {statistics.median(p):.2f} s, best {min(p):.2f} s "
                            f"(best/best {min(p) / min(d):.2f}x slower)"}
        print("| one training epoch (60,000 images, batch 128) | " + " | ".join(cells.get(c, "") for c in cols) + " |")
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
