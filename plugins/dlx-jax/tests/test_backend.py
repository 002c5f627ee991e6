"""Backend-specific tests of dlx-jax (the op semantics are covered by test_conformance.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx import ops
from dlx.ops.defs.random import _bits_np

FRAMEWORKS = ("jax", "jaxlib", "torch", "tensorflow", "openvino")


def _run(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=full_env, timeout=300)


@pytest.fixture(scope="module")
def backend():
    return dlx.backend.get("jax")


# ------------------------------------------------------------------------------ plugin & selection
def test_the_first_op_does_not_walk_the_heap_import_jax_left():
    # import jax leaves ~230k tracked objects; loading the backend freezes them, so the first op's
    # collections walk only what came after (paused without the freeze, all of them sat in the
    # youngest generation and the first op paid 40-70 ms of collections over them).
    r = _run("""
        import gc, sys, numpy as np
        import dlx
        np.asarray(dlx.ops.add(np.ones(3, np.float32), 1.0))
        walked = sum(len(gc.get_objects(generation=g)) for g in range(3))
        print(gc.get_freeze_count(), walked, "jax" in sys.modules)
    """, env={"DLX_BACKEND": "jax"})
    assert r.returncode == 0, r.stderr
    frozen, walked, loaded = r.stdout.split()
    assert loaded == "True"
    assert int(frozen) > 100_000 and int(walked) < int(frozen) // 20, (frozen, walked)


def test_plugin_module_imports_no_framework():
    r = _run(f"""
        import sys
        import dlx_jax, dlx_jax.plugin
        recs = dlx_jax.plugin.dlx_backends()
        assert recs[0].name == "jax" and recs[0].target == "dlx_jax.backend:JaxBackend", recs
        loaded = [m for m in {FRAMEWORKS!r} if m in sys.modules]
        assert not loaded, loaded
    """)
    assert r.returncode == 0, r.stderr


def test_discovery_imports_no_jax():
    # dlx.backend.records() loads every installed plugin module; ours must not pull in JAX
    r = _run("""
        import sys
        import dlx
        recs = dlx.backend.records()
        assert "jax" in recs, sorted(recs)
        loaded = [m for m in ("jax", "jaxlib") if m in sys.modules]
        assert not loaded, loaded
    """)
    assert r.returncode == 0, r.stderr


def test_dlx_backend_env_selects_jax():
    r = subprocess.run([sys.executable, "-m", "dlx", "info"], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "DLX_BACKEND": "jax"})
    assert r.returncode == 0, r.stderr
    assert "active backend: jax (DLX_BACKEND environment variable)" in r.stdout, r.stdout
    r = _run("""
        import dlx
        print(dlx.config.backend(), type(dlx.ops.add(1.0, 2.0)).__module__)
    """, env={"DLX_BACKEND": "jax"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == "jax"


def test_dlx_info_lists_jax_with_version_and_capabilities():
    import jax

    r = subprocess.run([sys.executable, "-m", "dlx", "info", "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)["backends"]}
    row = rows["jax"]
    assert row["framework_version"] == jax.__version__
    assert row["distribution"] == "dlx-jax"
    assert row["device"].startswith("cpu:") or row["device"].startswith("gpu:") or row["device"].startswith("tpu:")
    caps = row["capabilities"]
    assert caps == {"training": True, "jit": True, "float64": True, "complex": True, "distribution": True}
    text = subprocess.run([sys.executable, "-m", "dlx", "info"], capture_output=True, text=True, timeout=300).stdout
    line = next(ln for ln in text.splitlines() if ln[3:].startswith("jax "))
    assert jax.__version__ in line


def test_numerics_configured(backend):
    import jax

    assert jax.config.jax_enable_x64  # the test session opts in (DLX_JAX_ENABLE_X64=1)
    # precision and the Threefry layout are per kernel, not process-wide (test_x64_opt_in.py)
    assert jax.config.jax_default_matmul_precision is None
    assert backend.device() in backend.devices()


# ------------------------------------------------------------------------------ dtype rules under x64
def test_x64_does_not_leak_into_default_dtypes(backend):
    with dlx.backend.use(backend):
        i32 = backend.convert_to_tensor(np.arange(4, dtype=np.int32))
        assert ops.dtype(ops.add(1, 2)) == "int32"
        assert ops.dtype(ops.add(1.5, 2.0)) == "float32"
        assert ops.dtype(ops.add(i32, 1.5)) == "float32"
        assert ops.dtype(ops.multiply(backend.convert_to_tensor(np.ones(2, bool)), 3)) == "int32"
        assert ops.dtype(ops.exp(i32)) == "float32"
        assert ops.dtype(ops.divide(i32, i32)) == "float32"
        assert ops.dtype(ops.sum(i32)) == "int32"
        assert ops.dtype(ops.cumsum(i32)) == "int32"
        assert ops.dtype(ops.arange(5)) == "int32"
        assert ops.dtype(ops.zeros((2,))) == "float32"
        assert ops.dtype(ops.full((2,), 1.5)) == "float32"
        assert ops.dtype(backend.convert_to_tensor(1.5)) == "float32"
        assert ops.dtype(backend.convert_to_tensor([1, 2])) == "int32"
        f64 = backend.convert_to_tensor(np.ones(3))
        assert ops.dtype(f64) == "float64"
        assert ops.dtype(ops.add(f64, 1.0)) == "float64"
        u64 = backend.convert_to_tensor(np.ones(2, np.uint64))
        assert ops.dtype(ops.add(u64, backend.convert_to_tensor(np.ones(2, np.int32)))) == "int64"


# ------------------------------------------------------------------------------ tensors
def test_convert_to_tensor_avoids_copies(backend):
    import jax.numpy as jnp

    x = jnp.arange(8.0, dtype=jnp.float32)
    assert backend.convert_to_tensor(x) is x
    assert backend.convert_to_tensor(x, "float32") is x
    # a 64-byte-aligned NumPy array is wrapped, not copied (XLA's CPU alignment requirement)
    buf = np.empty(4096 + 64, np.uint8)
    off = (-buf.ctypes.data) % 64
    a = buf[off:off + 4096].view(np.float32)
    a[:] = 1.0
    t = backend.convert_to_tensor(a)
    if t.devices().pop().platform == "cpu":
        assert t.unsafe_buffer_pointer() == a.ctypes.data
    # to_numpy is a read-only view of the device buffer on CPU
    v = backend.to_numpy(t)
    assert v.dtype == np.float32 and v.shape == (1024,)
    if t.devices().pop().platform == "cpu":
        assert v.ctypes.data == t.unsafe_buffer_pointer()
    assert backend.is_tensor(t) and not backend.is_tensor(a)


# ------------------------------------------------------------------------------ autodiff
def test_value_and_grad_pytrees_aux_and_argnums(backend):
    w = backend.convert_to_tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    b = backend.convert_to_tensor(np.array([0.5, -0.5], np.float32))
    x = backend.convert_to_tensor(np.array([[1.0, -1.0]], np.float32))

    def loss(params, inputs, scale):
        y = ops.add(ops.matmul(inputs, params["w"]), params["b"][0])
        value = ops.sum(ops.square(y)) * scale
        return value, {"y": y}

    with dlx.backend.use(backend):
        (value, aux), grads = backend.value_and_grad(loss, argnums=0, has_aux=True)({"w": w, "b": [b]}, x, 2.0)
        assert set(grads) == {"w", "b"} and isinstance(grads["b"], list)
        y = np.array([[1 - 3 + 0.5, 2 - 4 - 0.5]], np.float32)
        np.testing.assert_allclose(float(value), 2 * np.sum(y * y), rtol=1e-6)
        np.testing.assert_allclose(np.asarray(aux["y"]), y)
        np.testing.assert_allclose(np.asarray(grads["w"]), 4 * np.asarray(x).T @ y, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(grads["b"][0]), 4 * y[0], rtol=1e-6)

        def f(a, c):
            return ops.sum(ops.multiply(a, c))

        value, (ga, gc) = backend.value_and_grad(f, argnums=(0, 1))(b, (b, b)[0])
        np.testing.assert_allclose(np.asarray(ga), np.asarray(b))
        np.testing.assert_allclose(np.asarray(gc), np.asarray(b))
        # a Python-float argument follows dlx's rule (float32), not x64's default
        _, g = backend.value_and_grad(lambda s: ops.multiply(s, s))(3.0)
        assert ops.dtype(g) == "float32" and float(g) == 6.0


# ------------------------------------------------------------------------------ compile
def test_compile_caches_per_signature(backend):
    with dlx.backend.use(backend):
        def step(x, n):
            return ops.multiply(ops.sum(x), n)

        fast = backend.compile(step, static_argnums=(1,))
        x = backend.convert_to_tensor(np.ones((4,), np.float32))
        assert float(fast(x, 2)) == 8.0
        assert fast.trace_count == 1
        assert float(fast(backend.convert_to_tensor(np.full((4,), 2.0, np.float32)), 2)) == 16.0
        assert fast.trace_count == 1  # same shapes / dtypes / static value: no retrace
        fast(x, 3)
        assert fast.trace_count == 2  # a new static value
        fast(backend.convert_to_tensor(np.ones((5,), np.float32)), 3)
        assert fast.trace_count == 3  # a new shape
        fast(x, 3)
        assert fast.trace_count == 3
        assert backend.compile(step, jit=False) is step


def test_fit_and_evaluate_trace_their_steps_once(backend):
    # the state handed to the compiled step must have the structure (lists) and placement
    # (committed arrays) of the state the step returns: otherwise its second call traces and/or
    # compiles the whole step again (every fit paid its compile twice)
    from dlx import layers, models

    with dlx.backend.use(backend):
        model = models.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        x, y = np.ones((32, 3), np.float32), np.ones((32, 1), np.float32)
        model.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), verbose=0)
        model.evaluate(x, y, batch_size=8, verbose=0)
        assert [model.train_function.trace_count, model.test_function.trace_count] == [1, 1]
        # and compiled once: one executable each (a first call with uncommitted metric values
        # compiled the same trace again for the committed ones the step returns)
        assert [model.train_function._jitted._cache_size(), model.test_function._jitted._cache_size()] == [1, 1]


def test_predict_reuses_its_state_and_traces_once(backend):
    # predict reuses the variable values it read last (variable_values_immutable): a value assigned
    # between two calls is seen by the second, and neither retraces the compiled function
    from dlx import layers, models

    with dlx.backend.use(backend):
        model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
        x = np.arange(6, dtype=np.float32).reshape(2, 3)
        model.predict(x, verbose=0)
        kernel, bias = model.layers[0].kernel, model.layers[0].bias
        first = model._inference_state()[0]
        assert [a is b for a, b in zip(first, model._inference_state()[0])] == [True, True]
        kernel.assign(np.ones((3, 2), np.float32))
        np.testing.assert_allclose(model.predict(x, verbose=0), x.sum(1, keepdims=True) + bias.numpy())
        kernel.assign(np.full((3, 2), 2.0, np.float32))
        np.testing.assert_allclose(model.predict_on_batch(x), 2 * x.sum(1, keepdims=True) + bias.numpy())
        assert model.predict_function.trace_count == 1


def test_compile_donation(backend):
    with dlx.backend.use(backend):
        fast = backend.compile(lambda a, b: ops.add(a, b), donate_argnums=(0,))
        a = backend.convert_to_tensor(np.ones((16,), np.float32))
        out = fast(a, backend.convert_to_tensor(np.ones((16,), np.float32)))
        np.testing.assert_array_equal(np.asarray(out), np.full((16,), 2.0, np.float32))


def _ynn_fusions(compiled, *args) -> int:
    return compiled.lower(*args).compile().as_text().count('"kind":"__ynn_fusion"')


def test_inference_programs_compile_without_ynnpack_fusions(backend, monkeypatch):
    # XLA:CPU hands dots, reductions and convolutions to YNNPACK by default; forward passes ran
    # 23-47% longer with them (plugins/dlx-jax/README.md), so inference programs (predict /
    # evaluate steps) leave them all out; training steps ran faster with the dot fusions but
    # slower with the convolutions, so other programs leave out the convolutions only
    import jax

    from dlx import layers, models

    monkeypatch.delenv("XLA_FLAGS", raising=False)

    def forward(x, w):
        return ops.relu(ops.matmul(x, w))

    def convolve(x, k):
        return ops.conv(x, k, padding="same")

    args = [backend.convert_to_tensor(np.ones(s, np.float32)) for s in ((64, 128), (128, 256))]
    images = [backend.convert_to_tensor(np.ones(s, np.float32)) for s in ((64, 13, 13, 32), (3, 3, 32, 64))]
    with dlx.backend.use(backend):
        assert _ynn_fusions(jax.jit(forward), *args) > 0  # XLA's default
        assert _ynn_fusions(backend.compile(forward), *args) == _ynn_fusions(jax.jit(forward), *args)
        assert _ynn_fusions(jax.jit(convolve), *images) > 0  # XLA's default: YNNPACK convolutions
        training_conv = backend.compile(convolve)
        assert _ynn_fusions(training_conv, *images) == 0
        np.testing.assert_allclose(np.asarray(training_conv(*images))[:, 1:-1, 1:-1], 288.0)
        inference = backend.compile(forward, inference=True)
        assert _ynn_fusions(inference, *args) == 0
        np.testing.assert_allclose(np.asarray(inference(*args)), np.full((64, 256), 128.0, np.float32))
        # (core's test_predict_and_evaluate_compile_as_inference_and_fit_does_not: the trainer asks)
        model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
        model.predict(np.ones((8, 3), np.float32), verbose=0)
        assert model.predict_function.compiler_options == {"xla_cpu_experimental_ynn_fusion_type": ""}
        assert backend.compile(forward).compiler_options == {
            "xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT,LIBRARY_FUSION_TYPE_REDUCE"}
        # a user's own choice of the YNNPACK fusions stands
        monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_experimental_ynn_fusion_type=dot")
        assert backend.compile(forward, inference=True).compiler_options is None
        assert backend.compile(forward).compiler_options is None


# ------------------------------------------------------------------------------ variables
def test_variables_create_assign_read(backend):
    v = dlx.Variable(np.array([1.0, 2.0], np.float32), name="v", backend="jax")
    assert v.dtype == "float32" and v.shape == (2,)
    import jax

    assert isinstance(v.storage, jax.Array)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    old = v.storage
    v.assign(np.array([3.0, 4.0]))
    assert v.storage is not old and v.storage.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])
    v.assign_add(np.array([1.0, 1.0], np.float32))
    np.testing.assert_array_equal(np.asarray(backend.read_variable(v.storage)), [4.0, 5.0])
    with pytest.raises(ValueError):
        v.assign(np.zeros(3, np.float32))
    # the storage owns its memory: mutating the source array afterwards changes nothing
    src = np.zeros(4, np.float32)
    s = backend.create_variable(src, dtype="float64", trainable=True, name="w")
    src[:] = 7
    assert s.dtype == np.float64 and float(s.sum()) == 0.0
    with dlx.backend.use(backend):
        assert float(ops.sum(v)) == 9.0


# ------------------------------------------------------------------------------ random
@pytest.mark.parametrize("seed, shape", [((0, 42), (1000,)), ((123456789, 987654321), (7, 13)),
                                         ((1, 2), ()), ((2**32 - 1, 5), (3, 4, 5))])
def test_random_bits_match_the_numpy_reference(backend, seed, shape):
    with dlx.backend.use(backend):
        bits = ops.random_bits(np.array(seed, np.uint32), shape)
    assert str(bits.dtype) == "uint32" and bits.shape == shape
    np.testing.assert_array_equal(np.asarray(bits), _bits_np(np.array(seed, np.uint32), shape))


def test_random_bits_is_jax_random_bits(backend):
    import jax

    key = jax.random.key(7, impl="threefry2x32")
    with dlx.backend.use(backend):
        ours = ops.random_bits(jax.random.key_data(key), (64,))
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(jax.random.bits(key, (64,), np.uint32)))


# ------------------------------------------------------------------------------ multi-device
def test_multi_device_layouts():
    r = _run("""
        import numpy as np
        import dlx
        b = dlx.backend.get("jax")
        import jax
        from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
        assert b.devices() == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"], b.devices()
        assert b.device() == "cpu:0"
        sharding = NamedSharding(Mesh(np.array(jax.devices()), ("x",)), P("x"))
        t = b.convert_to_tensor(np.arange(8, dtype=np.float32), layout=sharding)
        assert t.sharding == sharding and len(t.addressable_shards) == 4, t.sharding
        v = b.create_variable(np.ones((8, 2)), dtype="float32", trainable=True, name="w", layout=sharding)
        assert v.sharding == sharding and v.dtype == np.float32
        v2 = b.assign_variable(v, np.zeros((8, 2), np.float32))
        assert v2.sharding == sharding
        with dlx.backend.use(b):
            s = dlx.ops.sum(t)
        assert float(s) == 28.0
        print("ok")
    """, env={"XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("ok")




# ------------------------------------------------------------------------------ half casts
@pytest.mark.parametrize("compiled", [False, True])
def test_cast_to_half_rounds_once(backend, compiled):
    from dlx_conformance.checks import named_cases

    # XLA converts float64 to float16 / bfloat16 through float32: two roundings (values just
    # off a halfway point land on it, then go to even); the kernel rounds once, with a cast's
    # gradient, eagerly and compiled (float32 inputs round once natively; complex128 -> complex64 as before).
    results = named_cases(backend, "cast", ("f16_ties", "bf16_ties", "to_half", "to_c64"), compiled)
    results += named_cases(backend, "saturate_cast", ("f16_ties",), compiled)  # clips, then the same cast
    assert [r for r in results if not r.ok] == []
