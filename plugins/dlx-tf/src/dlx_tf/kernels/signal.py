"""Kernels of :mod:`dlx.ops.defs.signal`: ``tf.signal``'s transforms on ``(real, imag)`` pairs.
``istft``, ``extract_sequences`` and the windows run the spec's decompositions."""

from __future__ import annotations

import numpy as np

from dlx.ops.defs import signal as _spec
from dlx_tf._core import fl, promote, static_shape, tensor, tf

_COMPLEX = {tf.float32: tf.complex64, tf.float64: tf.complex128}


def _pair(opname, x):
    re, im = _spec.complex_pair(opname, tuple(tensor(p) for p in x))
    re, im = promote(re, im)
    return tf.complex(re, im), re.dtype


def _split(z, dt):
    return tf.cast(tf.math.real(z), dt), tf.cast(tf.math.imag(z), dt)


def fft(x):
    z, dt = _pair("fft", x)
    return _split(tf.signal.fft(z), dt)


def fft2(x):
    z, dt = _pair("fft2", x)
    return _split(tf.signal.fft2d(z), dt)


def ifft2(x):
    z, dt = _pair("ifft2", x)
    return _split(tf.signal.ifft2d(z), dt)


def _fit(x, n):
    length = static_shape(x)[-1]
    if length > n:
        return x[..., :n]
    if length < n:
        return tf.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, n - length]])
    return x


def rfft(x, fft_length=None):
    _spec._check_length("rfft", fft_length)
    x = fl(x)
    n = static_shape(x)[-1] if fft_length is None else fft_length
    # tf.signal.rfft is float32-only: the complex FFT of the real signal, half spectrum kept
    z = tf.signal.fft(tf.complex(_fit(x, n), tf.zeros_like(_fit(x, n))))[..., : n // 2 + 1]
    return _split(z, x.dtype)


def irfft(x, fft_length=None):
    _spec._check_length("irfft", fft_length)
    z, dt = _pair("irfft", x)
    bins = static_shape(z)[-1]
    n = 2 * (bins - 1) if fft_length is None else fft_length
    m = n // 2 + 1
    z = _fit(z, m)
    # the Hermitian completion of the half spectrum, then the complex inverse FFT (float64 too)
    z = tf.complex(tf.math.real(z), tf.concat([tf.zeros_like(tf.math.imag(z[..., :1])), tf.math.imag(z[..., 1:])], -1))
    if n % 2 == 0:
        last = tf.math.real(z[..., -1:])
        z = tf.concat([z[..., :-1], tf.complex(last, tf.zeros_like(last))], -1)
    tail = tf.math.conj(tf.reverse(z[..., 1 : n - m + 1], [-1]))
    return tf.cast(tf.math.real(tf.signal.ifft(tf.concat([z, tail], -1))), dt)


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = tensor(x)
    _spec._check_float("stft", x)
    _spec._check_framing("stft", sequence_length, sequence_stride, fft_length)
    idx = _spec._stft_index(static_shape(x)[-1], fft_length, sequence_stride, center)
    win = _spec._window("stft", window, sequence_length, fft_length, x.dtype.name)
    w = tf.constant(np.asarray(win), x.dtype) if isinstance(win, np.ndarray) else tensor(win)
    frames = tf.gather(x, idx, axis=-1) * w
    return rfft(frames, fft_length)


KERNELS = {"fft": fft, "fft2": fft2, "ifft2": ifft2, "rfft": rfft, "irfft": irfft, "stft": stft}


# complex helpers: complex TF tensors work too
def real(x):
    x = tensor(x)
    return tf.math.real(x) if x.dtype.is_complex else x


def imag(x):
    x = tensor(x)
    return tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x)


def conj(x):
    x = tensor(x)
    return tf.math.conj(x) if x.dtype.is_complex else x


def angle(x):
    x = tensor(x)
    if x.dtype.is_complex:
        return tf.math.angle(x)
    x = fl(x)
    return tf.math.atan2(tf.zeros_like(x), x)  # tf.math.angle gives 0 at -0.0 and NaN


def isreal(x):
    x = tensor(x)
    if x.dtype.is_complex:
        return tf.equal(tf.math.imag(x), 0)
    return tf.ones_like(x, tf.bool)


KERNELS.update({"real": real, "imag": imag, "conj": conj, "conjugate": conj, "angle": angle, "isreal": isreal})
