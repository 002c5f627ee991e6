"""Graph builders of :mod:`dlx.ops.defs.image`: ``resize``. Bilinear without antialiasing runs on
the opset's Interpolate (mode ``linear``, half-pixel centres: the spec's weights, renormalised at
the borders); nearest is a Gather of the spec's indices (exact); the other interpolations
(antialiased, cubic, Lanczos, area) contract each axis with the spec's static resampling weights
(Interpolate's cubic clamps border taps and its antialiasing differs from the spec). The colour
conversions, crop / pad and ``scale_and_translate`` run their spec's decomposition."""

from __future__ import annotations

import numpy as np
import openvino.opset16 as O

from dlx import dtypes
from dlx.ops.defs import image as spec
from dlx_openvino._graph import as_output, cast, const, dt, i64, out, shape, transpose


class _Shaped:
    """A shape holder for the spec's argument checks (which read ``tensors.shape``)."""

    def __init__(self, s):
        self.shape = s


def _contract(x, w, axis):
    """Axis ``axis`` of ``x`` contracted with the ``(out, in)`` matrix ``w``."""
    nd = len(shape(x))
    perm = [a for a in range(nd) if a != axis] + [axis]
    back = list(np.argsort(perm))
    y = out(O.matmul(transpose(x, perm), const(w.T, dt(x)), False, False))
    return transpose(y, back)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    x = as_output(images)
    data_format, size = spec.check_resize_args(_Shaped(shape(x)), size, interpolation, crop_to_aspect_ratio,
                                               pad_to_aspect_ratio, fill_mode, data_format)
    nd = len(shape(x))
    ha, wa, _ = spec._spatial_axes(nd, data_format)
    plan = spec.aspect_ratio_plan(shape(x)[ha], shape(x)[wa], size, crop_to_aspect_ratio, pad_to_aspect_ratio)
    if plan is not None and plan[0] == "crop":
        _, top, left, ch, cw = plan
        start, stop = [0] * nd, list(shape(x))
        start[ha], start[wa], stop[ha], stop[wa] = top, left, top + ch, left + cw
        x = out(O.slice(x, i64(start), i64(stop), i64([1] * nd)))
    elif plan is not None:
        lo = [0] * nd
        lo[ha], lo[wa] = plan[1], plan[2]
        x = out(O.pad(x, i64(lo), i64(lo), "constant", const(fill_value, dt(x))))
    sh = shape(x)
    if interpolation == "nearest":
        for axis, n in ((ha, size[0]), (wa, size[1])):
            if sh[axis] != n:
                x = out(O.gather(x, i64(spec.nearest_indices(sh[axis], n)), i64(axis)))
        return x
    int_dtype = None if dtypes.is_float(dt(x)) else dt(x)
    if int_dtype is not None:
        x = cast(x, dtypes.floatx())
    axes = [(a, n) for a, n in ((ha, size[0]), (wa, size[1])) if sh[a] != n]
    if interpolation == "bilinear" and not antialias and dt(x) == "float32" and axes:
        x = out(O.interpolate(x, i64([n for _, n in axes]), "linear", "sizes", axes=i64([a for a, _ in axes]),
                              coordinate_transformation_mode="half_pixel"))
    else:
        kind = spec._METHODS[interpolation]
        for axis, n in axes:
            w = spec.resize_weights(sh[axis], n, kind, antialias).astype(dtypes.to_numpy_dtype(dt(x)))
            x = _contract(x, w, axis)
    if int_dtype is None:
        return x
    # Keras's return to integers: round half to even, saturate
    info = np.iinfo(dtypes.to_numpy_dtype(int_dtype))
    y = out(O.round(x, "half_to_even"))
    y = out(O.clamp(y, float(info.min), float(info.max)))
    return cast(y, int_dtype)


KERNELS = {"resize": resize}
