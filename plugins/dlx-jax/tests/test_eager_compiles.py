"""Eager work on JAX compiles no program per shape: constants, initial weights and state copies
are host work plus a transfer (each ``jnp.zeros`` / ``jnp.copy`` / ``jax.random`` call on a new
shape compiles an XLA program, ~0.1 s each), so fitting a model compiles its train step and
almost nothing else."""

from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import dlx
from dlx import layers, losses, models, ops, optimizers
from dlx.ops.defs import random as spec

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
