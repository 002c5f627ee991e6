"""Kernels of :mod:`dlx.ops.defs.image_filters`: the blurs and edge filters run their spec's
decompositions, compiled as one program per call signature when called eagerly
(:func:`~dlx_jax._common.jit_eager_calls`); the patch and block rearrangements (a few ops each)
run theirs op by op."""

from __future__ import annotations

from dlx_jax._common import compiled_kernel

KERNELS: dict = {name: compiled_kernel(name) for name in ("gaussian_blur", "sobel_edges", "ssim")}
