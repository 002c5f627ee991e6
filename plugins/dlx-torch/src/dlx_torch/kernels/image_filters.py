"""Kernels of :mod:`dlx.ops.defs.image_filters`: ``depth_to_space`` / ``space_to_depth`` on
``pixel_shuffle`` / ``pixel_unshuffle`` (PyTorch's order is the spec's channels-first order;
channels-last tensors are viewed with ``movedim`` and reordered), ``unfold`` / ``fold`` on
``torch.nn.functional.unfold`` / ``fold`` (the same definition). The blur, edge, SSIM and patch
ops run their spec's decomposition (convolutions on torch)."""

from __future__ import annotations

import torch.nn.functional as tnf

from dlx.ops.defs import image_filters as spec
from dlx_torch._tensors import T


def depth_to_space(x, block_size, data_format="channels_last"):
    x = T(x)
    b, data_format = spec._check_block(x, block_size, data_format, "depth_to_space")
    if data_format == "channels_first":
        return tnf.pixel_shuffle(x, b)
    n, h, w, c = x.shape
    if c % (b * b):
        raise ValueError(f"depth_to_space: channels {c} are not divisible by block_size**2 = {b * b}")
    # (row, column, channel) groups -> pixel_shuffle's (channel, row, column) order
    y = x.reshape(n, h, w, b * b, c // (b * b)).transpose(3, 4).reshape(n, h, w, c)
    return tnf.pixel_shuffle(y.movedim(-1, 1), b).movedim(1, -1)


def space_to_depth(x, block_size, data_format="channels_last"):
    x = T(x)
    b, data_format = spec._check_block(x, block_size, data_format, "space_to_depth")
    h, w = (x.shape[1], x.shape[2]) if data_format == "channels_last" else (x.shape[2], x.shape[3])
    if h % b or w % b:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by block_size={b}")
    if data_format == "channels_first":
        return tnf.pixel_unshuffle(x, b)
    n, _, _, c = x.shape
    y = tnf.pixel_unshuffle(x.movedim(-1, 1), b).movedim(1, -1)  # (channel, row, column) groups
    return y.reshape(n, h // b, w // b, c, b * b).transpose(3, 4).reshape(n, h // b, w // b, c * b * b)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = T(x)
    if x.ndim != 4:
        raise ValueError(f"unfold: x must have rank 4 (N, C, H, W); got shape {tuple(x.shape)}")
    k, d, p, s, _ = spec.fold_geometry(tuple(x.shape[2:]), kernel_size, dilation, padding, stride)
    if not x.is_floating_point():  # torch's im2col has float kernels only; the spec's is exact data movement
        return spec.unfold_decomposition(x, kernel_size, dilation, padding, stride)
    return tnf.unfold(x, k, dilation=d, padding=p, stride=s)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = T(x)
    if x.ndim != 3 or not x.is_floating_point():
        return spec.fold_decomposition(x, output_size, kernel_size, dilation, padding, stride)
    out = spec._tuple(output_size, 2, "output_size")
    k, d, p, s, blocks = spec.fold_geometry(out, kernel_size, dilation, padding, stride)
    if x.shape[1] % (k[0] * k[1]) or x.shape[2] != blocks[0] * blocks[1]:
        return spec.fold_decomposition(x, output_size, kernel_size, dilation, padding, stride)  # its error
    return tnf.fold(x, out, k, dilation=d, padding=p, stride=s)


KERNELS = {"depth_to_space": depth_to_space, "space_to_depth": space_to_depth, "unfold": unfold, "fold": fold}
