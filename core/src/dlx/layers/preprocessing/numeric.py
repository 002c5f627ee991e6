"""Numeric preprocessing layers written in ``dlx.ops`` (they run inside compiled steps on every
backend): ``Normalization``, ``Rescaling``, ``Discretization``, ``CategoryEncoding``."""

from __future__ import annotations

import math

import numpy as np

from dlx import config as _config
from dlx import ops
from dlx.layers.layer import Layer
from dlx.layers.preprocessing.index_lookup import _first, _iter_batches
from dlx.ops.symbolic import SymbolicTensor

_MODES = ("int", "one_hot", "multi_hot", "count")


def encode_categorical_ops(inputs, output_mode, depth, dtype, count_weights=None):
    """Keras's categorical encodings in ``dlx.ops`` (out-of-range indices encode as zeros)."""
    if output_mode == "int":
        return ops.cast(inputs, dtype)
    if len(inputs.shape) == 0:
        inputs = ops.expand_dims(inputs, -1)
    if output_mode == "one_hot" and len(inputs.shape) > 1 and inputs.shape[-1] == 1:
        inputs = ops.squeeze(inputs, -1)
    inputs = ops.cast(inputs, "int32")
    if output_mode == "one_hot":
        return ops.one_hot(inputs, depth, dtype=dtype)
    axis = 1 if len(inputs.shape) > 1 else 0
    if output_mode == "multi_hot":
        return ops.max(ops.one_hot(inputs, depth, dtype=dtype), axis=axis)
    if count_weights is not None:
        w = ops.convert_to_tensor(count_weights)
        oh = ops.one_hot(inputs, depth, dtype=w.dtype if hasattr(w, "dtype") else dtype)
        return ops.sum(oh * ops.expand_dims(w, -1), axis=axis)
    return ops.sum(ops.one_hot(inputs, depth, dtype=dtype), axis=axis)


def _batches_of(data):
    """Yields NumPy batches of ``data``: an array/tensor is one batch; a list/tuple, a dataset or
    any other iterable yields its elements as batches (Keras's ``Normalization.adapt`` rule)."""
    from dlx.layers.preprocessing.data_layer import to_host

    if isinstance(data, (list, tuple)):
        data = iter(data)
    batches = _iter_batches(data, None)
    if batches is None:
        yield np.asarray(to_host(data), dtype=np.float64)
        return
    for b in batches:
        yield np.asarray(to_host(_first(b)), dtype=np.float64)


class Normalization(Layer):
    """Shifts and scales inputs to mean 0 and variance 1 (Keras's ``keras.layers.Normalization``).

    Arguments:
        axis: the axis (or axes) that keep separate statistics (default ``-1``: per feature);
            ``None``: one mean and variance for everything.
        mean, variance: fixed statistics (else call :meth:`adapt`).
        invert: map normalized values back (``x * std + mean``).

    >>> import dlx, numpy as np
    >>> with dlx.backend.use("numpy"):
    ...     n = dlx.layers.Normalization(axis=-1)
    ...     n.adapt(np.array([[0., 7.], [2., 7.], [4., 7.]], "float32"))
    ...     np.round(dlx.ops.convert_to_numpy(n(np.array([[2., 7.]], "float32"))), 4).tolist()
    [[0.0, 0.0]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        if (mean is not None) != (variance is not None):
            raise ValueError(f"Normalization: when setting values directly, both `mean` and `variance` must be set; "
                             f"received mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: `mean` and `variance` must have the same shape; received "
                                 f"{np.shape(mean)} and {np.shape(variance)}")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(f"Normalization: the rank of `mean` must be <= the number of axes "
                                 f"({len(self.axis)}); received mean shape {np.shape(mean)} for axis {self.axis}")

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Normalization: all `axis` values must be in [-ndim, ndim); received inputs with "
                             f"ndim={ndim} and axis={self.axis}")
        self._keep_axis = tuple(sorted(d if d >= 0 else d + ndim for d in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"Normalization: the kept axes must have a known size; received axis={self.axis}, "
                                 f"input shape {input_shape}, unknown size at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        shape = tuple(input_shape[d] for d in self._keep_axis)
        self._mean_and_var_shape = shape
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=shape, initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=shape, initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros", trainable=False)
            self.built = True
            self.finalize_state()
        else:
            mean = np.asarray(self.input_mean, np.float64)
            var = np.asarray(self.input_variance, np.float64)
            if mean.ndim:
                expanded = [1] * ndim
                for i in range(1, mean.ndim + 1):
                    expanded[self._keep_axis[-i]] = mean.shape[-i]
                mean, var = mean.reshape(expanded), var.reshape(expanded)
            self._fixed = (np.broadcast_to(mean, self._broadcast_shape), np.broadcast_to(var, self._broadcast_shape))
            self.built = True

    def adapt(self, data) -> None:
        """Computes the mean and variance of ``data``: a NumPy array or tensor, or a dataset /
        iterable of batches (``tf.data``, a torch ``DataLoader``, a ``PyDataset``, a list of
        arrays, a generator), combined batch by batch exactly (Chan's parallel formula)."""
        it = iter(_batches_of(data))
        first = next(it, None)
        if first is None:
            raise ValueError("Normalization.adapt() received no data (an empty iterable); expected at least one batch")
        input_shape = tuple(first.shape)
        if not self.built:
            self.build(input_shape)
        else:
            for d in self._keep_axis:
                if input_shape[d] != self._build_input_shape[d]:
                    raise ValueError(f"Normalization: the layer was built with input_shape={self._build_input_shape}"
                                     f", but adapt() got data with an incompatible shape {input_shape}")
        total_mean = np.zeros(self._mean_and_var_shape)
        total_var = np.zeros(self._mean_and_var_shape)
        total_count = 0
        for batch in (first, *it):
            batch = np.asarray(batch, np.float64)
            for d in self._keep_axis:
                if batch.shape[d] != self._build_input_shape[d]:
                    raise ValueError(f"Normalization.adapt(): a batch has shape {batch.shape}; expected "
                                     f"{self._build_input_shape} on the kept axes {self._keep_axis}")
            b_mean = batch.mean(axis=self._reduce_axis)
            b_var = batch.var(axis=self._reduce_axis)
            n = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            total_count += n
            w = n / total_count
            new_mean = total_mean * (1 - w) + b_mean * w
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - w) + (b_var + (b_mean - new_mean) ** 2) * w
            total_mean = new_mean
        self.adapt_mean.assign(total_mean.astype(np.float32))
        self.adapt_variance.assign(total_var.astype(np.float32))
        self.finalize_state()

    def finalize_state(self) -> None:
        """Switches the layer to the statistics :meth:`adapt` stored in its variables (``adapt`` calls
        it); a layer given ``mean`` and ``variance``, or not built, is left as it is.
        """
        if self.input_mean is not None or not self.built:
            return
        self.mean = True  # statistics come from the variables (read in call, so stateless calls see them)

    def _stats(self):
        if self.input_mean is not None:
            m, v = self._fixed
            return (ops.cast(ops.convert_to_tensor(np.asarray(m, np.float32)), self.compute_dtype),
                    ops.cast(ops.convert_to_tensor(np.asarray(v, np.float32)), self.compute_dtype))
        m = ops.cast(ops.reshape(self.adapt_mean, self._broadcast_shape), self.compute_dtype)
        v = ops.cast(ops.reshape(self.adapt_variance, self._broadcast_shape), self.compute_dtype)
        return m, v

    def call(self, inputs):
        if self.mean is None and self.input_mean is None:
            raise ValueError(f"Normalization '{self.name}': call build(input_shape) or adapt() before using it")
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, var = self._stats()
        std = ops.maximum(ops.sqrt(var), _config.epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, std))
        return ops.divide(ops.subtract(inputs, mean), std)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(), "variance": np.array(self.input_variance).tolist()}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("mean", "variance"):
            if config.get(k) is None or (isinstance(config.get(k), float) and math.isnan(config[k])):
                config[k] = None
        if isinstance(config.get("axis"), list):
            config["axis"] = tuple(config["axis"])
        return super().from_config(config)

    def load_own_variables(self, store) -> None:
        vals = list(store.values())
        for v, arr in zip(self.variables, vals):
            v.assign(np.asarray(arr).astype(np.dtype(v.dtype) if v.dtype != "bfloat16" else np.float32))
        self.finalize_state()

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config):
        if config:
            self.build(tuple(config["input_shape"]))


class Rescaling(Layer):
    """``inputs * scale + offset`` (Keras's ``keras.layers.Rescaling``); ``scale`` and ``offset``
    may be scalars or per-channel sequences.

    Arguments:
        scale: the factor: a number, or a sequence of one per channel (the last axis).
        offset: the value added after scaling: a number, or a sequence of one per channel.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    >>> import dlx, numpy as np
    >>> with dlx.backend.use("numpy"):
    ...     dlx.ops.convert_to_numpy(dlx.layers.Rescaling(1 / 255)(np.array([[0., 255.]]))).tolist()
    [[0.0, 1.0]]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def _const(self, v, ndim):
        a = np.asarray(v, np.float64)
        if a.ndim == 1 and a.size > 1 and ndim > 1:
            a = a.reshape((1,) * (ndim - 1) + (-1,))
        return ops.cast(ops.convert_to_tensor(a.astype(np.float32)), self.compute_dtype)

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        nd = len(x.shape)
        return ops.add(ops.multiply(x, self._const(self.scale, nd)), self._const(self.offset, nd))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        def ser(v):
            return np.asarray(v).tolist() if isinstance(v, (np.ndarray, np.generic)) else v

        return {**super().get_config(), "scale": ser(self.scale), "offset": ser(self.offset)}


class CategoryEncoding(Layer):
    """Encodes integer features as one-hot, multi-hot or counts (Keras's
    ``keras.layers.CategoryEncoding``).

    Arguments:
        num_tokens: the number of categories (inputs are in ``[0, num_tokens)``).
        output_mode: ``"multi_hot"`` (default), ``"one_hot"`` or ``"count"``.
        sparse: must be ``False``.

    Call it as ``layer(inputs, count_weights=None)``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 0, 1]))
    array([[0., 0., 0., 1.],
           [1., 0., 0., 0.],
           [0., 1., 0., 0.]], dtype=float32)
    >>> layers.CategoryEncoding(num_tokens=4, output_mode="count")(np.array([[0, 1, 1], [2, 3, 3]]))
    array([[1., 2., 0., 0.],
           [0., 0., 1., 2.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"CategoryEncoding: unknown `output_mode` {output_mode!r}; expected 'count', 'one_hot' "
                             "or 'multi_hot'")
        if num_tokens is None:
            raise ValueError("CategoryEncoding: `num_tokens` must be set; received num_tokens=None")
        if num_tokens < 1:
            raise ValueError(f"CategoryEncoding: `num_tokens` must be >= 1; received num_tokens={num_tokens}")
        if sparse:
            raise ValueError("CategoryEncoding: sparse=True is not supported (dlx returns dense tensors)")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding: `count_weights` is only for output_mode='count'; this layer has "
                             f"output_mode={self.output_mode!r}")
        return encode_categorical_ops(inputs, self.output_mode, self.num_tokens, self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if (input_shape and input_shape[-1] == 1) or not input_shape:
            return (*input_shape[:-1], self.num_tokens) if input_shape else (self.num_tokens,)
        if self.output_mode == "one_hot":
            return (*input_shape, self.num_tokens)
        return (*input_shape[:-1], self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}


# --------------------------------------------------------------------------- Discretization
def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """A quantile summary of ``values``: every ``step``-th sorted value with weight ``step``."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size / (1.0 / epsilon), 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.ones_like(picked) * step])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    frac = cum / cum[-1]
    bins = np.interp(percents, frac, summary[0])
    cum = np.interp(percents, frac, cum)
    weights = cum - np.concatenate((np.array([0]), cum[:-1]))
    return np.stack((bins, weights)).astype("float32")


def _merge(a: np.ndarray, b: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((a, b), axis=1)
    return _compress(np.take(merged, np.argsort(merged[0]), axis=1), epsilon)


class Discretization(Layer):
    """Buckets continuous values by boundaries (Keras's ``keras.layers.Discretization``).

    Arguments:
        bin_boundaries: sorted boundaries: bucket ``i`` holds ``b[i-1] <= x < b[i]``.
        num_bins: learn ``num_bins - 1`` quantile boundaries with :meth:`adapt` instead.
        epsilon: the quantile summary's error tolerance.
        output_mode: ``"int"`` (bucket index, int32), ``"one_hot"``, ``"multi_hot"``, ``"count"``.
        sparse: must be ``False``.
        name: the layer's name (unique names are made from the class name when ``None``).
        dtype: the layer's dtype policy, or a dtype name for its computations and variables.

    >>> import dlx, numpy as np
    >>> with dlx.backend.use("numpy"):
    ...     d = dlx.layers.Discretization(bin_boundaries=[0., 1., 2.])
    ...     dlx.ops.convert_to_numpy(d(np.array([[-1.5, 1.0, 3.4, 0.5]]))).tolist()
    [[0, 2, 3, 1]]
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, dtype=None,
                 name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("Discretization: sparse=True is not supported (dlx returns dense tensors)")
        if output_mode not in _MODES:
            raise ValueError(f"Discretization: invalid value for argument `output_mode`: {output_mode!r}; expected "
                             f"one of {_MODES}")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization: `num_bins` must be >= 0; received num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Discretization: set `num_bins` or `bin_boundaries`, not both; received "
                             f"num_bins={num_bins} and bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: you need to set either `num_bins` or `bin_boundaries`")
        self.bin_boundaries = list(bin_boundaries) if bin_boundaries is not None else None
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else np.array([[], []], dtype="float32")

    @property
    def input_dtype(self):
        return "float32"

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    def adapt(self, data, steps=None) -> None:
        """Learns quantile boundaries from ``data`` (an array, or a dataset / iterable of batches)."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer initialized with `bin_boundaries`; use `num_bins`")
        self.reset_state()
        batches = _iter_batches(data, steps)
        if batches is None:
            self.update_state(data)
        else:
            for b in batches:
                self.update_state(_first(b))
        self.finalize_state()

    def update_state(self, data) -> None:
        """Merges one batch into the running quantile summary (what :meth:`adapt` does per batch).

        Arguments:
            data: a batch of numbers (array or tensor).
        """
        arr = np.asarray(data if not hasattr(data, "shape") or isinstance(data, np.ndarray)
                         else ops.convert_to_numpy(data)).astype("float32")
        self.summary = _merge(_summarize(arr, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        """Sets ``bin_boundaries`` to the ``num_bins`` quantiles of the summary; with fixed
        ``bin_boundaries`` (``num_bins=None``) it does nothing.
        """
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        """Empties the quantile summary before a new :meth:`adapt`; with fixed ``bin_boundaries`` it does
        nothing.
        """
        if self.num_bins is None:
            return
        self.summary = np.array([[], []], dtype="float32")

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization '{self.name}': pass `bin_boundaries` or call adapt() before using it")
        x = ops.cast(inputs, "float32")
        b = ops.convert_to_tensor(np.asarray(self.bin_boundaries, np.float32))
        idx = ops.sum(ops.cast(ops.greater_equal(ops.expand_dims(x, -1), b), "int32"), axis=-1)
        return encode_categorical_ops(idx, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def compute_output_spec(self, inputs):
        return SymbolicTensor(self.compute_output_shape(inputs.shape), self.output_dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return (*input_shape[:-1], depth)
            return (*input_shape, depth)
        if len(input_shape) >= 2:
            return (input_shape[0], *input_shape[2:], depth)
        return (depth,)

    def load_own_variables(self, store) -> None:
        if len(store) == 1:
            self.summary = np.asarray(next(iter(store.values())))

    def save_own_variables(self, store) -> None:
        return None

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name,
                "dtype": self.dtype_policy.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            bounds = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = bounds
            return layer
        return cls(**config)
