"""Signal ops: Fourier transforms, short-time transforms and framing (Keras's ``math`` group), and
window functions (Keras's ``numpy`` group).

As in Keras, complex values are ``(real, imag)`` pairs of float tensors of one shape: ``fft``,
``fft2``, ``ifft2`` and ``irfft`` take such a pair, and ``fft``, ``fft2``, ``ifft2``, ``rfft`` and
``stft`` return one. Transforms run along the last axis (the last two for the 2-D ones).

The decompositions multiply by DFT matrices (cosines and sines computed in float64): any backend
gets the transforms, their gradients follow from them, and their error is that of a contraction
of the transform length.
"""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd
from dlx.ops.defs._conv import _vjp_of
from dlx.ops.spec import Case, op

G = "math"


# ------------------------------------------------------------------------------ helpers
def complex_pair(opname, x):
    """Checks Keras's ``(real, imag)`` input; returns the two parts."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{opname}: x must be a (real, imag) pair of float tensors; received {type(x).__name__}")
    re, im = x
    sr, si = tensors.shape(re), tensors.shape(im)
    if sr != si:
        raise ValueError(f"{opname}: the real and imaginary parts must have one shape; received {sr} and {si}")
    for part in (re, im):
        if "float" not in tensors.dtype(part):
            raise ValueError(f"{opname}: x must hold float tensors; received dtype {tensors.dtype(part)}")
    return re, im


def _check_float(opname, x):
    if tensors.dtype(x) not in ("float32", "float64"):
        raise TypeError(f"{opname}: x has dtype {tensors.dtype(x)}; expected float32 or float64")


def _cos_sin(n: int, m: int | None = None):
    """``cos`` and ``sin`` of ``2 pi j k / n`` for ``j < n``, ``k < m`` (arguments reduced mod n)."""
    m = n if m is None else m
    jk = (np.arange(n)[:, None] * np.arange(m)[None, :]) % n
    a = 2 * np.pi * jk / n
    return np.cos(a), np.sin(a)


def _mm(x, m):
    return K.matmul(x, K.cast(m, tensors.dtype(x)))


def _fft_last(re, im, inverse=False):
    n = tensors.shape(re)[-1]
    c, s = _cos_sin(n)
    if not inverse:
        return _mm(re, c) + _mm(im, s), _mm(im, c) - _mm(re, s)
    return (_mm(re, c) - _mm(im, s)) / n, (_mm(im, c) + _mm(re, s)) / n


def _on_axis2(fn, re, im):
    re, im = K.swapaxes(re, -1, -2), K.swapaxes(im, -1, -2)
    re, im = fn(re, im)
    return K.swapaxes(re, -1, -2), K.swapaxes(im, -1, -2)


def _fit_last(x, n):
    """``x`` cropped or zero-padded to length ``n`` on the last axis."""
    length = tensors.shape(x)[-1]
    if length > n:
        return x[..., :n]
    if length < n:
        pads = [(0, 0)] * (len(tensors.shape(x)) - 1) + [(0, n - length)]
        return K.pad(x, pads)
    return x


def _np_fit_last(x, n):
    if x.shape[-1] >= n:
        return x[..., :n]
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - x.shape[-1])])


def _pair_np(opname, x):
    re, im = complex_pair(opname, tuple(np.asarray(p) for p in x))
    dt = np.result_type(re.dtype, im.dtype)
    return re.astype(np.float64) + 1j * im.astype(np.float64), dt


def _out_pair(z, dt):
    return np.real(z).astype(dt), np.imag(z).astype(dt)


def _vjp(decomp):
    """The gradient rule of ``decomp`` w.r.t. its first argument (a tensor or a pair), for one
    output or a ``(real, imag)`` pair of outputs (their cotangents summed)."""
    def rule(g, out, x, *args, **kwargs):
        from dlx.backend import registry

        backend = registry.get("numpy")

        def f(x_):
            y = decomp(x_, *args, **kwargs)
            if isinstance(y, tuple):
                return K.sum(y[0] * g[0]) + K.sum(y[1] * g[1])
            return K.sum(y * g)

        with registry.use(backend):
            _, grads = backend.value_and_grad(f)(x)
        return (grads,)
    return rule


def _grad_pair(decomposition):
    rule = _vjp(decomposition)

    def grad(g, out, x, *args, **kwargs):
        (gx,) = rule(g, out, tuple(x), *args, **kwargs)
        return (list(gx),)
    return grad


def _pair_len(axes):
    def length(args, kwargs):
        s = np.shape(args[0][0])
        return int(np.prod([s[a] for a in axes]))
    return length


def _pair_scale(axes):
    def scale(ctx):
        re, im = (np.abs(np.asarray(p, np.float64)) for p in ctx.args[0])
        s = np.sum(re + im, axis=axes, keepdims=True)
        return np.broadcast_to(s, np.shape(ctx.exact))
    return scale


def _pair_case(name, shape):
    def make(r, dt):
        return ((r.standard_normal(shape).astype(dt), r.standard_normal(shape).astype(dt)),), {}
    return Case(name, make)


# ------------------------------------------------------------------------------ fft, fft2, ifft2
def fft_decomposition(x):
    return _fft_last(*complex_pair("fft", x))


def fft2_decomposition(x):
    re, im = _fft_last(*complex_pair("fft2", x))
    return _on_axis2(_fft_last, re, im)


def ifft2_decomposition(x):
    re, im = _fft_last(*complex_pair("ifft2", x), inverse=True)
    return _on_axis2(lambda a, b: _fft_last(a, b, inverse=True), re, im)


@op(G, T.Kc(_pair_len((-1,)), _pair_scale((-1,))), [_pair_case("1d", (16,)), _pair_case("batch", (3, 10)),
                                                       _pair_case("n7", (2, 7))],
    grad=_grad_pair(fft_decomposition), tensor_lists=("x",), tensors=(), decomposition=fft_decomposition)
def fft(x):
    """The discrete Fourier transform along the last axis of ``x = (real, imag)``; returns
    ``(real, imag)``.

    Arguments:
        x: a ``(real, imag)`` tuple or list of two float tensors of one shape.

    Returns:
        A ``(real, imag)`` tuple of float tensors (the input's float dtype), shaped like the input.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.fft((np.array([1.0, 0.0, 0.0, 0.0]), np.zeros(4)))
    >>> real, imag
    (array([1., 1., 1., 1.]), array([0., 0., 0., 0.]))
    """
    z, dt = _pair_np("fft", x)
    return _out_pair(np.fft.fft(z, axis=-1), dt)


@op(G, T.Kc(_pair_len((-2, -1)), _pair_scale((-2, -1))), [_pair_case("2d", (6, 8)), _pair_case("batch", (2, 5, 4))],
    grad=_grad_pair(fft2_decomposition), tensor_lists=("x",), tensors=(), decomposition=fft2_decomposition)
def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``.

    Arguments:
        x: a ``(real, imag)`` tuple or list of two float tensors of one shape, rank >= 2.

    Returns:
        A ``(real, imag)`` tuple of float tensors (the input's float dtype), shaped like the input.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.fft2((np.ones((2, 2)), np.zeros((2, 2))))
    >>> real
    array([[4., 0.],
           [0., 0.]])
    """
    z, dt = _pair_np("fft2", x)
    return _out_pair(np.fft.fft2(z, axes=(-2, -1)), dt)


def _ifft2_scale(ctx):
    s = _pair_scale((-2, -1))(ctx)
    sh = np.shape(ctx.args[0][0])
    return s / (sh[-1] * sh[-2])


@op(G, T.Kc(_pair_len((-2, -1)), _ifft2_scale), [_pair_case("2d", (6, 8)), _pair_case("batch", (2, 5, 4))],
    grad=_grad_pair(ifft2_decomposition), tensor_lists=("x",), tensors=(), decomposition=ifft2_decomposition)
def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``.

    Arguments:
        x: a ``(real, imag)`` tuple or list of two float tensors of one shape, rank >= 2.

    Returns:
        A ``(real, imag)`` tuple of float tensors (the input's float dtype), shaped like the input (scaled by ``1 / (rows * columns)``).

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.ifft2((np.array([[4.0, 0.0], [0.0, 0.0]]), np.zeros((2, 2))))
    >>> real
    array([[1., 1.],
           [1., 1.]])
    """
    z, dt = _pair_np("ifft2", x)
    return _out_pair(np.fft.ifft2(z, axes=(-2, -1)), dt)


# ------------------------------------------------------------------------------ rfft, irfft
def _check_length(opname, fft_length):
    if fft_length is not None and (isinstance(fft_length, bool) or not isinstance(fft_length, int) or fft_length < 1):
        raise ValueError(f"{opname}: fft_length={fft_length!r}; expected a positive int or None")


def rfft_decomposition(x, fft_length=None):
    _check_length("rfft", fft_length)
    if "float" not in tensors.dtype(x):
        x = K.cast(x, dtypes.floatx())
    n = tensors.shape(x)[-1] if fft_length is None else fft_length
    x = _fit_last(x, n)
    c, s = _cos_sin(n, n // 2 + 1)
    return _mm(x, c), -_mm(x, s)


def _irfft_matrices(n):
    m = n // 2 + 1
    c, s = _cos_sin(n, m)
    w = np.full(m, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return (w[:, None] * c.T) / n, -(w[:, None] * s.T) / n


def irfft_decomposition(x, fft_length=None):
    _check_length("irfft", fft_length)
    re, im = complex_pair("irfft", x)
    n = 2 * (tensors.shape(re)[-1] - 1) if fft_length is None else fft_length
    if n < 1:
        raise ValueError(f"irfft: the output length is {n}; pass fft_length")
    m = n // 2 + 1
    re, im = _fit_last(re, m), _fit_last(im, m)
    ar, ai = _irfft_matrices(n)
    return _mm(re, ar) + _mm(im, ai)


def _rfft_len(args, kwargs):
    return kwargs.get("fft_length") or np.shape(args[0])[-1]


def _rfft_scale(ctx):
    x = np.abs(np.asarray(ctx.args[0], np.float64))
    return np.broadcast_to(np.sum(x, axis=-1, keepdims=True), np.shape(ctx.exact))


def _real_case(name, shape, **kw):
    return Case(name, lambda r, dt: ((r.standard_normal(shape).astype(dt),), dict(kw)))


@op(G, T.Kc(_rfft_len, _rfft_scale), [_real_case("even", (3, 16)), _real_case("odd", (9,)),
                                       _real_case("pad", (2, 6), fft_length=10), _real_case("crop", (2, 12), fft_length=7)],
    grad=_vjp(rfft_decomposition), decomposition=rfft_decomposition)
def rfft(x, fft_length=None):
    """The discrete Fourier transform of real ``x`` along the last axis, bins ``0 ..
    fft_length // 2`` (``x`` is cropped or zero-padded to ``fft_length``); returns ``(real, imag)``.

    Arguments:
        x: a real tensor; integer and bool inputs are computed in ``floatx()``.
        fft_length: the transform length (a positive int); ``None`` means ``x.shape[-1]``.

    Returns:
        A ``(real, imag)`` tuple of float tensors of shape ``(..., fft_length // 2 + 1)``.

    Raises:
        ValueError: when ``fft_length`` is not a positive int or ``None``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.rfft(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> real, imag
    (array([10., -2., -2.]), array([0., 2., 0.]))
    """
    _check_length("rfft", fft_length)
    x = np.asarray(x)
    dt = x.dtype if x.dtype.kind == "f" else nd(dtypes.floatx())
    z = np.fft.rfft(x.astype(np.float64), n=fft_length, axis=-1)
    return _out_pair(z, dt)


def _irfft_len(args, kwargs):
    n = kwargs.get("fft_length") or 2 * (np.shape(args[0][0])[-1] - 1)
    return n


def _irfft_scale(ctx):
    re, im = (np.abs(np.asarray(p, np.float64)) for p in ctx.args[0])
    n = _irfft_len(ctx.args, ctx.kwargs)
    return np.broadcast_to(2 * np.sum(re + im, axis=-1, keepdims=True) / n, np.shape(ctx.exact))


@op(G, T.Kc(_irfft_len, _irfft_scale), [_pair_case("even", (3, 9)), _pair_case("odd_length", (2, 6)),
                                         Case("n11", lambda r, dt: (((r.standard_normal((2, 6)).astype(dt), r.standard_normal((2, 6)).astype(dt)),), {"fft_length": 11})),
                                         Case("n6_crop", lambda r, dt: (((r.standard_normal((7,)).astype(dt), r.standard_normal((7,)).astype(dt)),), {"fft_length": 6}))],
    grad=_grad_pair(irfft_decomposition), tensor_lists=("x",), tensors=(), decomposition=irfft_decomposition)
def irfft(x, fft_length=None):
    """The inverse of :func:`rfft`: a real signal of ``fft_length`` (default ``2 * (bins - 1)``)
    from the half spectrum ``x = (real, imag)``.

    Arguments:
        x: a ``(real, imag)`` pair of float tensors ``(..., bins)`` holding bins ``0 .. n // 2``
            (cropped or zero-padded to ``fft_length // 2 + 1`` bins).
        fft_length: the output length ``n`` (a positive int); ``None`` means ``2 * (bins - 1)``.

    Returns:
        A real float tensor of shape ``(..., fft_length)``.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape, or ``fft_length``
            is not a positive int or ``None``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.irfft((np.array([10.0, -2.0, -2.0]), np.array([0.0, 2.0, 0.0])))
    array([1., 2., 3., 4.])
    """
    _check_length("irfft", fft_length)
    z, dt = _pair_np("irfft", x)
    return np.fft.irfft(z, n=fft_length, axis=-1).astype(dt)


# ------------------------------------------------------------------------------ framing
def _check_framing(opname, sequence_length, sequence_stride, fft_length=None):
    for name, v in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{opname}: {name}={v!r}; expected a positive int")
    if fft_length is not None and (isinstance(fft_length, bool) or not isinstance(fft_length, int)
                                   or fft_length < sequence_length):
        raise ValueError(f"{opname}: fft_length={fft_length!r}; expected an int >= sequence_length={sequence_length}")


def _frame_index(length, sequence_length, sequence_stride):
    n = (length - sequence_length) // sequence_stride + 1
    if n < 1:
        raise ValueError(f"extract_sequences: a signal of length {length} is shorter than sequence_length="
                         f"{sequence_length}")
    return np.arange(n)[:, None] * sequence_stride + np.arange(sequence_length)[None, :]


def extract_sequences_decomposition(x, sequence_length, sequence_stride):
    _check_framing("extract_sequences", sequence_length, sequence_stride)
    idx = _frame_index(tensors.shape(x)[-1], sequence_length, sequence_stride)
    return K.take(x, tensors.convert_to_tensor(idx.astype(np.int32)), axis=-1)


@op(G, T.E0, [
    Case("hop2", lambda r, dt: ((r.standard_normal((2, 11)).astype(dt), 4, 2), {})),
    Case("no_overlap", lambda r, dt: ((r.standard_normal((12,)).astype(dt), 3, 3), {})),
    Case("gaps", lambda r, dt: ((r.standard_normal((2, 2, 13)).astype(dt), 2, 5), {})),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (3, 8)).astype(np.int32), 3, 1), {}), dtypes=("int32",), grad=False),
], grad=_vjp_of(extract_sequences_decomposition, 1), tensors=("x",), decomposition=extract_sequences_decomposition)
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` along the last axis, every ``sequence_stride`` steps:
    ``(..., num_frames, sequence_length)`` with ``num_frames = (n - sequence_length) //
    sequence_stride + 1``.

    Arguments:
        x: the signal, framed along its last axis (length ``n``).
        sequence_length: the frame length, a positive int.
        sequence_stride: the step between frame starts, a positive int.

    Returns:
        A tensor ``(..., num_frames, sequence_length)`` of ``x``'s dtype; frames overlap when the
        stride is shorter than the length.

    Raises:
        ValueError: when a length or stride is not a positive int, or the signal is shorter than
            one frame.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.extract_sequences(np.arange(6.0), sequence_length=3, sequence_stride=2)
    array([[0., 1., 2.],
           [2., 3., 4.]])
    """
    _check_framing("extract_sequences", sequence_length, sequence_stride)
    x = np.asarray(x)
    return x[..., _frame_index(x.shape[-1], sequence_length, sequence_stride)]


def _window(opname, window, sequence_length, fft_length, dtype):
    """The analysis window, zero-padded (centered) to ``fft_length``, as float64 NumPy or as a
    tensor when ``window`` is one."""
    l_pad = (fft_length - sequence_length) // 2
    r_pad = fft_length - sequence_length - l_pad
    if window is None:
        return np.ones(fft_length)
    if isinstance(window, str):
        k = np.arange(sequence_length)
        if window == "hann":
            w = 0.5 - 0.5 * np.cos(2 * np.pi * k / sequence_length)
        elif window == "hamming":
            w = 0.54 - 0.46 * np.cos(2 * np.pi * k / sequence_length)
        else:
            raise ValueError(f"{opname}: window={window!r}; expected 'hann', 'hamming', None or a tensor of "
                             f"shape ({sequence_length},)")
        return np.pad(w, (l_pad, r_pad))
    shape = tensors.shape(window) if hasattr(window, "shape") else np.shape(window)
    if tuple(shape) != (sequence_length,):
        raise ValueError(f"{opname}: window has shape {tuple(shape)}; expected ({sequence_length},)")
    if isinstance(window, np.ndarray):
        return np.pad(window.astype(np.float64), (l_pad, r_pad))
    return K.pad(K.cast(window, dtype), [(l_pad, r_pad)])


def _stft_index(length, fft_length, sequence_stride, center):
    """Sample index of every frame position, the reflect padding of ``center`` folded in."""
    p = fft_length // 2 if center else 0
    if center and length <= p:
        raise ValueError(f"stft: center=True reflect-pads by fft_length // 2 = {p}; the signal length {length} "
                         "must exceed it")
    n = (length + 2 * p - fft_length) // sequence_stride + 1
    if n < 1:
        raise ValueError(f"stft: the signal of length {length} holds no frame of fft_length={fft_length}")
    q = np.arange(n)[:, None] * sequence_stride + np.arange(fft_length)[None, :] - p
    q = np.where(q < 0, -q, q)
    return np.where(q >= length, 2 * (length - 1) - q, q)


def stft_decomposition(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    _check_float("stft", x)
    _check_framing("stft", sequence_length, sequence_stride, fft_length)
    dt = tensors.dtype(x)
    idx = _stft_index(tensors.shape(x)[-1], fft_length, sequence_stride, center)
    frames = K.take(x, tensors.convert_to_tensor(idx.astype(np.int32)), axis=-1)
    win = _window("stft", window, sequence_length, fft_length, dt)
    frames = frames * (K.cast(win, dt) if isinstance(win, np.ndarray) else win)
    c, s = _cos_sin(fft_length, fft_length // 2 + 1)
    return _mm(frames, c), -_mm(frames, s)


def _stft_scale(ctx):
    x = np.abs(np.asarray(ctx.args[0], np.float64))
    a, kw = ctx.args, ctx.kwargs
    fl, stride = a[3], a[2]
    win = kw.get("window", "hann")
    idx = _stft_index(x.shape[-1], fl, stride, kw.get("center", True))
    w = np.abs(np.asarray(_window("stft", win if not hasattr(win, "shape") else np.asarray(win), a[1], fl, "float64")))
    s = np.sum(x[..., idx] * w, axis=-1, keepdims=True)
    return np.broadcast_to(s, np.shape(ctx.exact))


def _stft_case(name, shape, sl, st, fl, **kw):
    def make(r, dt):
        if kw.get("window") == "array":
            kw2 = {**kw, "window": r.random(sl).astype(dt)}
        else:
            kw2 = kw
        return (r.standard_normal(shape).astype(dt), sl, st, fl), kw2
    return Case(name, make)


@op(G, T.Kc(lambda a, k: a[3], _stft_scale), [
    _stft_case("hann", (2, 40), 8, 4, 8),
    _stft_case("hamming_pad", (50,), 6, 3, 10, window="hamming"),
    _stft_case("no_window_no_center", (2, 33), 8, 5, 8, window=None, center=False),
    _stft_case("array_window", (2, 30), 7, 2, 9, window="array"),
], grad=_vjp(stft_decomposition), tensors=("x",), decomposition=stft_decomposition)
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis: ``(real, imag)`` of shape ``(...,
    num_frames, fft_length // 2 + 1)``. Frames of ``fft_length`` every ``sequence_stride`` steps
    (``center=True`` reflect-pads the signal by ``fft_length // 2`` each side) are multiplied by
    ``window`` -- ``"hann"``, ``"hamming"`` (periodic, ``sequence_length`` long, centered in
    ``fft_length`` with zeros), a ``(sequence_length,)`` tensor, or ``None`` (ones) -- then
    transformed with :func:`rfft`. ``x`` must be float32 or float64.

    Arguments:
        x: the float32 or float64 signal, transformed along its last axis.
        sequence_length: the window length, a positive int (at most ``fft_length``).
        sequence_stride: the hop between frames, a positive int.
        fft_length: the frame and transform length, an int ``>= sequence_length``.
        window: ``"hann"``, ``"hamming"``, a ``(sequence_length,)`` tensor, or ``None``, as above.
        center: reflect-pad ``fft_length // 2`` samples on each side so that frame ``t`` is
            centered on sample ``t * sequence_stride``.

    Returns:
        A ``(real, imag)`` tuple of tensors ``(..., num_frames, fft_length // 2 + 1)`` in ``x``'s
        dtype.

    Raises:
        TypeError: when ``x`` is not float32 or float64.
        ValueError: for non-positive lengths, ``fft_length < sequence_length``, an unknown or
            misshapen ``window``, or a signal too short for one frame (or for the reflect padding).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.stft(np.ones(16), sequence_length=8, sequence_stride=4, fft_length=8)
    >>> real.shape
    (5, 5)
    """
    _check_float("stft", x)
    _check_framing("stft", sequence_length, sequence_stride, fft_length)
    x = np.asarray(x)
    idx = _stft_index(x.shape[-1], fft_length, sequence_stride, center)
    w = _window("stft", np.asarray(window) if hasattr(window, "shape") else window, sequence_length, fft_length,
                "float64")
    z = np.fft.rfft(x.astype(np.float64)[..., idx] * w, n=fft_length, axis=-1)
    return _out_pair(z, x.dtype)


def _istft_plan(opname, frames, sequence_length, sequence_stride, fft_length, length, window, center, dtype):
    """(window, overlap-add matrix, normalization, output slice) of :func:`istft`."""
    win = _window(opname, window, sequence_length, fft_length, dtype)
    out_len = fft_length + sequence_stride * (frames - 1)
    ola = np.zeros((frames * fft_length, out_len))
    for f in range(frames):
        ola[f * fft_length + np.arange(fft_length), f * sequence_stride + np.arange(fft_length)] = 1.0
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = out_len - fft_length // 2
    else:
        end = out_len
    return win, ola, start, end


def _istft_norm(win_sq, ola, frames, fft_length):
    norm = np.tile(win_sq, frames) @ ola
    return np.where(norm > 1e-10, norm, 1.0)


def istft_decomposition(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    _check_framing("istft", sequence_length, sequence_stride, fft_length)
    re, _ = complex_pair("istft", x)
    dt = tensors.dtype(re)
    shape = tensors.shape(re)
    frames = shape[-2]
    win, ola, start, end = _istft_plan("istft", frames, sequence_length, sequence_stride, fft_length, length,
                                       window, center, dt)
    y = irfft_decomposition(x, fft_length)  # (..., frames, fft_length)
    if window is None:
        norm = _istft_norm(np.ones(fft_length), ola, frames, fft_length) * sequence_stride / fft_length
        y = K.reshape(y, (*shape[:-2], frames * fft_length))
        out = _mm(y, ola) / K.cast(norm, dt)
    else:
        w = K.cast(win, dt) if isinstance(win, np.ndarray) else win
        y = K.reshape(y * w, (*shape[:-2], frames * fft_length))
        wsq = K.tile(w * w, (frames,))
        norm = K.matmul(K.expand_dims(wsq, 0), K.cast(ola, dt))[0]
        norm = K.where(K.greater(norm, 1e-10), norm, K.ones_like(norm))
        out = _mm(y, ola) / norm
    return out[..., start:end]


def _istft_scale(ctx):
    re, im = (np.abs(np.asarray(p, np.float64)) for p in ctx.args[0])
    return np.full(np.shape(ctx.exact), np.max(np.sum(re + im, axis=-1)) * 4 / ctx.args[3] + np.max(np.abs(ctx.exact)))


def _istft_case(name, frames, sl, st, fl, **kw):
    def make(r, dt):
        bins = fl // 2 + 1
        kw2 = {**kw, "window": r.random(sl).astype(dt) + 0.5} if kw.get("window") == "array" else kw
        return ((r.standard_normal((2, frames, bins)).astype(dt), r.standard_normal((2, frames, bins)).astype(dt)),
                sl, st, fl), kw2
    return Case(name, make)


@op(G, T.Kc(lambda a, k: 2 * a[3], _istft_scale), [
    _istft_case("hann", 9, 8, 4, 8),
    _istft_case("hamming_length", 8, 6, 3, 10, window="hamming", length=20),
    _istft_case("no_window_no_center", 5, 8, 4, 8, window=None, center=False),
    _istft_case("array_window", 7, 7, 2, 9, window="array"),
], grad=_grad_pair(istft_decomposition), tensor_lists=("x",), tensors=(), decomposition=istft_decomposition)
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform of ``x = (real, imag)`` frames ``(..., num_frames,
    fft_length // 2 + 1)``: each frame's :func:`irfft` times the window, overlap-added and divided
    by the overlap-added squared window (as Keras; with ``window=None`` the sum of frames is
    scaled by ``fft_length / (overlap count * sequence_stride)``). ``center=True`` drops
    ``fft_length // 2`` samples each side; ``length`` fixes the output length.

    Arguments:
        x: a ``(real, imag)`` pair of float tensors ``(..., num_frames, fft_length // 2 + 1)``, as
            :func:`stft` returns.
        sequence_length: the window length used by the forward transform, a positive int.
        sequence_stride: the hop between frames, a positive int.
        fft_length: the frame length, an int ``>= sequence_length``.
        length: the output length (the signal is cropped to it); ``None`` keeps every sample the
            frames cover (less the centering padding).
        window: ``"hann"``, ``"hamming"``, a ``(sequence_length,)`` tensor, or ``None``, as in
            :func:`stft`.
        center: whether the forward transform padded by ``fft_length // 2`` on each side (those
            samples are dropped).

    Returns:
        A real float tensor ``(..., samples)``.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape, or for invalid
            lengths or ``window``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.sin(np.arange(32.0))
    >>> spec = ops.stft(x, 8, 4, 8)
    >>> np.allclose(ops.istft(spec, 8, 4, 8, length=32), x)
    True
    """
    _check_framing("istft", sequence_length, sequence_stride, fft_length)
    z, dt = _pair_np("istft", x)
    frames = z.shape[-2]
    win, ola, start, end = _istft_plan("istft", frames, sequence_length, sequence_stride, fft_length, length,
                                       np.asarray(window) if hasattr(window, "shape") else window, center, "float64")
    y = np.fft.irfft(z, n=fft_length, axis=-1)
    if window is None:
        norm = _istft_norm(np.ones(fft_length), ola, frames, fft_length) * sequence_stride / fft_length
        out = y.reshape(*z.shape[:-2], frames * fft_length) @ ola / norm
    else:
        norm = _istft_norm(win * win, ola, frames, fft_length)
        out = (y * win).reshape(*z.shape[:-2], frames * fft_length) @ ola / norm
    return out[..., start:end].astype(dt)


# ------------------------------------------------------------------------------ windows
def _window_len(opname, x):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{opname}: x={x!r}; expected the window length as an int")
    return int(x)


# The Example section of each window op (run by the docstring tests).
_WINDOW_EXAMPLES = {
    'bartlett': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.bartlett(5)\n'
        'array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)\n'
    ),
    'blackman': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.blackman(5)[1:4]\n'
        'array([0.34, 1.  , 0.34], dtype=float32)\n'
    ),
    'hamming': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.hamming(5), 4)\n'
        'array([0.08, 0.54, 1.  , 0.54, 0.08], dtype=float32)\n'
    ),
    'hanning': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> ops.hanning(5)\n'
        'array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)\n'
    ),
    'kaiser': (
        '>>> import numpy as np\n'
        '>>> from dlx import ops\n'
        '>>> np.round(ops.kaiser(5, 5.0), 4)\n'
        'array([0.0367, 0.5529, 1.    , 0.5529, 0.0367], dtype=float32)\n'
    ),
}


def _window_op(name, fn, doc, *extra):
    def decomposition(x, *args):
        return tensors.convert_to_tensor(reference(x, *args))

    def reference(x, *args):
        return fn(_window_len(name, x), *args).astype(nd(dtypes.floatx()))

    doc = doc + "\nExample:\n\n" + _WINDOW_EXAMPLES[name]
    reference.__doc__ = doc
    params = ", ".join(("x", *extra))
    ns = {"_r": reference}
    exec(f"def {name}({params}):\n    return _r({params})\n", ns)  # the exact Keras signature
    ref = ns[name]
    ref.__doc__ = doc
    ref.__module__ = __name__
    dec = ns.setdefault("_d", decomposition)
    cases = [Case(f"m{m}", (lambda m: lambda r, dt: ((m, *([5.0] if extra else [])), {}))(m), dtypes=("float32",),
                  grad=False) for m in (1, 8, 13)]
    op("numpy", T.Ulp(4), cases, tensors=(), decomposition=dec, name=name)(ref)
    return ref


# the sections every window's docstring ends with (``beta`` is kaiser's)
_WINDOW_X = """

Arguments:
    x: the window length, a Python int (``x <= 0`` gives an empty window, 1 gives ``[1.0]``).
"""
_WINDOW_RETURNS = """
Returns:
    A ``(x,)`` tensor of ``floatx()``: the symmetric window (its first and last samples
    mirror each other), as NumPy computes it.

Raises:
    TypeError: when ``x`` is not an int.
"""
bartlett = _window_op("bartlett", np.bartlett, "The Bartlett (triangular) window of length ``x``: 0 at both ends, "
                      "rising linearly to 1 in the middle." + _WINDOW_X + _WINDOW_RETURNS)
blackman = _window_op("blackman", np.blackman, "The Blackman window of length ``x``: "
                      "``0.42 - 0.5 cos(2 pi n / (x - 1)) + 0.08 cos(4 pi n / (x - 1))``."
                      + _WINDOW_X + _WINDOW_RETURNS)
hamming = _window_op("hamming", np.hamming, "The Hamming window of length ``x``: "
                     "``0.54 - 0.46 cos(2 pi n / (x - 1))``." + _WINDOW_X + _WINDOW_RETURNS)
hanning = _window_op("hanning", np.hanning, "The Hann window of length ``x``: "
                     "``0.5 - 0.5 cos(2 pi n / (x - 1))``." + _WINDOW_X + _WINDOW_RETURNS)
kaiser = _window_op("kaiser", np.kaiser, "The Kaiser window of length ``x`` with shape parameter ``beta``: "
                    "``I0(beta sqrt(1 - (2 n / (x - 1) - 1)**2)) / I0(beta)``."
                    + _WINDOW_X + "    beta: the shape parameter (0 gives a rectangular window; larger values "
                    "narrow the window).\n" + _WINDOW_RETURNS, "beta")


# ------------------------------------------------------------------------------ complex helpers
# dlx's dtype lattice has no complex dtypes yet: the specs, cases and decompositions cover real
# tensors (where these are Keras's identities / constants); the NumPy, JAX, torch and TF kernels
# also take complex arrays of their framework.
def _zero_grad(g, out, x):
    return (K.zeros_like(x),)


def _real_cases(bool_ok=True):
    cases = [
        Case("normal", lambda r, dt: ((r.standard_normal((5, 7)).astype(dt),), {})),
        Case("special", lambda r, dt: ((np.array([0.0, -0.0, 1.0, -2.0, np.inf, -np.inf, np.nan]).astype(dt),), {}),
             grad=False),
        Case("int", lambda r, dt: ((r.integers(-5, 5, (3, 4)).astype(np.int32),), {}), dtypes=("int32",), grad=False),
    ]
    return cases


@op("numpy", T.E0, _real_cases(), grad=lambda g, out, x: (g,), decomposition=lambda x: x)
def real(x):
    """The real part of ``x`` (``x`` itself for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A real tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.real(np.array([1 + 2j, 3 - 1j]))
    array([1., 3.])
    """
    return np.real(np.asarray(x))


@op("numpy", T.E0, _real_cases(), grad=_zero_grad, decomposition=lambda x: K.zeros_like(x))
def imag(x):
    """The imaginary part of ``x`` (zeros for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A real tensor of ``x``'s shape (zeros of ``x``'s dtype for a real ``x``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.imag(np.array([1 + 2j, 3 - 1j]))
    array([ 2., -1.])
    """
    x = np.asarray(x)
    return np.imag(x) if np.iscomplexobj(x) else np.zeros_like(x)


@op("numpy", T.E0, _real_cases(), grad=lambda g, out, x: (g,), decomposition=lambda x: x)
def conj(x):
    """The complex conjugate of ``x`` (``x`` itself for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.conj(np.array([1 + 2j, 3 - 1j]))
    array([1.-2.j, 3.+1.j])
    """
    return np.conj(np.asarray(x))


@op("numpy", T.E0, _real_cases(), grad=lambda g, out, x: (g,), decomposition=lambda x: x)
def conjugate(x):
    """The complex conjugate of ``x`` (Keras's alias of :func:`conj`).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.conjugate(np.array([1 + 2j]))
    array([1.-2.j])
    """
    return np.conj(np.asarray(x))


def _angle_decomposition(x):
    if "float" not in tensors.dtype(x):
        x = K.cast(x, dtypes.floatx())
    return K.arctan2(K.zeros_like(x), x)


@op("numpy", T.E0, _real_cases(), grad=_zero_grad, decomposition=_angle_decomposition)
def angle(x):
    """The argument of ``x``: ``arctan2(imag, real)`` (0 or pi for a real tensor; a signed zero
    counts: ``angle(-0.0)`` is pi). Integer and bool inputs give ``floatx()``.

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A real float tensor of ``x``'s shape, in radians in ``[-pi, pi]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.angle(np.array([1j, -1.0])), 4)
    array([1.5708, 3.1416])
    """
    x = np.asarray(x)
    if not np.iscomplexobj(x) and x.dtype.kind != "f":
        x = x.astype(nd(dtypes.floatx()))
    return np.asarray(np.angle(x))


@op("numpy", T.E0, _real_cases(), decomposition=lambda x: K.ones_like(x, "bool"))
def isreal(x):
    """Elementwise: whether the imaginary part is 0 (all ``True`` for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isreal(np.array([1 + 0j, 1 + 1j]))
    array([ True, False])
    """
    return np.isreal(np.asarray(x))
