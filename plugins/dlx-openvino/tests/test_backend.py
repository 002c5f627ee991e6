"""Backend-specific tests of dlx-openvino: plugin hygiene, selection, tensors, caching, compile,
random bits, variables, capabilities and the performance mode."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import dlx
from dlx import dtypes, ops
from dlx.ops.defs.random import _bits_np

FRAMEWORKS = ("openvino", "jax", "torch", "tensorflow")


def _run(code: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def backend():
    return dlx.backend.get("openvino")


@pytest.fixture
def ov(backend):
    with dlx.backend.use(backend):
        yield backend


def _compilations(backend) -> int:
    return backend.stats()["compilations"]


# ------------------------------------------------------------------------------ plugin & selection
def test_plugin_import_pulls_no_framework():
    code = ("import sys, dlx, dlx_openvino, dlx_openvino.plugin\n"
            "recs = dlx.backend.records()\n"
            "assert 'openvino' in recs, recs\n"
            f"print([m for m in {FRAMEWORKS!r} if m in sys.modules])")
    r = _run(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout


def test_record_is_never_auto_selected():
    rec = dlx.backend.records()["openvino"]
    assert rec.auto_select is False
    assert rec.priority == 0
    assert rec.target == "dlx_openvino.backend:OpenVINOBackend"


def test_env_var_selects_openvino():
    r = subprocess.run([sys.executable, "-m", "dlx", "info"], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "DLX_BACKEND": "openvino"})
    assert r.returncode == 0, r.stderr
    assert "active backend: openvino (DLX_BACKEND environment variable)" in r.stdout


def test_info_lists_version_and_capabilities():
    r = subprocess.run([sys.executable, "-m", "dlx", "info", "--json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)["backends"]}
    row = rows["openvino"]
    assert row["framework_version"].startswith("2026.4")
    assert row["capabilities"]["training"] is False
    assert row["capabilities"]["jit"] is True
    assert "no automatic differentiation" in row["note"]


# ------------------------------------------------------------------------------ capabilities
def test_capabilities_training_false_with_reason(backend):
    caps = backend.capabilities
    assert caps.training is False
    assert "inference runtime" in caps.reason("training")
    assert caps.float64 is False and "32 bits" in caps.reason("float64")


def test_value_and_grad_raises_clearly(backend):
    def loss(params, x):
        return ops.sum(ops.matmul(x, params["w"])), {"aux": 1}

    params = {"w": np.ones((3, 2), np.float32)}
    x = np.ones((4, 3), np.float32)
    for kwargs in ({}, {"has_aux": True}, {"argnums": (0, 1), "has_aux": True}):
        with pytest.raises(dlx.backend.BackendError, match="no automatic differentiation"):
            backend.value_and_grad(loss, **kwargs)(params, x)


def test_suite_skips_gradient_tier_with_reason():
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "openvino", "-q", "-rs", "-k",
                        "test_grad and exp-normal-float32"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SKIPPED" in r.stdout
    assert "gradients: OpenVINO is an inference runtime: it has no automatic differentiation" in r.stdout


# ------------------------------------------------------------------------------ tensors
def test_convert_to_tensor_avoids_copies(backend):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert backend.convert_to_tensor(a) is a
    assert backend.convert_to_tensor(a, "float32") is a or np.shares_memory(backend.convert_to_tensor(a, "float32"), a)
    assert np.shares_memory(backend.to_numpy(a), a)
    assert backend.convert_to_tensor(1.5).dtype == np.float32
    assert backend.convert_to_tensor(3).dtype == np.int32
    assert backend.is_tensor(a) and not backend.is_tensor([1, 2])


def test_eager_results_are_numpy(ov):
    x = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    y = ops.add(x, 1.0)
    assert isinstance(y, np.ndarray) and y.dtype == np.float32
    np.testing.assert_array_equal(y, x + np.float32(1))
    parts = ops.split(x, 2, axis=1)
    assert isinstance(parts, list) and len(parts) == 2
    m, v = ops.moments(x, [0])
    np.testing.assert_allclose(m, x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(v, x.var(0), rtol=1e-5)


def test_bfloat16_results_are_bfloat16(ov):
    # OpenVINO's Python API hands bf16 output bits over as a float16 array (2**-90 came back as
    # float16 7.9e-4); the ties round once from float32 (float64 inputs are computed in float32)
    from dlx_conformance.checks import named_cases

    x = np.array([1.0, -3.0e-28, 1.0 + 2.0**-8, 3.0e38], np.float32)
    want = x.astype(dtypes.to_numpy_dtype("bfloat16"))
    for out in (ops.cast(x, "bfloat16"), ov.compile(lambda v: ops.cast(v, "bfloat16"))(x)):
        assert out.dtype == want.dtype
        np.testing.assert_array_equal(out.astype(np.float32), want.astype(np.float32))
    results = [r for c in (False, True) for r in named_cases(ov, "cast", ("f16_ties", "bf16_ties"), c, ("float32",))]
    assert [r for r in results if not r.ok] == []


def test_eager_calls_reuse_the_compiled_graph(ov):
    x = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    ops.tanh(x)
    n = _compilations(ov)
    for _ in range(3):
        ops.tanh(x + 1)  # same shape and dtype: no new model
    assert _compilations(ov) == n
    ops.tanh(x[:2])  # a new shape compiles once
    assert _compilations(ov) == n + 1
    ops.tanh(x[:2])
    assert _compilations(ov) == n + 1
    ops.sum(x, axis=0)
    ops.sum(x, axis=1)  # a static argument is part of the key
    assert _compilations(ov) == n + 3


def test_numerics_rewrites_through_parameters(ov):
    x = np.array([1e-10, -1e-7, 3e-4, 0.5, 30.0, -30.0], np.float32)
    np.testing.assert_allclose(ops.log1p(np.abs(x)), np.log1p(np.abs(x).astype(np.float64)), rtol=1e-6)
    np.testing.assert_allclose(ops.expm1(x), np.expm1(x.astype(np.float64)), rtol=1e-6)
    sp = ops.softplus(x)
    assert np.all(sp >= 0)
    np.testing.assert_allclose(sp, np.logaddexp(0, x.astype(np.float64)), rtol=1e-6)
    e = ops.erf(x)
    np.testing.assert_allclose(e, [math.erf(float(v)) for v in x], rtol=1e-6)
    big = np.abs(np.random.default_rng(1).standard_normal(10 ** 6)).astype(np.float32)
    exact = big.astype(np.float64).sum()
    assert abs(float(ops.sum(big)) - exact) <= 48 * 2.0 ** -24 * exact


# ------------------------------------------------------------------------------ random bits
@pytest.mark.parametrize("seed,shape", [((0, 42), (1000,)), ((123456789, 987654321), (7, 13)), ((1, 2), ()),
                                        ((2 ** 32 - 1, 5), (3, 4, 5))])
def test_random_bits_match_the_numpy_reference(ov, seed, shape):
    s = np.array(seed, np.uint32)
    out = ops.random_bits(s, shape)
    assert out.dtype == np.uint32 and out.shape == shape
    np.testing.assert_array_equal(out, _bits_np(s, shape))
    # inside compile() the Threefry graph computes them
    graph = ov.compile(lambda k: ops.random_bits(k, shape))(s)
    np.testing.assert_array_equal(np.asarray(graph), _bits_np(s, shape))


def test_eager_draws_with_a_concrete_seed_compile_no_model(ov):
    # weight initialisation: the host's blocked generator (the reference's values), not a
    # Threefry model compiled per shape; a traced seed still takes the graph
    from dlx.ops.defs import random as R

    s = np.array([7, 9], np.uint32)
    n = _compilations(ov)
    for shape in ((3, 3, 64, 64), (1000,), (17, 5)):
        np.testing.assert_array_equal(ops.random_uniform(s, shape, -0.2, 0.2), R.random_uniform(s, shape, -0.2, 0.2))
    assert _compilations(ov) == n
    for op in ("random_normal", "random_truncated_normal"):  # the reference's float64 erfinv, bit for bit
        for shape, dtype in (((3, 3, 16, 8), None), ((1000,), "float16"), ((7, 5), "float64")):
            got, want = getattr(ops, op)(s, shape, 0.5, 2.0, dtype), getattr(R, op)(s, shape, 0.5, 2.0, dtype)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
    assert _compilations(ov) == n
    graph = ov.compile(lambda k: ops.random_uniform(k, (17, 5), -0.2, 0.2))(s)
    np.testing.assert_array_equal(np.asarray(graph), R.random_uniform(s, (17, 5), -0.2, 0.2))


def test_eager_zeros_and_ones_compile_no_model(ov):
    # biases and BatchNormalization statistics: filled on the host (the reference's values and
    # dtypes), not a one-op model compiled per shape; inside compile() they are graph nodes
    from dlx.ops.defs import shape as S

    n = _compilations(ov)
    for dtype in (None, "float32", "bfloat16", "float16", "int8", "uint32", "bool"):
        for op, ref in ((ops.zeros, S.zeros), (ops.ones, S.ones)):
            got, want = op((3, 2), dtype), ref((3, 2), dtype)
            assert isinstance(got, np.ndarray) and got.dtype == want.dtype, (op, dtype, got.dtype)
            np.testing.assert_array_equal(got, want)
    assert ops.ones(4).shape == (4,)
    assert _compilations(ov) == n
    with pytest.raises(TypeError, match="zeros: dtype 'complex64' has no OpenVINO element type"):
        ops.zeros((2,), "complex64")
    x = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    graph = ov.compile(lambda a: a + ops.ones((3, 2)) * 2 + ops.zeros((3, 2), "float32"))(x)
    np.testing.assert_array_equal(np.asarray(graph), x + 2)
    assert _compilations(ov) == n + 1


def test_built_in_initializers_results_are_adopted_and_other_values_copied(ov, monkeypatch):
    # a built-in initializer's fresh result becomes the read-only storage without a copy (the
    # numpy backend's seeded values); a value its caller may hold is copied and left writeable
    from dlx import initializers

    copied = []
    create = ov.create_variable
    monkeypatch.setattr(ov, "create_variable", lambda value, **kw: copied.append(kw["name"]) or create(value, **kw))
    adopted = [dlx.Variable(init, shape=(4, 5), name=name) for name, init in
               [("glorot", initializers.GlorotUniform(seed=1)), ("zeros", initializers.Zeros()),
                ("ones", initializers.Ones()), ("normal", initializers.RandomNormal(seed=2))]]
    assert copied == []
    with dlx.backend.use("numpy"):
        want = [initializers.GlorotUniform(seed=1)((4, 5)), initializers.RandomNormal(seed=2)((4, 5))]
    np.testing.assert_array_equal(adopted[0].numpy(), want[0])
    np.testing.assert_array_equal(adopted[3].numpy(), want[1])
    assert all(not v.value.flags.writeable for v in adopted)
    held = np.zeros(3, np.float32)
    kept = dlx.Variable(held, name="array")
    assert copied == ["array"] and held.flags.writeable and kept.value is not held
    kept.assign(np.full(3, 7.0, np.float32))
    assert held.tolist() == [0.0] * 3


def test_max_and_min_with_constants_keep_nans_in_compiled_graphs(ov):
    # a constant operand without NaN needs no NaN select (relu, clip: the graph is smaller); a
    # NaN constant or a NaN input still gives NaN, as np.maximum / np.minimum
    x = np.array([np.nan, -np.inf, -1.5, -0.0, 0.0, 2.5, np.inf], np.float32)
    nan = np.float32(np.nan)
    cases = [(lambda a: ops.relu(a), np.maximum(x, 0)),
             (lambda a: ops.relu6(a), np.minimum(np.maximum(x, 0), 6)),
             (lambda a: ops.clip(a, -1.0, 1.0), np.minimum(np.maximum(x, -1), 1)),
             (lambda a: ops.maximum(a, np.full(7, nan)), np.full(7, nan)),
             (lambda a: ops.minimum(np.array([1, nan, 3, 4, 5, 6, 7], np.float32), a),
              np.minimum(np.array([1, nan, 3, 4, 5, 6, 7], np.float32), x))]
    for fn, want in cases:
        np.testing.assert_array_equal(np.asarray(ov.compile(fn)(x)), want.astype(np.float32))
        np.testing.assert_array_equal(np.asarray(fn(x)), want.astype(np.float32))


def test_random_ops_match_the_reference(ov):
    s = np.array([3, 4], np.uint32)
    from dlx.ops.defs import random as R

    np.testing.assert_array_equal(ops.random_randint(s, (64,), 0, 2 ** 31 - 1),
                                  R.random_randint(s, (64,), 0, 2 ** 31 - 1))
    np.testing.assert_array_equal(ops.random_uniform(s, (50,)), R.random_uniform(s, (50,)))
    x = np.arange(10.0, dtype=np.float32)
    np.testing.assert_array_equal(ops.random_shuffle(s, x), R.random_shuffle(s, x))


# ------------------------------------------------------------------------------ compile
def _mlp(params, x):
    h = ops.relu(ops.matmul(x, params["w1"]) + params["b1"])
    return ops.softmax(ops.matmul(h, params["w2"]) + params["b2"])


def _params(rng):
    return {"w1": rng.standard_normal((20, 16)).astype(np.float32) * 0.3,
            "b1": rng.standard_normal(16).astype(np.float32) * 0.1,
            "w2": rng.standard_normal((16, 5)).astype(np.float32) * 0.3,
            "b2": np.zeros(5, np.float32)}


def test_compile_traces_the_whole_function_into_one_model(ov):
    rng = np.random.default_rng(0)
    params = _params(rng)  # weights made with NumPy, as another backend would export them
    x = rng.standard_normal((8, 20)).astype(np.float32)
    traces = []

    def forward(p, x):
        traces.append(1)
        return _mlp(p, x)

    f = ov.compile(forward)
    n = _compilations(ov)
    y = f(params, x)
    assert len(traces) == 1
    assert _compilations(ov) == n + 1  # ONE model for the whole multi-op function
    y2 = f(params, x * 2)  # same signature: cached, no retrace, no recompile
    assert len(traces) == 1 and _compilations(ov) == n + 1
    f(params, x[:3])  # new input shape: one more trace and model
    assert len(traces) == 2 and _compilations(ov) == n + 2
    with dlx.backend.use("numpy"):
        ref = _mlp(params, x)
        ref2 = _mlp(params, x * 2)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y2, ref2, rtol=1e-5, atol=1e-6)


def test_compile_static_arguments_are_part_of_the_key(ov):
    traces = []

    def f(x, axis):
        traces.append(axis)
        return ops.sum(ops.square(x), axis=axis)

    g = ov.compile(f, static_argnums=(1,))
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(g(x, 0), (x * x).sum(0))
    np.testing.assert_allclose(g(x, 1), (x * x).sum(1))
    g(x, 0)
    assert traces == [0, 1]


def test_compile_returns_pytrees_and_multi_output_ops(ov):
    @ov.compile
    def f(x):
        m, _ = ops.moments(x, [0])
        return {"mean": m, "parts": ops.split(x, 2, axis=1), "top": ops.top_k(x, 1)}

    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = f(x)
    np.testing.assert_allclose(out["mean"], x.mean(0))
    assert len(out["parts"]) == 2 and out["parts"][1].shape == (3, 2)
    np.testing.assert_array_equal(out["top"][1][:, 0], [3, 3, 3])


def test_compiled_model_reads_non_contiguous_inputs_correctly(ov):
    # transposed weights (as a GGUF or PyTorch checkpoint loads them) are fed through contiguous
    # copies that must stay alive until the model has run: freed early, a later copy reuses their
    # memory and the model reads the wrong values (SmolLM2's compiled decode step did)
    rng = np.random.default_rng(0)
    ws = [rng.standard_normal((64, 48)).astype(np.float32).T for _ in range(6)]
    assert not any(w.flags.c_contiguous for w in ws)
    f = ov.compile(lambda ws: [ops.add(w, 0.0) for w in ws])
    for _ in range(3):
        for got, w in zip(f(ws), ws):
            np.testing.assert_array_equal(got, w)


# ------------------------------------------------------------------------------ variables
def test_variables_create_assign_read(ov):
    v = dlx.Variable(np.ones((2, 3), np.float32), name="w")
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    v.assign(np.full((2, 3), 2.0, np.float32))
    np.testing.assert_array_equal(v.value, np.full((2, 3), 2.0))
    np.testing.assert_array_equal(ops.add(v, 1.0), np.full((2, 3), 3.0))
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros((3, 2), np.float32))


# ------------------------------------------------------------------------------ performance mode
_PERFORMANCE_SCRIPT = """
import json, math
import numpy as np
import dlx, dlx_openvino
from dlx import ops

rng = np.random.default_rng(0)
a = rng.standard_normal((256, 256)).astype(np.float32)
b = rng.standard_normal((256, 256)).astype(np.float32)
exact = a.astype(np.float64) @ b.astype(np.float64)
scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
with dlx.backend.use("openvino") as backend:
    f = backend.compile(lambda x, y: ops.matmul(x, y))
    try:
        dlx_openvino.set_performance_mode(True)
        on = dlx_openvino.performance_mode()
        fast = float(np.max(np.abs(f(a, b) - exact) / scale))
    finally:
        dlx_openvino.set_performance_mode(False)
    accurate = float(np.max(np.abs(f(a, b) - exact) / scale))
print(json.dumps({"on": on, "off": not dlx_openvino.performance_mode(), "fast": fast, "accurate": accurate}))
"""


def test_performance_mode_switches_and_is_less_accurate():
    # in a fresh interpreter: inside the whole suite's process (every framework loaded, their
    # thread pools alive) OpenVINO's PERFORMANCE configuration took minutes on the CI machine
    p = subprocess.run([sys.executable, "-c", _PERFORMANCE_SCRIPT], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    r = json.loads(p.stdout.strip().splitlines()[-1])
    assert r["on"] and r["off"]
    assert r["accurate"] <= (math.isqrt(256) + 8) * 2.0 ** -24  # Kc
    assert r["fast"] >= r["accurate"]  # bf16 where the CPU has it; never better than the f32 default


def test_backend_variable_storage_roundtrip(backend):
    s = backend.create_variable(np.arange(4.0), dtype="float32", trainable=True, name="v")
    assert s.dtype == np.float32
    s2 = backend.assign_variable(s, [5.0, 6.0, 7.0, 8.0])
    np.testing.assert_array_equal(backend.read_variable(s2), [5, 6, 7, 8])
    with pytest.raises(ValueError, match="does not match"):
        backend.assign_variable(s, np.zeros(3))


def test_stored_values_are_shared_with_openvino_and_released_with_their_variable(ov):
    # a baked weight and a small variable fed as a Parameter are read through the storage's
    # writeable view (no copy); the storage itself stays read-only, and the view is dropped
    # with the variable's value
    import gc

    from dlx_openvino import backend as B

    w = dlx.Variable(np.arange(2048, dtype=np.float32), name="w")  # >= BAKE_MIN_SIZE: a constant
    b = dlx.Variable(np.ones(4, np.float32), name="b")  # a Parameter
    keys = [id(w.value), id(b.value)]
    assert all(id(B._shareable(v.value)) != id(v.value) for v in (w, b))
    assert not w.value.flags.writeable and not b.value.flags.writeable
    f = ov.compile(lambda x, c: ops.sum(x) + c)
    np.testing.assert_array_equal(f(w.value, b.value), np.full(4, 2047 * 2048 / 2 + 1, np.float32))
    b.assign(np.full(4, 3.0, np.float32))
    np.testing.assert_array_equal(f(w.value, b.value), np.full(4, 2047 * 2048 / 2 + 3, np.float32))
    assert B._shareable(w.numpy()) is None  # the caller's copy is not a storage
    fortran = dlx.Variable(np.asfortranarray(np.ones((3, 2), np.float32)), name="f")  # kept in that order
    if not fortran.value.flags.c_contiguous:  # not shareable: a compiled call copies it
        assert B._shareable(fortran.value) is None
    np.testing.assert_array_equal(ov.compile(lambda a: a * 2)(fortran.value), np.full((3, 2), 2.0))
    del w, b, f
    gc.collect()
    assert not any(k in B._SHAREABLE for k in keys)


def test_compile_bakes_weights_and_sees_every_assign(ov):
    # a variable's (read-only) storage of >= BAKE_MIN_SIZE elements becomes a model constant keyed
    # by identity: predict after an assign recompiles once and drops the model of the old weights
    from dlx import layers, models
    from dlx_openvino import backend as B

    rng = np.random.default_rng(0)
    model = models.Sequential([layers.Input((64,)), layers.Dense(32, activation="relu"), layers.Dense(3)])
    x = rng.standard_normal((5, 64)).astype(np.float32)

    def forward():  # float64 NumPy reference of the current weights
        k1, b1, k2, b2 = (np.asarray(w, np.float64) for w in model.get_weights())
        return np.maximum(x @ k1 + b1, 0) @ k2 + b2

    np.testing.assert_allclose(model.predict(x, verbose=0), forward(), rtol=1e-5, atol=1e-5)
    kernel = model.layers[0].kernel
    assert kernel.value.size >= B.BAKE_MIN_SIZE and not kernel.value.flags.writeable
    n = _compilations(ov)
    model.predict(x, verbose=0)
    assert _compilations(ov) == n  # same weights: the same model
    kernel.assign(np.asarray(kernel.numpy()) * -0.5)
    np.testing.assert_allclose(model.predict(x, verbose=0), forward(), rtol=1e-5, atol=1e-5)
    assert _compilations(ov) == n + 1
    assert len(model.predict_function.cache) == 1  # the model baked from the old kernel is gone
    mine = kernel.numpy()
    mine[0, 0] = 123.0  # the caller's own copy, not the storage
    assert kernel.numpy()[0, 0] != 123.0
