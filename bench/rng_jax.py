"""Cost of dlx's portable dropout on the jax backend, against JAX's native RNG dropout.

    python bench/rng_jax.py [--steps N] [--json OUT]

One SGD training step of an MLP 784-256-256-10 (batch 128, dropout 0.5 after each hidden layer),
written with ``dlx.ops`` and the backend's ``value_and_grad``, compiled with the backend's
``compile`` (``jax.jit``, parameters donated). Two variants differ only in the dropout:

* ``dlx``: ``dlx.ops.random_dropout`` (the portable Threefry-2x32 counter-mode bits, the same on
  every backend);
* ``native``: ``jax.random.bernoulli`` on a typed Threefry key, the framework's own dropout.

Prints the median ms/step of each and the ratio dlx / native (goal: <= 1.1).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time

import numpy as np

RATE = 0.5
SIZES = (784, 256, 256, 10)
BATCH = 128


def _init(backend, rng):
    params = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(SIZES)):
        w = rng.standard_normal((n_in, n_out)).astype(np.float32) * np.float32(np.sqrt(2.0 / n_in))
        params[f"w{i}"] = backend.convert_to_tensor(w)
        params[f"b{i}"] = backend.convert_to_tensor(np.zeros((n_out,), np.float32))
    return params


def make_step(backend, dropout):
    """A compiled SGD step ``(params, x, y, seed) -> (params, loss)`` with the given dropout."""
    from dlx import ops

    def loss_fn(params, x, y, seed):
        h = x
        for i in range(len(SIZES) - 1):
            h = ops.add(ops.matmul(h, params[f"w{i}"]), params[f"b{i}"])
            if i < len(SIZES) - 2:
                h = dropout(seed, i, ops.relu(h))
        return ops.mean(ops.sparse_categorical_crossentropy(y, h, from_logits=True))

    grad_fn = backend.value_and_grad(loss_fn)

    def step(params, x, y, seed):
        loss, grads = grad_fn(params, x, y, seed)
        new = {k: ops.subtract(v, ops.multiply(grads[k], 0.01)) for k, v in params.items()}
        return new, loss

    return backend.compile(step, donate_argnums=(0,))


def dlx_dropout(seed, layer, h):
    from dlx import ops

    layer_seed = ops.bitwise_xor(seed, np.array([0, layer + 1], np.uint32))
    return ops.random_dropout(layer_seed, h, RATE)


def native_dropout(seed, layer, h):
    import jax
    import jax.numpy as jnp

    key = jax.random.fold_in(jax.random.wrap_key_data(seed, impl="threefry2x32"), layer + 1)
    keep = jax.random.bernoulli(key, 1.0 - RATE, h.shape)
    return jnp.where(keep, h / (1.0 - RATE), jnp.zeros((), h.dtype))


def run(variant, steps, warmup=20):
    import dlx

    backend = dlx.backend.get("jax")
    rng = np.random.default_rng(0)
    with dlx.backend.use(backend):
        step = make_step(backend, dlx_dropout if variant == "dlx" else native_dropout)
        params = _init(backend, rng)
        x = backend.convert_to_tensor(rng.standard_normal((BATCH, SIZES[0])).astype(np.float32))
        y = backend.convert_to_tensor(rng.integers(0, SIZES[-1], (BATCH,)).astype(np.int32))
        seeds = [backend.convert_to_tensor(np.array([0, s], np.uint32)) for s in range(steps + warmup)]
        times = []
        loss = None
        for s in range(steps + warmup):
            t0 = time.perf_counter()
            params, loss = step(params, x, y, seeds[s])
            loss.block_until_ready()
            if s >= warmup:
                times.append(time.perf_counter() - t0)
        return statistics.median(times) * 1e3, float(loss), step.trace_count


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--json")
    a = p.parse_args(argv)
    import dlx

    backend = dlx.backend.get("jax")
    results = {}
    for variant in ("native", "dlx", "native", "dlx"):  # interleaved; the best of two runs each
        ms, loss, traces = run(variant, a.steps)
        best = results.get(variant)
        if best is None or ms < best["ms_per_step"]:
            results[variant] = {"ms_per_step": ms, "final_loss": loss, "traces": traces}
    ratio = results["dlx"]["ms_per_step"] / results["native"]["ms_per_step"]
    print(f"jax {backend.framework_version()} on {backend.device()}: MLP {'-'.join(map(str, SIZES))}, "
          f"batch {BATCH}, dropout {RATE}, {a.steps} steps (median)")
    for variant in ("native", "dlx"):
        r = results[variant]
        print(f"  {variant:<7} dropout: {r['ms_per_step']:.3f} ms/step  "
              f"(traces {r['traces']}, loss {r['final_loss']:.4f})")
    print(f"  ratio dlx / native: {ratio:.3f}  (goal <= 1.1)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"framework_version": backend.framework_version(), "device": backend.device(),
                       "results": results, "ratio": ratio}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
