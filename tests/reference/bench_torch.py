#!/usr/bin/env python3
"""The benchmark loops of `benches/optimizers.rs`, in PyTorch, for comparison.

Eight optimizers, 10,000 steps each on Rosenbrock from (-1.2, 1) in float64,
written the way PyTorch is used: loss, backward, step, zero_grad. Prints steps
per second for each optimizer and for the whole run.

    python3 tests/reference/bench_torch.py
"""
import time

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
STEPS = 10_000

RUNS = [
    ("gd", torch.optim.SGD, dict(lr=1e-3)),
    ("sgd momentum", torch.optim.SGD, dict(lr=1e-3, momentum=0.9)),
    ("sgd nesterov", torch.optim.SGD, dict(lr=1e-3, momentum=0.9, nesterov=True)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=1e-3)),
    ("adam", torch.optim.Adam, dict(lr=1e-2)),
    ("adamw", torch.optim.AdamW, dict(lr=1e-2)),
    ("nadam", torch.optim.NAdam, dict(lr=1e-2)),
]


def run(cls, kwargs):
    p = torch.tensor([-1.2, 1.0], requires_grad=True)
    opt = cls([p], **kwargs)
    points = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
        loss.backward()
        opt.step()
        points.append(p.detach().clone())
    return points


def main():
    print(f"torch {torch.__version__}, 1 thread, float64")
    total = 0.0
    for name, cls, kwargs in RUNS:
        start = time.perf_counter()
        run(cls, kwargs)
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"{name:14s} {STEPS / elapsed:10.0f} steps/s")
    print(f"{'all 8':14s} {len(RUNS) * STEPS / total:10.0f} steps/s ({total:.2f} s)")


if __name__ == "__main__":
    main()
