"""The NumPy backend: every op's reference, run in the input dtype."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.backend.contract import Backend, Capabilities
from dlx.backends.numpy import autodiff
from dlx.ops.spec import REGISTRY, SPEC_VERSION


class NumpyBackend(Backend):
    """Reference backend. Kernels are the op specs' NumPy references; training uses reverse-mode
    autodiff over the specs' gradient rules."""

    name = "numpy"
    spec_version = SPEC_VERSION  # the reference backend is core's own: always current
    capabilities = Capabilities(
        training=True, jit=False, float64=True, complex=True,
        reasons={"jit": "NumPy has no compiler; compile() is the identity",
                 "distribution": "NumPy computes on one CPU device and has no collectives"})
    variable_values_immutable = True  # a read is the stored array; assign stores a new one

    def __init__(self):
        super().__init__()
        import dlx.ops  # noqa: F401  (registers every op)

        self._taped_table = None

    def framework_version(self) -> str:
        return np.__version__

    def native_kernels(self):
        return {name: spec.reference for name, spec in REGISTRY.items()}

    @property
    def op_table(self):
        table = super().op_table
        if self._taped_table is None:
            self._taped_table = autodiff.taped_table(table)
        return table

    def convert_to_tensor(self, x, dtype=None):
        if type(x) is autodiff.Tracer:
            return x if dtype is None else x.astype(dtype)
        if dtype is not None:
            return np.asarray(x, dtype=dtypes.to_numpy_dtype(dtype))
        if isinstance(x, np.ndarray):
            return x
        if isinstance(x, (bool, int, float)) or (isinstance(x, (list, tuple)) and not hasattr(x, "shape")):
            return dtypes.python_to_numpy(x)
        return np.asarray(x)

    def to_numpy(self, x):
        if type(x) is autodiff.Tracer:
            return x.value
        return np.asarray(x)

    def is_tensor(self, x):
        return isinstance(x, (np.ndarray, np.generic, autodiff.Tracer))

    def value_and_grad(self, fn, argnums=0, has_aux=False):
        _ = self.op_table  # builds the taped table
        return autodiff.value_and_grad(self, fn, argnums, has_aux)

    def create_variable(self, value, *, dtype, trainable, name):
        return np.array(value, dtype=dtypes.to_numpy_dtype(dtype))

    def assign_variable(self, storage, value):
        value = np.asarray(value, dtype=storage.dtype)
        if value.shape != storage.shape:
            raise ValueError(f"assign: value of shape {value.shape} does not match the variable's shape "
                             f"{storage.shape}")
        return value
