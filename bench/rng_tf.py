"""Cost of dlx's portable dropout (Threefry-2x32 ``random_bits``) vs TensorFlow's native
stateless dropout (Philox), in a compiled MLP training step on the ``tf`` backend.

    python bench/rng_tf.py [--steps N] [--no-jit]

Model: 784-256-256-10 MLP, batch 128, dropout 0.5 after each hidden layer, softmax
cross-entropy, plain SGD. The step is written with ``dlx.ops`` and differentiated with the
backend's ``value_and_grad``; it is compiled with the backend's ``compile`` (``tf.function``,
XLA with ``jit=True``). Only the dropout differs between the two variants. Prints ms/step and the
ratio portable / native (goal: <= 1.1).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time

import numpy as np

import dlx
from dlx import ops

SIZES = (784, 256, 256, 10)
BATCH = 128
RATE = 0.5


def init_params(rng: np.random.Generator) -> dict:
    """Glorot-uniform weights and zero biases, as NumPy arrays."""
    params = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(SIZES)):
        lim = np.sqrt(6.0 / (n_in + n_out))
        params[f"w{i}"] = rng.uniform(-lim, lim, (n_in, n_out)).astype(np.float32)
        params[f"b{i}"] = np.zeros((n_out,), np.float32)
    return params


def make_step(backend, dropout, jit: bool):
    """A compiled SGD step ``(params, x, y, seeds) -> (params, loss)`` using ``dropout(h, seed)``."""

    def loss_fn(params, x, y, seeds):
        h = x
        for i in range(len(SIZES) - 1):
            h = ops.add(ops.matmul(h, params[f"w{i}"]), params[f"b{i}"])
            if i < len(SIZES) - 2:
                h = dropout(ops.relu(h), seeds[i])
        return ops.mean(ops.sparse_categorical_crossentropy(y, h, from_logits=True))

    grad_fn = backend.value_and_grad(loss_fn)

    def step(params, x, y, seeds):
        loss, grads = grad_fn(params, x, y, seeds)
        new = {k: ops.subtract(v, ops.multiply(grads[k], 0.01)) for k, v in params.items()}
        return new, loss

    return backend.compile(step, jit=jit)


def run(backend, dropout, jit: bool, steps: int, warmup: int = 5) -> float:
    """Median ms/step over ``steps`` steps (after ``warmup``), in 5 timed chunks."""
    rng = np.random.default_rng(0)
    params = {k: backend.convert_to_tensor(v) for k, v in init_params(rng).items()}
    x = backend.convert_to_tensor(rng.standard_normal((BATCH, SIZES[0])).astype(np.float32))
    y = backend.convert_to_tensor(rng.integers(0, SIZES[-1], (BATCH,)).astype(np.int32))
    step = make_step(backend, dropout, jit)
    n_layers = len(SIZES) - 2
    seeds = [backend.convert_to_tensor(np.array([[s, layer] for layer in range(n_layers)], np.uint32))
             for s in range(steps + warmup)]
    for s in range(warmup):
        params, loss = step(params, x, y, seeds[s])
    backend.to_numpy(loss)
    chunk = max(steps // 5, 1)
    times = []
    k = warmup
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(chunk):
            params, loss = step(params, x, y, seeds[min(k, len(seeds) - 1)])
            k += 1
        backend.to_numpy(loss)
        times.append((time.perf_counter() - t0) / chunk * 1e3)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--no-jit", action="store_true", help="tf.function without XLA")
    a = p.parse_args(argv)
    backend = dlx.backend.get("tf")
    import tensorflow as tf

    def portable(h, seed):
        return ops.random_dropout(seed, h, RATE)

    def native(h, seed):
        return tf.nn.experimental.stateless_dropout(h, rate=RATE, seed=tf.bitcast(seed, tf.int32))

    jit = not a.no_jit
    with dlx.backend.use(backend):
        # interleave the variants so that load from other processes hits both alike
        t_native, t_portable = [], []
        for _ in range(3):
            t_native.append(run(backend, native, jit, a.steps))
            t_portable.append(run(backend, portable, jit, a.steps))
    tn, tp = min(t_native), min(t_portable)
    mode = "tf.function(jit_compile=True)" if jit else "tf.function"
    print(f"MLP 784-256-256-10, batch {BATCH}, dropout {RATE} x2, {mode}, TF {tf.__version__}")
    print(f"native TF stateless_dropout (Philox):      {tn:8.3f} ms/step")
    print(f"dlx random_dropout (Threefry-2x32 bits):   {tp:8.3f} ms/step")
    print(f"ratio portable / native:                   {tp / tn:8.3f}x  (goal <= 1.1x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
