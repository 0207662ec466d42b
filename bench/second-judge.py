# A second, independent judge of the generated digits: a PyTorch CNN (conv 5x5x32, pool,
# conv 5x5x64, pool, fc 256 with dropout 0.3, fc 10; 3 epochs of Adam at 1e-3, batch 128, no
# augmentation, torch seed 0, one thread) trained here on the MNIST training set, which reads
# 1,000 samples per digit that `digitgen generate` draws at its default settings (fitted prior,
# the file's default temperature) with seeds 100-109, for each weights file given. Not the
# shipped CNN and not its samples (`digitgen eval --samples` uses seed 0): a check of the
# figures in docs/MODEL.md with another instrument. Needs torch and numpy (PyPI, e.g. bench/.venv
# made by bench/compare.sh) and ImageMagick's convert.
#
#   bench/.venv/bin/python bench/second-judge.py ../shared/mnist .build/release/digitgen \
#       resources/cvae-mnist.safetensors [MORE.safetensors ...]
import gzip, os, subprocess, sys, tempfile, time
import numpy as np
import torch
import torch.nn as nn

mnist, digitgen, weights = sys.argv[1], sys.argv[2], sys.argv[3:]
torch.set_num_threads(1)
torch.manual_seed(0)


def idx(path):
    d = gzip.open(path).read()
    n = int.from_bytes(d[4:8], 'big')
    if d[3] == 3:
        return np.frombuffer(d, np.uint8, offset=16).reshape(n, 28, 28)
    return np.frombuffer(d, np.uint8, offset=8)


xtr, ytr = idx(f'{mnist}/train-images-idx3-ubyte.gz'), idx(f'{mnist}/train-labels-idx1-ubyte.gz')
xte, yte = idx(f'{mnist}/t10k-images-idx3-ubyte.gz'), idx(f'{mnist}/t10k-labels-idx1-ubyte.gz')
net = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                    nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 10))
opt = torch.optim.Adam(net.parameters(), 1e-3)
xt = torch.tensor(xtr, dtype=torch.float32).unsqueeze(1) / 255
yt = torch.tensor(ytr.astype(np.int64))
start = time.time()
for epoch in range(3):
    net.train()
    perm = torch.randperm(len(xt))
    for i in range(0, len(xt), 128):
        b = perm[i:i + 128]
        opt.zero_grad()
        nn.functional.cross_entropy(net(xt[b]), yt[b]).backward()
        opt.step()
    print(f'judge epoch {epoch + 1}: {time.time() - start:.0f} s', flush=True)
net.eval()


def predict(x):
    with torch.no_grad():
        return torch.cat([net(torch.tensor(x[i:i + 1000], dtype=torch.float32).unsqueeze(1) / 255).argmax(1)
                          for i in range(0, len(x), 1000)]).numpy()


print(f'judge accuracy on the MNIST test set: {100 * (predict(xte) == yte).mean():.2f}%')
with tempfile.TemporaryDirectory() as tmp:
    for w in weights:
        accs = []
        for d in range(10):
            png = os.path.join(tmp, f'{d}.png')
            subprocess.run([digitgen, 'generate', '--weights', w, '--digit', str(d), '--count', '1000',
                            '--seed', str(100 + d), '--scale', '1', '--padding', '0', '--columns', '50',
                            '--out', png], check=True, capture_output=True)
            raw = subprocess.run(['convert', png, 'gray:-'], check=True, capture_output=True).stdout
            grid = np.frombuffer(raw, np.uint8).reshape(20 * 28, 50 * 28)
            images = grid.reshape(20, 28, 50, 28).transpose(0, 2, 1, 3).reshape(1000, 28, 28)
            accs.append((predict(images) == d).mean())
        print(f'{w}: {100 * np.mean(accs):.2f}% read as the digit asked for, worst digit {int(np.argmin(accs))} '
              f'{100 * min(accs):.1f}%; per digit ' + ' '.join(f'{100 * a:.1f}' for a in accs))
