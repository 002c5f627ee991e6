"""``Hashing`` and ``HashedCrossing``: bit-identical to Keras's (FarmHash Fingerprint64 /
SipHash-2-4 / TensorFlow's cross hash), computed on the host without TensorFlow."""

from __future__ import annotations

import numpy as np

from dlx.layers.preprocessing import _hashing_fns as H
from dlx.layers.preprocessing.data_layer import DataLayer, encode_categorical, to_host
from dlx.ops.symbolic import SymbolicTensor

_CROSS_SEED = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash key


def _check_mode(layer: str, output_mode, allowed) -> None:
    if output_mode not in allowed:
        raise ValueError(f"{layer}: invalid value for argument `output_mode`: {output_mode!r}; expected one of "
                         f"{allowed}")


def _no_sparse(layer: str, sparse) -> None:
    if sparse:
        raise ValueError(f"{layer}: sparse=True is not supported (dlx returns dense tensors on every backend); "
                         "pass sparse=False")


class Hashing(DataLayer):
    """Hashes strings or integers into ``num_bins`` bins (Keras's ``keras.layers.Hashing``).

    Arguments:
        num_bins: the number of bins (including the mask bin when ``mask_value`` is set).
        mask_value: a value that maps to bin 0 (the others then go to ``1..num_bins-1``).
        salt: an int or a pair of ints: use the keyed SipHash-2-4 ("strong") hash.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must be ``False`` (dense outputs).

    Integers (and floats, truncated to integers) are hashed as their decimal strings, as in Keras.

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     dlx.ops.convert_to_numpy(dlx.layers.Hashing(num_bins=3)([["A"], ["B"], ["C"]])).ravel().tolist()
    [1, 0, 1]
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"Hashing: `num_bins` must be a positive int; received num_bins={num_bins!r}")
        _check_mode("Hashing", output_mode, ("int", "one_hot", "multi_hot", "count"))
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(f"Hashing: with output_mode='int', dtype must be 'int32' or 'int64'; received "
                             f"dtype={kwargs['dtype']!r}")
        _no_sparse("Hashing", sparse)
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, (int, np.integer)):
                salt = [int(salt), int(salt)]
            else:
                raise ValueError(f"Hashing: `salt` must be an int or a pair of ints; received salt={salt!r}")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = salt
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse

    def _host_call(self, inputs):
        arr = to_host(inputs)
        if self.output_mode == "one_hot" and arr.ndim > 0 and arr.shape[-1] == 1:
            arr = arr[..., 0]
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = arr == self.mask_value
        if arr.dtype.kind == "f":
            arr = arr.astype(np.int64)
        elif arr.dtype.kind == "b":
            raise TypeError("Hashing: boolean inputs are not supported; expected strings or integers")
        flat = arr.ravel().tolist()
        out = H.hash_buckets(flat, bins, self.salt).reshape(arr.shape)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return encode_categorical(out, self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return (*tuple(input_shape[:-1]), self.num_bins)

    def compute_output_spec(self, inputs):
        return SymbolicTensor(self.compute_output_shape(inputs.shape), self.dtype)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}


class HashedCrossing(DataLayer):
    """Crosses two or more categorical features by hashing (Keras's ``keras.layers.HashedCrossing``).

    Arguments:
        num_bins: the number of hash bins.
        output_mode: ``"int"`` or ``"one_hot"``.
        sparse: must be ``False``.
        name: the layer's name (unique names are made from the class name when ``None``).
        dtype: the layer's dtype policy, or a dtype name for its computations and variables.

    Call it on a list/tuple of features of equal shape ``()``, ``(batch,)`` or ``(batch, 1)``,
    integers or strings. The bins equal ``tf.sparse.cross_hashed``'s (Keras's) bit for bit.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.HashedCrossing(num_bins=5)
    >>> out = layer((np.array(["a", "b", "a"]), np.array([1, 2, 1])))
    >>> out.shape, bool(out[0] == out[2]), bool((0 <= out).all() and (out < 5).all())
    ((3,), True, True)
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        _no_sparse("HashedCrossing", sparse)
        _check_mode("HashedCrossing", output_mode, ("int", "one_hot"))
        if not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"HashedCrossing: `num_bins` must be a positive int; received num_bins={num_bins!r}")
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = sparse

    @staticmethod
    def _check(inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"HashedCrossing should be called on a list or tuple of inputs; received "
                             f"{type(inputs).__name__}")
        if len(inputs) < 2:
            raise ValueError(f"HashedCrossing should be called on at least two inputs; received {len(inputs)}")

    def _host_call(self, inputs):
        self._check(inputs)
        arrs = [to_host(x) for x in inputs]
        shape = arrs[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"All HashedCrossing inputs should have shape (), (batch_size,) or (batch_size, 1); "
                             f"received shape {shape}")
        if any(a.shape != shape for a in arrs[1:]):
            raise ValueError(f"All HashedCrossing inputs should have equal shape; received "
                             f"{[a.shape for a in arrs]}")
        for a in arrs:
            if not (a.dtype.kind in "iu" or a.dtype.kind == "O"):
                raise ValueError(f"All HashedCrossing inputs should have an integer or string dtype; received "
                                 f"{a.dtype}")
        cols = [a.ravel().tolist() for a in arrs]
        out = np.empty(len(cols[0]), dtype=np.int64)
        for i in range(len(out)):
            h = _CROSS_SEED
            for col in cols:
                v = col[i]
                f = H.fingerprint64(H.as_bytes(v)) if isinstance(v, (str, bytes)) else int(v) & H._M64
                h = H.fingerprint_cat64(h, f)
            out[i] = h % self.num_bins
        out = out.reshape(shape)
        return encode_categorical(out, self.output_mode, self.num_bins, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if not first:
            return (self.num_bins,)
        if first[-1] != 1:
            return (*first, self.num_bins)
        return (*first[:-1], self.num_bins)

    def compute_output_spec(self, inputs):
        self._check(inputs)
        return SymbolicTensor(self.compute_output_shape([tuple(x.shape) for x in inputs]), self.dtype)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype_policy.name}
