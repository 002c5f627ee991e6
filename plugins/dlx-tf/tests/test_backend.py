"""Backend-specific behaviour of dlx-tf: plugin wiring, tensors, autodiff, compilation,
variables, random bits, and ops inside ``tf.function`` graphs."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
import tensorflow as tf

import dlx
from dlx import ops
from dlx.ops.defs.random import _bits_np
from dlx_tf import _internals

# ------------------------------------------------------------------------------ plugin wiring


def test_plugin_import_pulls_no_framework(run_python):
    code = (
        "import sys, dlx, dlx_tf, dlx_tf.plugin\n"
        "recs = dlx.backend.records()\n"
        "assert 'tf' in recs, sorted(recs)\n"
        "rec = recs['tf']\n"
        "assert rec.target == 'dlx_tf.backend:TensorFlowBackend' and rec.aliases == ('tensorflow',)\n"
        "assert rec.requires == ('tensorflow',)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'))\n"
        "assert not bad, bad[:5]\n"
        "print('clean')\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "clean" in proc.stdout


@pytest.mark.parametrize("name", ["tf", "tensorflow", "TensorFlow"])
def test_env_var_selects_backend(run_python, name):
    proc = run_python("from dlx.cli import main; main(['info'])", env={"DLX_BACKEND": name})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "active backend: tf (DLX_BACKEND environment variable)" in proc.stdout


def test_info_lists_version_and_capabilities(run_python):
    proc = run_python("from dlx.cli import main; main(['info', '--json'])")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {r["name"]: r for r in json.loads(proc.stdout)["backends"]}
    row = rows["tf"]
    assert row["framework_version"] == tf.__version__
    assert row["aliases"] == ["tensorflow"]
    assert row["distribution"] == "dlx-tf"
    assert row["device"] == "cpu:0" or row["device"].startswith("gpu:")
    caps = row["capabilities"]
    assert caps["training"] and caps["jit"] and caps["float64"]


def test_alias_selects_the_same_instance(tf_backend):
    assert dlx.backend.get("tensorflow") is tf_backend
    assert tf_backend.name == "tf"
    assert tf_backend.framework_version() == tf.__version__
    assert tf_backend.device() in tf_backend.devices()
    assert not tf.config.experimental.tensor_float_32_execution_enabled()


# ------------------------------------------------------------------------------ tensors


def test_outputs_are_plain_tf_tensors(tf_backend):
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    with dlx.backend.use(tf_backend):
        y = ops.exp(ops.add(x, 1.0))
        parts = ops.split(y, 2, axis=0)
    assert type(y) is type(tf.constant(0.0))  # EagerTensor, no wrapper
    assert all(isinstance(p, tf.Tensor) for p in parts)
    ds = tf.data.Dataset.from_tensor_slices((y, ops.argmax(y, axis=1))).batch(2)
    batches = list(ds)
    assert len(batches) == 2
    np.testing.assert_allclose(batches[0][0].numpy(), np.exp(x[:2] + 1), rtol=1e-6)


def test_convert_to_tensor_and_to_numpy(tf_backend):
    t = tf.constant([1.0, 2.0])
    assert tf_backend.convert_to_tensor(t) is t  # no copy, no wrapper
    assert tf_backend.convert_to_tensor(t, "float32") is t
    assert tf_backend.convert_to_tensor(t, "float64").dtype == tf.float64
    assert tf_backend.convert_to_tensor(1.5).dtype == tf.float32  # Python floats: floatx
    assert tf_backend.convert_to_tensor(3).dtype == tf.int32  # Python ints: int32
    assert tf_backend.convert_to_tensor([1, 2]).dtype == tf.int32
    assert tf_backend.convert_to_tensor(np.zeros(3, np.int64)).dtype == tf.int64  # arrays keep their dtype
    assert tf_backend.convert_to_tensor(np.zeros(3), "uint32").dtype == tf.uint32
    big = tf.random.stateless_uniform((256, 256), seed=(1, 2))
    a, b = tf_backend.to_numpy(big), tf_backend.to_numpy(big)
    assert np.shares_memory(a, b)  # a view of the tensor's buffer, not a copy
    assert tf_backend.is_tensor(big) and tf_backend.is_tensor(tf.Variable(1.0))
    assert not tf_backend.is_tensor(np.ones(2))


def test_weak_scalars_and_promotion(tf_backend):
    with dlx.backend.use(tf_backend):
        assert ops.add(tf.constant([1.0], tf.float64), 2.0).dtype == tf.float64
        assert ops.multiply(tf.constant([1], tf.int32), 2.5).dtype == tf.float32
        assert ops.add(tf.constant([1], tf.uint32), tf.constant([1], tf.int32)).dtype == tf.int64
        assert ops.divide(tf.constant([1], tf.int32), 2).dtype == tf.float32
        assert ops.argmax(tf.constant([[1.0, 3.0]]), axis=1).dtype == tf.int32


# ------------------------------------------------------------------------------ autodiff


def test_value_and_grad_pytrees_aux_and_argnums(tf_backend):
    params = {"w": np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), "b": [np.array([0.5, -0.5], np.float32)]}
    x = np.array([1.0, -1.0], np.float32)

    def loss(p, x, scale):
        y = ops.add(ops.matmul(x, p["w"]), p["b"][0])
        return ops.sum(ops.square(y)) * scale, {"y": y}

    with dlx.backend.use(tf_backend):
        (value, aux), grads = tf_backend.value_and_grad(loss, argnums=(0, 1), has_aux=True)(params, x, 2.0)
    y = x @ params["w"] + params["b"][0]
    assert float(value) == pytest.approx(2 * np.sum(y**2))
    np.testing.assert_allclose(aux["y"].numpy(), y)
    gp, gx = grads
    assert set(gp) == {"w", "b"} and isinstance(gp["b"], list)
    np.testing.assert_allclose(gp["w"].numpy(), 4 * np.outer(x, y), rtol=1e-6)
    np.testing.assert_allclose(gp["b"][0].numpy(), 4 * y, rtol=1e-6)
    np.testing.assert_allclose(gx.numpy(), 4 * params["w"] @ y, rtol=1e-6)


def test_value_and_grad_single_argnum_and_gather(tf_backend):
    table = np.arange(10, dtype=np.float64).reshape(5, 2)

    def f(t):
        return ops.sum(ops.take(t, np.array([0, 3, 3], np.int32), axis=0))

    with dlx.backend.use(tf_backend):
        value, g = tf_backend.value_and_grad(f)(table)
    assert float(value) == table[[0, 3, 3]].sum()
    assert isinstance(g, tf.Tensor)  # IndexedSlices are densified
    np.testing.assert_array_equal(g.numpy(), [[1, 1], [0, 0], [0, 0], [2, 2], [0, 0]])


def test_value_and_grad_inside_compile(tf_backend):
    def f(w, x):
        return ops.mean(ops.tanh(ops.matmul(x, w)))

    step = tf_backend.compile(tf_backend.value_and_grad(f), jit=False)
    w = np.ones((3, 2), np.float32)
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    with dlx.backend.use(tf_backend):
        v1, g1 = step(tf.constant(w), tf.constant(x))
        v2, g2 = tf_backend.value_and_grad(f)(w, x)
    np.testing.assert_allclose(v1.numpy(), v2.numpy(), rtol=1e-6)
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-6)


# ------------------------------------------------------------------------------ compile


@pytest.mark.parametrize("jit", [False, True])
def test_compile_caches_per_signature(tf_backend, jit):
    traces = []

    def f(x, y):
        traces.append(1)
        return ops.add(ops.multiply(x, y), ops.sin(x))

    fn = tf_backend.compile(f, jit=jit)
    assert isinstance(fn.function, tf.types.experimental.PolymorphicFunction)
    a = tf.constant(np.linspace(0, 1, 6, dtype=np.float32).reshape(2, 3))
    with dlx.backend.use(tf_backend):
        out1 = fn(a, a)
        out2 = fn(a + 1, a)  # same signature: no retrace
        assert len(traces) == 1 and fn.experimental_get_tracing_count() == 1
        np.testing.assert_allclose(out2.numpy(), ((a + 1) * a + tf.sin(a + 1)).numpy(), rtol=1e-6)
        fn(tf.cast(a, tf.float64), tf.cast(a, tf.float64))  # new dtype: one new trace
        assert len(traces) == 2
        fn(tf.cast(a, tf.float64), tf.cast(a, tf.float64))
        assert len(traces) == 2
    np.testing.assert_allclose(out1.numpy(), (a * a + tf.sin(a)).numpy(), rtol=1e-6)
    if jit:  # tf.function(jit_compile=True): XLA HLO is available
        assert "HloModule" in fn.experimental_get_compiler_ir(a, a)(stage="hlo")
    else:
        with pytest.raises(ValueError, match="jit_compile"):
            fn.experimental_get_compiler_ir(a, a)


def test_compiled_calls_take_the_flat_path(tf_backend):
    """Known signatures skip tf.function's argument matching (dlx_tf._fastcall) and give the same
    results as the public path: nested lists / dicts of tensors, NumPy arrays, static Python
    values (a new value is a new signature), a new structure, a new shape."""
    traces = []

    def f(state, batch, scale):
        traces.append(1)
        out = [ops.multiply(v, scale) for v in state["w"]]
        return {"w": out, "n": state["n"]}, ops.add(ops.sum(batch[0]), ops.sum(batch[1]))

    fn = tf_backend.compile(f, jit=False)
    rng = np.random.default_rng(0)
    w = [tf.constant(rng.standard_normal((2, 3)), tf.float32), tf.constant(rng.standard_normal(4), tf.float32)]
    n = tf.constant(3, tf.int32)
    calls = []
    with dlx.backend.use(tf_backend):
        for scale in [2.0, 2.0, 2.0, 3.0, 3.0]:
            xb = rng.standard_normal((5, 2)).astype(np.float32)
            yb = tf.constant(rng.standard_normal(5), tf.float32)
            state, total = fn({"w": w, "n": n}, [xb, yb], scale)
            calls.append(len(fn._concrete))
            for a, b in zip(state["w"], w):
                np.testing.assert_allclose(a.numpy(), b.numpy() * scale, rtol=1e-6)
            assert int(state["n"]) == 3 and isinstance(state["w"], list)
            np.testing.assert_allclose(float(total), xb.sum() + yb.numpy().sum(), rtol=1e-5)
        assert len(traces) == 2 and calls == [1, 1, 1, 2, 2]  # one trace and one entry per scale
        assert all(entry is not None for entry in fn._concrete.values())  # both took the flat path
        # a new shape: a new signature, still correct
        state, total = fn({"w": w, "n": n}, [np.ones((7, 2), np.float32), tf.ones(7)], 2.0)
        np.testing.assert_allclose(float(total), 21.0)


def test_compiled_calls_take_variables_read_when_they_run(tf_backend):
    """A tf.Variable argument takes the flat path as its resource handle: the function reads it
    when it runs (an assignment between calls is seen), and another variable of the same shape and
    dtype reuses the signature (tf.function traces variables by their spec)."""
    traces = []

    def f(state, x):
        traces.append(1)
        return ops.matmul(x, tf_backend.read_variable(state["w"]))

    fn = tf_backend.compile(f, jit=False)
    w = np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2)
    x = np.linspace(0, 2, 12, dtype=np.float32).reshape(4, 3)
    v, other = tf.Variable(w), tf.Variable(w * -3.0)
    with dlx.backend.use(tf_backend):
        for k in range(1, 4):
            v.assign(w * k)
            np.testing.assert_allclose(fn({"w": v}, x).numpy(), x @ (w * k), rtol=1e-5)
        np.testing.assert_allclose(fn({"w": other}, x).numpy(), x @ (w * -3.0), rtol=1e-5)
    assert len(traces) == 1 and len(fn._concrete) == 1
    assert all(entry is not None for entry in fn._concrete.values()) == _internals.PRIVATE  # the flat path


def test_predict_hands_the_variables_to_its_function(tf_backend):
    """predict passes the variables' storages to its compiled function, which reads them when it
    runs: a dlx assign and a direct tf.Variable assign (no dlx bookkeeping) between two predicts
    are each seen by the second, with one trace."""
    from dlx import layers, models

    with dlx.backend.use(tf_backend):
        model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
        x = np.arange(6, dtype=np.float32).reshape(2, 3)
        model.predict(x, verbose=0)
        kernel, bias = model.layers[0].kernel, model.layers[0].bias
        state = model._predict_state(tf_backend)
        assert state is model._predict_state(tf_backend)  # reused while nothing changed
        assert [s is v.storage for s, v in zip(state["storages"][0], [kernel, bias])] == [True, True]
        kernel.assign(np.ones((3, 2), np.float32))
        np.testing.assert_allclose(model.predict(x, verbose=0), x.sum(1, keepdims=True) + bias.numpy())
        kernel.storage.assign(np.full((3, 2), 2.0, np.float32))
        np.testing.assert_allclose(model.predict_on_batch(x), 2 * x.sum(1, keepdims=True) + bias.numpy())
        np.testing.assert_allclose(model.predict(np.tile(x, (40, 1)), batch_size=32, verbose=0),
                                   2 * np.tile(x, (40, 1)).sum(1, keepdims=True) + bias.numpy())
        entries = model.predict_function._concrete.values()
        assert all(entry is not None for entry in entries) == _internals.PRIVATE  # variables take the flat path


def test_evaluate_hands_the_variables_to_its_function(tf_backend):
    """evaluate and test_on_batch pass the storages as predict does: a direct tf.Variable assign
    between two evaluations is seen by the second."""
    from dlx import layers, models

    with dlx.backend.use(tf_backend):
        model = models.Sequential([layers.Input((3,)), layers.Dense(1, use_bias=False)])
        model.compile(loss="mse")
        x = np.arange(12, dtype=np.float32).reshape(4, 3)
        for k in (1.0, 2.0):
            model.layers[0].kernel.storage.assign(np.full((3, 1), k, np.float32))
            y = k * x.sum(1, keepdims=True)
            assert model.evaluate(x, y, verbose=0) == 0.0
            assert model.test_on_batch(x, y + 1.0) == pytest.approx(1.0)
        assert type(model._predict_state(tf_backend)) is dict


@pytest.mark.parametrize("steps_per_execution", [1, 2])
def test_fit_hands_the_variables_to_its_step(tf_backend, steps_per_execution):
    """fit's compiled step takes the variables' storages (an RNN's loop then reads its weights in
    its body, as a hand-written tf.while_loop does; the optimizer's slots are held once, by their
    variables) and writes their new values itself: the weights a callback reads after each
    execution, after train_on_batch, and each epoch's loss (its metric reset in place), equal the
    numpy backend's."""
    from dlx import callbacks, layers, models, optimizers

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((12, 5, 3)).astype(np.float32), rng.standard_normal((12, 1)).astype(np.float32)

    def train(backend):
        with dlx.backend.use(backend):
            dlx.utils.set_random_seed(1)
            model = models.Sequential([layers.Input((5, 3)), layers.LSTM(4), layers.Dense(1)])
            model.compile(optimizer=optimizers.Adam(0.01), loss="mse", steps_per_execution=steps_per_execution)
            seen = []

            class Record(callbacks.Callback):
                def on_train_batch_end(self, batch, logs=None):
                    seen.append([np.array(w) for w in self.model.get_weights()])

            history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, callbacks=[Record()])
            model.train_on_batch(x[:4], y[:4])
            return model, [*seen, model.get_weights()], history.history["loss"]

    model, got, losses = train(tf_backend)
    _, ref, ref_losses = train("numpy")
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    assert len(got) == len(ref) == 2 * -(-3 // steps_per_execution) + 1  # 3 batches an epoch
    for g, r in zip(got, ref):
        for a, b in zip(g, r):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with dlx.backend.use(tf_backend):
        state = model._pull_state()
        groups = [model.trainable_variables, model.non_trainable_variables, model.optimizer.variables,
                  [v for m in model.metrics for v in m.variables]]
        assert [len(g) for g in groups] == [5, 1, 12, 2]  # Adam: iterations, learning rate, 2 slots a weight
        assert [[s is v.storage for s, v in zip(st, g)] for st, g in zip(state["storages"], groups)] == [
            [True] * len(g) for g in groups]
        assert list(state) == ["storages"]  # no values beside them


# ------------------------------------------------------------------------------ variables


def test_variables_create_assign_read(tf_backend):
    v = dlx.Variable(np.ones((2, 3), np.float32), name="kernel:0 (dense)", backend=tf_backend)
    storage = v.storage
    assert isinstance(storage, tf.Variable)
    assert storage.trainable and storage.dtype == tf.float32
    assert all(c.isalnum() or c in "_.-" for c in storage.name.split(":")[0])
    v.assign(np.full((2, 3), 2.0))
    assert v.storage is storage  # assigned in place
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 2.0))
    with dlx.backend.use(tf_backend):
        out = ops.add(v, 1.0)  # ops read the variable's value
        assert isinstance(out, tf.Tensor)
        np.testing.assert_array_equal(out.numpy(), np.full((2, 3), 3.0))
    frozen = dlx.Variable(np.zeros(3), dtype="float64", trainable=False, name="steps", backend=tf_backend)
    assert not frozen.storage.trainable and frozen.storage.dtype == tf.float64
    read = tf_backend.read_variable(frozen.storage)
    assert isinstance(read, tf.Tensor) and not isinstance(read, tf.Variable)
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros((3, 2)))


# ------------------------------------------------------------------------------ random


@pytest.mark.parametrize(("seed", "shape"), [((0, 42), (1000,)), ((123456789, 987654321), (7, 13)),
                                             ((2**32 - 1, 5), (3, 5, 4)), ((1, 2), ()), ((9, 9), (0, 4))])
def test_random_bits_match_the_numpy_reference(tf_backend, seed, shape):
    s = np.array(seed, np.uint32)
    with dlx.backend.use(tf_backend):
        got = ops.random_bits(s, shape)
        in_graph = tf.function(lambda k: ops.random_bits(k, shape))(tf.constant(s))
    assert got.dtype == tf.uint32 and tuple(got.shape) == shape
    np.testing.assert_array_equal(got.numpy(), _bits_np(s, shape))
    np.testing.assert_array_equal(in_graph.numpy(), _bits_np(s, shape))


def test_random_distributions_follow_the_bits(tf_backend):
    seed = np.array([3, 4], np.uint32)
    with dlx.backend.use(tf_backend):
        u = ops.random_uniform(seed, (500,))
        d = ops.random_dropout(seed, tf.ones((500,)), 0.3)
    with dlx.backend.use("numpy"):
        u_ref = ops.random_uniform(seed, (500,))
        d_ref = ops.random_dropout(seed, np.ones((500,), np.float32), 0.3)
    np.testing.assert_array_equal(u.numpy(), u_ref)
    np.testing.assert_array_equal(d.numpy(), d_ref)


def test_eager_draws_in_blocks_match_the_reference(tf_backend):
    # 3 * 70001 counters: several blocks of the spec's eager generator, the last one partial; the
    # affine uniform map runs block by block (bfloat16: in TF ops) and must round as the reference
    from dlx.ops.defs import random as spec

    s, shape = np.array([2**32 - 1, 12345], np.uint32), (3, 70001)
    assert np.prod(shape) > 3 * spec._BLOCK
    with dlx.backend.use(tf_backend):
        bits = ops.random_bits(s, shape)
        u = {dt: ops.random_uniform(s, shape, -1e-3, 7.0, dtype=dt)
             for dt in ("float32", "float64", "float16", "bfloat16")}
        in_graph = tf.function(lambda k: ops.random_uniform(k, shape, -1e-3, 7.0))(tf.constant(s))
    np.testing.assert_array_equal(bits.numpy(), _bits_np(s, shape))
    with dlx.backend.use("numpy"):
        for dt, got in u.items():
            np.testing.assert_array_equal(got.numpy(), ops.random_uniform(s, shape, -1e-3, 7.0, dtype=dt), err_msg=dt)
    np.testing.assert_array_equal(in_graph.numpy(), u["float32"].numpy())


def test_large_draws_are_adopted_without_a_copy_and_misaligned_arrays_are_copied(tf_backend):
    # the spec generator's draws are 64-byte aligned, so TF takes their buffers as they are; an
    # array off that alignment (TF's kernels abort the process on one) is copied instead
    from dlx.backend.buffers import aligned_copy
    from dlx.ops.defs import random as spec
    from dlx_tf._core import adopt_host

    drawn = spec.counter_uniform(np.array([5, 6], np.uint32), 1 << 17)
    assert drawn.ctypes.data % spec.ALIGN == 0 and drawn.nbytes >= 1 << 18
    adopted = adopt_host(drawn)
    drawn[0] = -5.0  # only to observe the sharing: dlx never writes an array it handed over
    assert adopted.numpy()[0] == -5.0
    misaligned = aligned_copy(np.arange((1 << 17) + 1, dtype=np.float32))[1:]  # 4 bytes past a boundary
    assert misaligned.ctypes.data % 64 != 0
    copied = adopt_host(misaligned)
    expected = misaligned.copy()
    misaligned[:] = 0.0
    np.testing.assert_array_equal((copied * 1.0).numpy(), expected)  # an op reads it: no abort
    with dlx.backend.use(tf_backend):
        v = dlx.Variable(dlx.initializers.GlorotUniform(seed=3)((512, 300)))
        before = np.array(v.numpy())
        v.assign(v.value * 2.0)
        again = dlx.initializers.GlorotUniform(seed=3)((512, 300))
    with dlx.backend.use("numpy"):
        ref = dlx.initializers.GlorotUniform(seed=3)((512, 300))
    np.testing.assert_array_equal(before, ref)
    np.testing.assert_array_equal(np.asarray(again), ref)
    np.testing.assert_array_equal(v.numpy(), ref * 2.0)


# ------------------------------------------------------------------------------ graphs


def _program(x, w, idx, seed):
    h = ops.relu(ops.matmul(x, w))
    h = ops.layer_normalization(h, axis=-1)
    s = ops.softmax(ops.concatenate([h, ops.flip(h, axis=1)], axis=1), axis=-1)
    g = ops.take_along_axis(s, idx, axis=1)
    c = ops.conv(ops.reshape(x, (2, 3, 4, 1)), ops.ones((2, 2, 1, 2)), padding="same")
    p = ops.max_pool(c, 2, padding="same")
    top = ops.top_k(s, 2)[0]
    r = ops.random_normal(seed, (2, 3))
    return (ops.sum(g, axis=1), ops.mean(p), ops.cumsum(top, axis=1), ops.where(ops.greater(h, 0.1), h, -1.0),
            ops.logsumexp(s), ops.erfinv(ops.clip(h, -0.9, 0.9)), r, ops.argsort(s, axis=-1))


@pytest.mark.parametrize("jit", [False, True])
def test_ops_inside_tf_function_match_eager(tf_backend, jit):
    rng = np.random.default_rng(0)
    args = (tf.constant(rng.standard_normal((2, 12)).astype(np.float32)),
            tf.constant(rng.standard_normal((12, 5)).astype(np.float32)),
            tf.constant(rng.integers(0, 10, (2, 3)).astype(np.int32)),
            tf.constant(np.array([5, 6], np.uint32)))
    with dlx.backend.use(tf_backend):
        eager = _program(*args)
        graph = tf.function(_program, jit_compile=jit, autograph=False)(*args)
    assert len(eager) == len(graph)
    for e, g in zip(eager, graph):
        assert e.dtype == g.dtype and e.shape == g.shape
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=2e-6, atol=1e-6)


def test_compiled_step_with_a_varying_batch(tf_backend):
    """A smaller last batch makes tf.function relax the batch dim to None: random ops and
    take_along_axis then run on dynamic shapes, with the same bits as eagerly."""

    def f(x, idx, seed):
        return (ops.random_dropout(seed, x, 0.5), ops.random_dropout(seed, x, 0.5, noise_shape=(None, 1)),
                ops.take_along_axis(x, idx, axis=1), ops.random_shuffle(seed, x), ops.random_categorical(seed, x, 3))

    fn = tf_backend.compile(f, jit=False)
    seed = tf.constant(np.array([1, 2], np.uint32))
    with dlx.backend.use(tf_backend):
        for n in (3, 4, 5):
            x = tf.constant(np.arange(n * 4, dtype=np.float32).reshape(n, 4))
            idx = tf.constant(np.tile(np.array([[3, 0]], np.int32), (n, 1)))
            for got, want in zip(fn(x, idx, seed), f(x, idx, seed)):
                np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert fn.experimental_get_tracing_count() == 2  # (3, 4), then (None, 4)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_loop_keeps_tf_parallel_iterations_and_tests_only_its_bound(tf_backend, reverse):
    """The traced scan is one ``tf.while_loop`` whose iterations may overlap (TF's default window
    of 10; with 1, each step's work independent of the carry waited for the previous step) and
    whose condition compares one counter per step (its bound, which XLA needs; the constant
    ``True`` it is and-ed with folds away), as a hand-written ``tf.while_loop(lambda i, ...:
    i < n, ...)`` does: it compared its own index with the length as well (two comparisons and a
    ``LogicalAnd`` every step). Its values, forward and reversed, with a known and an unknown
    number of steps, are the Python loop's."""
    w = np.array([[0.5, -0.25], [0.125, 0.75]], np.float32)
    xs = np.random.default_rng(0).standard_normal((6, 3, 2)).astype(np.float32)

    def step(h, x):
        h = ops.tanh(ops.add(ops.matmul(h, w), x))
        return h, ops.multiply(h, 2.0)

    with dlx.backend.use(tf_backend):
        fn = tf.function(lambda xs: ops.scan(step, ops.zeros((3, 2)), xs, reverse=reverse), autograph=False)
        for n in (6, None):
            gdef = fn.get_concrete_function(tf.TensorSpec((n, 3, 2), tf.float32)).graph.as_graph_def()
            library = {f.signature.name: f for f in gdef.library.function}
            (loop,) = [node for node in gdef.node if node.op in ("While", "StatelessWhile")]
            assert loop.attr["parallel_iterations"].i == 10
            cond_ops = [node.op for node in library[loop.attr["cond"].func.name].node_def]
            compares = [op for op in cond_ops if op in ("Less", "LessEqual", "Greater", "GreaterEqual")]
            assert compares == ["Less"], cond_ops
        (h, ys) = fn(tf.constant(xs))
    ref_h, ref_ys = np.zeros((3, 2)), []
    for x in (xs[::-1] if reverse else xs).astype(np.float64):
        ref_h = np.tanh(ref_h @ w + x)
        ref_ys.append(2 * ref_h)
    ref_ys = np.stack(ref_ys[::-1] if reverse else ref_ys)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ys.numpy(), ref_ys, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("n", [12, 10])
def test_scan_of_a_known_length_runs_four_steps_per_iteration(tf_backend, reverse, n):
    """A traced scan whose known length 4 divides runs 4 steps per loop iteration (bound n / 4),
    other lengths one: values and the gradient of the weight are the Python loop's either way."""
    from dlx_tf.kernels import control

    w0 = np.array([[0.5, -0.25], [0.125, 0.75]], np.float32)
    xs = np.random.default_rng(1).standard_normal((n, 3, 2)).astype(np.float32)

    def loss(w, xs):
        def step(h, x):
            h = ops.tanh(ops.add(ops.matmul(h, w), x))
            return h, ops.multiply(h, 2.0)
        h, ys = ops.scan(step, ops.zeros((3, 2)), xs, reverse=reverse)
        return ops.sum(h) + ops.sum(ops.multiply(ys, ys)), ys

    with dlx.backend.use(tf_backend):
        grad = tf_backend.value_and_grad(loss, has_aux=True)
        fn = tf.function(lambda w, xs: grad(w, xs), autograph=False)
        gdef = fn.get_concrete_function(tf.TensorSpec((2, 2), tf.float32),
                                        tf.TensorSpec((n, 3, 2), tf.float32)).graph.as_graph_def()
        nodes = {node.name: node for node in gdef.node}
        loops = [node for node in gdef.node if node.op in ("While", "StatelessWhile")]  # forward, gradient
        bounds = [nodes[loop.input[1].split(":")[0]] for loop in loops]
        steps = control._STEPS_PER_ITERATION if n % control._STEPS_PER_ITERATION == 0 else 1
        assert [int(tf.make_ndarray(b.attr["value"].tensor)) for b in bounds] == [n // steps] * 2
        (value, ys), g = fn(tf.constant(w0), tf.constant(xs))

    def ref_loss(w):  # float64 NumPy, with the gradient by central differences
        h, out = np.zeros((3, 2)), []
        for x in (xs[::-1] if reverse else xs).astype(np.float64):
            h = np.tanh(h @ w + x)
            out.append(2 * h)
        out = np.stack(out[::-1] if reverse else out)
        return h.sum() + (out * out).sum(), out

    ref_value, ref_ys = ref_loss(w0.astype(np.float64))
    ref_g = np.zeros((2, 2))
    for idx in np.ndindex(2, 2):
        d = np.zeros((2, 2))
        d[idx] = 1e-6
        ref_g[idx] = (ref_loss(w0 + d)[0] - ref_loss(w0 - d)[0]) / 2e-6
    np.testing.assert_allclose(value.numpy(), ref_value, rtol=1e-5)
    np.testing.assert_allclose(ys.numpy(), ref_ys, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g.numpy(), ref_g, rtol=1e-4, atol=1e-5)


def test_scan_and_an_lstm_fit_compile_with_xla(tf_backend):
    """Under ``jit_compile=True`` (XLA) the scan's TensorArrays need the loop's bound
    (``maximum_iterations``): without it the value and its gradient failed to compile ("XLA
    compilation requires a fixed tensor list size"), so an LSTM could not fit with XLA on tf."""
    w = np.array([[0.5, -0.25], [0.125, 0.75]], np.float32)
    xs = np.random.default_rng(0).standard_normal((6, 3, 2)).astype(np.float32)

    def loss(w, xs):
        _, ys = ops.scan(lambda h, x: (ops.tanh(ops.add(ops.matmul(h, w), x)),) * 2, ops.zeros((3, 2)), xs)
        return ops.sum(ops.square(ys))

    with dlx.backend.use(tf_backend):
        vg = tf_backend.value_and_grad(loss)
        value, grad = tf.function(vg, jit_compile=True, autograph=False)(tf.constant(w), tf.constant(xs))
        want_value, want_grad = vg(tf.constant(w), tf.constant(xs))  # eager: the Python loop
        np.testing.assert_allclose(value.numpy(), want_value.numpy(), rtol=1e-5)
        np.testing.assert_allclose(grad.numpy(), want_grad.numpy(), rtol=1e-5, atol=1e-6)

        from dlx import layers, models

        x = np.random.default_rng(1).standard_normal((16, 5, 3)).astype(np.float32)
        y = x[:, -1, :1]
        dlx.utils.set_random_seed(3)
        model = models.Sequential([layers.Input((5, 3)), layers.LSTM(4), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", jit_compile=True)
        loss = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False).history["loss"]
        assert loss[-1] < loss[0]
        got = model.predict(x, verbose=0)

    # the trained model's forward pass against a float64 NumPy LSTM (Keras's gate order i, f, c, o)
    kernel, recurrent, bias, dense_w, dense_b = (np.asarray(w, np.float64) for w in model.get_weights())
    h = c = np.zeros((16, 4))
    for t in range(5):
        i, f, g, o = np.split(x[:, t].astype(np.float64) @ kernel + h @ recurrent + bias, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
    np.testing.assert_allclose(got, h @ dense_w + dense_b, rtol=1e-4, atol=1e-5)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_half_precision_draws_round_once_from_float64(tf_backend):
    # TF's and XLA's float64 -> float16/bfloat16 casts go through float32 on CPUs with hardware
    # half conversions (two roundings); the kernels round to odd in float32 first. Inputs just
    # above and below float16 / bfloat16 halfway points, against NumPy's (ml_dtypes') direct casts.
    import ml_dtypes

    from dlx_tf.kernels.elementwise import _round_once

    rng = np.random.default_rng(0)
    for npdt, tfdt, step_bits in ((np.float16, tf.float16, None), (ml_dtypes.bfloat16, tf.bfloat16, 16)):
        base = rng.uniform(-7, 7, 20000).astype(npdt).astype(np.float64)
        if step_bits is None:
            up = np.nextafter(base.astype(npdt), np.array(np.inf, npdt)).astype(np.float64)
        else:
            up = (base.astype(np.float32).view(np.uint32) + (1 << step_bits)).view(np.float32).astype(np.float64)
        mid = (base + up) / 2
        y = np.concatenate([mid * (1 + 2.0**-40), mid * (1 - 2.0**-40), mid])
        want = y.astype(npdt).astype(np.float64)
        eager = _round_once(tf.constant(y), tfdt).numpy().astype(np.float64)
        compiled = tf.function(lambda t, d=tfdt: _round_once(t, d), jit_compile=True, autograph=False)(tf.constant(y))
        np.testing.assert_array_equal(eager, want)
        np.testing.assert_array_equal(compiled.numpy().astype(np.float64), want)




# ------------------------------------------------------------------------------ half casts
@pytest.mark.parametrize("compiled", [False, True])
def test_cast_to_half_rounds_once(tf_backend, compiled):
    from dlx_conformance.checks import named_cases

    # TensorFlow (and XLA) convert float64 to float16 / bfloat16 through float32: two roundings (values just
    # off a halfway point land on it, then go to even); the kernel rounds once, with a cast's
    # gradient, eagerly and compiled (float32 inputs round once natively; complex128 -> complex64 as before).
    results = named_cases(tf_backend, "cast", ("f16_ties", "bf16_ties", "to_half", "to_c64"), compiled)
    results += named_cases(tf_backend, "saturate_cast", ("f16_ties",), compiled)  # clips, then the same cast
    assert [r for r in results if not r.ok] == []


def test_adopt_array_takes_large_aligned_numbers_and_copies_the_rest(tf_backend):
    from dlx.backend.buffers import take_rows

    rng = np.random.default_rng(6)
    b = tf_backend
    big = take_rows(rng.standard_normal((1000, 200)).astype(np.float32), np.arange(400))
    t = b.adopt_array(big)
    assert np.shares_memory(np.asarray(t), big)  # TF took the buffer itself
    np.testing.assert_allclose(tf.reduce_sum(t, 0).numpy(), big.sum(0, dtype=np.float64), rtol=1e-5, atol=1e-4)
    for a in (rng.standard_normal(7).astype(np.float32), rng.random(1 << 19) > 0.5, np.array(["a", "bc"])):
        t = b.adopt_array(a)
        assert not np.shares_memory(np.asarray(t), a)
        got = t.numpy()
        assert got.tolist() == ([s.encode() for s in a] if a.dtype.kind == "U" else a.tolist())


def test_a_shuffled_fit_hands_its_batches_over_on_the_prefetch_thread(tf_backend, monkeypatch):
    """Shuffled in-memory batches are new arrays (take_rows): the prefetch thread hands them to
    ``adopt_array`` a whole group ahead, so the step's thread copies nothing; unshuffled ones (views
    of the caller's arrays) go to the step as NumPy arrays, which it copies. Either way the losses
    equal the numpy backend's."""
    from dlx import layers, models

    rng = np.random.default_rng(7)
    x = rng.standard_normal((600, 300)).astype(np.float32)  # a 256-row batch: 307 kB, adopted
    y = rng.integers(0, 4, 600)
    seen = []
    backend_type = type(tf_backend)
    adopt = backend_type.adopt_array

    def recording(self, a):
        seen.append((threading.current_thread().name, a.shape))
        return adopt(self, a)

    monkeypatch.setattr(backend_type, "adopt_array", recording)
    from dlx.trainers import epoch_iterator

    sizes = []
    init = epoch_iterator.Prefetcher.__init__

    def sized(self, iterable, convert, size=2):
        sizes.append(size)
        init(self, iterable, convert, size)

    monkeypatch.setattr(epoch_iterator.Prefetcher, "__init__", sized)

    def train(backend, shuffle):
        with dlx.backend.use(backend):
            dlx.utils.set_random_seed(2)
            model = models.Sequential([layers.Input((300,)), layers.Dense(8, activation="relu"), layers.Dense(4)])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=2)
            h = model.fit(x, y, batch_size=256, epochs=2, shuffle=shuffle, verbose=0)
            return h.history["loss"], model.get_weights()

    for shuffle in (True, False):
        seen.clear()
        losses, weights = train(tf_backend, shuffle)
        assert set(sizes) == {3}  # a group of steps_per_execution batches ahead, and one more
        sizes.clear()
        if shuffle:  # 3 batches an epoch, x and y each
            assert sorted(seen) == sorted([("dlx-prefetch", (256, 300)), ("dlx-prefetch", (256,))] * 4
                                          + [("dlx-prefetch", (88, 300)), ("dlx-prefetch", (88,))] * 2)
        else:
            assert seen == []
        ref_losses, ref_weights = train("numpy", shuffle)
        np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
        for a, r in zip(weights, ref_weights):
            np.testing.assert_allclose(a, r, rtol=1e-4, atol=1e-6)


def test_a_callers_array_becomes_a_tensor_of_its_own_whatever_its_layout(tf_backend):
    # host_tensor (the compiled-call path for NumPy arguments): one aligned copy TF adopts for a
    # large numeric array, tf.constant otherwise; never the caller's memory
    from dlx.backend.buffers import aligned_copy
    from dlx_tf._core import host_tensor

    rng = np.random.default_rng(4)
    base = rng.standard_normal((1 << 17) + 1).astype(np.float32)
    cases = {
        "large, off 64-byte alignment": aligned_copy(base)[1:],  # 4 bytes past a boundary
        "large, 64-byte aligned": aligned_copy(base),  # TF could adopt it as it is: still copied
        "large, strided": rng.standard_normal((600, 400)).astype(np.float32).T,
        "large int64": rng.integers(-9, 9, 1 << 16),
        "small float32": rng.standard_normal(7).astype(np.float32),
        "large bool": rng.random(1 << 19) > 0.5,
        "strings": np.array(["a", "bc"]),
    }
    for name, a in cases.items():
        t = host_tensor(a)
        expected = a.copy()
        if a.dtype.kind in "iufb":
            a[...] = 0  # the caller reuses its buffer: the tensor keeps what it was given
        got = t.numpy()
        if a.dtype.kind in "US":
            assert [s.decode() for s in got] == expected.tolist(), name
        else:
            assert got.dtype == expected.dtype, name
            np.testing.assert_array_equal(got, expected, err_msg=name)
            np.testing.assert_array_equal(tf.reduce_sum(tf.cast(t, tf.float64)).numpy(),
                                          expected.astype(np.float64).sum(), err_msg=name)  # a kernel reads it
