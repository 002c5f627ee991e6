"""Kernels of :mod:`dlx.ops.defs.signal`: ``torch.fft`` on ``(real, imag)`` pairs. ``istft``,
``extract_sequences`` and the windows run the spec's decompositions."""

from __future__ import annotations

import numpy as np
import torch

from dlx.ops.defs import signal as _spec
from dlx_torch._tensors import F, T, promote_all


def _pair(opname, x):
    re, im = _spec.complex_pair(opname, tuple(T(p) for p in x))
    re, im = promote_all((re, im))
    return torch.complex(re, im), re.dtype


def _split(z, dt):
    return z.real.to(dt), z.imag.to(dt)


def fft(x):
    z, dt = _pair("fft", x)
    return _split(torch.fft.fft(z, dim=-1), dt)


def fft2(x):
    z, dt = _pair("fft2", x)
    return _split(torch.fft.fft2(z, dim=(-2, -1)), dt)


def ifft2(x):
    z, dt = _pair("ifft2", x)
    return _split(torch.fft.ifft2(z, dim=(-2, -1)), dt)


def rfft(x, fft_length=None):
    _spec._check_length("rfft", fft_length)
    x = F(x)
    return _split(torch.fft.rfft(x, n=fft_length, dim=-1), x.dtype)


def irfft(x, fft_length=None):
    _spec._check_length("irfft", fft_length)
    z, dt = _pair("irfft", x)
    return torch.fft.irfft(z, n=fft_length, dim=-1).to(dt)


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = T(x)
    _spec._check_float("stft", x)
    _spec._check_framing("stft", sequence_length, sequence_stride, fft_length)
    idx = _spec._stft_index(x.shape[-1], fft_length, sequence_stride, center)
    win = _spec._window("stft", window, sequence_length, fft_length, str(x.dtype).split(".")[-1])
    w = torch.as_tensor(np.asarray(win), dtype=x.dtype, device=x.device) if isinstance(win, np.ndarray) else T(win)
    frames = x[..., torch.as_tensor(idx, device=x.device)] * w
    return _split(torch.fft.rfft(frames, n=fft_length, dim=-1), x.dtype)


KERNELS = {"fft": fft, "fft2": fft2, "ifft2": ifft2, "rfft": rfft, "irfft": irfft, "stft": stft}


# complex helpers: complex torch tensors work too
def real(x):
    x = T(x)
    return torch.real(x) if x.is_complex() else x


def imag(x):
    x = T(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def conj(x):
    x = T(x)
    return torch.conj_physical(x) if x.is_complex() else x


def angle(x):
    x = T(x)
    if x.is_complex():
        return torch.angle(x)
    x = F(x)
    return torch.atan2(torch.zeros_like(x), x)  # torch.angle gives 0 at -0.0 and NaN


def isreal(x):
    return torch.isreal(T(x))


KERNELS.update({"real": real, "imag": imag, "conj": conj, "conjugate": conj, "angle": angle, "isreal": isreal})
