"""The nn / signal ops of issue 14 against Keras 3 itself (``KERAS_BACKEND=jax``, in a subprocess):
the same inputs through ``keras.ops`` and ``dlx.ops`` on every backend.

Keras's ``sparsemax`` is checked only where the support has one element: for larger supports
Keras 3.15 sums the cumulative sums over the support (its result does not sum to 1), so there the
test checks the projection's defining properties instead.
"""

from __future__ import annotations

import importlib.util
import math
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import dlx

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                reason="the Keras 3 reference needs `keras` and `jax` (test-only)")

_KERAS_SIDE = r"""
import pickle, sys
import numpy as np
import keras

cases = pickle.load(open(sys.argv[1], "rb"))
out = {}
for cid, name, args, kwargs in cases:
    y = getattr(keras.ops, name)(*args, **kwargs)
    out[cid] = [np.asarray(t) for t in y] if isinstance(y, (tuple, list)) else np.asarray(y)
pickle.dump(out, open(sys.argv[2], "wb"))
"""


def _cases():
    r = np.random.default_rng(14)
    f = lambda *s: r.standard_normal(s).astype("float32")
    b, tm, c, lm = 3, 10, 6, 4
    logits = f(b, tm, c) * 2
    tl, ol = np.array([4, 2, 3], np.int32), np.array([10, 8, 9], np.int32)
    tgt = r.integers(1, c, (b, lm)).astype(np.int32)
    tgt[1, 2:], tgt[2, 3:] = 0, 0
    sig = f(2, 64)
    spec = (f(2, 9, 5), f(2, 9, 5))
    cases = [
        ("ctc_loss", "ctc_loss", (tgt, logits, tl, ol), {}),
        ("ctc_loss_blank_last", "ctc_loss", (np.where(tgt == 5, 1, tgt), logits, tl, ol), {"mask_index": 5}),
        ("ctc_greedy", "ctc_decode", (logits, ol), {}),
        ("ctc_greedy_no_merge", "ctc_decode", (logits, ol), {"merge_repeated": False, "mask_index": 2}),
        ("ctc_beam", "ctc_decode", (logits, ol), {"strategy": "beam_search", "beam_width": 5, "top_paths": 3}),
        ("ctc_beam_wide", "ctc_decode", (logits[:, :6], np.array([6, 5, 6], np.int32)),
         {"strategy": "beam_search", "beam_width": 40, "top_paths": 2}),
        ("stft_hann", "stft", (sig, 16, 4, 16), {}),
        ("stft_hamming_pad", "stft", (sig, 12, 5, 16), {"window": "hamming", "center": False}),
        ("stft_array_window", "stft", (sig, 8, 3, 8), {"window": r.random(8).astype("float32")}),
        ("istft_hann", "istft", (spec, 8, 4, 8), {}),
        ("istft_length", "istft", (spec, 6, 3, 8), {"window": "hamming", "length": 20}),
        ("istft_no_center", "istft", (spec, 8, 2, 8), {"center": False}),
        ("psnr", "psnr", (r.random((2, 8, 8, 3)).astype("float32"), r.random((2, 8, 8, 3)).astype("float32"), 1.0), {}),
        ("sparsemax_one_hot_support", "sparsemax", (np.array([[3.0, 0.1, -1.0], [0.2, 2.5, 0.0]], "float32"),), {}),
        ("glu", "glu", (f(4, 6),), {}),
        ("hard_shrink", "hard_shrink", (f(5, 7),), {"threshold": 0.7}),
        ("soft_shrink", "soft_shrink", (f(5, 7),), {}),
        ("squareplus", "squareplus", (f(5, 7) * 4,), {"b": 2}),
        ("sparse_plus", "sparse_plus", (f(5, 7),), {}),
        ("sparse_sigmoid", "sparse_sigmoid", (f(5, 7),), {}),
        ("tanh_shrink", "tanh_shrink", (f(5, 7),), {}),
        ("threshold", "threshold", (f(5, 7),), {"threshold": 0.3, "default_value": -2.0}),
        ("hard_tanh", "hard_tanh", (f(5, 7) * 2,), {}),
        ("swish", "swish", (f(5, 7),), {}),
        ("hard_swish", "hard_swish", (f(5, 7) * 3,), {}),
        ("normalize_l2", "normalize", (f(4, 6),), {}),
        ("normalize_l1_axis0", "normalize", (f(4, 6),), {"axis": 0, "order": 1}),
        ("fft", "fft", ((f(3, 16), f(3, 16)),), {}),
        ("fft2", "fft2", ((f(2, 6, 8), f(2, 6, 8)),), {}),
        ("ifft2", "ifft2", ((f(2, 6, 8), f(2, 6, 8)),), {}),
        ("rfft_pad", "rfft", (f(3, 10),), {"fft_length": 16}),
        ("irfft", "irfft", ((f(3, 9), f(3, 9)),), {}),
        ("irfft_odd", "irfft", ((f(3, 9), f(3, 9)),), {"fft_length": 15}),
        ("extract_sequences", "extract_sequences", (f(2, 20), 6, 4), {}),
        ("kaiser", "kaiser", (12, 4.0), {}),
        ("hanning", "hanning", (9,), {}),
        ("bartlett", "bartlett", (10,), {}),
        ("adaptive_avg_2d", "adaptive_average_pool", (f(2, 7, 9, 3), (3, 4)), {}),
        ("adaptive_max_1d_cf", "adaptive_max_pool", (f(2, 3, 11), 4), {"data_format": "channels_first"}),
        ("separable_conv", "separable_conv", (f(2, 8, 8, 3), f(3, 3, 3, 2), f(1, 1, 6, 4)), {"padding": "same"}),
        ("multi_hot", "multi_hot", (np.array([[0, 2], [1, 1]], np.int32),), {"num_classes": 4}),
        ("one_hot", "one_hot", (np.array([0, 3, 1], np.int32), 4), {"sparse": False}),
        ("layer_norm_default_eps", "layer_normalization", (f(3, 8) * 1e-3,), {}),
    ]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def keras_out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_ops")
    src, dst = folder / "cases.pkl", folder / "out.pkl"
    src.write_bytes(pickle.dumps(CASES))
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, "-c", _KERAS_SIDE, str(src), str(dst)], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return pickle.loads(dst.read_bytes())


def _close(got, want, what):
    got = np.asarray(got)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, Keras {want.shape}"
    if want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:
        scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5 * scale, err_msg=what)


# ctc_decode's beam search runs on host copies everywhere (it warns so)
@pytest.mark.filterwarnings("ignore::dlx.backend.contract.ReferenceFallbackWarning")
@pytest.mark.parametrize("cid", [c[0] for c in CASES])
def test_equals_keras(keras_out, backend, cid):
    _, name, args, kwargs = next(c for c in CASES if c[0] == cid)
    got = getattr(dlx.ops, name)(*args, **kwargs)
    want = keras_out[cid]
    if isinstance(want, list):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), f"{cid}: {len(want)} outputs expected"
        for i, (g, w) in enumerate(zip(got, want)):
            _close(dlx.ops.convert_to_numpy(g), w, f"{cid} output {i}")
    else:
        _close(dlx.ops.convert_to_numpy(got), want, cid)


def test_sparsemax_is_the_simplex_projection(numpy_backend):
    # the Euclidean projection onto the simplex: sums to 1, nonnegative, and x - out is constant
    # (= tau) on the support, below tau off it
    x = np.random.default_rng(3).standard_normal((20, 7))
    y = np.asarray(dlx.ops.sparsemax(x))
    np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-12)
    assert (y >= 0).all()
    for xi, yi in zip(x, y):
        s = yi > 0
        tau = xi[s] - yi[s]
        np.testing.assert_allclose(tau, tau[0], atol=1e-12)
        assert (xi[~s] <= tau[0] + 1e-12).all()


def test_unsupported_arguments_raise(numpy_backend):
    x = np.ones((1, 2, 1, 4), "float32")
    with pytest.raises(ValueError, match="flash_attention"):
        dlx.ops.dot_product_attention(x, x, x, flash_attention=True)
    with pytest.raises(ValueError, match="sparse"):
        dlx.ops.one_hot(np.array([1]), 3, sparse=True)
    with pytest.raises(TypeError, match="unexpected keyword"):
        dlx.ops.layer_normalization(x, bogus=True)
    with pytest.raises(ValueError, match="strategy"):
        dlx.ops.ctc_decode(np.ones((1, 3, 2), "float32"), np.array([3]), strategy="nope")


def test_layer_normalization_rms_scaling_matches_keras_formula(numpy_backend):
    x = np.random.default_rng(0).standard_normal((3, 8))
    g = np.random.default_rng(1).standard_normal(8)
    with pytest.warns(DeprecationWarning, match="rms_scaling"):
        y = dlx.ops.layer_normalization(x, g, None, rms_scaling=True)
    np.testing.assert_allclose(y, x / np.sqrt(x.var(-1, keepdims=True) + 1e-7) * g, rtol=1e-12)


def test_attention_soft_cap_is_tanh_capping(numpy_backend):
    r = np.random.default_rng(2)
    q, k, v = (r.standard_normal((1, 3, 1, 4)) * 3 for _ in range(3))
    logits = np.einsum("btnh,bsnh->bnts", q, k) / 2.0
    capped = 1.5 * np.tanh(logits / 1.5)
    w = np.exp(capped - capped.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    want = np.einsum("bnts,bsnh->btnh", w, v)
    np.testing.assert_allclose(dlx.ops.dot_product_attention(q, k, v, attn_logits_soft_cap=1.5), want, rtol=1e-12)


def test_complex_cases_skip_without_the_capability():
    from dlx.backend import Capabilities
    from dlx.ops import get_spec
    from dlx_conformance.suite.test_conformance import _gate

    class NoComplex:
        capabilities = Capabilities(reasons={"complex": "no complex dtypes here"})
        spec_version = 99

    assert Capabilities().complex is False
    with pytest.raises(pytest.skip.Exception, match="no complex dtypes here"):
        _gate(NoComplex(), get_spec("fft"), "complex64", "value")
    _gate(NoComplex(), get_spec("fft"), "float32", "value")  # real cases still run


def test_complex_helpers_take_complex_arrays(numpy_backend):
    z = np.array([1 + 2j, -3 - 0.5j, complex(-0.0, 0.0)], np.complex64)
    np.testing.assert_array_equal(dlx.ops.real(z), np.float32([1, -3, -0.0]))
    np.testing.assert_array_equal(dlx.ops.imag(z), np.float32([2, -0.5, 0]))
    np.testing.assert_array_equal(dlx.ops.conjugate(z), np.conj(z))
    np.testing.assert_allclose(dlx.ops.angle(z), [math.atan2(2, 1), math.atan2(-0.5, -3), math.pi], rtol=1e-6)
    np.testing.assert_array_equal(dlx.ops.isreal(z), [False, False, True])
