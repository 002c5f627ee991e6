"""Recurrent layers on compiled loops (``dlx.ops.scan``), against Keras 3 itself on the same
weights and inputs: masks, ``go_backwards``, states, stacked cells, ``Bidirectional``,
``stateful``, ``unroll=True``; unknown timesteps in a compiled function; an LSTM
encoder-decoder with an unknown batch size trained with ``fit`` on every backend.

Keras runs once, in a subprocess (``KERAS_BACKEND=jax``, ``keras_rnn_side.py``).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops

HERE = Path(__file__).parent


def _side():
    name = "dlx_keras_rnn_side"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "keras_rnn_side.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


side = _side()
NAMES = sorted(side.CASES)
needs_keras = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                 reason="the Keras comparison needs `keras` and `jax` installed (test-only)")


def _layer(name):
    """dlx's layer for the case, built on its first input, and its weights."""
    build, _, _, _ = side.CASES[name]
    xs, mask = side.make_inputs(name)
    with dlx.backend.use("numpy"):
        layer = build(L)
        layer(xs[0], mask=mask)
        # trainable weights only: a stateful dlx RNN also lists its kept states (Keras does not)
        weights = [np.asarray(ops.convert_to_numpy(w.value)) for w in layer.trainable_weights]
    return weights


@pytest.fixture(scope="module")
def keras_outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_rnn")
    data = {}
    for name in NAMES:
        weights = _layer(name)
        data[f"{name}/n_weights"] = np.asarray(len(weights))
        data.update({f"{name}/w{i}": w for i, w in enumerate(weights)})
    np.savez(folder / "inputs.npz", **data)
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_rnn_side.py"), str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    with np.load(folder / "inputs.npz") as inputs, np.load(folder / "keras.npz") as out:
        return dict(inputs), dict(out)


def _compile(backend, fn):
    """``fn`` compiled the way ``fit`` compiles a step (``jit_compile="auto"``)."""
    jit = backend.auto_jit_compile
    return backend.compile(fn, jit=backend.capabilities.jit if jit is None else jit)


def _outs(y):
    return [np.asarray(ops.convert_to_numpy(v)) for v in (y if isinstance(y, (list, tuple)) else [y])]


@needs_keras
@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("name", NAMES)
def test_matches_keras(backend, keras_outputs, name, compiled):
    inputs, want = keras_outputs
    build, _, _, _ = side.CASES[name]
    xs, mask = side.make_inputs(name)
    layer = build(L)
    kw = {} if mask is None else {"mask": ops.convert_to_tensor(mask)}
    layer(ops.convert_to_tensor(xs[0]), **kw)
    for i, v in enumerate(layer.trainable_weights):
        v.assign(inputs[f"{name}/w{i}"])
    if getattr(layer, "stateful", False):
        layer.reset_states()
    run = (lambda x: layer(x, **kw))
    if compiled and not getattr(layer, "stateful", False):  # stateful layers assign their states: eager only
        run = _compile(backend, run)
    for c, x in enumerate(xs):
        got = _outs(run(ops.convert_to_tensor(x)))
        for i, g in enumerate(got):
            np.testing.assert_allclose(g, want[f"{name}/call{c}/out{i}"], rtol=2e-5, atol=2e-5,
                                       err_msg=f"{name} call {c} output {i}")


@pytest.mark.parametrize("cls", [L.SimpleRNN, L.LSTM, L.GRU])
def test_unknown_timesteps_in_one_compiled_function(backend, cls):
    """One compiled function runs sequences of several lengths (a scan, not an unrolled loop),
    and matches the eager layer."""
    layer = cls(3, return_sequences=True)
    rng = np.random.default_rng(3)
    layer(ops.convert_to_tensor(np.zeros((2, 3, 4), np.float32)))  # builds (weights are made eagerly)
    fn = _compile(backend, lambda x: layer(x))
    for t in (3, 6, 4):
        x = ops.convert_to_tensor(rng.standard_normal((2, t, 4)).astype(np.float32))
        np.testing.assert_allclose(_outs(fn(x))[0], _outs(layer(x))[0], rtol=1e-5, atol=1e-6)


def test_symbolic_unknown_timesteps(numpy_backend):
    inp = dlx.Input((None, 4))
    seq, h, c = L.LSTM(5, return_sequences=True, return_state=True)(inp)
    assert tuple(seq.shape) == (None, None, 5) and tuple(h.shape) == (None, 5) and tuple(c.shape) == (None, 5)
    model = dlx.Model(inp, seq)
    assert _outs(model(np.zeros((2, 7, 4), np.float32)))[0].shape == (2, 7, 5)


def test_lstm_encoder_decoder_fits(backend):
    """The classic seq2seq: an encoder's final states start the decoder (both with unknown
    timesteps); ``fit`` traces the step with an unknown batch size."""
    if not backend.capabilities.training:
        pytest.skip(backend.capabilities.reason("training"))
    dlx.utils.set_random_seed(0)
    enc_in, dec_in = dlx.Input((None, 4)), dlx.Input((None, 3))
    _, h, c = L.LSTM(8, return_state=True)(enc_in)
    dec = L.LSTM(8, return_sequences=True)(dec_in, initial_state=[h, c])
    model = dlx.Model([enc_in, dec_in], L.Dense(3)(dec))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((32, 5, 4)).astype(np.float32)
    b = rng.standard_normal((32, 6, 3)).astype(np.float32)
    y = np.cumsum(b, axis=1) * 0.3
    hist = model.fit([a, b], y, batch_size=8, epochs=3, verbose=0)
    losses = hist.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]


@pytest.mark.parametrize("cls,kwargs", [(L.LSTM, {}), (L.GRU, {"return_sequences": True}),
                                        (L.LSTM, {"go_backwards": True, "return_state": True}),
                                        (L.GRU, {"go_backwards": True, "return_state": True})],
                         ids=["lstm", "gru_sequences", "lstm_backwards_state", "gru_backwards_state"])
def test_fused_kernel_matches_the_scan(backend, cls, kwargs):
    """A backend's fused LSTM/GRU kernel (``Backend.fused_rnn``; torch's ``nn.LSTM`` kernels)
    gives the generic scan's values and gradients (``use_cudnn=False`` forces the scan)."""
    rng = np.random.default_rng(5)
    x = ops.convert_to_tensor(rng.standard_normal((3, 6, 4)).astype(np.float32))
    layer = cls(5, **kwargs)
    layer(x)

    def run(use_cudnn):
        layer.use_cudnn = use_cudnn
        values = _outs(layer(x))
        if not backend.capabilities.training:
            return values, None
        _, g = backend.value_and_grad(lambda v: ops.sum(ops.square(_first(layer(v)))))(x)
        return values, np.asarray(ops.convert_to_numpy(g))

    (fused, g_fused), (generic, g_generic) = run("auto"), run(False)
    for a, b in zip(fused, generic):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    if g_fused is not None:
        np.testing.assert_allclose(g_fused, g_generic, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [L.LSTM, L.GRU], ids=["lstm", "gru"])
def test_use_cudnn_true_raises_where_the_fused_kernel_cannot_run(backend, cls):
    """As Keras 3.15: ``use_cudnn=True`` raises ``ValueError`` when the fused kernel cannot run
    the call (on every Keras backend for recurrent dropout; on its NumPy / TF backends for a
    non-tanh activation, as on any dlx backend), where ``"auto"`` quietly runs the loop; a value
    other than ``"auto"`` / ``True`` / ``False`` is refused when the layer is made."""
    x = np.random.default_rng(1).standard_normal((2, 5, 3)).astype(np.float32)
    for kwargs, why in (({"recurrent_dropout": 0.2}, "recurrent_dropout > 0"),
                        ({"activation": "relu"}, "activation other than tanh")):
        auto = cls(4, seed=1, **kwargs)
        want = _outs(auto(x))[0]
        strict = cls(4, use_cudnn=True, seed=1, **kwargs)
        with pytest.raises(ValueError, match=f"use_cudnn=True.*{why}.*use_cudnn='auto'"):
            strict(x)
        strict.use_cudnn = "auto"  # the same layer (same weights) falls back quietly
        strict.set_weights(auto.get_weights())
        np.testing.assert_allclose(_outs(strict(x))[0], want, rtol=1e-6, atol=1e-6)
    plain = cls(4, use_cudnn=True)
    from dlx.backend.contract import Backend

    if type(backend).fused_rnn is Backend.fused_rnn:  # the backend has no fused kernel at all
        with pytest.raises(ValueError, match=f"the '{backend.name}' backend has no fused kernel"):
            plain(x)
    else:
        assert _outs(plain(x))[0].shape == (2, 4)
    with pytest.raises(ValueError, match=r"use_cudnn='yes'; expected 'auto', True or False"):
        cls(4, use_cudnn="yes")


def _first(y):
    return y[0] if isinstance(y, (list, tuple)) else y



@pytest.mark.parametrize("cls,n_states", [(L.SimpleRNN, 1), (L.LSTM, 2), (L.GRU, 1)], ids=["simple", "lstm", "gru"])
@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
def test_builtin_cells_loop_carries_the_states_alone_without_a_mask(numpy_backend, monkeypatch, cls, n_states,
                                                                     masked):
    """A built-in cell's output is its first state: without a mask the loop carries the cell's
    states alone (as a hand-written ``lax.scan`` LSTM does); with one it also carries the previous
    output (masked steps repeat it). Outputs and states are the cell's own step-by-step calls'."""
    units, rng = 3, np.random.default_rng(7)
    x = rng.standard_normal((2, 5, 4)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1, 1], [1, 0, 0, 1, 0]], bool) if masked else None
    layer = cls(units, return_sequences=True, return_state=True)
    layer(x)
    inits = []
    scan = ops.scan

    def spy(f, init, xs=None, *args, **kwargs):
        inits.append(init)
        return scan(f, init, xs, *args, **kwargs)

    monkeypatch.setattr(ops, "scan", spy)
    seq, *states = _outs(layer(x, mask=None if mask is None else ops.convert_to_tensor(mask)))
    (init,) = inits
    carried = init[0] if masked else init
    assert isinstance(carried, list) and len(carried) == n_states
    assert isinstance(init, tuple) == masked  # (states, previous output) only with a mask
    # reference: the cell called step by step, masked steps keeping the states and the output
    h = [np.zeros((2, units), np.float32) for _ in range(n_states)]
    out, outs = np.zeros((2, units), np.float32), []
    for t in range(5):
        o, new = layer.cell(x[:, t], [ops.convert_to_tensor(s) for s in h])
        o, new = _outs(o)[0], [_outs(s)[0] for s in new]
        m = np.ones((2, 1), bool) if mask is None else mask[:, t:t + 1]
        h = [np.where(m, n, s) for n, s in zip(new, h)]
        out = np.where(m, o, out)
        outs.append(out)
    np.testing.assert_allclose(seq, np.stack(outs, 1), rtol=1e-6, atol=1e-6)
    for got, want in zip(states, h):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
