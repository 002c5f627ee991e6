"""Portable (Threefry) dropout vs OpenVINO's native RNG dropout in a small MLP training step.

MLP 784-256-256-10, batch 128, dropout 0.5 after each hidden layer, softmax cross-entropy,
written with ``dlx.ops``. OpenVINO is an inference runtime: the backend's ``value_and_grad``
raises (no automatic differentiation), so the step measured here is the *forward + loss* half of
the training step, traced and compiled into one OpenVINO model by the backend's ``compile``:

* portable: ``dlx.ops.random_dropout`` -- Threefry-2x32 bits computed in the graph with uint32
  ops, bit-identical to every other dlx backend; the seed is a model input;
* native: OpenVINO's ``RandomUniform`` node (its own Philox generator, seeds fixed at build time).

    python bench/rng_openvino.py [--steps N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

import dlx
from dlx import ops

RATE = 0.5


def init(rng):
    def dense(i, o):
        return (rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(np.float32), np.zeros(o, np.float32)
    return [dense(784, 256), dense(256, 256), dense(256, 10)]


def portable_dropout(x, seed, k):
    return ops.random_dropout(seed + np.uint32(k), x, RATE)


def native_dropout(x, seed, k):
    import openvino.opset16 as O

    from dlx_openvino.backend import OVTensor

    shape = O.constant(np.asarray(x.shape, np.int64))
    u = O.random_uniform(shape, O.constant(np.float32(0.0)), O.constant(np.float32(1.0)), "f32", 1234, 7 + k)
    keep = OVTensor(u.output(0)) < (1.0 - RATE)
    return ops.where(keep, x / (1.0 - RATE), ops.zeros_like(x))


def make_loss(dropout):
    def loss(params, x, y, seed):
        (w1, b1), (w2, b2), (w3, b3) = params
        h = dropout(ops.relu(ops.matmul(x, w1) + b1), seed, 0)
        h = dropout(ops.relu(ops.matmul(h, w2) + b2), seed, 1)
        logits = ops.matmul(h, w3) + b3
        return ops.mean(ops.sparse_categorical_crossentropy(y, logits, from_logits=True))
    return loss


def bench(fn, args_for_step, steps):
    np.asarray(fn(*args_for_step(0)))  # trace + compile
    times = []
    for i in range(steps):
        a = args_for_step(i + 1)
        t0 = time.perf_counter()
        np.asarray(fn(*a))
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50)
    a = ap.parse_args(argv)
    backend = dlx.backend.get("openvino")
    rng = np.random.default_rng(0)
    params = init(rng)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    y = rng.integers(0, 10, 128).astype(np.int32)
    try:
        backend.value_and_grad(make_loss(portable_dropout))(params, x, y, np.zeros(2, np.uint32))
        grad_note = "value_and_grad available"
    except Exception as e:
        grad_note = f"value_and_grad: {e}"
    portable = backend.compile(make_loss(portable_dropout))
    native = backend.compile(make_loss(native_dropout))

    def args(i):
        return params, x, y, np.array([0, i], np.uint32)

    t_p = bench(portable, args, a.steps)
    t_n = bench(native, args, a.steps)
    print(f"openvino {backend.framework_version()}: MLP 784-256-256-10, batch 128, dropout {RATE} x2, "
          f"forward + loss compiled into one model, median of {a.steps} steps")
    print(f"  ({grad_note.split(';')[0]})")
    print(f"  portable dropout (dlx Threefry):   {t_p:8.3f} ms/step")
    print(f"  native dropout (OV RandomUniform): {t_n:8.3f} ms/step")
    print(f"  ratio portable / native:           {t_p / t_n:8.2f}x  (goal <= 1.1x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
