"""Stacking, splitting and rearranging kernels: the ops of :mod:`dlx.ops.defs.manipulation`
(the others run their spec's decomposition into this backend's kernels)."""

from __future__ import annotations

from dlx_tf._core import tensor, tf


def copy(x):
    return tf.identity(tensor(x))


#: op name -> kernel
KERNELS: dict = {"copy": copy}
