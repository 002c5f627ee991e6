"""Image kernels (:mod:`dlx.ops.defs.image`): ``resize`` on ``torch.nn.functional.interpolate``
where PyTorch's definition is the spec's (bilinear with or without antialiasing and antialiased
bicubic: half-pixel centres, weights renormalised at the borders; measured equal to the float64
spec to 1e-15); nearest is an ``index_select`` of the spec's indices. Bicubic without
antialiasing (PyTorch: a = -0.75, clamped border taps), Lanczos and area contract each axis with
the spec's static weights. The colour conversions, crop / pad and ``scale_and_translate`` run
their spec's decomposition."""

from __future__ import annotations

import torch
import torch.nn.functional as tnf

from dlx import dtypes
from dlx.ops.defs import image as spec
from dlx_torch._tensors import T

_NATIVE = {("bilinear", False): "bilinear", ("bilinear", True): "bilinear", ("bicubic", True): "bicubic"}


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    x = T(images)
    data_format, size = spec.check_resize_args(x, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio,
                                               fill_mode, data_format)
    x = T(spec.aspect_ratio_step(x, size, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_value, data_format))
    nd = x.ndim
    ha, wa, _ = spec._spatial_axes(nd, data_format)
    if interpolation == "nearest":
        for axis, n in ((ha, size[0]), (wa, size[1])):
            if x.shape[axis] != n:
                idx = torch.as_tensor(spec.nearest_indices(x.shape[axis], n), dtype=torch.long, device=x.device)
                x = torch.index_select(x, axis, idx)
        return x
    mode = _NATIVE.get((interpolation, bool(antialias)))
    if mode is None or tuple(x.shape[a] for a in (ha, wa)) == size:
        return spec.resize_decomposition(x, size, interpolation, antialias, False, False, fill_mode, fill_value,
                                         data_format)
    int_dtype = None if x.is_floating_point() else str(x.dtype).removeprefix("torch.")
    if int_dtype is not None:
        x = x.to(getattr(torch, dtypes.floatx()))
    y = x if nd == 4 else x.unsqueeze(0)
    if data_format == "channels_last":
        y = y.movedim(-1, 1)
    y = tnf.interpolate(y, size=size, mode=mode, align_corners=False, antialias=bool(antialias))
    if data_format == "channels_last":
        y = y.movedim(1, -1)
    y = y if nd == 4 else y.squeeze(0)
    return spec.back_to_int(y, int_dtype) if int_dtype is not None else y


KERNELS = {"resize": resize}
