"""Geometric image ops: ``map_coordinates``, ``affine_transform``, ``perspective_transform`` and
``elastic_transform`` (Keras's ``image`` group).

All four sample an image at computed coordinates with :func:`sample`, which is
``jax.scipy.ndimage.map_coordinates`` (the function Keras's JAX backend calls) written in ops:
order 0 rounds half away from zero, order 1 is multilinear; ``fill_mode`` folds out-of-range
indices (``constant`` / ``nearest`` / ``wrap`` / ``mirror`` / ``reflect``) and ``constant`` makes
every out-of-range tap contribute ``fill_value``. Decompositions, references and gradient rules
follow the pattern of :mod:`dlx.ops.defs.image`.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import threading

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.conv_rules import data_format as _check_format
from dlx.ops.defs._conv import _on_numpy, _vjp_of
from dlx.ops.defs.image import _float_dtype, _image_rank
from dlx.ops.defs.image_filters import gaussian_kernel_1d
from dlx.ops.spec import Case, op
from dlx.seeds import draw_seed

G = "image"
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
INTERPOLATIONS = {"nearest": 0, "bilinear": 1}


# ------------------------------------------------------------------------------ sampling
def _mirror(idx, size, xp=K):
    if size == 1:
        return xp.zeros_like(idx)
    s = size - 1
    return xp.abs(xp.mod(idx + s, 2 * s) - s)


def _fix(idx, size, mode, xp=K):
    """Integer indices folded into ``[0, size)`` by ``mode``, with ``xp``'s functions (the ops, or
    NumPy on the host)."""
    if mode in ("constant", "nearest"):
        return xp.clip(idx, 0, size - 1)
    if mode == "wrap":
        return xp.mod(idx, size)
    if mode == "mirror":
        return _mirror(idx, size, xp)
    return xp.floor_divide(_mirror(2 * idx + 1, 2 * size + 1, xp) - 1, 2)  # reflect


def sample(x, coords, order, mode="constant", cval=0.0):
    """``x`` sampled at ``coords`` (one entry per leading dim of ``x``, broadcasting together).

    An entry is a float tensor (a coordinate, interpolated with ``order`` 0 or 1) or
    ``("index", t)`` with ``t`` an int tensor of exact in-range indices (one tap, always valid).
    With fewer entries than ``x`` has dims, the trailing dims are taken whole: each tap gathers
    one row of them (the result has the coordinates' shape followed by those dims).
    The result has ``x``'s dtype (integers: rounded half away from zero)."""
    shape = tensors.shape(x)
    dt = tensors.dtype(x)
    is_int = not dtypes.is_float(dt)
    k = len(coords)
    inner = tuple(shape[k:])
    strides = [int(np.prod(shape[i + 1:k])) for i in range(k)]
    flat = K.reshape(x, (-1, *inner))

    def per_row(t):  # a per-tap tensor broadcast over the trailing dims
        return K.reshape(t, (*tensors.shape(t), *(1,) * len(inner))) if inner else t

    per_dim = []
    for c, size in zip(coords, shape):
        if isinstance(c, tuple):
            per_dim.append([(c[1], None, None)])
            continue
        if order == 0:
            taps = [(K.cast(K.sign(c) * K.floor(K.abs(c) + 0.5), "int32"), None)]
        else:
            lo = K.floor(c)
            up = c - lo
            i0 = K.cast(lo, "int32")
            taps = [(i0, 1.0 - up), (i0 + 1, up)]
        per_dim.append([(_fix(i, size, mode), K.logical_and(K.greater_equal(i, 0), K.less(i, size))
                         if mode == "constant" else None, w) for i, w in taps])
    out = None
    for combo in itertools.product(*per_dim):
        idx = functools.reduce(operator.add, [i * s if s != 1 else i for (i, _, _), s in zip(combo, strides)])
        v = K.take(flat, idx, axis=0)
        valid = [ok for _, ok, _ in combo if ok is not None]
        if valid:
            v = K.where(per_row(functools.reduce(K.logical_and, valid)), v,
                        np.asarray(cval).astype(dtypes.to_numpy_dtype(dt)))
        ws = [w for _, _, w in combo if w is not None]
        if ws:
            wt = per_row(functools.reduce(operator.mul, ws))
            v = wt * (K.cast(v, tensors.dtype(wt)) if is_int else v)
        out = v if out is None else out + v
    if is_int and tensors.dtype(out) != dt:
        out = K.cast(K.sign(out) * K.floor(K.abs(out) + 0.5), dt)
    elif tensors.dtype(out) != dt:
        out = K.cast(out, dt)
    return out


def _period(size, mode):
    """The period of ``_fix(., size, mode)`` for the folding modes."""
    if mode == "wrap":
        return size
    if mode == "mirror":
        return max(2 * (size - 1), 1)
    return 2 * size  # reflect


def _host_axis(first, taps, size, mode):
    """One axis of :func:`_sample_pixels_host`: ``first`` (an int array) is each pixel's first tap,
    the others follow at ``+1``. Returns ``(first, lo, table, inside)``: far-out taps moved to
    equivalent ones near the image (clamped for ``constant`` / ``nearest``, shifted by whole
    periods for the folding modes, so the range stays small), ``lo`` the lowest tap, and over
    the taps' range ``lo ... hi + taps - 1``, the folded index ``_fix(tap)`` of each and whether
    it lies inside the image."""
    lo, hi = int(first.min()), int(first.max())
    if mode in ("constant", "nearest"):
        if lo < -2 or hi > size:  # beyond one tap outside, every tap reads the same border
            first = np.clip(first, -2, size)
            lo, hi = min(max(lo, -2), size), min(max(hi, -2), size)  # (all taps may lie on one side)
    elif hi - lo > 2 * _period(size, mode):
        first = np.mod(first, _period(size, mode))
        lo, hi = int(first.min()), int(first.max())
    src = np.arange(lo, hi + taps, dtype=np.int64)
    return first, lo, _fix(src, size, mode, np), (src >= 0) & (src < size)


def _fold_take(a, lo, table, axis, out):
    """``np.take(a, table, axis)`` written into ``out``, where ``table[j]`` is tap ``lo + j`` folded
    into ``a``: the taps inside ``a`` (where the folding is the identity) are copied as one slice,
    only the margins are gathered. ``a`` may be a strided view: it is indexed as it is (``np.take``
    would first copy all of it)."""
    n, m = a.shape[axis], len(table)
    start, stop = max(lo, 0), min(lo + m, n)
    lead = (slice(None),) * axis
    if stop - start < 2:
        out[...] = a[(*lead, table)]
        return out
    j0, j1 = start - lo, stop - lo
    out[(*lead, slice(j0, j1))] = a[(*lead, slice(start, stop))]
    if j0:
        out[(*lead, slice(0, j0))] = a[(*lead, table[:j0])]
    if j1 < m:
        out[(*lead, slice(j1, m))] = a[(*lead, table[j1:])]
    return out


#: the most output pixels :func:`_sample_pixels_host` computes in one pass (whole images, or rows
#: of one larger image): its temporaries, a few arrays of this many entries, then stay in the
#: CPU's caches and in per-thread buffers kept from call to call
HOST_CHUNK = 1 << 16
#: the largest temporary kept per thread (a larger one is allocated for its call only)
_SCRATCH_BYTES = 1 << 22
_scratch_local = threading.local()


def _scratch(slot, shape, dtype):
    """An uninitialised array for a temporary of the host sampler, taken from this thread's buffer
    ``slot`` (grown as needed and kept): the next request for ``slot`` in the same thread reuses
    the memory, so no two live temporaries may share a slot and none may be returned. Batches of
    augmentation then write the same pages again instead of mapping fresh ones from the OS."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > _SCRATCH_BYTES:
        return np.empty(shape, dtype)
    buffers = _scratch_local.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(nbytes, np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def _host_chunks(b, h, w):
    """The passes of :func:`_sample_pixels_host` over ``b`` images ``h x w``: ``(i0, i1, r0, r1)``,
    images ``i0:i1``, rows ``r0:r1`` of each, at most ``HOST_CHUNK`` pixels (at least one row)."""
    if h * w <= HOST_CHUNK:
        g = HOST_CHUNK // (h * w)
        return [(i, min(i + g, b), 0, h) for i in range(0, b, g)]
    rows = max(1, HOST_CHUNK // w)
    return [(i, i + 1, r, min(r + rows, h)) for i in range(b) for r in range(0, h, rows)]


def _taps_host(v, order, slot):
    """The first tap (int32) of each coordinate in ``v`` and, for ``order`` 1, the weights of the
    two taps, as :func:`sample` computes them (``v`` is only read)."""
    first = _scratch(slot + "i", v.shape, np.int32)
    a, b = _scratch(slot + "a", v.shape, v.dtype), _scratch(slot + "b", v.shape, v.dtype)
    with np.errstate(all="ignore"):  # as the cast op: out-of-range floats give any int
        if order == 0:  # sign(v) * floor(|v| + 0.5)
            np.abs(v, out=a)
            a += 0.5
            np.floor(a, out=a)
            a *= np.sign(v, out=b)
            np.copyto(first, a, casting="unsafe")
            return first, None
        np.floor(v, out=a)
        np.copyto(first, a, casting="unsafe")
        np.subtract(v, a, out=b)  # the upper tap's weight
        np.subtract(1.0, b, out=a)  # the lower tap's weight
    return first, (a, b)


def _sample_pixels_host(x, coords, order, mode, cval):
    """``sample(x, [("index", batch), y_in, x_in], order, mode, cval)`` for NumPy arrays on the
    host, equal to it bit for bit: ``x`` ``(b, h, w, c)``; ``coords(i0, i1, r0, r1)`` gives the
    float ``y_in`` / ``x_in`` (``(i1 - i0, r1 - r0, w)``) of output rows ``r0:r1`` of images
    ``i0:i1``. The same taps, weights and sums in the same order, in NumPy without per-op dispatch,
    a chunk of pixels at a time (:func:`_host_chunks`) with its temporaries in per-thread buffers.
    For each chunk the images are first laid out as channel planes over every row and column its
    taps reach (folded by ``fill_mode``, ``cval`` outside the image for ``constant``), so a tap is
    one flat index into that padded plane, shared by the channels and shifted by ``1`` / a padded
    row for the other taps: no folding per pixel, and one gather reads every channel."""
    b, h, w, c = x.shape
    dt = x.dtype
    out = np.empty((b, h, w, c), dt)
    taps = 1 if order == 0 else 2
    is_float = np.issubdtype(dt, np.floating)
    fill = np.asarray(cval).astype(dt) if mode == "constant" else None
    if out.size == 0:
        return out
    for i0, i1, r0, r1 in _host_chunks(b, h, w):
        g, n = i1 - i0, (i1 - i0) * (r1 - r0) * w
        y_in, x_in = coords(i0, i1, r0, r1)
        (fy, wy), (fx, wx) = _taps_host(y_in, order, "y"), _taps_host(x_in, order, "x")
        (fy, ly, rows, in_y), (fx, lx, cols, in_x) = (_host_axis(f, taps, s, mode) for f, s in ((fy, h), (fx, w)))
        hp, wp = len(rows), len(cols)
        src = np.moveaxis(x[i0:i1], 3, 0)  # (c, g, h, w), a view
        planes = _fold_take(src, ly, rows, 2, _scratch("rows", (c, g, hp, w), dt))
        planes = _fold_take(planes, lx, cols, 3, _scratch("planes", (c, g, hp, wp), dt))
        if fill is not None:
            planes[:, :, ~in_y] = fill
            planes[:, :, :, ~in_x] = fill
        planes = planes.reshape(c, -1)
        first = np.multiply(fy, wp, out=_scratch("first", (g, r1 - r0, w), np.intp), dtype=np.intp)
        first += fx
        first += (np.arange(g, dtype=np.intp) * (hp * wp) - (ly * wp + lx)).reshape(g, 1, 1)  # image, margins
        first = first.reshape(-1)
        gathered = _scratch("gathered", (c, n), dt)
        if order == 0:
            acc = np.take(planes, first, axis=1, out=gathered, mode="clip")  # every index is in range
        else:
            acc_dt = np.result_type(wy[0].dtype, dt) if is_float else wy[0].dtype
            acc = _scratch("acc", (c, n), acc_dt)
            term = gathered if acc_dt == dt else _scratch("term", (c, n), acc_dt)
            index, weight = _scratch("index", (n,), np.intp), _scratch("weight", (g, r1 - r0, w), wy[0].dtype)
            last = np.moveaxis(out[i0:i1, r0:r1], 3, 0) if acc_dt == dt else None  # (c, g, rows, w), a view
            for k, (dy, dx) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):  # sample()'s order
                np.add(first, dy * wp + dx, out=index)
                np.take(planes, index, axis=1, out=gathered, mode="clip")
                np.multiply(wy[dy], wx[dx], out=weight)
                np.multiply(gathered, weight.reshape(-1), out=acc if k == 0 else term, dtype=acc_dt)
                if k == 3 and last is not None:  # the last sum goes straight into the output
                    np.add(acc.reshape(last.shape), term.reshape(last.shape), out=last)
                elif k:
                    acc += term
            if last is not None:
                continue
            if not is_float:
                with np.errstate(all="ignore"):  # sign(v) * floor(|v| + 0.5), then the cast
                    np.abs(acc, out=term)
                    term += 0.5
                    np.floor(term, out=term)
                    np.sign(acc, out=acc)
                    acc *= term
        with np.errstate(all="ignore"):
            np.copyto(out[i0:i1, r0:r1], np.moveaxis(acc.reshape(c, g, r1 - r0, w), 0, 3), casting="unsafe")
    return out


def _check_order_mode(name, order, fill_mode):
    if order not in (0, 1):
        raise ValueError(f"{name}: order={order!r}; expected 0 or 1")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"{name}: fill_mode={fill_mode!r}; expected one of {FILL_MODES}")


# ------------------------------------------------------------------------------ map_coordinates
def map_coordinates_decomposition(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    _check_order_mode("map_coordinates", order, fill_mode)
    nd_ = len(tensors.shape(inputs))
    cs = tensors.shape(coordinates)
    if len(cs) < 2 or cs[0] != nd_:
        raise ValueError(f"map_coordinates: coordinates must have shape (inputs.ndim={nd_}, ...); got {tuple(cs)}")
    if not dtypes.is_float(tensors.dtype(coordinates)):
        coordinates = K.cast(coordinates, dtypes.floatx())
    coords = [K.get_item(coordinates, d) for d in range(nd_)]
    return sample(inputs, coords, order, fill_mode, fill_value)


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """``inputs`` interpolated at ``coordinates`` (shape ``(inputs.ndim, *out_shape)``) with
    ``order`` 0 (nearest) or 1 (linear); see the module docstring for ``fill_mode``.

    Arguments:
        inputs: the array to sample, of any rank ``N``.
        coordinates: ``(N, *out_shape)``: for each output position, its (fractional) index along
            each of ``inputs``' axes; integer coordinates are converted to ``floatx()``.
        order: ``0`` (nearest, rounding half away from zero) or ``1`` (multilinear, from the
            ``2**N`` surrounding entries).
        fill_mode: how coordinates outside the input are read: ``"constant"`` (every
            out-of-range tap reads ``fill_value``), ``"nearest"`` (the closest edge pixel:
            ``a a | a b c d | d d``), ``"wrap"`` (periodic: ``c d | a b c d | a b``), ``"mirror"``
            (reflected about the edge pixels' centres: ``c b | a b c d | c b``) or ``"reflect"``
            (reflected about the edges, repeating the edge pixel: ``b a | a b c d | d c``).
        fill_value: the value read outside the input with ``fill_mode="constant"``.

    Returns:
        A tensor of shape ``out_shape`` in ``inputs``' dtype (integers are interpolated in float
        and rounded half away from zero).

    Raises:
        ValueError: for an ``order`` other than 0 / 1, an unknown ``fill_mode``, or
            ``coordinates`` whose first axis is not ``inputs.ndim``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> coordinates = np.array([[0.5, 2.0], [0.5, 1.0]])  # points (0.5, 0.5) and (2, 1)
    >>> image.map_coordinates(x, coordinates, order=1)
    array([2., 7.])
    """
    return _on_numpy(map_coordinates_decomposition)(inputs, coordinates, order, fill_mode, fill_value)


def _mc_case(name, order, mode, grad=True, shape=(6, 7), out=(5, 4), int_input=False, **kw):
    def make(r, dt):
        x = r.standard_normal(shape).astype(dt) if not int_input else r.integers(-50, 50, shape).astype(np.int32)
        lo = [-2.5] * len(shape)
        hi = [s + 1.5 for s in shape]
        c = np.stack([r.uniform(lo[i], hi[i], out) for i in range(len(shape))])
        c = c.astype(dt if not int_input else np.float32)
        return (x, c, order), {"fill_mode": mode, **kw}
    return Case(name, make, grad=grad, dtypes=("int32",) if int_input else ("float32", "float64"))


op(G, T.Normwise(16), [
    _mc_case("linear_constant", 1, "constant", fill_value=0.5),
    _mc_case("linear_nearest", 1, "nearest"),
    _mc_case("linear_wrap", 1, "wrap"),
    _mc_case("linear_mirror", 1, "mirror"),
    _mc_case("linear_reflect", 1, "reflect"),
    _mc_case("nearest_constant", 0, "constant", grad=False),
    _mc_case("nearest_reflect", 0, "reflect", grad=False),
    _mc_case("linear_3d", 1, "constant", shape=(3, 4, 5), out=(6,)),
    _mc_case("int_input", 1, "nearest", grad=False, int_input=True),
], grad=_vjp_of(map_coordinates_decomposition, 2), tensors=("inputs", "coordinates"),
   decomposition=map_coordinates_decomposition)(map_coordinates)


# ------------------------------------------------------------------------------ affine_transform
def _batch_images(images, data_format):
    single = len(tensors.shape(images)) == 3
    x = K.expand_dims(images, 0) if single else images
    if data_format == "channels_first":
        x = K.transpose(x, (0, 2, 3, 1))
    return x, single


def _unbatch(y, single, data_format):
    if data_format == "channels_first":
        y = K.transpose(y, (0, 3, 1, 2))
    return K.squeeze(y, 0) if single else y


def _grid(b, h, w, c):
    """Exact batch / channel indices and the float row / column grids, broadcastable."""
    bi = K.reshape(K.arange(b, dtype="int32"), (b, 1, 1, 1))
    ci = K.reshape(K.arange(c, dtype="int32"), (1, 1, 1, c))
    return bi, ci


def _affine_coords_host(t, w):
    """The ``coords`` of :func:`_sample_pixels_host` for the affine transforms ``t`` (``(1 or b, 8)``,
    float; ``c0 = c1 = 0``): output ``(y, x)`` reads input row ``b1 y + b0 x + b2`` and column
    ``a1 y + a0 x + a2``, computed in ``t``'s dtype and order as the op path computes them."""
    cols = [t[:, k].reshape(-1, 1, 1) for k in range(6)]
    xs = np.arange(w, dtype=t.dtype).reshape(1, 1, w)

    def coords(i0, i1, r0, r1):
        a0, a1, a2, b0, b1, b2 = (v if len(v) == 1 else v[i0:i1] for v in cols)
        yy = np.arange(r0, r1, dtype=t.dtype).reshape(1, -1, 1)
        shape = (i1 - i0, r1 - r0, w)
        out = []
        for slot, cy, cx, c0 in (("cy", b1, b0, b2), ("cx", a1, a0, a2)):
            v = np.add(yy * cy, xs * cx, out=_scratch(slot, shape, t.dtype))
            v += c0
            out.append(v)
        return out

    return coords


def affine_transform_decomposition(images, transform, interpolation="bilinear", fill_mode="constant",
                                   fill_value=0, data_format=None):
    data_format = _check_format(data_format)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"affine_transform: interpolation={interpolation!r}; expected one of {tuple(INTERPOLATIONS)}")
    _check_order_mode("affine_transform", INTERPOLATIONS[interpolation], fill_mode)
    _image_rank(images)
    ts = tensors.shape(transform)
    if len(ts) not in (1, 2) or ts[-1] != 8:
        raise ValueError(f"affine_transform: transform must have shape (8,) or (batch, 8); got {tuple(ts)}")
    x, single = _batch_images(images, data_format)
    b, h, w, c = tensors.run_time_shape(x)  # b: a run-time scalar in a TF graph with a relaxed batch
    t = transform if len(ts) == 2 else K.expand_dims(transform, 0)
    if isinstance(b, int) and tensors.shape(t)[0] not in (1, b):
        raise ValueError(f"affine_transform: {tensors.shape(t)[0]} transforms for a batch of {b} images")
    fdt = tensors.dtype(t) if dtypes.is_float(tensors.dtype(t)) else _float_dtype(tensors.dtype(x))
    t = K.cast(t, fdt)
    order = INTERPOLATIONS[interpolation]
    if isinstance(t, np.ndarray) and isinstance(x, np.ndarray) and not np.any(t[:, 6:]):
        # the usual affine map, known on the host (NumPy backend, no gradient tape): one
        # coordinate per pixel, shared by its channels, sampled in NumPy directly
        return _unbatch(_sample_pixels_host(x, _affine_coords_host(t, w), order, fill_mode, fill_value), single,
                        data_format)
    col = [K.reshape(K.get_item(t, (slice(None), i)), (-1, 1, 1, 1)) for i in range(8)]
    a0, a1, a2, b0, b1, b2, c0, c1 = col
    yy = K.reshape(K.arange(h, dtype=fdt), (1, h, 1, 1))
    xx = K.reshape(K.arange(w, dtype=fdt), (1, 1, w, 1))
    cc = K.reshape(K.arange(c, dtype=fdt), (1, 1, 1, c))
    # Keras's mapping: output (y, x, channel k) reads input row b1 y + b0 x + c0 k + b2 and column
    # a1 y + a0 x + c1 k + a2 (with c0 = c1 = 0 the usual affine map; no projective division)
    bi, ci = _grid(b, h, w, c)
    full = (b, h, w, c)
    y_in = K.broadcast_to(yy * b1 + xx * b0 + cc * c0 + b2, full)
    x_in = K.broadcast_to(yy * a1 + xx * a0 + cc * c1 + a2, full)
    y = sample(x, [("index", bi), y_in, x_in, ("index", ci)], order, fill_mode, fill_value)
    return _unbatch(y, single, data_format)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Applies ``transform = [a0, a1, a2, b0, b1, b2, c0, c1]`` (one per image or one for all):
    output pixel ``(x, y)`` reads the input at ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``.

    ``c0`` / ``c1`` are taken as Keras 3's JAX, PyTorch and NumPy backends take them (added times
    the channel index, no projective division); leave them 0 for portable results.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        transform: ``(8,)`` for every image or ``(batch, 8)``, one per image; it maps output
            coordinates to input coordinates (the inverse of the visible motion).
        interpolation: ``"bilinear"`` (weighted mean of the 4 nearest pixels) or
            ``"nearest"`` (the nearest pixel, coordinates rounded half away from zero).
        fill_mode: how coordinates outside the input are read: ``"constant"`` (every
            out-of-range tap reads ``fill_value``), ``"nearest"`` (the closest edge pixel:
            ``a a | a b c d | d d``), ``"wrap"`` (periodic: ``c d | a b c d | a b``), ``"mirror"``
            (reflected about the edge pixels' centres: ``c b | a b c d | c b``) or ``"reflect"``
            (reflected about the edges, repeating the edge pixel: ``b a | a b c d | d c``).
        fill_value: the value read outside the input with ``fill_mode="constant"``.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The transformed images, ``images``' shape and dtype.

    Raises:
        ValueError: for an unknown ``interpolation`` or ``fill_mode``, a ``transform`` that is
            not ``(8,)`` / ``(batch, 8)`` (or whose batch differs from the images'), an ``images``
            rank other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> shift = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0])  # output (y, x) reads input (y, x + 1)
    >>> image.affine_transform(x, shift)[0, :, :, 0]
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]])
    """
    return _on_numpy(affine_transform_decomposition)(images, transform, interpolation, fill_mode, fill_value,
                                                     data_format)


def _affine_case(name, batch_t=True, grad=True, shape=(2, 6, 7, 3), **kw):
    def make(r, dt):
        x = r.standard_normal(shape).astype(dt)
        n = shape[0] if len(shape) == 4 else 1
        ang = r.uniform(-0.6, 0.6, n)
        sc = r.uniform(0.7, 1.3, n)
        t = np.stack([sc * np.cos(ang), -sc * np.sin(ang), r.uniform(-1.3, 2.3, n),
                      sc * np.sin(ang), sc * np.cos(ang), r.uniform(-1.7, 1.9, n), 0 * ang, 0 * ang], -1)
        t = t if batch_t and len(shape) == 4 else t[0]
        return (x, t.astype(dt)), dict(kw)
    return Case(name, make, grad=grad)


op(G, T.Normwise(16), [
    _affine_case("bilinear_constant"),
    _affine_case("bilinear_reflect", fill_mode="reflect"),
    _affine_case("bilinear_wrap_shared", batch_t=False, fill_mode="wrap"),
    _affine_case("nearest_nearest", interpolation="nearest", fill_mode="nearest", grad=False),
    _affine_case("mirror_fill_single", shape=(5, 6, 2), fill_mode="mirror"),
    _affine_case("constant_fill_value", fill_value=1.5),
    _affine_case("channels_first", shape=(2, 3, 5, 6), data_format="channels_first"),
], grad=_vjp_of(affine_transform_decomposition, 2), tensors=("images", "transform"),
   decomposition=affine_transform_decomposition)(affine_transform)


# ------------------------------------------------------------------------------ perspective_transform
def _square_to_quad(p):
    """The projective map (rows ``[a, b, c], [d, e, f], [g, h, 1]`` as 8 ``(B,)`` tensors) sending
    the unit square's corners (0,0), (1,0), (1,1), (0,1) to the quad ``p`` (``(B, 4, 2)``)."""
    px = [K.get_item(p, (slice(None), i, 0)) for i in range(4)]
    py = [K.get_item(p, (slice(None), i, 1)) for i in range(4)]
    sx = px[0] - px[1] + px[2] - px[3]
    sy = py[0] - py[1] + py[2] - py[3]
    dx1, dx2 = px[1] - px[2], px[3] - px[2]
    dy1, dy2 = py[1] - py[2], py[3] - py[2]
    den = dx1 * dy2 - dx2 * dy1
    g = (sx * dy2 - dx2 * sy) / den
    h = (dx1 * sy - sx * dy1) / den
    return [[px[1] - px[0] + g * px[1], px[3] - px[0] + h * px[3], px[0]],
            [py[1] - py[0] + g * py[1], py[3] - py[0] + h * py[3], py[0]],
            [g, h, None]]


def homography(start_points, end_points):
    """The 8 coefficients (``(B, 8)``) of the projective map sending each end point to its start
    point, normalised so that its last entry is 1 (closed form: square-to-quad maps)."""
    s = _square_to_quad(start_points)
    e = _square_to_quad(end_points)
    one = K.ones_like(s[0][0])
    s[2][2], e[2][2] = one, K.ones_like(one)
    # adjugate of e (the inverse up to a scale, which the normalisation removes)
    adj = [[e[1][1] * e[2][2] - e[1][2] * e[2][1], e[0][2] * e[2][1] - e[0][1] * e[2][2], e[0][1] * e[1][2] - e[0][2] * e[1][1]],
           [e[1][2] * e[2][0] - e[1][0] * e[2][2], e[0][0] * e[2][2] - e[0][2] * e[2][0], e[0][2] * e[1][0] - e[0][0] * e[1][2]],
           [e[1][0] * e[2][1] - e[1][1] * e[2][0], e[0][1] * e[2][0] - e[0][0] * e[2][1], e[0][0] * e[1][1] - e[0][1] * e[1][0]]]
    m = [[s[i][0] * adj[0][j] + s[i][1] * adj[1][j] + s[i][2] * adj[2][j] for j in range(3)] for i in range(3)]
    norm = m[2][2]
    return [m[i][j] / norm for i in range(3) for j in range(3)][:8]


def perspective_transform_decomposition(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                                        data_format=None):
    data_format = _check_format(data_format)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"perspective_transform: interpolation={interpolation!r}; expected one of {tuple(INTERPOLATIONS)}")
    _image_rank(images)
    for name, pts in (("start_points", start_points), ("end_points", end_points)):
        ps = tuple(tensors.shape(pts))
        if ps[-2:] != (4, 2) or len(ps) not in (2, 3):
            raise ValueError(f"perspective_transform: {name} must have shape (4, 2) or (batch, 4, 2); got {ps}")
    if tuple(tensors.shape(start_points)) != tuple(tensors.shape(end_points)):
        raise ValueError("perspective_transform: start_points and end_points must have the same shape; got "
                         f"{tuple(tensors.shape(start_points))} and {tuple(tensors.shape(end_points))}")
    x, single = _batch_images(images, data_format)
    b, h, w, c = tensors.shape(x)
    fdt = _float_dtype(tensors.dtype(x))
    sp, ep = K.cast(start_points, fdt), K.cast(end_points, fdt)
    if len(tensors.shape(sp)) == 2:
        sp, ep = K.expand_dims(sp, 0), K.expand_dims(ep, 0)
    if tensors.shape(sp)[0] not in (1, b):
        raise ValueError(f"perspective_transform: {tensors.shape(sp)[0]} point sets for a batch of {b} images")
    hm = [K.reshape(v, (-1, 1, 1, 1)) for v in homography(sp, ep)]
    yy = K.reshape(K.arange(h, dtype=fdt), (1, h, 1, 1))
    xx = K.reshape(K.arange(w, dtype=fdt), (1, 1, w, 1))
    den = hm[6] * xx + hm[7] * yy + 1.0
    x_in = (hm[0] * xx + hm[1] * yy + hm[2]) / den
    y_in = (hm[3] * xx + hm[4] * yy + hm[5]) / den
    bi, ci = _grid(b, h, w, c)
    full = (b, h, w, c)
    y = sample(x, [("index", bi), K.broadcast_to(y_in, full), K.broadcast_to(x_in, full), ("index", ci)],
               INTERPOLATIONS[interpolation], "constant", fill_value)
    return _unbatch(y, single, data_format)


def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warps images so that ``start_points`` (4 ``(x, y)`` corners) move to ``end_points``: output
    pixel ``p`` reads the input at ``H p``, ``H`` the homography sending ``end_points`` to
    ``start_points``; outside the input reads ``fill_value``.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        start_points: ``(4, 2)`` for every image or ``(batch, 4, 2)``: four ``(x, y)`` points in
            the input, no three on a line.
        end_points: where those points land in the output (matched to ``start_points`` in
            order), the same shape as ``start_points``.
        interpolation: ``"bilinear"`` (weighted mean of the 4 nearest pixels) or
            ``"nearest"`` (the nearest pixel, coordinates rounded half away from zero).
        fill_value: the value read where the mapped coordinate falls outside the input.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The warped images, ``images``' shape and dtype.

    Raises:
        ValueError: for an unknown ``interpolation``, point sets of another shape (or of
            different shapes, or a batch that differs from the images'), an ``images`` rank other
            than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> corners = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> image.perspective_transform(x, corners, corners)[0, :, :, 0]  # same points: unchanged
    array([[0., 1., 2.],
           [3., 4., 5.],
           [6., 7., 8.]])
    """
    return _on_numpy(perspective_transform_decomposition)(images, start_points, end_points, interpolation,
                                                          fill_value, data_format)


def _persp_case(name, shape=(2, 7, 8, 3), batch_pts=True, grad=True, **kw):
    def make(r, dt):
        x = r.standard_normal(shape).astype(dt)
        hh, ww = (shape[-3], shape[-2]) if kw.get("data_format") != "channels_first" else shape[-2:]
        n = shape[0] if len(shape) == 4 and batch_pts else 1
        corners = np.array([[0, 0], [ww - 1, 0], [ww - 1, hh - 1], [0, hh - 1]], np.float64)
        sp = corners + r.uniform(-1.2, 1.2, (n, 4, 2))
        ep = corners + r.uniform(-1.2, 1.2, (n, 4, 2))
        if not batch_pts or len(shape) == 3:
            sp, ep = sp[0], ep[0]
        return (x, sp.astype(dt), ep.astype(dt)), dict(kw)
    return Case(name, make, grad=grad)


op(G, T.Normwise(64), [
    _persp_case("bilinear"),
    _persp_case("nearest", interpolation="nearest", grad=False),
    _persp_case("shared_points_fill", batch_pts=False, fill_value=0.5),
    _persp_case("single", shape=(6, 7, 2)),
    _persp_case("channels_first", shape=(1, 2, 6, 7), data_format="channels_first"),
], grad=_vjp_of(perspective_transform_decomposition, 3), tensors=("images", "start_points", "end_points"),
   # the images' gradient is the transpose of the same bilinear weights the value applies, so it
   # inherits the value's conditioning on the float32 sampling coordinates (compiled, XLA
   # contracts the coordinate arithmetic into FMAs and the weights move by ~1e-6: kappa 35-38)
   grad_tol=T.Normwise(64), decomposition=perspective_transform_decomposition)(perspective_transform)


# ------------------------------------------------------------------------------ elastic_transform
def elastic_transform_decomposition(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                                    fill_value=0.0, seed=None, data_format=None):
    data_format = _check_format(data_format)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"elastic_transform: interpolation={interpolation!r}; expected one of {tuple(INTERPOLATIONS)}")
    _check_order_mode("elastic_transform", INTERPOLATIONS[interpolation], fill_mode)
    _image_rank(images)
    alpha, sigma = float(alpha), float(sigma)
    if sigma <= 0:
        raise ValueError(f"elastic_transform: sigma must be > 0; got sigma={sigma}")
    x, single = _batch_images(images, data_format)
    b, h, w, c = tensors.shape(x)
    fdt = _float_dtype(tensors.dtype(x))
    k = int(6 * sigma) | 1
    noise = K.random_normal(draw_seed(seed), (2, b, h, w, 1), dtype=fdt) * sigma
    g = np.outer(gaussian_kernel_1d(k, sigma), gaussian_kernel_1d(k, sigma))
    kern = g[:, :, None, None].astype(dtypes.to_numpy_dtype(fdt))
    d = K.conv(K.reshape(noise, (2 * b, h, w, 1)), kern, 1, "same", "channels_last")
    d = K.reshape(d, (2, b, h, w, 1)) * alpha
    yy = K.reshape(K.arange(h, dtype=fdt), (1, h, 1, 1))
    xx = K.reshape(K.arange(w, dtype=fdt), (1, 1, w, 1))
    full = (b, h, w, c)
    x_in = K.broadcast_to(xx + K.get_item(d, 0), full)
    y_in = K.broadcast_to(yy + K.get_item(d, 1), full)
    bi, ci = _grid(b, h, w, c)
    y = sample(x, [("index", bi), y_in, x_in, ("index", ci)], INTERPOLATIONS[interpolation], fill_mode, fill_value)
    return _unbatch(y, single, data_format)


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Elastic distortion: every pixel moves by ``alpha`` times Gaussian noise (standard deviation
    ``sigma``) blurred with a ``sigma`` Gaussian of size ``int(6 sigma) | 1``, independently in x
    and y. ``seed`` is an int, a seed tensor or a ``dlx.random.SeedGenerator``; the portable
    generator gives every backend the same displacement.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        alpha: the scale of the displacement field (in pixels per unit of smoothed noise).
        sigma: the standard deviation of the noise and of the smoothing Gaussian; must be > 0.
        interpolation: ``"bilinear"`` (weighted mean of the 4 nearest pixels) or
            ``"nearest"`` (the nearest pixel, coordinates rounded half away from zero).
        fill_mode: how coordinates outside the input are read: ``"constant"`` (every
            out-of-range tap reads ``fill_value``), ``"nearest"`` (the closest edge pixel:
            ``a a | a b c d | d d``), ``"wrap"`` (periodic: ``c d | a b c d | a b``), ``"mirror"``
            (reflected about the edge pixels' centres: ``c b | a b c d | c b``) or ``"reflect"``
            (reflected about the edges, repeating the edge pixel: ``b a | a b c d | d c``).
        fill_value: the value read outside the input with ``fill_mode="constant"``.
        seed: an int, a seed tensor or a ``dlx.random.SeedGenerator`` (advanced on each call);
            ``None`` draws a fresh seed from the global generator.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The distorted images, ``images``' shape and dtype (one independent field per image).

    Raises:
        ValueError: for an unknown ``interpolation`` or ``fill_mode``, ``sigma <= 0``, an
            ``images`` rank other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.ones((1, 8, 8, 1))
    >>> y = image.elastic_transform(x, alpha=2.0, sigma=1.0, seed=1)
    >>> y.shape, y.dtype
    ((1, 8, 8, 1), dtype('float64'))
    """
    return _on_numpy(elastic_transform_decomposition)(images, alpha, sigma, interpolation, fill_mode, fill_value,
                                                      seed, data_format)


op(G, T.Normwise(64), [
    Case("batch", lambda r, dt: ((r.standard_normal((2, 9, 8, 2)).astype(dt),), {"alpha": 3.0, "sigma": 1.0, "seed": 7})),
    Case("nearest_constant", lambda r, dt: ((r.standard_normal((8, 9, 3)).astype(dt),), {"alpha": 2.0, "sigma": 0.8, "interpolation": "nearest", "fill_mode": "constant", "seed": 3}), grad=False),
    Case("channels_first", lambda r, dt: ((r.standard_normal((1, 2, 8, 8)).astype(dt),), {"alpha": 4.0, "sigma": 1.2, "seed": 11, "data_format": "channels_first"})),
], grad=_vjp_of(elastic_transform_decomposition, 1), tensors=("images",),
   decomposition=elastic_transform_decomposition)(elastic_transform)
