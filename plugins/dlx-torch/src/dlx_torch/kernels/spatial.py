"""Kernels of :mod:`dlx.ops.defs.spatial`: torch's adaptive pools (the same window rule).
``separable_conv`` runs the spec's decomposition (torch's depthwise and 1x1 convolutions)."""

from __future__ import annotations

import torch.nn.functional as tnf

from dlx.ops.defs.spatial import adaptive_sizes
from dlx_torch._tensors import F

_AVG = {1: tnf.adaptive_avg_pool1d, 2: tnf.adaptive_avg_pool2d, 3: tnf.adaptive_avg_pool3d}
_MAX = {1: tnf.adaptive_max_pool1d, 2: tnf.adaptive_max_pool2d, 3: tnf.adaptive_max_pool3d}


def _pool(table, opname, inputs, output_size, data_format):
    x = F(inputs)
    cf, _, sizes = adaptive_sizes(opname, x, output_size, data_format)
    if not cf:
        x = x.movedim(-1, 1)
    y = table[len(sizes)](x, sizes)
    return y if cf else y.movedim(1, -1)


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _pool(_AVG, "adaptive_average_pool", inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _pool(_MAX, "adaptive_max_pool", inputs, output_size, data_format)


KERNELS = {"adaptive_average_pool": adaptive_average_pool, "adaptive_max_pool": adaptive_max_pool}
