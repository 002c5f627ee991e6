"""Eager work on JAX compiles no program per shape: constants, initial weights and state copies
are host work plus a transfer (each ``jnp.zeros`` / ``jnp.copy`` / ``jax.random`` call on a new
shape compiles an XLA program, ~0.1 s each), so fitting a model compiles its train step and
almost nothing else; composite ops called eagerly compile one program per call signature, not
one per primitive."""

from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import dlx
from dlx import layers, losses, models, ops, optimizers
from dlx.ops import image as image_ops
from dlx.ops.defs import random as spec
from dlx_jax import _common
from dlx_jax.kernels import activations as activation_kernels
from dlx_jax.kernels import image as image_kernels
from dlx_jax.kernels import random as random_kernels
from dlx_jax.kernels import signal as signal_kernels

_COMPILE = "/jax/core/compile/backend_compile_duration"


@contextlib.contextmanager
def _counting():
    """Yields a list that collects one entry per XLA compilation inside the block."""
    seen: list[float] = []

    def listen(name, duration, **_):
        if name == _COMPILE:
            seen.append(duration)

    jax.monitoring.register_event_duration_secs_listener(listen)
    try:
        yield seen
    finally:
        jax.monitoring.unregister_event_duration_listener(listen)


@pytest.fixture(scope="module")
def backend():
    return dlx.backend.get("jax")


def test_eager_constants_and_copies_compile_nothing(backend):
    with dlx.backend.use(backend), _counting() as compiled:
        z = ops.zeros((3, 7, 11))
        o = ops.ones((5, 13), "int32")
        f = ops.full((2, 17), 2.5, "float16")
        zl = ops.zeros_like(o)
        c = ops.copy(f)
    assert compiled == []
    np.testing.assert_array_equal(np.asarray(z), np.zeros((3, 7, 11), np.float32))
    np.testing.assert_array_equal(np.asarray(o), np.ones((5, 13), np.int32))
    np.testing.assert_array_equal(np.asarray(f), np.full((2, 17), 2.5, np.float16))
    assert z.dtype == np.float32 and o.dtype == np.int32 and f.dtype == np.float16 and zl.dtype == np.int32
    np.testing.assert_array_equal(np.asarray(c), np.asarray(f))
    assert c.unsafe_buffer_pointer() != f.unsafe_buffer_pointer()  # a new buffer, not an alias


def test_eager_fill_casts_as_jnp_full_does(backend):
    """The host fill gives what ``jnp.full`` gives under ``jax.jit`` (casts, wrap-around)."""
    cases = [(d, v) for d in ("uint32", "int8", "bool", "bfloat16", "float32") for v in (-1, 0, 1.5, 300)]
    dts = [ml_dtypes.bfloat16 if d == "bfloat16" else np.dtype(d) for d, _ in cases]
    want = jax.jit(lambda: [jnp.full((2, 3), v, dt) for (_, v), dt in zip(cases, dts)])()
    with dlx.backend.use(backend):
        got = [ops.full((2, 3), v, d) for d, v in cases]
    for case, g, w in zip(cases, got, want):
        assert g.dtype == w.dtype, case
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w), err_msg=str(case))


def test_eager_initial_weights_are_the_reference_draws_and_compile_nothing(backend):
    seed = np.array([7, 1234], np.uint32)
    with dlx.backend.use(backend), _counting() as compiled:
        u = ops.random_uniform(seed, (19, 23), -0.5, 0.5)
        n = ops.random_normal(seed, (29, 3))
    assert compiled == []
    np.testing.assert_array_equal(np.asarray(u), spec.uniform_from_bits(spec.random_bits(seed, (19, 23)), -0.5, 0.5))
    np.testing.assert_array_equal(np.asarray(n), spec.normal_from_bits(spec.random_bits(seed, (29, 3))))


def test_large_eager_draws_are_the_reference_draws_and_share_one_program(backend):
    """Draws past the NumPy generator's range run one chunk program for every shape: after the
    first, a new shape compiles nothing (ResNet50's 35 large kernels used to compile one program
    per power-of-two length class)."""
    seed = np.array([7, 1234], np.uint32)
    shapes = [(300, 300), (3, 3, 128, 128), (2048, 1000)]  # a partial chunk, one chunk, several
    with dlx.backend.use(backend):
        ops.random_uniform(seed, (70_000,))  # the chunk program compiled (if not yet)
        with _counting() as compiled:
            drawn = [ops.random_uniform(seed, s, -0.05, 0.05) for s in shapes]
            t = ops.random_truncated_normal(seed, (400, 200), 0.0, 2.0)
    assert compiled == []
    for s, u in zip(shapes, drawn):
        assert u.shape == s and u.dtype == np.float32
        np.testing.assert_array_equal(np.asarray(u), spec.uniform_from_bits(spec.random_bits(seed, s), -0.05, 0.05))
    np.testing.assert_array_equal(np.asarray(t),
                                  spec.truncated_normal_from_bits(spec.random_bits(seed, (400, 200)), 0.0, 2.0))


def test_fit_compiles_the_train_step_and_not_the_model_op_by_op(backend):
    """Before: the eager build pass, the weight draws, the optimizer slots and the state copies
    compiled 40+ programs for this model; now the train step, plus the one concatenation that
    builds the LSTM's bias."""
    with dlx.backend.use(backend):
        x = np.random.default_rng(0).standard_normal((8, 5, 3)).astype("float32")
        y = x[:, -1, :1]
        model = models.Sequential([layers.Input((5, 3)), layers.LSTM(4), layers.Dense(1)])
        model.compile(optimizer=optimizers.Adam(1e-3), loss=losses.MeanSquaredError())
        with _counting() as compiled:
            model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert 1 <= len(compiled) <= 2, len(compiled)


# ------------------------------------------------------------- composite ops: one program per call


def test_eager_random_beta_traces_one_program_per_signature(backend):
    """A composite op called eagerly is one compiled program: a repeated call traces and compiles
    nothing; a new ``shape`` traces and compiles exactly one program (op by op it compiled every
    primitive again)."""
    kernel = random_kernels.random_beta
    seed = np.array([3, 8], np.uint32)
    with dlx.backend.use(backend):
        first = ops.random_beta(seed, (6, 7), 2.0, 5.0)
        traced = kernel.compiled.trace_count
        with _counting() as compiled:
            again = ops.random_beta(seed, (6, 7), 2.0, 5.0)
        assert (kernel.compiled.trace_count, compiled) == (traced, [])
        with _counting() as compiled:
            other = ops.random_beta(seed, (6, 8), 2.0, 5.0)
        assert (kernel.compiled.trace_count, len(compiled)) == (traced + 1, 1)
        # another seed (a traced argument) reuses the program
        ops.random_beta(np.array([4, 9], np.uint32), (6, 8), 2.0, 5.0)
        assert kernel.compiled.trace_count == traced + 1
    np.testing.assert_array_equal(np.asarray(first), np.asarray(again))
    np.testing.assert_allclose(np.asarray(first), spec.random_beta(seed, (6, 7), 2.0, 5.0), rtol=1e-5)
    assert other.shape == (6, 8) and other.dtype == np.float32


def test_eager_compiled_ops_keep_their_argument_errors(backend):
    """Checks of static arguments run while the program is traced: the same errors, on every call."""
    seed = np.array([3, 8], np.uint32)
    with dlx.backend.use(backend):
        for _ in range(2):
            with pytest.raises(ValueError, match="beta: alpha must be positive"):
                ops.random_beta(seed, (4,), -1.0, 2.0)
            with pytest.raises(ValueError, match="gamma: alpha must be positive"):
                ops.random_gamma(seed, (4,), np.array([1.0, 0.0]))
            with pytest.raises(ValueError, match="binomial: counts must be non-negative whole numbers"):
                ops.random_binomial(seed, (4,), 2.5, 0.5)
            with pytest.raises(ValueError, match="binomial: probabilities must be in"):
                ops.random_binomial(seed, (4,), 3.0, 1.5)
            with pytest.raises(ValueError, match="scale_and_translate: method='box'"):
                image_ops.scale_and_translate(np.ones((4, 4), np.float32), (4, 4), np.ones(2, np.float32),
                                              np.zeros(2, np.float32), (0, 1), "box")


def test_eager_binomial_reads_its_levels_from_concrete_counts(backend):
    """The number of halving levels comes from the concrete counts (static in the program); inside
    the user's ``jax.jit`` counts are unknown and it runs the levels of 2**31 - 1 (the same samples,
    more work)."""
    seed = np.array([2, 9], np.uint32)
    counts = np.array([3.0, 40.0, 1000.0], np.float32)
    traced_levels = []
    with dlx.backend.use(backend):
        eager = ops.random_binomial(seed, (3,), jnp.asarray(counts), 0.7)
        assert spec.binomial_levels(counts) == 6 and spec.binomial_levels(jnp.asarray(counts)) == 6
        jax.make_jaxpr(lambda c: traced_levels.append(spec.binomial_levels(c)) or c)(counts)
    assert traced_levels == [spec.binomial_levels(2**31 - 1)] == [27]
    np.testing.assert_array_equal(np.asarray(eager), spec.random_binomial(seed, (3,), counts, 0.7))


def test_eager_compiled_kernel_inside_a_trace_runs_plainly(backend):
    kernel = random_kernels.random_gamma
    seed = np.array([5, 6], np.uint32)
    with dlx.backend.use(backend):
        eager = ops.random_gamma(seed, (9,), 3.0)
        before = kernel.compiled.trace_count
        inside = jax.jit(lambda s: ops.random_gamma(s, (9,), 3.0))(seed)
    assert kernel.compiled.trace_count == before  # the user's trace ran the decomposition itself
    np.testing.assert_allclose(np.asarray(inside), np.asarray(eager), rtol=1e-6)


def test_static_keys_tell_apart_what_the_function_can():
    key = _common.static_key
    assert len({key(1), key(1.0), key(True)}) == 3
    assert key(0.0) != key(-0.0)
    assert key(float("nan")) == key(float("nan"))
    assert key((1, [2.0, "a"])) == key((1, [2.0, "a"])) != key((1, (2.0, "a")))
    assert key(np.array([1.0, 2.0])) != key(np.array([1.0, 2.0], np.float32))
    assert key(np.float32(2)) != key(np.float64(2))
    for bad in ({"a": 1}, object(), np.zeros(_common.STATIC_ARRAY_MAX + 1), np.array([None]), jnp.zeros(2)):
        with pytest.raises(_common._Unkeyable):
            key(bad)


def test_unkeyable_or_untraceable_arguments_run_op_by_op(backend):
    """Static values with no key, and tensors where the function expects a host value, are not
    forced into a program: those calls run the decomposition op by op, with its result."""
    calls = []

    def scaled(x, factor, shift=0.0):
        calls.append(type(factor))
        return ops.add(ops.multiply(x, factor if not isinstance(factor, list) else factor[0]), shift)

    kernel = _common.jit_eager_calls(scaled, ("x",))
    x = np.arange(4.0, dtype=np.float32)
    with dlx.backend.use(backend):
        np.testing.assert_array_equal(np.asarray(kernel(x, 2.0)), x * 2)
        np.testing.assert_array_equal(np.asarray(kernel(x, 2.0)), x * 2)
        assert kernel.compiled.trace_count == 1
        np.testing.assert_array_equal(np.asarray(kernel(x, 2)), x * 2)  # an int is another program
        assert kernel.compiled.trace_count == 2
        np.testing.assert_array_equal(np.asarray(kernel(x, jnp.float32(3.0))), x * 3)  # not traced: plain
        np.testing.assert_array_equal(np.asarray(kernel(x, [np.float32(4.0)], shift=1.0)), x * 4 + 1)
        assert kernel.compiled.trace_count == 3  # a list of NumPy scalars has a key
        np.testing.assert_array_equal(np.asarray(kernel(x, [jnp.float32(5.0)])), x * 5)  # no key: plain
        assert kernel.compiled.trace_count == 3
    assert calls.count(type(jnp.float32(3.0))) == 1


def test_dlx_settings_are_part_of_the_program_key(backend):
    """``data_format=None`` reads ``image_data_format()`` inside the program: a changed setting
    compiles another program instead of reusing the one traced for the old layout."""
    x = np.random.default_rng(1).uniform(size=(2, 3, 3, 3)).astype(np.float32)  # either layout reads it
    kernel = image_kernels.KERNELS["rgb_to_hsv"]
    with dlx.backend.use(backend):
        last = image_ops.rgb_to_hsv(x)
        before = kernel.compiled.trace_count
        dlx.config.set_image_data_format("channels_first")
        try:
            first = image_ops.rgb_to_hsv(x)
        finally:
            dlx.config.set_image_data_format("channels_last")
    assert kernel.compiled.trace_count == before + 1
    with dlx.backend.use("numpy"):
        np.testing.assert_allclose(np.asarray(first), image_ops.rgb_to_hsv(x, "channels_first"), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(last), image_ops.rgb_to_hsv(x, "channels_last"), rtol=1e-5, atol=1e-6)


def test_numpy_tensors_are_traced_not_hashed(backend):
    """NumPy arrays in tensor parameters (bfloat16 included) are program arguments: new values
    reuse the program."""
    kernel = activation_kernels.KERNELS["sparsemax"]
    r = np.random.default_rng(3)
    with dlx.backend.use(backend):
        ops.sparsemax(r.standard_normal((3, 11)).astype(ml_dtypes.bfloat16))
        before = kernel.compiled.trace_count
        x = r.standard_normal((3, 11)).astype(ml_dtypes.bfloat16)
        y = ops.sparsemax(x)
    assert kernel.compiled.trace_count == before and y.dtype == ml_dtypes.bfloat16
    with dlx.backend.use("numpy"):
        np.testing.assert_allclose(np.asarray(y, np.float32), np.asarray(ops.sparsemax(x), np.float32), atol=1e-2)


def test_tensor_list_arguments_are_traced(backend):
    """``istft``'s ``(real, imag)`` pair is a tensor list: new values reuse the program."""
    kernel = signal_kernels.KERNELS["istft"]
    r = np.random.default_rng(4)

    def pair():
        return tuple(r.standard_normal((2, 9, 5)).astype(np.float32) for _ in range(2))

    with dlx.backend.use(backend):
        ops.istft(pair(), 8, 4, 8)
        before = kernel.compiled.trace_count
        x = pair()
        y = ops.istft(x, 8, 4, 8)
    assert kernel.compiled.trace_count == before
    with dlx.backend.use("numpy"):
        np.testing.assert_allclose(np.asarray(y), ops.istft(x, 8, 4, 8), rtol=1e-5, atol=1e-5)
