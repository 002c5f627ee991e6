"""Kernels of :mod:`dlx.ops.defs.image_warp`: ``map_coordinates`` on
``jax.scipy.ndimage.map_coordinates`` (the function Keras's JAX backend calls: the spec's
definition). ``affine_transform`` and ``perspective_transform`` run their spec's decompositions
(``jnp`` gathers), compiled as one program per call signature when called eagerly
(:func:`~dlx_jax._common.jit_eager_calls`); ``elastic_transform`` runs its decomposition op by op
(with ``seed=None`` it draws from dlx's global seed state, which a compiled program would freeze)."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.ndimage as ndimage

from dlx import dtypes
from dlx.ops.defs import image_warp as spec
from dlx_jax._common import arr, compiled_kernel


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    spec._check_order_mode("map_coordinates", order, fill_mode)
    x, c = arr(inputs), arr(coordinates)
    if c.ndim < 2 or c.shape[0] != x.ndim:
        raise ValueError(f"map_coordinates: coordinates must have shape (inputs.ndim={x.ndim}, ...); got {c.shape}")
    if not jnp.issubdtype(c.dtype, jnp.floating):
        c = c.astype(dtypes.floatx())
    return ndimage.map_coordinates(x, list(c), order, fill_mode, fill_value)


KERNELS = {
    "map_coordinates": map_coordinates,
    **{name: compiled_kernel(name) for name in ("affine_transform", "perspective_transform")},
}
