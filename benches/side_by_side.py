"""Descent against JAX on the same classifier jobs, in one run, one thread.

For each job in benches/jobs/*.json (the peaks classifier: 800 training
points, 2 -> width -> 5 ReLU MLP, mean softmax cross-entropy), it times
`descent train` (the whole training loop, from its own log's wall time, in
float64 and with "precision": "f32") and
the same model and optimizer in JAX (jit + lax.scan over the steps, float64
and float32, compile excluded), all pinned to one core, and prints the time
per step and the ratios. A benchmark, not a test: `make bench-jax`.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOBS = ["w32-adam-full", "w8192-adam-full", "w8192-sgd-b100"]
ONE_THREAD = {
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "OMP_NUM_THREADS": "1",
}


def pinned(command, env=None):
    """Runs `command` on core 0, returning its standard output."""
    full_env = dict(os.environ, **ONE_THREAD, **(env or {}))
    return subprocess.run(["taskset", "-c", "0", *command], check=True,
                          capture_output=True, text=True, env=full_env).stdout


def descent_step_us(job, precision):
    """Times `descent train` on the job with `"model": {"precision": …}`."""
    spec = json.load(open(os.path.join(ROOT, "benches/jobs", job + ".json")))
    spec.setdefault("model", {})["precision"] = precision
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(spec, file)
    try:
        out = pinned([os.path.join(ROOT, "target/release/descent"), "train", file.name])
    finally:
        os.unlink(file.name)
    history = json.loads(out)["history"]
    return 1e3 * history["wall_ms"][-1] / history["iteration"][-1]


def jax_step_us(job, dtype):
    out = pinned([sys.executable, __file__, "--jax", job, dtype])
    return float(out.strip().splitlines()[-1])


def peaks(x, y):
    import numpy as np
    return (3 * (1 - x) ** 2 * np.exp(-x**2 - (y + 1) ** 2)
            - 10 * (x / 5 - x**3 - y**5) * np.exp(-x**2 - y**2)
            - np.exp(-(x + 1) ** 2 - y**2) / 3)


def run_jax(job, dtype):
    """Times one job in JAX; prints microseconds per step."""
    import jax
    if dtype == "float64":
        jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np

    spec = json.load(open(os.path.join(ROOT, "benches/jobs", job + ".json")))
    width = spec["model"]["width"]
    iterations = spec["iterations"]
    batch = spec["batch_size"]
    optimizer = spec["optimizer"]
    rng = np.random.default_rng(1)
    points = rng.uniform(-3, 3, size=(1000, 2))
    z = peaks(points[:, 0], points[:, 1])
    labels = np.searchsorted(np.quantile(z, [0.2, 0.4, 0.6, 0.8]), z)
    x = jnp.asarray(points[:800], dtype=dtype)
    y = jnp.asarray(labels[:800])
    bound1, bound2 = 1 / np.sqrt(2), 1 / np.sqrt(width)
    params = [jnp.asarray(a, dtype=dtype) for a in (
        rng.uniform(-bound1, bound1, (2, width)), rng.uniform(-bound1, bound1, width),
        rng.uniform(-bound2, bound2, (width, 5)), rng.uniform(-bound2, bound2, 5))]
    rows = np.stack([rng.permutation(800)[:batch] for _ in range(iterations)])

    def loss(p, xb, yb):
        h = jax.nn.relu(xb @ p[0] + p[1])
        logits = h @ p[2] + p[3]
        return jnp.mean(jax.nn.logsumexp(logits, axis=1)
                        - jnp.take_along_axis(logits, yb[:, None], axis=1)[:, 0])

    grad = jax.grad(loss)
    lr = optimizer["lr"]
    if optimizer["name"] == "adam":
        b1, b2, eps = 0.9, 0.999, 1e-8

        def step(state, idx):
            p, m, v, t = state
            xb, yb = (x, y) if batch >= 800 else (x[idx], y[idx])
            g = grad(p, xb, yb)
            t = t + 1
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
            p = [pi - lr * (mi / (1 - b1**t)) / (jnp.sqrt(vi / (1 - b2**t)) + eps)
                 for pi, mi, vi in zip(p, m, v)]
            return (p, m, v, t), None
        zeros = [jnp.zeros_like(a) for a in params]
        state = (params, zeros, [jnp.zeros_like(a) for a in params], jnp.asarray(0, dtype=dtype))
    else:
        def step(state, idx):
            p = state
            xb, yb = (x, y) if batch >= 800 else (x[idx], y[idx])
            g = grad(p, xb, yb)
            return [pi - lr * gi for pi, gi in zip(p, g)], None
        state = params

    @jax.jit
    def train(state, rows):
        return jax.lax.scan(step, state, rows)[0]

    jax.block_until_ready(train(state, rows))  # compile, excluded
    started = time.perf_counter()
    jax.block_until_ready(train(state, rows))
    print(1e6 * (time.perf_counter() - started) / iterations)


def main():
    print(f"{'job':<16} {'Descent f64':>12} {'Descent f32':>12} {'JAX f64':>9} {'JAX f32':>9}"
          f" {'JAX f64 / Descent f64':>22} {'JAX f32 / Descent f32':>22} {'JAX f32 / Descent f64':>22}")
    for job in JOBS:
        ours64 = descent_step_us(job, "f64")
        ours32 = descent_step_us(job, "f32")
        f64 = jax_step_us(job, "float64")
        f32 = jax_step_us(job, "float32")
        print(f"{job:<16} {ours64:>12.1f} {ours32:>12.1f} {f64:>9.1f} {f32:>9.1f}"
              f" {f64 / ours64:>22.2f} {f32 / ours32:>22.2f} {f32 / ours64:>22.2f}")
    print("µs per step; ratios above 1: Descent is faster"
          " (targets: ≥ 2 against JAX f64, > 1 against JAX f32)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--jax":
        run_jax(sys.argv[2], sys.argv[3])
    else:
        main()
