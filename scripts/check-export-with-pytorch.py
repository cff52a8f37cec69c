#!/usr/bin/env python3
"""Checks a generator exported with `dcgan export --format safetensors` against PyTorch.

Builds the DCGAN generator as a plain torch.nn.Module (nn.Linear, nn.BatchNorm1d/2d, nn.ConvTranspose2d), loads
the exported tensors into it with load_state_dict(strict=True), runs it in eval mode on the z that
`dcgan generate --seed S --count K` draws, and compares with the PNGs that command wrote. Exits 1 when a key is
missing or unexpected, or when a pixel differs by more than 1 (PNG rounding).

The file is parsed here with json + numpy (8-byte header length, JSON header, little-endian data), so this checks
the layout and the PyTorch key names and weight layouts, not the `safetensors` package itself.

Usage (Debian: apt-get install python3-torch python3-pil):
  dcgan export --gen result/gen_iter_N --format safetensors --out gen.safetensors
  dcgan generate --gen result/gen_iter_N --count 16 --seed 11 --out images
  python3 scripts/check-export-with-pytorch.py gen.safetensors images 11 16
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

MASK = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256:
    """xoshiro256** seeded by SplitMix64, as DcGanTyped.Random.Xoshiro256."""

    def __init__(self, seed):
        x, self.s = seed & MASK, []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def single(self):
        return np.float32(self.next() >> 40) * np.float32(1.0 / (1 << 24))


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            sys.exit(f"{key}: dtype {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        tensors[key] = torch.from_numpy(np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"]).copy())
    return tensors, header.get("__metadata__", {})


class Generator(nn.Module):
    """Chainer's examples/dcgan generator in PyTorch terms (BatchNorm eps 2e-5, decay 0.9 = momentum 0.1)."""

    def __init__(self, ch, n_hidden=100):
        super().__init__()
        self.ch = ch
        self.l0 = nn.Linear(n_hidden, 4 * 4 * ch)
        self.bn0 = nn.BatchNorm1d(4 * 4 * ch, eps=2e-5, momentum=0.1)
        self.dc1 = nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1)
        self.bn1 = nn.BatchNorm2d(ch // 2, eps=2e-5, momentum=0.1)
        self.dc2 = nn.ConvTranspose2d(ch // 2, ch // 4, 4, 2, 1)
        self.bn2 = nn.BatchNorm2d(ch // 4, eps=2e-5, momentum=0.1)
        self.dc3 = nn.ConvTranspose2d(ch // 4, ch // 8, 4, 2, 1)
        self.bn3 = nn.BatchNorm2d(ch // 8, eps=2e-5, momentum=0.1)
        self.dc4 = nn.ConvTranspose2d(ch // 8, 3, 3, 1, 1)

    def forward(self, z):
        h = torch.relu(self.bn0(self.l0(z))).reshape(-1, self.ch, 4, 4)
        h = torch.relu(self.bn1(self.dc1(h)))
        h = torch.relu(self.bn2(self.dc2(h)))
        h = torch.relu(self.bn3(self.dc3(h)))
        return torch.sigmoid(self.dc4(h))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    path, images, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    tensors, metadata = read_safetensors(path)
    model = metadata.get("dcgan.model", "seed")
    generator = Generator({"seed": 512, "narrow": 64}[model]).eval()
    # strict: every key of the nn.Module must be in the file and nothing else (BatchNorm's num_batches_tracked,
    # which this project does not keep, is filled in by PyTorch for state dicts without a version).
    generator.load_state_dict(tensors, strict=True)

    rng = Xoshiro256(seed)
    z = torch.tensor([[float(rng.single()) * 2 - 1 for _ in range(100)] for _ in range(count)], dtype=torch.float32)
    with torch.no_grad():
        y = generator(z).numpy()
    worst = 0
    for i in range(count):
        png = np.asarray(Image.open(f"{images}/image{i:04d}.png").convert("RGB")).astype(np.int32)
        ours = np.clip(np.round(y[i].transpose(1, 2, 0) * 255), 0, 255).astype(np.int32)
        worst = max(worst, int(np.abs(png - ours).max()))
    print(f"torch {torch.__version__}, model {model}: {count} images, output {y.min():.4f}..{y.max():.4f}, "
          f"largest pixel difference {worst}/255")
    sys.exit(0 if worst <= 1 else 1)


if __name__ == "__main__":
    main()
