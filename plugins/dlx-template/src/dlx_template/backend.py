"""The ``template`` backend class: tensor plumbing, autodiff and variables over NumPy arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dlx import dtypes
from dlx.backend import Backend, Capabilities
from dlx.backends.numpy import autodiff
from dlx_template import kernels


class TemplateBackend(Backend):
    """NumPy arrays as tensors; the kernels in :mod:`dlx_template.kernels`; reverse-mode autodiff
    from dlx's tape over the op specs' gradient rules (run on this backend's own kernels)."""

    name = "template"
    spec_version = 2  # the op-spec version this backend was written against
    capabilities = Capabilities(
        training=True, jit=False, float64=True,
        reasons={"jit": "the template has no compiler: compile() returns the function unchanged"})
    xfail_file = str(Path(__file__).with_name("xfails.txt"))

    def __init__(self) -> None:
        super().__init__()
        self._taped = None

    def framework_version(self) -> str:
        return np.__version__

    def native_kernels(self):
        return kernels.all_kernels()

    def convert_to_tensor(self, x, dtype=None):
        if type(x) is autodiff.Tracer:  # a value being differentiated stays one
            return x if dtype is None else x.astype(dtype)
        if dtype is not None:
            return np.asarray(x, dtype=dtypes.to_numpy_dtype(dtype))
        if isinstance(x, (np.ndarray, np.generic)):  # before the float check: np.float64 is a float
            return np.asarray(x)
        if isinstance(x, (bool, int, float, list, tuple)):
            return dtypes.python_to_numpy(x)  # floats -> floatx(), ints -> int32
        return np.asarray(x)

    def to_numpy(self, x):
        return x.value if type(x) is autodiff.Tracer else np.asarray(x)

    def is_tensor(self, x):
        return isinstance(x, (np.ndarray, np.generic, autodiff.Tracer))

    def value_and_grad(self, fn, argnums=0, has_aux=False):
        if self._taped is None:
            self._taped = autodiff.taped_table(self.op_table)
        return autodiff.value_and_grad(self, fn, argnums, has_aux, taped=self._taped)

    def create_variable(self, value, *, dtype, trainable, name):
        return np.array(value, dtype=dtypes.to_numpy_dtype(dtype))

    def assign_variable(self, storage, value):
        value = np.asarray(value, dtype=storage.dtype)
        if value.shape != storage.shape:
            raise ValueError(f"assign: value of shape {value.shape} does not match the variable's shape "
                             f"{storage.shape}")
        return value
