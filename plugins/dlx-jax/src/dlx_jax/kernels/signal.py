"""Kernels of :mod:`dlx.ops.defs.signal`: ``jnp.fft`` on ``(real, imag)`` pairs, the complex helpers.
``extract_sequences`` and the windows run the spec's decompositions (a gather, constants).
``stft`` (framing, windowing, an FFT) and ``istft`` (the spec's inverse FFT and overlap-add
contraction) are compiled as one program per call signature when called eagerly
(:func:`~dlx_jax._common.jit_eager_calls`)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from dlx.ops.defs import signal as _spec
from dlx_jax._common import arr, compiled_kernel, fl


def _pair(opname, x):
    re, im = _spec.complex_pair(opname, tuple(arr(p) for p in x))
    dt = jnp.result_type(re.dtype, im.dtype)
    return jnp.asarray(re, dt) + 1j * jnp.asarray(im, dt), dt


def _split(z, dt):
    return jnp.real(z).astype(dt), jnp.imag(z).astype(dt)


def fft(x):
    z, dt = _pair("fft", x)
    return _split(jnp.fft.fft(z, axis=-1), dt)


def fft2(x):
    z, dt = _pair("fft2", x)
    return _split(jnp.fft.fft2(z, axes=(-2, -1)), dt)


def ifft2(x):
    z, dt = _pair("ifft2", x)
    return _split(jnp.fft.ifft2(z, axes=(-2, -1)), dt)


def rfft(x, fft_length=None):
    _spec._check_length("rfft", fft_length)
    x = fl(x)
    return _split(jnp.fft.rfft(x, n=fft_length, axis=-1), x.dtype)


def irfft(x, fft_length=None):
    _spec._check_length("irfft", fft_length)
    z, dt = _pair("irfft", x)
    return jnp.fft.irfft(z, n=fft_length, axis=-1).astype(dt)


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = arr(x)
    _spec._check_float("stft", x)
    _spec._check_framing("stft", sequence_length, sequence_stride, fft_length)
    idx = _spec._stft_index(x.shape[-1], fft_length, sequence_stride, center)
    win = _spec._window("stft", window, sequence_length, fft_length, x.dtype.name)
    frames = x[..., idx] * (jnp.asarray(np.asarray(win), x.dtype) if isinstance(win, np.ndarray) else arr(win))
    return _split(jnp.fft.rfft(frames, n=fft_length, axis=-1), x.dtype)


KERNELS = {"fft": fft, "fft2": fft2, "ifft2": ifft2, "rfft": rfft, "irfft": irfft,
           "stft": compiled_kernel("stft", stft), "istft": compiled_kernel("istft")}


# complex helpers: complex jax arrays work too
def real(x):
    return jnp.real(arr(x))


def imag(x):
    x = arr(x)
    return jnp.imag(x) if jnp.iscomplexobj(x) else jnp.zeros_like(x)


def conj(x):
    return jnp.conj(arr(x))


def angle(x):
    x = arr(x)
    return jnp.angle(x if jnp.iscomplexobj(x) else fl(x))


def isreal(x):
    return jnp.isreal(arr(x))


KERNELS.update({"real": real, "imag": imag, "conj": conj, "conjugate": conj, "angle": angle, "isreal": isreal})
