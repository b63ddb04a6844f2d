#!/usr/bin/env python3
"""The classifier steps of `benches/classifier.rs`, in PyTorch, JAX and NumPy.

One full-batch Adam step (forward, backward, update) of the 2 -> width -> 5 ReLU
MLP on 800 points, for widths 32 and 8192: PyTorch eager, and JAX jitted (one
call per step, and steps inside `lax.scan`). One dense Gauss-Newton step at
width 32 in NumPy (Jacobians, G = J^T H J / N, solve). One thread, float64
(as Descent) and float32.

    python3 tests/reference/bench_classifier.py
"""
import os
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
N, CLASSES = 800, 5


def timeit(fn, repeat):
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def data(dtype):
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, size=(N, 2)).astype(dtype)
    y = rng.integers(0, CLASSES, size=N)
    return x, y


def torch_adam(width, dtype):
    x, y = data(np.float64 if dtype == torch.float64 else np.float32)
    x, y = torch.tensor(x), torch.tensor(y)
    model = torch.nn.Sequential(torch.nn.Linear(2, width), torch.nn.ReLU(), torch.nn.Linear(width, CLASSES)).to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return timeit(step, 200 if width < 1000 else 10)


def jax_adam(width, dtype, scan):
    x, y = data(np.float64 if dtype == jnp.float64 else np.float32)
    key = jax.random.PRNGKey(0)
    k1, k2 = jax.random.split(key)
    params = {
        "w1": jax.random.normal(k1, (2, width), dtype) * 0.1, "b1": jnp.zeros(width, dtype),
        "w2": jax.random.normal(k2, (width, CLASSES), dtype) * 0.1, "b2": jnp.zeros(CLASSES, dtype),
    }
    onehot = jax.nn.one_hot(y, CLASSES, dtype=dtype)

    def loss(p):
        h = jax.nn.relu(x @ p["w1"] + p["b1"])
        return -jnp.mean(jnp.sum(onehot * jax.nn.log_softmax(h @ p["w2"] + p["b2"]), axis=1))

    def adam(state, _):
        p, m, v, t = state
        g = jax.grad(loss)(p)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
        p = jax.tree_util.tree_map(
            lambda p, m, v: p - 1e-3 * (m / (1 - 0.9 ** t)) / (jnp.sqrt(v / (1 - 0.999 ** t)) + 1e-8), p, m, v)
        return (p, m, v, t), None

    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = (params, zeros, zeros, jnp.array(0, dtype))
    steps = 100 if width < 1000 else 5
    if scan:
        run = jax.jit(lambda s: jax.lax.scan(adam, s, None, length=steps)[0])
        jax.block_until_ready(run(state))
        return timeit(lambda: jax.block_until_ready(run(state)), 5) / steps
    one = jax.jit(lambda s: adam(s, None)[0])
    jax.block_until_ready(one(state))
    return timeit(lambda: jax.block_until_ready(one(state)), steps)


def numpy_gauss_newton(dtype):
    x, y = data(dtype)
    rng = np.random.default_rng(1)
    w1, b1 = rng.normal(size=(2, 32)).astype(dtype), np.zeros(32, dtype)
    w2, b2 = rng.normal(size=(32, CLASSES)).astype(dtype) * 0.2, np.zeros(CLASSES, dtype)
    p = 2 * 32 + 32 + 32 * CLASSES + CLASSES

    def step():
        z1 = x @ w1 + b1
        h = np.maximum(z1, 0)
        logits = h @ w2 + b2
        prob = np.exp(logits - logits.max(1, keepdims=True))
        prob /= prob.sum(1, keepdims=True)
        mask = (z1 > 0).astype(dtype)
        # Per-sample Jacobians of the logits, N x 5 x p.
        jac = np.zeros((N, CLASSES, p), dtype)
        for c in range(CLASSES):
            back = mask * w2[:, c]
            jac[:, c, 0:64] = (x[:, :, None] * back[:, None, :]).reshape(N, 64)
            jac[:, c, 64:96] = back
            jac[:, c, 96 + c:256:CLASSES] = h
            jac[:, c, 256 + c] = 1
        hess = np.einsum("nc,cd->ncd", prob, np.eye(CLASSES, dtype=dtype)) - prob[:, :, None] * prob[:, None, :]
        g_matrix = np.einsum("ncp,ncd,ndq->pq", jac, hess, jac, optimize=True) / N
        grad = np.einsum("ncp,nc->p", jac, prob - np.eye(CLASSES, dtype=dtype)[y]) / N
        return np.linalg.solve(g_matrix + 1e-3 * np.eye(p, dtype=dtype), -grad)

    return timeit(step, 20)


def main():
    print(f"torch {torch.__version__}, jax {jax.__version__}, numpy {np.__version__}; one thread")
    for width in (32, 8192):
        print(f"Adam step, width {width}, {N} points:")
        print(f"  PyTorch eager float64   {torch_adam(width, torch.float64) * 1e6:10.1f} us")
        print(f"  PyTorch eager float32   {torch_adam(width, torch.float32) * 1e6:10.1f} us")
        jax.config.update("jax_enable_x64", True)
        print(f"  JAX jit float64 (call)  {jax_adam(width, jnp.float64, False) * 1e6:10.1f} us")
        print(f"  JAX jit float64 (scan)  {jax_adam(width, jnp.float64, True) * 1e6:10.1f} us")
        jax.config.update("jax_enable_x64", False)
        print(f"  JAX jit float32 (call)  {jax_adam(width, jnp.float32, False) * 1e6:10.1f} us")
        print(f"  JAX jit float32 (scan)  {jax_adam(width, jnp.float32, True) * 1e6:10.1f} us")
    print("Gauss-Newton step, width 32, dense:")
    print(f"  NumPy float64           {numpy_gauss_newton(np.float64) * 1e3:10.2f} ms")
    print(f"  NumPy float32           {numpy_gauss_newton(np.float32) * 1e3:10.2f} ms")


if __name__ == "__main__":
    main()
