"""The trace-and-replay executor behind ``TorchBackend.compile(fn, jit=False)`` (``dlx_torch._replay``)."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest
import torch

import dlx
from dlx import layers, models, ops
from dlx_torch import _replay


def _rng(seed=0):
    return np.random.default_rng(seed)


def _kinds(cf):
    return [s[0] for s in cf.cache_info()["signatures"]]


def _same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)


# ------------------------------------------------------------------------------------ basics
def test_replay_equals_eager_and_skips_the_python_body(on_torch, backend):
    calls = []

    def body(x, y, scale):
        return ops.add(ops.multiply(ops.tanh(x), y), ops.multiply(ops.exp(y), scale))

    def f(x, y, scale=0.5):
        calls.append(1)
        return {"out": body(x, y, scale), "pair": (ops.sum(x), None)}

    cf = backend.compile(f, jit=False)
    assert isinstance(cf, _replay.Replayed) and cf.__wrapped__ is f and cf.__name__ == "f"
    rng = _rng()
    for i in range(6):
        x = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
        y = rng.standard_normal((3, 4)).astype(np.float32)  # NumPy leaves are converted
        got = cf(x, y)
        want = body(x, torch.from_numpy(y), 0.5)
        assert _same(got["out"], want) and _same(got["pair"][0], ops.sum(x)) and got["pair"][1] is None
        assert len(calls) == min(i + 1, 2)  # recorded, then verified once, then replayed only
    assert _kinds(cf) == ["replay"]
    # a Python scalar argument is part of the signature: a new value is a new program
    x = torch.ones(3, 4)
    assert _same(cf(x, np.ones((3, 4), np.float32), scale=2.0)["out"], body(x, torch.ones(3, 4), 2.0))
    assert len(cf.cache_info()["signatures"]) == 2


def test_recording_holds_no_intermediate_the_function_dropped(on_torch, backend):
    # recording a deep forward must not keep every activation alive until it returns (the peak
    # memory of a first predict): a result nothing references any more is freed as in eager code
    import weakref

    seen = []

    def f(x):
        a = ops.multiply(x, 2.0)
        dead = weakref.ref(a)
        b = ops.add(a, 1.0)
        del a
        seen.append(dead() is None)
        return ops.multiply(b, 3.0)

    cf = backend.compile(f, jit=False)
    for i in range(4):
        x = torch.full((2, 3), float(i))
        assert _same(cf(x), (x * 2 + 1) * 3)
    assert seen == [True, True]  # recorded, verified; then replayed without running f
    assert _kinds(cf) == ["replay"]


def test_disabled_by_environment(on_torch, backend, monkeypatch):
    def f(x):
        return x

    monkeypatch.setenv("DLX_TORCH_REPLAY", "0")
    assert backend.compile(f, jit=False) is f
    monkeypatch.setenv("DLX_TORCH_REPLAY", "1")
    assert isinstance(backend.compile(f, jit=False), _replay.Replayed)


def test_data_dependent_control_flow_runs_eagerly(on_torch, backend):
    def f(x):
        if float(ops.sum(x)) > 0:
            return ops.multiply(x, 2.0)
        return ops.negative(x)

    cf = backend.compile(f, jit=False)
    for sign in (1.0, -1.0, 1.0, -1.0, -1.0, 1.0):
        x = torch.full((2, 3), sign)
        assert _same(cf(x), f(x))
    assert _kinds(cf) == ["eager"]
    assert "__float__" in cf.cache_info()["signatures"][0][1]


def test_data_dependent_shapes_are_not_frozen(on_torch, backend):
    def f(x):
        y = x[x > 0]
        return ops.multiply(y, float(y.shape[0]))

    cf = backend.compile(f, jit=False)
    for v in ([1.0, -1.0, 2.0], [1.0, 1.0, 1.0], [-1.0, -1.0, 3.0], [1.0, 2.0, -3.0]):
        x = torch.tensor(v)
        assert _same(cf(x), f(x))
    assert _kinds(cf) == ["eager"]


def test_value_and_grad_is_replayed_with_fresh_gradients(on_torch, backend):
    """The outermost value_and_grad records torch.autograd.grad as one step: the replay rebuilds
    the autograd graph from the replayed forward and differentiates it again."""
    def step(w, x):
        def loss_fn(w):
            return ops.sum(ops.square(ops.multiply(w, x)))

        return backend.value_and_grad(loss_fn)(w)

    cf = backend.compile(step, jit=False)
    rng = _rng(1)
    for _ in range(4):
        w = torch.from_numpy(rng.standard_normal(5).astype(np.float32))
        x = torch.from_numpy(rng.standard_normal(5).astype(np.float32))
        value, grad = cf(w, x)
        np.testing.assert_allclose(value.numpy(), np.sum((w * x).numpy() ** 2), rtol=1e-5)
        np.testing.assert_allclose(grad.numpy(), (2 * w * x * x).numpy(), rtol=1e-5)
        assert not grad.requires_grad and not w.requires_grad
    assert cf.cache_info() == {"eager": None, "signatures": [("replay", cf.cache_info()["signatures"][0][1])]}


def test_nested_value_and_grad_runs_eagerly(on_torch, backend):
    """A value_and_grad inside another one goes through torch.func, which the mode cannot see:
    the whole function runs eagerly (and stays correct)."""
    def step(w):
        def outer(w):
            _, g = backend.value_and_grad(lambda v: ops.sum(ops.power(v, 3.0)))(w)
            return ops.sum(g)  # d/dw sum(3 w^2) = 6 w

        return backend.value_and_grad(outer)(w)

    cf = backend.compile(step, jit=False)
    rng = _rng(2)
    for _ in range(3):
        w = torch.from_numpy(rng.standard_normal(4).astype(np.float32))
        value, grad = cf(w)
        np.testing.assert_allclose(value.numpy(), 3 * np.sum(w.numpy() ** 2), rtol=1e-5)
        np.testing.assert_allclose(grad.numpy(), 6 * w.numpy(), rtol=1e-5)
    assert cf.cache_info()["eager"].startswith("value_and_grad inside a transform")


def test_random_ops_fail_verification_and_run_eagerly(on_torch, backend):
    def f(x):
        return ops.add(x, torch.rand(x.shape))

    cf = backend.compile(f, jit=False)
    outs = [cf(torch.zeros(64)) for _ in range(4)]
    assert not any(torch.equal(outs[i], outs[j]) for i in range(4) for j in range(i))
    assert _kinds(cf) == ["eager"]


# ------------------------------------------------------------------------------------ state
def test_closed_over_variables_are_read_at_each_call(on_torch, backend):
    v = dlx.Variable(np.ones(3, np.float32), name="v")
    frozen = dlx.Variable(np.ones(3, np.float32), trainable=False, name="frozen")
    cf = backend.compile(lambda x: ops.add(ops.multiply(x, v), frozen), jit=False)
    x = torch.tensor([1.0, 2.0, 3.0])
    for _ in range(3):
        assert cf(x).tolist() == [2.0, 3.0, 4.0]
    v.assign(np.full(3, 2.0, np.float32))
    frozen.assign(np.zeros(3, np.float32))
    assert cf(x).tolist() == [2.0, 4.0, 6.0]
    assert _kinds(cf) == ["replay"]


def test_in_place_updates_of_variables_apply_once_per_call(on_torch, backend):
    v = dlx.Variable(np.zeros(3, np.float32), name="acc")

    def f(x):
        v.assign_add(x)
        return ops.sum(v.value)

    cf = backend.compile(f, jit=False)
    for i in range(1, 5):
        assert float(cf(torch.ones(3)).detach()) == 3.0 * i
    assert v.numpy().tolist() == [4.0] * 3
    assert _kinds(cf) == ["replay"]


def test_grad_mode_is_part_of_the_signature(on_torch, backend):
    v = dlx.Variable(np.ones(3, np.float32), name="w")
    cf = backend.compile(lambda x: ops.multiply(x, v), jit=False)
    x = torch.ones(3)
    for _ in range(3):
        assert cf(x).requires_grad  # the Parameter itself while torch records gradients
        with torch.no_grad():
            assert not cf(x).requires_grad
    assert _kinds(cf) == ["replay", "replay"]


def test_errors_propagate_and_nothing_is_cached(on_torch, backend):
    cf = backend.compile(lambda x: ops.reshape(x, (5,)), jit=False)
    for _ in range(2):
        with pytest.raises((ValueError, RuntimeError)):
            cf(torch.zeros(4))
    assert cf.cache_info()["signatures"] == []
    for _ in range(3):
        assert cf(torch.zeros(5)).shape == (5,)


def test_signatures_and_their_limit(on_torch, backend):
    calls = []

    def f(x):
        calls.append(1)
        return ops.multiply(x, 3.0)

    cf = backend.compile(f, jit=False)
    for n in range(1, _replay.MAX_SIGNATURES + 1):
        assert _same(cf(torch.ones(n)), torch.full((n,), 3.0))
    assert len(cf.cache_info()["signatures"]) == _replay.MAX_SIGNATURES
    assert len(calls) == _replay.MAX_SIGNATURES
    for _ in range(2):  # verified, then replayed: a separate program per shape
        assert _same(cf(torch.ones(7)), torch.full((7,), 3.0))
    assert len(calls) == _replay.MAX_SIGNATURES + 1
    n = _replay.MAX_SIGNATURES + 1  # no room: eager, uncached
    for i in range(3):
        assert _same(cf(torch.ones(n)), torch.full((n,), 3.0))
        assert len(calls) == _replay.MAX_SIGNATURES + 2 + i
    assert len(cf.cache_info()["signatures"]) == _replay.MAX_SIGNATURES
    # dtype and aliasing are part of the signature too
    cf2 = backend.compile(lambda a, b: ops.add(a, b), jit=False)
    x = torch.ones(4)
    assert cf2(x, x).tolist() == [2.0] * 4
    assert cf2(x, torch.zeros(4)).tolist() == [1.0] * 4
    assert cf2(x, torch.zeros(4, dtype=torch.float64)).dtype == torch.float64
    assert len(cf2.cache_info()["signatures"]) == 3


def test_threads_share_programs(on_torch, backend):
    cf = backend.compile(lambda x: ops.add(ops.square(x), 1.0), jit=False)
    errors = []

    def work(n):
        try:
            with dlx.backend.use(backend):
                for i in range(50):
                    x = torch.full((n,), float(i))
                    assert torch.equal(cf(x), x * x + 1)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in (3, 4, 3, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert set(_kinds(cf)) == {"replay"}


# ------------------------------------------------------------------------------------ models
def _mlp():
    m = models.Sequential([layers.Input((784,)), layers.Dense(256, activation="relu"),
                           layers.Dense(256, activation="relu"), layers.Dense(10)])
    m.compile(optimizer="adam", loss="mse")
    return m


def _mlp_reference(weights, x):
    h = x.astype(np.float64)
    for i in range(0, len(weights), 2):
        h = h @ weights[i].astype(np.float64) + weights[i + 1].astype(np.float64)
        if i + 2 < len(weights):
            h = np.maximum(h, 0.0)
    return h


def _eager_predict(model, x):
    """The compiled function's own step, run eagerly."""
    data = ([torch.from_numpy(a) for a in x],) if isinstance(x, list) else (torch.from_numpy(x),)
    y = model.predict_step(model._inference_state(), data)
    return dlx.tree_util.map_structure(lambda t: t.detach().numpy(), y)


@pytest.mark.parametrize("rows", [1, 1024])
def test_mlp_predict_matches_eager_and_reference(on_torch, rows):
    m = _mlp()
    rng = _rng(2)
    for _ in range(4):
        x = rng.standard_normal((rows, 784)).astype(np.float32)
        y = m.predict(x, verbose=0)
        assert np.array_equal(y, _eager_predict(m, x))
        np.testing.assert_allclose(y, _mlp_reference(m.get_weights(), x), rtol=1e-5, atol=1e-5)
    assert _kinds(m.predict_function) == ["replay"]
    # new weights (set_weights, a kernel's assign) are seen by the replayed program
    m.set_weights([w * 0.5 for w in m.get_weights()])
    m.layers[0].kernel.assign(m.layers[0].kernel.numpy() + 0.25)
    x = rng.standard_normal((rows, 784)).astype(np.float32)
    y = m.predict(x, verbose=0)
    assert np.array_equal(y, _eager_predict(m, x))
    np.testing.assert_allclose(y, _mlp_reference(m.get_weights(), x), rtol=1e-5, atol=1e-5)
    assert _kinds(m.predict_function) == ["replay"]


def test_functional_two_inputs_predict(on_torch):
    i1, i2 = layers.Input((4,)), layers.Input((3,))
    z = layers.Concatenate()([layers.Dense(5, activation="tanh")(i1), layers.Dense(5)(i2)])
    m = models.Model([i1, i2], layers.Dense(2)(z))
    rng = _rng(3)
    for _ in range(4):
        x = [rng.standard_normal((8, 4)).astype(np.float32), rng.standard_normal((8, 3)).astype(np.float32)]
        assert np.array_equal(m.predict(x, verbose=0), _eager_predict(m, x))
    assert _kinds(m.predict_function) == ["replay"]


def _dropout_bn_model(run_eagerly):
    m = models.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"), layers.Dropout(0.5),
                           layers.BatchNormalization(), layers.Dense(1)])
    m.compile(optimizer="adam", loss="mse", metrics=["mae"], run_eagerly=run_eagerly)
    return m


def test_dropout_batchnorm_predict_and_evaluate_match_eager(on_torch):
    rng = _rng(4)
    x = rng.standard_normal((96, 8)).astype(np.float32)
    y = rng.standard_normal((96, 1)).astype(np.float32)
    dlx.utils.set_random_seed(7)
    m = _dropout_bn_model(run_eagerly=False)
    dlx.utils.set_random_seed(7)  # the same initial weights and dropout seeds
    ref = _dropout_bn_model(run_eagerly=True)
    for model in (m, ref):
        model.fit(x, y, epochs=2, batch_size=32, verbose=0, shuffle=False)  # moving statistics move
    # the train step (autodiff, dropout's Threefry bits, BatchNorm, Adam) replays, bit for bit
    assert set(_kinds(m.train_function)) == {"replay"}
    for a, b in zip(m.get_weights(), ref.get_weights()):
        assert np.array_equal(a, b)
    for _ in range(3):
        assert np.array_equal(m.predict(x, verbose=0), ref.predict(x, verbose=0))
        assert np.array_equal(m.predict(x[:1], verbose=0), _eager_predict(m, x[:1]))
    want = ref.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    for _ in range(3):
        assert m.evaluate(x, y, batch_size=32, verbose=0, return_dict=True) == want
    assert set(_kinds(m.predict_function)) == {"replay"}
    assert set(_kinds(m.test_function)) == {"replay"}


def test_programs_release_intermediates_after_their_last_use(on_torch, backend):
    """A long program (a multi-step train function) must not hold every intermediate until it
    returns: each local is deleted after its last use; outputs and string arguments are kept."""
    def f(x):
        for _ in range(3):
            x = ops.tanh(ops.multiply(x, 2.0))
        return x, ops.sum(x)

    cf = backend.compile(f, jit=False)
    rng = _rng(9)
    for _ in range(3):
        x = torch.from_numpy(rng.standard_normal(6).astype(np.float32))
        got = cf(x)
        want = f(x)
        assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
    (program,) = cf._cache.values()
    dels = [line.strip() for line in program.source.splitlines() if line.strip().startswith("del ")]
    assert len(dels) >= 3
    returned = program.source.strip().splitlines()[-2].strip()  # "return (...)"
    deleted = {name for d in dels for name in d[4:].split(", ")}
    assert returned.startswith("return") and not deleted & set(re.findall(r"\b[str]\d+\b", returned))


def test_a_replay_error_shows_the_recorded_line(on_torch, backend):
    """Replayed programs are real source (registered with linecache): a traceback through one
    shows the recorded torch call, and ``inspect`` reads it."""
    import inspect
    import traceback

    def gather_rows(x, idx):
        return ops.multiply(ops.take(x, idx, axis=0), 2.0)

    cf = backend.compile(gather_rows, jit=False)
    x = torch.arange(12, dtype=torch.float32).reshape(4, 3)
    for _ in range(2):  # record, then verify
        got = cf(x, torch.tensor([3, 1]))
    np.testing.assert_array_equal(got.numpy(), np.arange(12, dtype=np.float32).reshape(4, 3)[[3, 1]] * 2)
    assert _kinds(cf) == ["replay"]
    (program,) = cf._cache.values()
    with pytest.raises((IndexError, RuntimeError)) as info:
        cf(x, torch.tensor([3, 7]))  # same signature, an index out of range: the replay raises
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.filename.startswith("<dlx_torch replay")]
    assert frames, traceback.format_exception(info.value)
    assert frames[-1].filename == "<dlx_torch replay test_a_replay_error_shows_the_recorded_line.<locals>.gather_rows, signature 1>"
    recorded = [line.strip() for line in program.source.splitlines()]
    assert frames[-1].line in recorded and "# index_select" in frames[-1].line
    assert inspect.getsource(program.run) == "".join(program.source.splitlines(True)[1:-1])


def test_programs_that_update_donated_state_are_verified_on_saved_state():
    """A replay that writes into its inputs is checked against the eager run on the same starting
    state (no trusted path), and the update lands exactly once."""
    import torch

    from dlx_torch._replay import Replayed

    def step(w, g):
        with torch.no_grad():
            w.sub_(0.5 * g)
        return (w * 2).sum()

    replayed = Replayed(step)
    w = torch.tensor([1.0, 2.0, 3.0])
    g = torch.tensor([1.0, 1.0, 1.0])
    outs = [float(replayed(w, g)) for _ in range(3)]  # record, verify, replay
    assert outs == [9.0, 6.0, 3.0]
    assert w.tolist() == [-0.5, 0.5, 1.5]  # three updates, not four or six
    assert replayed.cache_info()["signatures"] == [("replay", replayed.cache_info()["signatures"][0][1])]


def test_a_mutating_replay_that_differs_from_eager_falls_back_and_keeps_eagers_state():
    import torch

    from dlx_torch._replay import Replayed

    calls = {"n": 0}

    def step(w):
        calls["n"] += 1
        with torch.no_grad():
            w.add_(float(calls["n"]))  # Python state the trace freezes at its recorded value
        return w.sum()

    replayed = Replayed(step)
    w = torch.zeros(2)
    replayed(w)  # record: +1
    replayed(w)  # verify: eager adds 2, the replay would add 1 -> mismatch, eager's state kept
    assert w.tolist() == [3.0, 3.0]
    assert replayed.cache_info()["signatures"][0][0] == "eager"
