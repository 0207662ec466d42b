# Loads the shipped weights into the original app's PyTorch CVAE with load_state_dict(strict=False)
# and prints what PyTorch reports missing (nothing) and unexpected (the prior and the named
# directions, which it ignores). Needs torch and safetensors (PyPI), e.g. bench/.venv made by
# bench/compare.sh: bench/.venv/bin/python bench/torch-load.py
import torch, torch.nn as nn
from safetensors.torch import load_file
class CVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784 + 10, 400); self.fc21 = nn.Linear(400, 20); self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20 + 10, 400); self.fc4 = nn.Linear(400, 784)
m = CVAE()
sd = load_file("resources/cvae-mnist.safetensors")
r = m.load_state_dict(sd, strict=False)
print("missing:", r.missing_keys)
print("unexpected:", sorted(r.unexpected_keys))
print("directions.slant shape:", tuple(sd["directions.slant"].shape))
