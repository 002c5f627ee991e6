"""Dispatch overhead of a dlx op call above the backend's kernel and above the framework's own
call, for small inputs (where overhead dominates).

    python bench/dispatch.py [BACKEND ...] [--json OUT]

For each backend: median ns/call of (a) the framework's own function, (b) the backend's kernel
from its op table, (c) ``dlx.ops.add`` / ``dlx.ops.exp`` / ``dlx.ops.sum``; overhead = c - b and
c - a. Goal (ARCHITECTURE.md §3): under 1 µs above the framework's own call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import timeit

import numpy as np


def native_calls(name):
    """The framework's own call for each measured op, on the backend's tensors."""
    if name == "numpy":
        return {"add": np.add, "exp": np.exp, "sum": np.sum}
    if name == "jax":
        import jax.numpy as jnp

        return {"add": jnp.add, "exp": jnp.exp, "sum": jnp.sum}
    if name == "torch":
        import torch

        return {"add": torch.add, "exp": torch.exp, "sum": torch.sum}
    if name == "tf":
        import tensorflow as tf

        return {"add": tf.add, "exp": tf.exp, "sum": tf.reduce_sum}
    return {}


def measure(fn, args, number=2000, repeat=7):
    fn(*args)
    times = timeit.repeat(lambda: fn(*args), number=number, repeat=repeat)
    return statistics.median(times) / number * 1e9


def bench(name):
    import dlx
    from dlx import ops

    backend = dlx.backend.get(name)
    x = backend.convert_to_tensor(np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32))
    y = backend.convert_to_tensor(np.ones((8, 8), np.float32))
    rows = {}
    natives = native_calls(name)
    with dlx.backend.use(backend):
        for op_name, args in {"add": (x, y), "exp": (x,), "sum": (x,)}.items():
            kernel = backend.op_table[op_name]
            public = getattr(ops, op_name)
            row = {"kernel_ns": measure(kernel, args), "dlx_ns": measure(public, args)}
            if op_name in natives:
                row["framework_ns"] = measure(natives[op_name], args)
                row["overhead_vs_framework_ns"] = row["dlx_ns"] - row["framework_ns"]
            row["overhead_vs_kernel_ns"] = row["dlx_ns"] - row["kernel_ns"]
            rows[op_name] = row
    return {"backend": name, "framework_version": backend.framework_version(), "ops": rows}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("backends", nargs="*", default=["numpy"])
    p.add_argument("--json")
    a = p.parse_args(argv)
    results = [bench(b) for b in a.backends]
    print(f"{'backend':<8} {'op':<5} {'framework':>10} {'kernel':>10} {'dlx.ops':>10} {'over kernel':>12} "
          f"{'over fw':>10}  (ns/call)")
    for r in results:
        for op_name, row in r["ops"].items():
            fw = row.get("framework_ns", float("nan"))
            print(f"{r['backend']:<8} {op_name:<5} {fw:>10.0f} {row['kernel_ns']:>10.0f} {row['dlx_ns']:>10.0f} "
                  f"{row['overhead_vs_kernel_ns']:>12.0f} {row.get('overhead_vs_framework_ns', float('nan')):>10.0f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
