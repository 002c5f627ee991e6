"""``DataLayer``: the base of the preprocessing layers that compute on the host in NumPy / pure
Python (string and lookup layers: their tables and hashes are not tensor programs).

Such a layer accepts NumPy arrays, Python lists and scalars, and tensors of any backend (copied to
the host); it returns a tensor of the active backend (or a NumPy array of ``str`` for a string
output, such as ``StringLookup(invert=True)``). No framework is imported by the computation
itself, TensorFlow included. On symbolic tensors (a Functional graph) it returns the output spec;
a model that holds one runs its steps eagerly (``supports_jit = False``), as in Keras.
"""

from __future__ import annotations

import numpy as np

from dlx import tree_util as tree
from dlx.layers.layer import Layer
from dlx.ops.symbolic import SymbolicTensor


def to_host(x, what: str = "inputs"):
    """``x`` (NumPy, list, scalar, any backend's tensor) as a NumPy array; strings as ``str``."""
    if isinstance(x, np.ndarray):
        arr = x
    elif isinstance(x, (str, bytes, int, float, np.generic, list, tuple)):
        arr = np.asarray(x)
    elif hasattr(x, "shape") and hasattr(x, "dtype"):
        if type(x).__module__.startswith("tensorflow") and hasattr(x, "numpy"):
            arr = np.asarray(x.numpy())  # a tf.data element, whatever the active backend
        else:
            from dlx import ops

            arr = np.asarray(ops.convert_to_numpy(x))
    else:
        raise TypeError(f"{what}: expected an array, a list, a scalar or a tensor; got {type(x).__name__}")
    if arr.dtype.kind == "S":
        arr = np.char.decode(arr, "utf-8").astype(object)
    elif arr.dtype.kind == "U":
        arr = arr.astype(object)
    return arr


def is_string_array(arr: np.ndarray) -> bool:
    if arr.dtype.kind in "SU":
        return True
    if arr.dtype.kind == "O":
        return all(isinstance(v, (str, bytes)) for v in arr.ravel()[:64])
    return False


def encode_categorical(indices: np.ndarray, output_mode: str, depth: int, dtype: str = "float32",
                       count_weights=None) -> np.ndarray:
    """Keras's categorical encodings of integer ``indices`` in NumPy (``"int"``, ``"one_hot"``,
    ``"multi_hot"``, ``"count"``); out-of-range indices encode as zeros."""
    indices = np.asarray(indices)
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices[None]
    if output_mode == "one_hot" and indices.ndim > 1 and indices.shape[-1] == 1:
        indices = indices[..., 0]
    onehot = indices[..., None] == np.arange(depth)
    if output_mode == "one_hot":
        return onehot.astype(dtype)
    axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        return onehot.any(axis=axis).astype(dtype)
    if output_mode == "count":
        if count_weights is not None:
            w = np.asarray(count_weights)
            return (onehot * w[..., None]).sum(axis=axis).astype(w.dtype)
        return onehot.sum(axis=axis).astype(dtype)
    raise ValueError(f"output_mode={output_mode!r}; expected 'int', 'one_hot', 'multi_hot' or 'count'")


def encode_rows(rows: list, output_mode: str, depth: int, dtype: str = "float32") -> np.ndarray:
    """Per-row (ragged) encodings: ``rows`` is a list of 1-D index arrays; each gives one output row."""
    out = np.zeros((len(rows), depth), dtype=dtype)
    for i, r in enumerate(rows):
        r = np.asarray(r, dtype=np.int64)
        r = r[(r >= 0) & (r < depth)]
        if output_mode == "multi_hot":
            out[i, r] = 1
        elif output_mode == "count":
            np.add.at(out[i], r, 1)
        else:
            raise ValueError(f"output_mode={output_mode!r} cannot encode rows of different lengths")
    return out


def output_tensor(arr: np.ndarray):
    """A host result as a tensor of the active backend (``str`` arrays stay NumPy)."""
    if arr.dtype.kind in "OUS":
        return arr
    from dlx import ops

    return ops.convert_to_tensor(arr)


class DataLayer(Layer):
    """A layer computed on the host in NumPy (see the module docstring).

    Subclasses implement ``_host_call(inputs, **kwargs)`` (NumPy in, NumPy out) and
    ``compute_output_spec`` for symbolic inputs.
    """

    supports_jit = False

    def __call__(self, *args, **kwargs):
        if any(isinstance(t, SymbolicTensor) for t in tree.leaves((args, kwargs))):
            return super().__call__(*args, **kwargs)
        if not self.__dict__.get("_initialized"):
            raise RuntimeError(f"{type(self).__name__}.__init__() did not call super().__init__()")
        kwargs.pop("training", None)
        if not self.built:
            self.built = True
        out = self._host_call(*args, **kwargs)
        return tree.map_structure(output_tensor, out)

    def call(self, inputs):
        # Reached only when a Functional graph runs this layer with concrete inputs.
        return tree.map_structure(output_tensor, self._host_call(inputs))

    def _host_call(self, inputs, **kwargs):  # pragma: no cover - every subclass defines it
        raise TypeError(f"{type(self).__name__} must define _host_call()")

    def build(self, input_shape=None):
        self.built = True

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True
