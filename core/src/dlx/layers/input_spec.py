"""``InputSpec``: the rank, shape, axis sizes and dtype a layer accepts, checked on every call."""

from __future__ import annotations

from dlx import tree_util as tree


class InputSpec:
    """Constraints on one input of a layer.

    Arguments:
        dtype: required dtype name.
        shape: required shape (``None`` entries match anything).
        ndim: required rank.
        max_ndim: maximum rank.
        min_ndim: minimum rank.
        axes: ``{axis: size}`` required sizes of given axes.
        allow_last_axis_squeeze: accept a trailing axis of size 1 more or less.
        name: the input's name (for dict inputs).
        optional: the input may be ``None``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.Dense(2)
    >>> layer.build((None, 3))
    >>> layer.input_spec = layers.InputSpec(ndim=2, axes={-1: 3})
    >>> layer(np.ones((1, 3), "float32")).shape
    (1, 2)
    >>> try:
    ...     layer(np.ones((1, 2, 3), "float32"))
    ... except ValueError:
    ...     print("rejected: rank 3")
    rejected: rank 3
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        axes = dict(axes or {})
        for k in axes:
            if not isinstance(k, int):
                raise TypeError(f"InputSpec: axes keys must be ints; received {k!r}")
        self.axes = axes
        if axes and (self.ndim is not None or self.max_ndim is not None):
            top = self.ndim if self.ndim is not None else self.max_ndim
            if max(axes) > top - 1:
                raise ValueError(f"InputSpec: axis {max(axes)} is out of range for ndim={top}")

    def __repr__(self):
        parts = [f"{k}={getattr(self, k)!r}" for k in ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes")
                 if getattr(self, k)]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        """The spec's fields (``dtype``, ``shape``, ``ndim``, ``max_ndim``, ``min_ndim``, ``axes``) as a dict.

        Returns:
            A dict for :meth:`from_config`.
        """
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        """Creates a spec from :meth:`get_config`'s output.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new spec.
        """
        return cls(**config)


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raises ``ValueError`` naming the layer, the expectation and the received shape."""
    if input_spec is None:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    if not specs:
        return
    flat = tree.leaves(inputs) if len(specs) > 1 else [inputs]
    if len(specs) > 1 and len(flat) != len(specs):
        raise ValueError(f"Layer '{layer_name}' expects {len(specs)} input(s); received {len(flat)} input(s)")
    for i, (spec, x) in enumerate(zip(specs, flat)):
        if spec is None:
            continue
        if x is None:
            if spec.optional:
                continue
            raise ValueError(f"Input {i} of layer '{layer_name}' is None, and the input is not optional")
        if not hasattr(x, "shape"):
            continue
        shape = tuple(None if d is None else int(d) for d in x.shape)
        ndim = len(shape)
        head = f"Input {i} of layer '{layer_name}' is incompatible with the layer:"
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(f"{head} expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{head} expected max_ndim={spec.max_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"{head} expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
        if spec.dtype is not None:
            from dlx import dtypes

            dt = dtypes.standardize(x.dtype)
            if dt != dtypes.standardize(spec.dtype):
                raise ValueError(f"{head} expected dtype={spec.dtype}, found dtype={dt}")
        for axis, value in spec.axes.items():
            if value is None:
                continue
            if -ndim <= axis < ndim and shape[axis] is not None and shape[axis] != value:
                raise ValueError(f"{head} expected axis {axis} of the input shape to have value {value}, "
                                 f"but received an input with shape {shape}")
        if spec.shape is not None:
            want = spec.shape
            got = shape
            if spec.allow_last_axis_squeeze:
                if got and got[-1] == 1:
                    got = got[:-1]
                if want and want[-1] == 1:
                    want = want[:-1]
            if len(want) != len(got) or any(w is not None and g is not None and w != g for w, g in zip(want, got)):
                raise ValueError(f"{head} expected shape={spec.shape}, found shape={shape}")
