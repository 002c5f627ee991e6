"""The distribution tier: the same training step on a 1-device and an N-device mesh agree.

For a backend that declares ``capabilities.distribution``: one SGD step of a small MLP
(12-16(relu)-4, mean squared error, 32 rows, float32, initial weights and batch drawn by NumPy)
runs under each distribution the engine supports — :class:`~dlx.distribution.DataParallel`, and
:class:`~dlx.distribution.ModelParallel` on a ``(N/2, 2)`` ``("batch", "model")`` mesh whose
layouts split both Dense kernels and the hidden bias — once on a 1-device mesh in the suite's
process and once on N devices, started by the engine's ``launch`` hook
(:mod:`dlx.distribution.launch`: jax host devices, torch processes, tf logical devices).

The two updated weights must agree within the reduction class Kr of PARITY.md over the batch's
rows: ``|w_N - w_1| <= (2*ceil(log2 n) + 8) * u * S`` with ``S = lr * G + |w_1|``, where ``G`` is
the step's gradient computed in float64 on the magnitudes (``|x|``, ``|W|``, the absolute
pre-activations) — the sum of the absolute values of every term that the gradient's sums add,
the forward pass's included — and ``|w_1|`` covers the rounding of the update itself. The
metric is ``kappa = max |w_N - w_1| / (u * S)``. Every process's weights must also be equal
(replicas that drift apart fail), and both results must be within the same bound of the step
computed in float64 by NumPy (an oracle independent of dlx).

A distribution the engine refuses (its ``validate`` raises
:class:`~dlx.distribution.DistributionUnsupportedError` on a 1-device mesh) is reported as
skipped with the engine's message; so is the whole tier on a backend without the capability.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

KINDS = ("DataParallel", "ModelParallel")
ROWS, FEATURES, HIDDEN, OUTPUTS, LR = 32, 12, 16, 4, 0.1
_U = float(np.finfo(np.float32).eps) / 2
BOUND = 2 * math.ceil(math.log2(ROWS)) + 8  # Kr over the batch's rows
TOLERANCE = f"Kr(n={ROWS})"


@dataclasses.dataclass
class TierResult:
    ok: bool
    metric: float
    tolerance: str
    detail: str
    devices: int
    processes: int


def problem(seed: int = 0) -> dict:
    """The batch and the initial weights (JSON lists, so the launched processes get them as is)."""
    rng = np.random.default_rng(seed)

    def f32(a):
        return np.asarray(a, np.float32).tolist()

    return {"x": f32(rng.normal(size=(ROWS, FEATURES))), "y": f32(rng.normal(size=(ROWS, OUTPUTS))),
            "weights": [f32(rng.normal(size=(FEATURES, HIDDEN)) / np.sqrt(FEATURES)),
                        f32(rng.normal(size=HIDDEN) * 0.1),
                        f32(rng.normal(size=(HIDDEN, OUTPUTS)) / np.sqrt(HIDDEN)),
                        f32(rng.normal(size=OUTPUTS) * 0.1)]}


def _distribution(kind: str, devices: list):
    from dlx import distribution as D

    if kind == "DataParallel":
        return D.DataParallel(devices=devices)
    model_axis = 2 if len(devices) % 2 == 0 else 1
    mesh = D.DeviceMesh((len(devices) // model_axis, model_axis), ["batch", "model"], devices)
    layout_map = D.LayoutMap(mesh)
    layout_map[".*hidden/kernel"] = (None, "model")
    layout_map[".*hidden/bias"] = ("model",)
    layout_map[".*out/kernel"] = ("model", None)
    return D.ModelParallel(layout_map=layout_map, batch_dim_name="batch")


def step(kinds, num_devices, x, y, weights, device_type=None) -> dict:
    """In every process of the job: one SGD step of the MLP on the whole batch under each
    distribution of ``kinds`` over the job's first ``num_devices`` devices; returns the updated
    weights per kind."""
    import dlx
    from dlx import distribution as D
    from dlx import layers as L

    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    devices = D.list_devices(device_type)[:num_devices]
    out = {}
    for kind in kinds:
        model = dlx.Sequential([L.Input((FEATURES,)), L.Dense(HIDDEN, activation="relu", name="hidden"),
                                L.Dense(OUTPUTS, name="out")])
        model.compile(dlx.optimizers.SGD(LR), "mean_squared_error")
        model.set_weights([np.asarray(w, np.float32) for w in weights])
        with _distribution(kind, devices).scope():
            model.fit(x, y, batch_size=ROWS, epochs=1, shuffle=False, verbose=0)
        out[kind] = [np.asarray(w.numpy(), np.float64).tolist() for w in model.weights]
    return out


def unsupported(backend, kind: str) -> str | None:
    """The engine's reason for refusing ``kind`` (checked on a 1-device mesh), or ``None``."""
    from dlx.backend import registry
    from dlx.distribution import DistributionUnsupportedError
    from dlx.distribution.engine import engine_for

    eng = engine_for(backend)
    with registry.use(backend):
        try:
            eng.validate(_distribution(kind, eng.list_devices(None)[:1]))
        except DistributionUnsupportedError as e:
            return str(e)
    return None


def _float64_step(p):
    """The exact step and the magnitudes ``G`` of its gradient's terms, in float64."""
    x, y = np.asarray(p["x"], np.float64), np.asarray(p["y"], np.float64)
    w1, b1, w2, b2 = (np.asarray(w, np.float64) for w in p["weights"])
    z = x @ w1 + b1
    a = np.maximum(z, 0)
    d_out = 2 * (a @ w2 + b2 - y) / y.size
    d_z = (d_out @ w2.T) * (z > 0)
    grads = [x.T @ d_z, d_z.sum(0), a.T @ d_out, d_out.sum(0)]
    exact = [w - LR * g for w, g in zip((w1, b1, w2, b2), grads)]
    # the same gradient on magnitudes: every term any of its sums adds, bounded in absolute value
    za = np.abs(x) @ np.abs(w1) + np.abs(b1)
    ga = 2 * (za @ np.abs(w2) + np.abs(b2) + np.abs(y)) / y.size
    gz = ga @ np.abs(w2).T
    mags = [np.abs(x).T @ gz, gz.sum(0), za.T @ ga, ga.sum(0)]
    return exact, mags


def _kappa(a, b, mags, ref):
    return max(float(np.max(np.abs(np.asarray(u) - np.asarray(v)) / (_U * (LR * m + np.abs(r)))))
               for u, v, m, r in zip(a, b, mags, ref))


def compare(p, one, many) -> tuple[bool, float, str]:
    """``one``: the 1-device weights; ``many``: every process's N-device weights."""
    exact, mags = _float64_step(p)
    for i, w in enumerate(many[1:], 1):
        if any(not np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(w, many[0])):
            return False, math.inf, f"process {i}'s weights differ from process 0's (the replicas drifted apart)"
    kappa = _kappa(many[0], one, mags, one)
    k_one, k_many = _kappa(one, exact, mags, exact), _kappa(many[0], exact, mags, exact)
    detail = (f"kappa(N vs 1 device)={kappa:.3g}, kappa(1 device vs float64)={k_one:.3g}, "
              f"kappa(N devices vs float64)={k_many:.3g}; bound {BOUND}")
    return max(kappa, k_one, k_many) <= BOUND, kappa, detail


def run(backend, num_devices: int, kinds=KINDS, timeout: float = 240.0) -> dict:
    """The tier on ``backend``: ``{kind: TierResult}`` for the kinds it runs, ``{kind: reason}``
    (a string) for those its engine refuses."""
    from dlx.backend import registry
    from dlx.distribution import launch

    plan = launch.plan(backend.name, num_devices)
    refused = {k: unsupported(backend, k) for k in kinds}
    runs = [k for k in kinds if refused[k] is None]
    out: dict = {k: refused[k] for k in kinds if refused[k] is not None}
    if not runs:
        return out
    p = problem()
    with registry.use(backend):
        one = step(runs, 1, device_type=plan.device_type, **p)
    many = launch.run(backend.name, num_devices, "dlx_conformance.distribution:step",
                      {"kinds": runs, "num_devices": num_devices, **p}, timeout=timeout, launch=plan)
    for k in runs:
        ok, kappa, detail = compare(p, one[k], [m[k] for m in many])
        out[k] = TierResult(ok, kappa, TOLERANCE, detail, num_devices, plan.processes)
    return out
