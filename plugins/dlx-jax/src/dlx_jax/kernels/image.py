"""Image kernels (:mod:`dlx.ops.defs.image`): ``resize`` on ``jax.image.resize`` (the function
Keras's JAX backend calls, so the spec's definition). ``scale_and_translate`` and the HSV
conversions run their spec's decompositions, compiled as one program per call signature when
called eagerly (:func:`~dlx_jax._common.jit_eager_calls`); grayscale, crop and pad (a few ops
each) run theirs op by op."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from dlx import dtypes
from dlx.ops.defs import image as spec
from dlx_jax._common import compiled_kernel


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    if interpolation == "area":  # jax.image has it, but Keras's JAX backend does not: the spec's weights
        return spec.resize_decomposition(images, size, interpolation, antialias, crop_to_aspect_ratio,
                                         pad_to_aspect_ratio, fill_mode, fill_value, data_format)
    data_format, size = spec.check_resize_args(images, size, interpolation, crop_to_aspect_ratio,
                                               pad_to_aspect_ratio, fill_mode, data_format)
    x = spec.aspect_ratio_step(jnp.asarray(images), size, crop_to_aspect_ratio, pad_to_aspect_ratio,
                               fill_value, data_format)
    nd = x.ndim
    ha, wa = (nd - 3, nd - 2) if data_format == "channels_last" else (nd - 2, nd - 1)
    shape = list(x.shape)
    shape[ha], shape[wa] = size
    int_dtype = None if interpolation == "nearest" or dtypes.is_float(str(x.dtype)) else str(x.dtype)
    if int_dtype is not None:
        x = x.astype(dtypes.floatx())
    y = jax.image.resize(x, tuple(shape), method=interpolation, antialias=antialias)
    return spec.back_to_int(y, int_dtype) if int_dtype is not None else y


KERNELS = {
    "resize": resize,
    **{name: compiled_kernel(name) for name in ("scale_and_translate", "rgb_to_hsv", "hsv_to_rgb")},
}
