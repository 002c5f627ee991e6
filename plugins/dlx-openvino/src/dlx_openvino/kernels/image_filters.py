"""Graph builders of :mod:`dlx.ops.defs.image_filters`: ``depth_to_space`` / ``space_to_depth``
on the opset's DepthToSpace / SpaceToDepth (NCHW; mode ``blocks_first`` is the spec's
channels-last (row, column, channel) order, ``depth_first`` its channels-first order). The other
ops run their spec's decomposition."""

from __future__ import annotations

import openvino.opset16 as O

from dlx.ops.defs import image_filters as spec
from dlx_openvino._graph import as_output, out, shape, transpose


def _block(x, block_size, data_format, name, to_depth):
    x = as_output(x)
    if len(shape(x)) != 4:
        raise ValueError(f"{name}: x must have rank 4; got shape {shape(x)}")
    b, data_format = spec._check_block(_Shaped(shape(x)), block_size, data_format, name)
    if data_format == "channels_first":
        mode = "depth_first"
        c, h, w = shape(x)[1:]
    else:
        mode = "blocks_first"
        h, w, c = shape(x)[1:]
        x = transpose(x, (0, 3, 1, 2))
    if to_depth and (h % b or w % b):
        raise ValueError(f"{name}: height {h} and width {w} must be divisible by block_size={b}")
    if not to_depth and c % (b * b):
        raise ValueError(f"{name}: channels {c} are not divisible by block_size**2 = {b * b}")
    y = out((O.space_to_depth if to_depth else O.depth_to_space)(x, mode, b))
    return y if data_format == "channels_first" else transpose(y, (0, 2, 3, 1))


class _Shaped:
    """A shape holder for the spec's argument check (which reads ``tensors.shape``)."""

    def __init__(self, s):
        self.shape = s


def depth_to_space(x, block_size, data_format="channels_last"):
    return _block(x, block_size, data_format, "depth_to_space", to_depth=False)


def space_to_depth(x, block_size, data_format="channels_last"):
    return _block(x, block_size, data_format, "space_to_depth", to_depth=True)


KERNELS = {"depth_to_space": depth_to_space, "space_to_depth": space_to_depth}
