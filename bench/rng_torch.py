"""Cost of dlx's portable (Threefry-2x32) dropout in a torch training step.

    python bench/rng_torch.py [--steps N] [--threads T] [--no-compile] [--json OUT]

A 784-256-256-10 MLP, batch 128, dropout 0.5 after each hidden layer, softmax cross-entropy,
plain SGD; written with ``dlx.ops`` and the torch backend's ``value_and_grad``. Two variants that
differ only in the dropout: ``dlx.ops.random_dropout`` (bit-identical on every backend) and torch's
native ``torch.nn.functional.dropout`` (Philox/MT, torch-only). Each runs eagerly and, with
``backend.compile(step, jit=True)``, under ``torch.compile``. Prints median ms/step and the
portable / native ratio (goal <= 1.1x). ``--threads`` defaults to 1: on a shared machine torch's
OpenMP workers spin at barriers while other processes hold the cores, which makes multi-threaded
medians meaningless (2.2 ms vs 88 ms per step measured for the same plain-torch MLP step).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time

import numpy as np
import torch

import dlx
from dlx import ops

BATCH, SIZES, RATE, LR = 128, (784, 256, 256, 10), 0.5, 0.01


def init_params(rng: np.random.Generator) -> dict:
    params = {}
    for i, (a, b) in enumerate(itertools.pairwise(SIZES)):
        params[f"w{i}"] = torch.from_numpy((rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32))
        params[f"b{i}"] = torch.zeros(b)
    return params


def make_step(backend, portable: bool, jit: bool):
    """A training step ``(params, x, y, seed) -> (loss, params)``."""

    def dropout(h, seed, layer):
        if portable:
            # one (2,) seed per layer: the step seed with the layer in the second word
            return ops.random_dropout(seed + torch.tensor([0, layer], dtype=seed.dtype), h, RATE)
        return torch.nn.functional.dropout(h, RATE, training=True)

    def loss_fn(params, x, y, seed):
        h = x
        for i in range(len(SIZES) - 1):
            h = ops.add(ops.matmul(h, params[f"w{i}"]), params[f"b{i}"])
            if i < len(SIZES) - 2:
                h = dropout(ops.relu(h), seed, i)
        return ops.mean(ops.sparse_categorical_crossentropy(y, h, from_logits=True))

    grad_fn = backend.value_and_grad(loss_fn)

    def step(params, x, y, seed):
        loss, grads = grad_fn(params, x, y, seed)
        return loss, {k: p - LR * grads[k] for k, p in params.items()}

    return backend.compile(step, jit=True) if jit else step


def run(backend, portable: bool, jit: bool, steps: int, warmup: int) -> float:
    rng = np.random.default_rng(0)
    params = init_params(rng)
    x = torch.from_numpy(rng.standard_normal((BATCH, SIZES[0])).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, SIZES[-1], BATCH).astype(np.int32))
    step = make_step(backend, portable, jit)
    times = []
    with dlx.backend.use(backend):
        for i in range(warmup + steps):
            seed = torch.tensor([0, 2 * i], dtype=torch.int64)  # a fresh (2,) seed per step
            t0 = time.perf_counter()
            loss, params = step(params, x, y, seed)
            float(loss)
            if i >= warmup:
                times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    p.add_argument("--no-compile", action="store_true", help="eager only")
    p.add_argument("--json")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    backend = dlx.backend.get("torch")
    modes = [False] if a.no_compile else [False, True]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; MLP {SIZES}, batch {BATCH}, dropout {RATE}")
    print(f"{'mode':<10} {'portable ms':>12} {'native ms':>10} {'ratio':>7}")
    results = []
    for jit in modes:
        warmup = 3 if jit else 5
        portable = run(backend, True, jit, a.steps, warmup)
        native = run(backend, False, jit, a.steps, warmup)
        name = "compiled" if jit else "eager"
        results.append({"mode": name, "portable_ms": portable, "native_ms": native, "ratio": portable / native})
        print(f"{name:<10} {portable:>12.3f} {native:>10.3f} {portable / native:>6.2f}x")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
