"""Every optimizer's N-step trajectory against an independent NumPy float64 implementation of its
published update rule, plus clipping, weight decay, EMA, loss scaling and config round trips."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest

import dlx
from dlx import optimizers as O

N_STEPS = 6
LR = 0.01


def _grads(seed=0):
    r = np.random.default_rng(seed)
    return [[r.standard_normal((3, 4)), r.standard_normal((4,))] for _ in range(N_STEPS)]


def _init():
    r = np.random.default_rng(42)
    return [r.standard_normal((3, 4)), r.standard_normal((4,))]


# -------------------------------------------------------------------- float64 references
def ref_sgd(ws, gs, momentum=0.0, nesterov=False):
    ms = [np.zeros_like(w) for w in ws]
    for step in gs:
        for i, g in enumerate(step):
            if momentum:
                ms[i] = momentum * ms[i] - LR * g
                ws[i] = ws[i] + (momentum * ms[i] - LR * g if nesterov else ms[i])
            else:
                ws[i] = ws[i] - LR * g
    return ws


def ref_rmsprop(ws, gs, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    v = [np.zeros_like(w) for w in ws]
    m = [np.zeros_like(w) for w in ws]
    a = [np.zeros_like(w) for w in ws]
    for step in gs:
        for i, g in enumerate(step):
            v[i] = rho * v[i] + (1 - rho) * g * g
            den = v[i]
            if centered:
                a[i] = rho * a[i] + (1 - rho) * g
                den = v[i] - a[i] ** 2
            inc = LR * g / np.sqrt(den + eps)
            if momentum:
                m[i] = momentum * m[i] + inc
                ws[i] = ws[i] - m[i]
            else:
                ws[i] = ws[i] - inc
    return ws


def ref_adam(ws, gs, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=0.0):
    m = [np.zeros_like(w) for w in ws]
    v = [np.zeros_like(w) for w in ws]
    vh = [np.zeros_like(w) for w in ws]
    for t, step in enumerate(gs, 1):
        for i, g in enumerate(step):
            ws[i] = ws[i] - ws[i] * wd * LR
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vv = v[i]
            if amsgrad:
                vh[i] = np.maximum(vh[i], v[i])
                vv = vh[i]
            lr_t = LR * math.sqrt(1 - b2**t) / (1 - b1**t)
            ws[i] = ws[i] - lr_t * m[i] / (np.sqrt(vv) + eps)
    return ws


def ref_adamax(ws, gs, b1=0.9, b2=0.999, eps=1e-7):
    m = [np.zeros_like(w) for w in ws]
    u = [np.zeros_like(w) for w in ws]
    for t, step in enumerate(gs, 1):
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            u[i] = np.maximum(b2 * u[i], np.abs(g))
            ws[i] = ws[i] - LR * m[i] / ((1 - b1**t) * (u[i] + eps))
    return ws


def ref_adagrad(ws, gs, init=0.1, eps=1e-7):
    a = [np.full_like(w, init) for w in ws]
    for step in gs:
        for i, g in enumerate(step):
            a[i] = a[i] + g * g
            ws[i] = ws[i] - LR * g / np.sqrt(a[i] + eps)
    return ws


def ref_adadelta(ws, gs, rho=0.95, eps=1e-7):
    eg = [np.zeros_like(w) for w in ws]
    ed = [np.zeros_like(w) for w in ws]
    for step in gs:
        for i, g in enumerate(step):
            eg[i] = rho * eg[i] + (1 - rho) * g * g
            d = -np.sqrt(ed[i] + eps) / np.sqrt(eg[i] + eps) * g
            ed[i] = rho * ed[i] + (1 - rho) * d * d
            ws[i] = ws[i] + LR * d
    return ws


def ref_nadam(ws, gs, b1=0.9, b2=0.999, eps=1e-7):
    # Dozat's Nadam with the momentum schedule mu_t = b1 * (1 - 0.5 * 0.96**t)
    m = [np.zeros_like(w) for w in ws]
    v = [np.zeros_like(w) for w in ws]
    mu_prod = 1.0
    for t, step in enumerate(gs, 1):
        mu_t = b1 * (1 - 0.5 * 0.96**t)
        mu_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        mu_prod *= mu_t
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = mu_next * m[i] / (1 - mu_prod * mu_next) + (1 - mu_t) * g / (1 - mu_prod)
            v_hat = v[i] / (1 - b2**t)
            ws[i] = ws[i] - LR * m_hat / (np.sqrt(v_hat) + eps)
    return ws


def ref_lion(ws, gs, b1=0.9, b2=0.99):
    m = [np.zeros_like(w) for w in ws]
    for step in gs:
        for i, g in enumerate(step):
            ws[i] = ws[i] - LR * np.sign(b1 * m[i] + (1 - b1) * g)
            m[i] = b2 * m[i] + (1 - b2) * g
    return ws


def ref_ftrl(ws, gs, power=-0.5, init=0.1, l1=0.0, l2=0.0, l2s=0.0, beta=0.0):
    n = [np.full_like(w, init) for w in ws]
    z = [np.zeros_like(w) for w in ws]
    for step in gs:
        for i, g in enumerate(step):
            w = ws[i]
            g_shrunk = g + 2 * l2s * w
            n_new = n[i] + g * g
            sigma = (n_new ** (-power) - n[i] ** (-power)) / LR
            z[i] = z[i] + g_shrunk - sigma * w
            n[i] = n_new
            quad = n_new ** (-power) / LR + 2 * (l2 + beta / (2 * LR))
            ws[i] = np.where(np.abs(z[i]) > l1, -(z[i] - np.sign(z[i]) * l1) / quad, 0.0)
    return ws


def ref_lamb(ws, gs, b1=0.9, b2=0.999, eps=1e-7):
    m = [np.zeros_like(w) for w in ws]
    v = [np.zeros_like(w) for w in ws]
    for t, step in enumerate(gs, 1):
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            r = (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + eps)
            wn, rn = np.linalg.norm(ws[i]), np.linalg.norm(r)
            trust = wn / rn if wn > 0 and rn > 0 else 1.0
            ws[i] = ws[i] - trust * LR * r
    return ws


def ref_adafactor(ws, gs, decay=-0.8, eps1=1e-30, eps2=1e-3, clip=1.0):
    rms = lambda x: np.sqrt(np.mean(x * x))
    r = [np.zeros(w.shape[:-1]) if w.ndim >= 2 else None for w in ws]
    c = [np.zeros(w.shape[:-2] + w.shape[-1:]) if w.ndim >= 2 else None for w in ws]
    v = [np.zeros_like(w) for w in ws]
    for t, step in enumerate(gs, 1):
        lr = min(LR, 1 / math.sqrt(t))  # relative_step
        rho = min(lr, 1 / math.sqrt(t))
        b2 = 1 - t**decay
        for i, g in enumerate(step):
            alpha = max(eps2, rms(ws[i])) * rho
            g2 = g * g + eps1
            if ws[i].ndim >= 2:
                r[i] = b2 * r[i] + (1 - b2) * g2.mean(-1)
                c[i] = b2 * c[i] + (1 - b2) * g2.mean(-2)
                v[i] = (r[i] / r[i].mean(-1, keepdims=True))[..., None] * c[i][..., None, :]
            else:
                v[i] = b2 * v[i] + (1 - b2) * g2
            u = g / np.sqrt(v[i])
            ws[i] = ws[i] - alpha * u / max(1.0, rms(u) / clip)
    return ws


CASES = [
    ("sgd", lambda: O.SGD(LR), ref_sgd),
    ("sgd-momentum", lambda: O.SGD(LR, momentum=0.9), lambda w, g: ref_sgd(w, g, 0.9)),
    ("sgd-nesterov", lambda: O.SGD(LR, momentum=0.9, nesterov=True), lambda w, g: ref_sgd(w, g, 0.9, True)),
    ("rmsprop", lambda: O.RMSprop(LR), ref_rmsprop),
    ("rmsprop-centered", lambda: O.RMSprop(LR, centered=True), lambda w, g: ref_rmsprop(w, g, centered=True)),
    ("rmsprop-centered-momentum", lambda: O.RMSprop(LR, momentum=0.5, centered=True),
     lambda w, g: ref_rmsprop(w, g, momentum=0.5, centered=True)),
    ("adam", lambda: O.Adam(LR), ref_adam),
    ("adam-amsgrad", lambda: O.Adam(LR, amsgrad=True), lambda w, g: ref_adam(w, g, amsgrad=True)),
    ("adamw", lambda: O.AdamW(LR, weight_decay=0.1), lambda w, g: ref_adam(w, g, wd=0.1)),
    ("adamw-amsgrad", lambda: O.AdamW(LR, weight_decay=0.1, amsgrad=True),
     lambda w, g: ref_adam(w, g, amsgrad=True, wd=0.1)),
    ("adamax", lambda: O.Adamax(LR), ref_adamax),
    ("adagrad", lambda: O.Adagrad(LR), ref_adagrad),
    ("adadelta", lambda: O.Adadelta(LR), ref_adadelta),
    ("nadam", lambda: O.Nadam(LR), ref_nadam),
    ("lion", lambda: O.Lion(LR), ref_lion),
    ("ftrl", lambda: O.Ftrl(LR), ref_ftrl),
    ("ftrl-l1-l2-shrinkage-beta", lambda: O.Ftrl(LR, l1_regularization_strength=0.01, l2_regularization_strength=0.1,
                                                 l2_shrinkage_regularization_strength=0.05, beta=0.2),
     lambda w, g: ref_ftrl(w, g, l1=0.01, l2=0.1, l2s=0.05, beta=0.2)),
    ("lamb", lambda: O.Lamb(LR), ref_lamb),
    ("adafactor", lambda: O.Adafactor(LR), ref_adafactor),
]


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


@pytest.mark.parametrize("make,ref", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_trajectory_stateful(make, ref):
    opt = make()
    vs = [dlx.Variable(w) for w in _init()]
    for step in _grads():
        opt.apply(step, vs)
    want = ref(_init(), _grads())
    for v, w in zip(vs, want):
        np.testing.assert_allclose(v.numpy(), w, rtol=2e-6, atol=1e-7)
    assert int(opt.iterations.numpy()) == N_STEPS


@pytest.mark.parametrize("make,ref", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_trajectory_stateless(make, ref):
    opt = make()
    vs = [dlx.Variable(w) for w in _init()]
    opt.build(vs)
    before = [v.numpy() for v in opt.variables]
    tv, ov = [v.value for v in vs], [v.value for v in opt.variables]
    for step in _grads():
        tv, ov = opt.stateless_apply(ov, step, tv)
    for t, w in zip(tv, ref(_init(), _grads())):
        np.testing.assert_allclose(np.asarray(t), w, rtol=2e-6, atol=1e-7)
    # pure: nothing was mutated
    for v, b in zip(opt.variables, before):
        np.testing.assert_array_equal(v.numpy(), b)
    np.testing.assert_array_equal(vs[0].numpy(), _init()[0])
    assert int(np.asarray(ov[0])) == N_STEPS



@pytest.mark.parametrize("block", [None, 5], ids=["whole", "blocked"])
@pytest.mark.parametrize("make,ref", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_trajectory_torch_fit_path(make, ref, block, monkeypatch):
    """On torch, the step ``fit`` runs (``stateless_apply`` recorded and replayed with the state
    donated, so the fused update ops work in place) follows the float64 reference (float32);
    ``blocked``: the fused kernels run block by block (5 elements here, so the 3x4 weight is 3
    blocks), as they do on CPU weights over 2 blocks."""
    try:
        bk = dlx.backend.get("torch")
    except Exception as e:  # torch not installed or unusable here
        pytest.skip(f"torch backend unavailable: {e}")
    if block is not None:
        from dlx_torch.kernels import optim

        monkeypatch.setattr(optim, "BLOCK", block)
    with dlx.backend.use(bk):
        opt = make()
        vs = [dlx.Variable(w.astype(np.float32)) for w in _init()]
        opt.build(vs)
        step = bk.compile(lambda ov, g, tv: opt.stateless_apply(ov, g, tv), jit=False, donate_argnums=(0, 2))
        tv, ov = [v.value for v in vs], [v.value for v in opt.variables]
        for g in _grads():
            tv, ov = step(ov, [bk.convert_to_tensor(x.astype(np.float32)) for x in g], tv)
        for t, w in zip(tv, ref(_init(), _grads())):
            np.testing.assert_allclose(dlx.ops.convert_to_numpy(t), w, rtol=2e-5, atol=2e-6)
    assert ("replay", mock.ANY) in step.cache_info()["signatures"]  # replayed, not run eagerly

def test_variables_order_iterations_first():
    opt = O.Adam(0.1)
    vs = [dlx.Variable(w, name=n) for w, n in zip(_init(), ["kernel", "bias"])]
    opt.build(vs)
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity", "bias_momentum",
                     "bias_velocity"]


def test_apply_gradients_and_none_gradient_skipped():
    opt = O.SGD(0.5)
    a, b = dlx.Variable(np.ones(2)), dlx.Variable(np.ones(2))
    opt.apply_gradients([(np.ones(2), a), (None, b)])
    np.testing.assert_allclose(a.numpy(), [0.5, 0.5])
    np.testing.assert_allclose(b.numpy(), [1.0, 1.0])


def test_clipnorm_clipvalue_global_clipnorm():
    g = [np.array([3.0, 4.0]), np.array([0.0, 12.0])]
    for kw, want in [
        ({"clipnorm": 1.0}, [g[0] / 5.0, g[1] / 12.0]),
        ({"clipvalue": 2.0}, [np.clip(g[0], -2, 2), np.clip(g[1], -2, 2)]),
        ({"global_clipnorm": 6.5}, [g[0] * 6.5 / 13.0, g[1] * 6.5 / 13.0]),
        ({"global_clipnorm": 100.0}, g),
    ]:
        opt = O.SGD(1.0, **kw)
        vs = [dlx.Variable(np.zeros(2)), dlx.Variable(np.zeros(2))]
        opt.apply(g, vs)
        for v, w in zip(vs, want):
            np.testing.assert_allclose(v.numpy(), -w, rtol=1e-6, err_msg=str(kw))


def test_weight_decay_and_exclusion():
    opt = O.SGD(0.1, weight_decay=0.5)
    a = dlx.Variable(np.full(2, 2.0), name="kernel")
    b = dlx.Variable(np.full(2, 2.0), name="bias")
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.ones(2), np.ones(2)], [a, b])
    np.testing.assert_allclose(a.numpy(), 2.0 - 2.0 * 0.5 * 0.1 - 0.1)
    np.testing.assert_allclose(b.numpy(), 2.0 - 0.1)


def test_ema_and_overwrite_frequency():
    opt = O.SGD(1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3)
    v = dlx.Variable(np.zeros(1))
    ws, avg = [], None
    w = 0.0
    for step in range(1, 7):
        w = w - 1.0
        avg = w if avg is None else 0.5 * avg + 0.5 * w
        if step % 3 == 0:
            w = avg
        opt.apply([np.ones(1)], [v])
        ws.append(w)
        np.testing.assert_allclose(v.numpy(), [w], err_msg=f"step {step}")
    opt.finalize_variable_values()
    np.testing.assert_allclose(v.numpy(), [avg])


def test_schedule_learning_rate_is_evaluated_at_iterations():
    sched = O.schedules.PiecewiseConstantDecay([1], [1.0, 0.1])
    opt = O.SGD(sched)
    v = dlx.Variable(np.zeros(1))
    for _ in range(3):
        opt.apply([np.ones(1)], [v])
    # steps 0 and 1 use 1.0, step 2 uses 0.1
    np.testing.assert_allclose(v.numpy(), [-2.1], rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.5


def test_learning_rate_setter_and_callable():
    opt = O.SGD(0.1)
    opt.learning_rate = 0.25
    assert float(opt.learning_rate) == 0.25
    opt2 = O.SGD(lambda: 0.5)
    v = dlx.Variable(np.zeros(1))
    opt2.apply([np.ones(1)], [v])
    np.testing.assert_allclose(v.numpy(), [-0.5])


def test_loss_scale_optimizer_dynamic_scale():
    inner = O.SGD(1.0)
    lso = O.LossScaleOptimizer(inner, initial_scale=8.0, dynamic_growth_steps=2)
    v = dlx.Variable(np.zeros(2))
    lso.build([v])
    assert float(lso.scale_loss(np.float32(2.0))) == 16.0
    lso.apply([np.array([8.0, 16.0])])
    np.testing.assert_allclose(v.numpy(), [-1.0, -2.0])
    assert float(lso.dynamic_scale.numpy()) == 8.0 and int(lso.step_counter.numpy()) == 1
    lso.apply([np.array([8.0, 8.0])])  # second finite step: grows
    np.testing.assert_allclose(v.numpy(), [-2.0, -3.0])
    assert float(lso.dynamic_scale.numpy()) == 16.0 and int(lso.step_counter.numpy()) == 0
    lso.apply([np.array([np.inf, 1.0])])  # skipped, scale halves
    np.testing.assert_allclose(v.numpy(), [-2.0, -3.0])
    assert float(lso.dynamic_scale.numpy()) == 8.0
    assert int(lso.iterations.numpy()) == 2
    # Keras 3's order (measured: LossScaleOptimizer(SGD()).variables after build)
    assert [x.name for x in lso.variables] == ["iteration", "learning_rate", "step_counter", "dynamic_scale",
                                               "iteration", "learning_rate"]


@pytest.mark.parametrize("name", sorted(O.ALL_OPTIMIZERS))
def test_config_round_trip(name):
    if name == "LossScaleOptimizer":
        opt = O.LossScaleOptimizer(O.Adam(0.01), initial_scale=4.0)
    elif name == "SGD":
        opt = O.SGD(O.schedules.ExponentialDecay(0.1, 10, 0.9), momentum=0.5, clipnorm=1.0)
    elif name == "MultiOptimizer":
        opt = O.MultiOptimizer(O.OptimizerMap(O.SGD(), {"dense/.*": O.Adam(0.01)}), loss_scale_factor=2.0)
    else:
        opt = O.ALL_OPTIMIZERS[name]()
    cfg = O.serialize(opt)
    again = O.deserialize(cfg)
    assert type(again) is type(opt)
    assert O.serialize(again) == cfg


def test_get_and_errors():
    assert isinstance(O.get("Adam"), O.Adam)
    assert isinstance(O.get({"class_name": "SGD", "config": {"learning_rate": 0.3}}), O.SGD)
    with pytest.raises(ValueError, match="unknown optimizer 'adamz'"):
        O.get("adamz")
    with pytest.raises(ValueError, match=r"clipnorm=1\.0.*clipvalue=1\.0"):
        O.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="momentum=2"):
        O.SGD(momentum=2)
    with pytest.raises(TypeError, match="learning_rate='fast'"):
        O.Adam("fast")
    with pytest.raises(TypeError, match="unknown argument"):
        O.Adam(betaa=0.3)
    opt = O.SGD()
    with pytest.raises(ValueError, match="build"):
        opt.stateless_apply([], [], [])


def test_apply_with_no_gradient_at_all_raises(numpy_backend):
    """Keras raises ``No gradients provided for any variable.``; a step whose gradients were all lost
    (read inside ``torch.no_grad()``) must not train nothing silently."""
    v = dlx.Variable(np.ones(3, "float32"))
    opt = dlx.optimizers.Adam()
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply([None], [v])
    opt.apply([None, np.ones(3, "float32")], [dlx.Variable(np.ones(2, "float32")), v])
    assert np.all(v.numpy() < 1)
