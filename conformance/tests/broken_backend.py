"""A deliberately broken backend for the meta-tests: the suite must catch each planted fault.

* ``negative`` has the wrong sign;
* ``sigmoid``'s gradient is wrong (``g * out`` instead of ``g * out * (1 - out)``);
* ``divide`` is 2 ULP off (one ULP above E1's bound);
* ``sum`` accumulates sequentially in float32, which breaks the Kr bound at n = 10^6.
"""

import dataclasses

import numpy as np

from dlx.backends.numpy import autodiff
from dlx.backends.numpy.backend import NumpyBackend
from dlx.ops.spec import REGISTRY
from dlx.plugins import BackendRecord, hookimpl


def _negative(x):
    return np.asarray(x).copy()


def _divide(x1, x2):
    out = REGISTRY["divide"].reference(x1, x2)
    return np.nextafter(np.nextafter(out, np.inf), np.inf)


def _sum(x, axis=None, keepdims=False):
    x = np.asarray(x)
    if x.dtype == np.float32 and axis is None and not keepdims:
        return np.cumsum(x.ravel(), dtype=np.float32)[-1] if x.size else np.float32(0)
    return REGISTRY["sum"].reference(x, axis, keepdims)


class BrokenBackend(NumpyBackend):
    name = "broken"

    def native_kernels(self):
        table = super().native_kernels()
        table.update(negative=_negative, divide=_divide, sum=_sum)
        return table

    @property
    def op_table(self):
        table = super().op_table
        wrong = dataclasses.replace(REGISTRY["sigmoid"], grad=lambda g, out, x: (g * out,))
        self._taped_table["sigmoid"] = autodiff.make_taped_kernel(wrong, table["sigmoid"], table)
        return table


@hookimpl
def dlx_backends():
    return [BackendRecord(name="broken", target="broken_backend:BrokenBackend", priority=-10, auto_select=False)]
