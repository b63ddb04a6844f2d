#!/usr/bin/env python3
"""Generates the reference data the Rust tests compare against.

1. torch.optim trajectories (float64) of every first-order optimizer Descent
   shares with PyTorch, with non-default hyperparameters, weight decay and
   learning-rate schedules, on three problems. Gradients are computed with the
   same formulas as Descent's analytic gradients and handed to torch through
   `p.grad`, so only the optimizers' arithmetic is compared.
2. SciPy's `minimize` iteration counts for BFGS, L-BFGS-B and CG on Rosenbrock
   from (-1.2, 1) to gradient tolerance 1e-8.

Run it with PyTorch (CPU) and SciPy from PyPI installed:
    python3 tests/reference/make_reference.py > tests/reference/reference.json
"""
import json
import math
import sys

import numpy as np
import scipy
import scipy.optimize
import torch

torch.set_default_dtype(torch.float64)
STEPS = 200


def rosenbrock(a=1.0, b=100.0):
    def value(x, y):
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def grad(x, y):
        valley = y - x * x
        return [-2.0 * (a - x) - 4.0 * b * x * valley, 2.0 * b * valley]

    return value, grad


def quadratic(kappa=10.0, angle=30.0):
    r = math.radians(angle)
    s, c = math.sin(r), math.cos(r)
    rot = np.array([[c, s], [-s, c]])
    h = rot.T @ np.diag([1.0, kappa]) @ rot

    def grad(x, y):
        return [h[0, 0] * x + h[0, 1] * y, h[1, 0] * x + h[1, 1] * y]

    return None, grad


def himmelblau():
    def grad(x, y):
        r1, r2 = x * x + y - 11.0, x + y * y - 7.0
        # 2 Jᵀ r with J = [[2x, 1], [1, 2y]], summed as Descent does.
        return [2.0 * (2.0 * x * r1 + 1.0 * r2), 2.0 * (1.0 * r1 + 2.0 * y * r2)]

    return None, grad


PROBLEMS = {
    "rosenbrock": ({"name": "rosenbrock"}, rosenbrock()[1], [-1.5, 2.0]),
    "quadratic": ({"name": "quadratic", "kappa": 10, "angle": 0}, quadratic(angle=0.0)[1], [-2.5, 1.5]),
    "himmelblau": ({"name": "himmelblau"}, himmelblau()[1], [-0.5, -0.5]),
}

# (our spec run, torch optimizer class, torch kwargs, torch scheduler factory or None)
S = torch.optim.lr_scheduler
CASES = [
    ({"optimizer": "sgd", "lr": 1e-3, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
     torch.optim.SGD, dict(lr=1e-3, momentum=0.9, dampening=0.1, weight_decay=0.01), None),
    ({"optimizer": "sgd", "lr": 1e-3, "momentum": 0.8, "nesterov": True,
      "schedule": {"kind": "step", "step_size": 50, "gamma": 0.5}},
     torch.optim.SGD, dict(lr=1e-3, momentum=0.8, nesterov=True), lambda o: S.StepLR(o, 50, 0.5)),
    ({"optimizer": "adagrad", "lr": 0.5, "lr_decay": 0.01, "weight_decay": 0.001,
      "initial_accumulator_value": 0.1, "eps": 1e-8},
     torch.optim.Adagrad, dict(lr=0.5, lr_decay=0.01, weight_decay=0.001, initial_accumulator_value=0.1, eps=1e-8), None),
    ({"optimizer": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01,
      "momentum": 0.5, "centered": True},
     torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5, centered=True), None),
    ({"optimizer": "rmsprop", "lr": 0.005, "schedule": {"kind": "exponential", "gamma": 0.99}},
     torch.optim.RMSprop, dict(lr=0.005), lambda o: S.ExponentialLR(o, 0.99)),
    ({"optimizer": "adadelta", "lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01},
     torch.optim.Adadelta, dict(lr=0.5, rho=0.95, eps=1e-5, weight_decay=0.01), None),
    ({"optimizer": "adam", "lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-7, "weight_decay": 0.01, "amsgrad": True},
     torch.optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-7, weight_decay=0.01, amsgrad=True), None),
    ({"optimizer": "adam", "lr": 0.05, "schedule": {"kind": "cosine", "t_max": 100, "eta_min": 0.001}},
     torch.optim.Adam, dict(lr=0.05), lambda o: S.CosineAnnealingLR(o, 100, 0.001)),
    ({"optimizer": "adamw", "lr": 0.05, "weight_decay": 0.1, "schedule": {"kind": "warmup", "warmup_steps": 20, "start_factor": 0.1}},
     torch.optim.AdamW, dict(lr=0.05, weight_decay=0.1), lambda o: S.LinearLR(o, 0.1, 1.0, 20)),
    ({"optimizer": "adamax", "lr": 0.05, "betas": [0.85, 0.995], "weight_decay": 0.01},
     torch.optim.Adamax, dict(lr=0.05, betas=(0.85, 0.995), weight_decay=0.01), None),
    ({"optimizer": "nadam", "lr": 0.03, "momentum_decay": 0.01, "weight_decay": 0.01,
      "schedule": {"kind": "inverse-time", "decay": 0.05}},
     torch.optim.NAdam, dict(lr=0.03, momentum_decay=0.01, weight_decay=0.01), lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.05 * t))),
    ({"optimizer": "radam", "lr": 0.05, "betas": [0.9, 0.98], "weight_decay": 0.01,
      "schedule": {"kind": "robbins-monro", "power": 0.6}},
     torch.optim.RAdam, dict(lr=0.05, betas=(0.9, 0.98), weight_decay=0.01), lambda o: S.LambdaLR(o, lambda t: 1.0 / (t + 1.0) ** 0.6)),
    ({"optimizer": "sgd", "lr": 2e-3, "momentum": 0.5,
      "schedule": {"kind": "linear", "final_lr": 2e-4, "tau": 100}},
     torch.optim.SGD, dict(lr=2e-3, momentum=0.5), lambda o: S.LambdaLR(o, lambda t: ((1 - min(t / 100, 1)) * 2e-3 + min(t / 100, 1) * 2e-4) / 2e-3)),
]


def trajectory(case, problem):
    _, cls, kwargs, scheduler = case
    _, grad, start = PROBLEMS[problem]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = cls([p], **kwargs)
    sched = scheduler(opt) if scheduler else None
    points = [list(start)]
    for _ in range(STEPS):
        x, y = p.detach().tolist()
        p.grad = torch.tensor(grad(x, y), dtype=torch.float64)
        opt.step()
        if sched:
            sched.step()
        point = p.detach().tolist()
        if not all(math.isfinite(v) and abs(v) < 1e6 for v in point):
            break
        points.append(point)
    return points


def scipy_counts():
    x0 = np.array([-1.2, 1.0])
    counts = {}
    for ours, method, options in [
        ("bfgs", "BFGS", {"gtol": 1e-8}),
        ("lbfgs", "L-BFGS-B", {"gtol": 1e-8, "ftol": 0.0, "maxcor": 10}),
        ("nonlinear-cg", "CG", {"gtol": 1e-8}),
    ]:
        res = scipy.optimize.minimize(scipy.optimize.rosen, x0, jac=scipy.optimize.rosen_der, method=method, options=options)
        counts[ours] = {"method": method, "iterations": int(res.nit), "evaluations": int(res.nfev),
                        "grad_norm": float(np.linalg.norm(res.jac)), "success": bool(res.success)}
    return counts


def main():
    cases = []
    for case in CASES:
        for problem in PROBLEMS:
            cases.append({"problem": PROBLEMS[problem][0], "start": PROBLEMS[problem][2],
                          "run": case[0], "points": trajectory(case, problem)})
    json.dump({
        "generator": f"torch {torch.__version__}, scipy {scipy.__version__}, numpy {np.__version__}",
        "steps": STEPS,
        "torch": cases,
        "scipy_rosenbrock": scipy_counts(),
    }, sys.stdout, indent=None)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
