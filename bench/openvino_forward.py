"""Forward-pass speed of the OpenVINO backend: an MLP (784-256-256-10, batch 128) and a small CNN
(28x28x1 -> conv 32 3x3 relu -> maxpool 2 -> conv 64 3x3 relu -> maxpool 2 -> flatten ->
dense 10, batch 128), both written with ``dlx.ops``, timed

(a) traced and compiled into one OpenVINO model by the backend's ``compile``;
(b) eagerly on the OpenVINO backend (one cached tiny model per op call);
(c) on the JAX backend's ``compile`` (``jax.jit``).

    python bench/openvino_forward.py [--repeat N] [--accuracy]

``--accuracy`` also prints the max relative error (vs float64) of matmul 512 and of the CNN in
the default (float32, ACCURACY) and the opt-in performance mode.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

import dlx
from dlx import ops


def mlp_params(rng):
    def dense(i, o):
        return (rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(np.float32), np.zeros(o, np.float32)
    return [dense(784, 256), dense(256, 256), dense(256, 10)]


def mlp(params, x):
    (w1, b1), (w2, b2), (w3, b3) = params
    h = ops.relu(ops.matmul(x, w1) + b1)
    h = ops.relu(ops.matmul(h, w2) + b2)
    return ops.matmul(h, w3) + b3


def cnn_params(rng):
    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    return {"k1": he((3, 3, 1, 32), 9), "c1": np.zeros(32, np.float32),
            "k2": he((3, 3, 32, 64), 9 * 32), "c2": np.zeros(64, np.float32),
            "w": he((1600, 10), 1600), "b": np.zeros(10, np.float32)}


def cnn(p, x):
    h = ops.relu(ops.conv(x, p["k1"], data_format="channels_last") + p["c1"])
    h = ops.max_pool(h, 2, data_format="channels_last")
    h = ops.relu(ops.conv(h, p["k2"], data_format="channels_last") + p["c2"])
    h = ops.max_pool(h, 2, data_format="channels_last")
    h = ops.reshape(h, (ops.shape(h)[0], -1))
    return ops.matmul(h, p["w"]) + p["b"]


def timeit(fn, *args, repeat=20):
    np.asarray(fn(*args))  # warm-up (traces / compiles)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        np.asarray(fn(*args))
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def jax_runner(model, params):
    """The model on the JAX backend's compile (jax.jit); returns (fn, args, label)."""
    try:
        backend = dlx.backend.get("jax")
    except Exception as e:  # pragma: no cover - depends on what is installed
        return None, None, f"jax backend unavailable: {e}"
    import jax

    dev_params = jax.tree_util.tree_map(lambda a: backend.convert_to_tensor(a), params)

    def f(p, x):
        with dlx.backend.use(backend):
            return model(p, x)

    jitted = backend.compile(f)

    def run(p, x):
        out = jitted(p, x)
        return jax.block_until_ready(out)
    return run, dev_params, "jax backend compile (jax.jit)"


def accuracy_report():
    import dlx_openvino

    backend = dlx.backend.get("openvino")
    rng = np.random.default_rng(1)
    a = rng.standard_normal((512, 512)).astype(np.float32)
    b = rng.standard_normal((512, 512)).astype(np.float32)
    p = cnn_params(rng)
    x = rng.standard_normal((16, 28, 28, 1)).astype(np.float32)
    with dlx.backend.use("numpy"):
        p64 = {k: v.astype(np.float64) for k, v in p.items()}
        ref_cnn = cnn(p64, x.astype(np.float64))
    ref_mm = a.astype(np.float64) @ b.astype(np.float64)
    mm = backend.compile(lambda u, v: ops.matmul(u, v))
    net = backend.compile(cnn)
    rows = []
    for mode in (False, True):
        dlx_openvino.set_performance_mode(mode)
        e_mm = np.max(np.abs(mm(a, b) - ref_mm)) / np.max(np.abs(ref_mm))
        e_cnn = np.max(np.abs(net(p, x) - ref_cnn)) / np.max(np.abs(ref_cnn))
        rows.append((("performance" if mode else "default (f32, ACCURACY)"), e_mm, e_cnn))
    dlx_openvino.set_performance_mode(False)
    print("\nmax |out - exact| / max |exact| vs float64:")
    print(f"{'mode':<26} {'matmul 512':>12} {'cnn':>12}")
    for name, e1, e2 in rows:
        print(f"{name:<26} {e1:>12.3g} {e2:>12.3g}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--accuracy", action="store_true")
    args = ap.parse_args(argv)
    backend = dlx.backend.get("openvino")
    rng = np.random.default_rng(0)
    models = {"mlp": (mlp, mlp_params(rng), rng.standard_normal((128, 784)).astype(np.float32)),
              "cnn": (cnn, cnn_params(rng), rng.standard_normal((128, 28, 28, 1)).astype(np.float32))}
    print(f"openvino {backend.framework_version()}, batch 128, median of {args.repeat} (ms/batch)")
    print(f"{'model':<6} {'ov compile':>11} {'ov eager':>10} {'jax jit':>10} {'eager/compiled':>15} {'ov/jax':>8}")
    for name, (model, params, x) in models.items():
        compiled = backend.compile(model)
        t_c = timeit(compiled, params, x, repeat=args.repeat)

        def eager(p, xx, model=model):
            with dlx.backend.use(backend):
                return model(p, xx)
        t_e = timeit(eager, params, x, repeat=args.repeat)
        run, jparams, label = jax_runner(model, params)
        t_j = timeit(run, jparams, x, repeat=args.repeat) if run is not None else float("nan")
        print(f"{name:<6} {t_c:>11.3f} {t_e:>10.3f} {t_j:>10.3f} {t_e / t_c:>14.1f}x {t_c / t_j:>7.2f}x")
        if run is None:
            print(f"  ({label})")
    if args.accuracy:
        accuracy_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
