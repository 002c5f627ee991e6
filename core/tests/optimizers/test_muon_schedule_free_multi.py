"""Muon, ScheduleFreeAdamW, MultiOptimizer / OptimizerMap and ``optimizers.legacy``.

Trajectories are checked two ways on every backend: against an independent float64 NumPy
implementation of each published rule, and against Keras 3 itself (``keras_optimizer_side.py``
run once in a ``KERAS_BACKEND=jax`` subprocess: same cases, same inputs, final variables and
optimizer slots). Keras's torch and tensorflow backends are not used as the reference for
ScheduleFreeAdamW: there ``momentum.value`` read before ``assign_sub`` aliases the updated
variable, so Keras recovers ``x`` from the *new* ``z`` on those backends only (its jax backend and
the paper use the previous ``z``, as dlx does on every backend).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import ops
from dlx import optimizers as O
from dlx.backend import registry

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("dlx_keras_optimizer_side", HERE / "keras_optimizer_side.py")
side = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(side)

needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="the Keras comparison needs `keras` and `jax` (test-only dependencies)")


# the real backends (a toy third-party backend that runs everything by fallback is not one)
REAL = [n for n in ("numpy", "jax", "torch", "tf", "openvino") if n in registry.records()
        and registry.usable(registry.records()[n])]


@pytest.fixture(params=REAL)
def real_backend(request):
    with dlx.backend.use(request.param) as b:
        yield b


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _variables():
    return [dlx.Variable(v, name=p.split("/")[1], path=p) for (p, _), v in zip(side.VARIABLES, side.initial_values())]


def _run_dlx(cls_name, kwargs):
    vs = _variables()
    opt = side.make(dlx, cls_name, kwargs)
    opt.build(vs)
    for step in side.gradients():
        opt.apply([ops.convert_to_tensor(g) for g in step], vs)
    return opt, vs


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("keras_opt") / "keras.npz"
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_optimizer_side.py"), str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(out))


# -------------------------------------------------------------------- float64 references
def ref_newton_schulz(x, steps, a=3.4445, b=-4.775, c=2.0315):
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        A = x @ x.T
        x = a * x + (b * A + c * A @ A) @ x
    return x.T if tall else x


def ref_muon(ws, gs, paths, lr, momentum=0.95, nesterov=True, rms_rate=0.2, ns_steps=5, b1=0.9, b2=0.999, eps=1e-7,
             wd=0.004, adam_wd=0.004, adam_lr_ratio=1.0, exclude_layers=(), exclude_embeddings=True):
    import re

    ws = [w.astype("float64") for w in ws]
    m = [np.zeros_like(w) for w in ws]
    v = [np.zeros_like(w) for w in ws]
    adam = [w.ndim != 2 or (exclude_embeddings and "embedding" in p) or any(re.search(e, p) for e in exclude_layers)
            for w, p in zip(ws, paths)]
    for t, step in enumerate(gs, 1):
        for i, g in enumerate(step):
            g = g.astype("float64")
            decay = adam_wd if adam[i] else wd
            if decay is not None:
                ws[i] = ws[i] - ws[i] * decay * lr
            if adam[i]:
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                alpha = lr * adam_lr_ratio * np.sqrt(1 - b2**t) / (1 - b1**t)
                ws[i] = ws[i] - alpha * m[i] / (np.sqrt(v[i]) + eps)
            else:
                m[i] = momentum * m[i] + g
                u = g + momentum * m[i] if nesterov else m[i]
                upd = lr * ref_newton_schulz(u, ns_steps)
                if rms_rate is not None:
                    upd = upd * np.sqrt(max(u.shape)) * rms_rate
                ws[i] = ws[i] - upd
    return ws


def ref_schedule_free_adamw(ws, gs, lr=0.0025, b1=0.9, b2=0.999, eps=1e-8, warmup=0, wd=None):
    ys = [w.astype("float64") for w in ws]
    zs = [y.copy() for y in ys]
    vs = [np.zeros_like(y) for y in ys]
    for t, step in enumerate(gs, 1):
        lr_t = lr * min(t / warmup, 1.0) if warmup else lr
        for i, g in enumerate(step):
            g = g.astype("float64")
            if wd:
                ys[i] = ys[i] - ys[i] * wd * lr
            vs[i] = b2 * vs[i] + (1 - b2) * g * g
            z_new = zs[i] - lr_t * g / (np.sqrt(vs[i] / (1 - b2**t)) + eps)
            x = (ys[i] - (1 - b1) * zs[i]) / b1
            x_new = (1 - 1 / t) * x + z_new / t
            ys[i] = (1 - b1) * z_new + b1 * x_new
            zs[i] = z_new
    return ys


PATHS = [p for p, _ in side.VARIABLES]
REFERENCES = {
    "muon": lambda: ref_muon(side.initial_values(), side.gradients(), PATHS, 0.01),
    "muon_plain": lambda: ref_muon(side.initial_values(), side.gradients(), PATHS, 0.02, nesterov=False,
                                   rms_rate=None, exclude_embeddings=False, exclude_layers=["head"],
                                   adam_lr_ratio=0.5, wd=0.01, adam_wd=None, ns_steps=3),
    "sf_adamw": lambda: ref_schedule_free_adamw(side.initial_values(), side.gradients()),
    "sf_adamw_warmup": lambda: ref_schedule_free_adamw(side.initial_values(), side.gradients(), lr=0.01, warmup=3,
                                                       wd=0.05, b1=0.8),
}


@pytest.mark.parametrize("case", sorted(REFERENCES))
def test_trajectory_matches_float64_reference(real_backend, case):
    _, vs = _run_dlx(*side.CASES[case])
    for v, want in zip(vs, REFERENCES[case]()):
        np.testing.assert_allclose(_np(v.value), want, rtol=2e-5, atol=2e-6, err_msg=f"{case}: {v.path}")


@needs_keras
@pytest.mark.parametrize("case", sorted(side.CASES))
def test_trajectory_and_slots_match_keras(training_backend, keras_results, case):
    opt, vs = _run_dlx(*side.CASES[case])
    for i, v in enumerate(vs):
        np.testing.assert_allclose(_np(v.value), keras_results[f"{case}/var{i}"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"{case}: {v.path}")
    keras_slots = [(k.split("/")[-1], val) for k, val in keras_results.items() if k.startswith(f"{case}/opt/")]
    assert [v.path.split("/")[-1] for v in opt.variables] == [name for name, _ in keras_slots]
    for v, (name, want) in zip(opt.variables, keras_slots):
        np.testing.assert_allclose(_np(v.value).astype(want.dtype), want, rtol=1e-5, atol=1e-6, err_msg=name)


# -------------------------------------------------------------------- Muon details
def test_muon_variable_routing_and_errors():
    opt = O.Muon(exclude_layers=["head"])
    vs = _variables()
    opt.build(vs)
    assert [opt.adam_velocities[i] is not None for i in range(len(vs))] == [False, True, True, False, True, True]
    with pytest.raises(ValueError, match="ns_steps"):
        O.Muon(ns_steps=-1)
    with pytest.raises(ValueError, match="exclude_layers"):
        O.Muon(exclude_layers="head")
    with pytest.raises(ValueError, match="rank >= 2"):
        opt.zeropower_via_newtonschulz5(ops.ones((3,)), 5)


def test_newton_schulz_is_nearly_orthogonal():
    x = np.random.default_rng(3).normal(size=(6, 9)).astype("float32")
    out = _np(O.Muon().zeropower_via_newtonschulz5(ops.convert_to_tensor(x), 5)).astype("float64")
    np.testing.assert_allclose(out, ref_newton_schulz(x.astype("float64"), 5), rtol=1e-5, atol=1e-6)
    singular = np.linalg.svd(out, compute_uv=False)
    assert np.all((singular > 0.6) & (singular < 1.25)), singular  # the quintic's band around 1


def test_schedule_free_errors():
    for kwargs, name in (({"beta_1": 0.0}, "beta_1"), ({"beta_2": 1.0}, "beta_2"), ({"warmup_steps": -1},
                                                                                        "warmup_steps")):
        with pytest.raises(ValueError, match=name):
            O.ScheduleFreeAdamW(**kwargs)


@pytest.mark.parametrize("cls", ["Muon", "ScheduleFreeAdamW"])
def test_config_round_trip(cls):
    opt = getattr(O, cls)(learning_rate=0.03)
    again = O.deserialize(O.serialize(opt))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()
    assert O.get(cls.lower()).__class__.__name__ == cls


# -------------------------------------------------------------------- MultiOptimizer / OptimizerMap
def test_optimizer_map_lookup():
    rms, adam, sgd = O.RMSprop(), O.Adam(), O.SGD()
    m = O.OptimizerMap(rms)
    m["encoder/layer_0/dense"] = adam
    m["encoder/.*"] = sgd
    m["decoder"] = adam
    assert m["decoder"] is adam and m["encoder/layer_0/dense"] is adam
    assert m["encoder/layer_0/attention/query"] is sgd and m["decoder/layer_0/dense"] is rms
    assert len(m) == 3 and list(m) == ["encoder/layer_0/dense", "encoder/.*", "decoder"]
    with pytest.raises(ValueError, match="already mapped"):
        m["decoder"] = sgd
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        m["x"] = O.LossScaleOptimizer(O.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        O.OptimizerMap("sgd")
    m2 = O.OptimizerMap(rms, {"a.*": adam, "ab.*": sgd})
    with pytest.raises(ValueError, match="more than one key"):
        m2["abc"]


def test_multi_optimizer_api():
    sgd, adam = O.SGD(), O.Adam()
    multi = O.MultiOptimizer(O.OptimizerMap(sgd, {"dense/.*": adam}), loss_scale_factor=4.0)
    assert multi.optimizers == [adam, sgd] and sgd.loss_scale_factor == 4.0
    with pytest.raises(AttributeError, match="inner optimizers"):
        multi.learning_rate  # noqa: B018
    vs = _variables()
    multi.build(vs)
    assert len(multi.variables) == 2 + len(adam.variables) + len(sgd.variables)
    bad = O.MultiOptimizer(lambda v: O.LossScaleOptimizer(O.SGD()))
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        bad.build(_variables())


@needs_keras
def test_multi_optimizer_config_from_keras(keras_results):
    cfg = json.loads(str(keras_results["multi/config"]))
    opt = dlx.saving.deserialize_keras_object(cfg)
    assert type(opt) is O.MultiOptimizer
    assert [type(o).__name__ for o in opt.optimizers] == ["Adam", "Muon", "ScheduleFreeAdamW", "SGD"]
    again = O.deserialize(O.serialize(opt))
    assert [o.get_config() for o in again.optimizers] == [o.get_config() for o in opt.optimizers]


def test_multi_optimizer_fit_matches_float64(training_backend):
    """A fit with a MultiOptimizer (the compiled / stateless path) against float64 NumPy: the body
    Dense moves by SGD, the head Dense by Adam, each on its own gradients."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 5)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    inp = dlx.layers.Input((5,))
    m = dlx.Model(inp, dlx.layers.Dense(1, name="head")(dlx.layers.Dense(4, name="body")(inp)))
    w = [np.random.default_rng(1).normal(size=v.shape).astype("float32") for v in m.get_weights()]
    m.set_weights(w)
    m.compile(optimizer=O.MultiOptimizer(O.OptimizerMap(O.SGD(0.05), {"head/.*": O.Adam(0.01)})), loss="mse")
    m.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    w1, b1, w2, b2 = (a.astype("float64") for a in w)
    x64, y64 = x.astype("float64"), y.astype("float64")
    mom = [np.zeros_like(w2), np.zeros_like(b2)]
    vel = [np.zeros_like(w2), np.zeros_like(b2)]
    for t in range(1, 4):
        h = x64 @ w1 + b1
        d = 2 * (h @ w2 + b2 - y64) / y64.size
        dh = d @ w2.T
        grads_head = [h.T @ d, d.sum(0)]
        w1, b1 = w1 - 0.05 * (x64.T @ dh), b1 - 0.05 * dh.sum(0)
        head = [w2, b2]
        for i, g in enumerate(grads_head):
            mom[i] = 0.9 * mom[i] + 0.1 * g
            vel[i] = 0.999 * vel[i] + 0.001 * g * g
            head[i] = head[i] - 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * mom[i] / (np.sqrt(vel[i]) + 1e-7)
        w2, b2 = head
    for got, want in zip(m.get_weights(), (w1, b1, w2, b2)):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)
    assert [int(_np(o.iterations)) for o in m.optimizer.optimizers] == [3, 3]


def test_legacy_names_raise_import_error():
    for name in ("Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"):
        with pytest.raises(ImportError, match="not supported in Keras 3"):
            getattr(O.legacy, name)(learning_rate=0.1)
