"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot (and their
functional forms ``add(...)``, ``concatenate(...)``...)."""

from __future__ import annotations

import string

from dlx import ops
from dlx.layers.layer import Layer


def _shape_list(shapes):
    return [tuple(s) for s in shapes]


class Merge(Layer):
    """Base of the element-wise merge layers: takes a list of at least two tensors of compatible
    shapes (equal, or 1 / unknown where they differ; lower ranks broadcast on the left)."""

    _min_inputs = 2
    _max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check(self, shapes):
        who = f"{type(self).__name__} layer '{self.name}'"
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"A {who} must be called on a list of inputs; received a single input of shape {shapes}")
        if len(shapes) < self._min_inputs or (self._max_inputs and len(shapes) > self._max_inputs):
            want = (f"exactly {self._max_inputs}" if self._max_inputs == self._min_inputs
                    else f"at least {self._min_inputs}")
            raise ValueError(f"A {who} must be called on a list of {want} inputs; received {len(shapes)} inputs "
                             f"of shapes {_shape_list(shapes)}")
        out = list(shapes[0])
        for s in shapes[1:]:
            out = self._broadcast(out, list(s), shapes)
        return tuple(out)

    def _broadcast(self, a, b, shapes):
        if len(a) < len(b):
            a, b = b, a
        b = [1] * (len(a) - len(b)) + b
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            if x is None or y is None:
                out.append(None)
            elif x == y or y == 1:
                out.append(x)
            elif x == 1:
                out.append(y)
            else:
                raise ValueError(f"Inputs of {type(self).__name__} layer '{self.name}' have incompatible shapes: "
                                 f"{_shape_list(shapes)} (dimension {i} is {x} in one input and {y} in another)")
        return out

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A {type(self).__name__} layer '{self.name}' must be called on a list of inputs; "
                             f"received {type(inputs).__name__}")
        self._check([ops.tensors.shape(x) for x in inputs])
        return self._merge(list(inputs))

    def _merge(self, inputs):
        raise TypeError(f"{type(self).__name__} does not define _merge()")

    def compute_output_shape(self, input_shape):
        return self._check(input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = [m for m in previous_mask if m is not None]
        out = masks[0]
        for m in masks[1:]:
            out = ops.logical_and(out, m)
        return out

    def get_config(self) -> dict:
        return super().get_config()


class Add(Merge):
    """Element-wise sum of a list of tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.Add()([a, b])
    array([[4. , 2.5]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.Subtract()([a, b])
    array([[-2. ,  1.5]], dtype=float32)
    """

    _max_inputs = 2

    def _merge(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Element-wise product of a list of tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.Multiply()([a, b])
    array([[3., 1.]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out


class Average(Merge):
    """Element-wise mean of a list of tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.Average()([a, b])
    array([[2.  , 1.25]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out / float(len(inputs))


class Maximum(Merge):
    """Element-wise maximum of a list of tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.Maximum()([a, b])
    array([[3., 2.]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out


class Minimum(Merge):
    """Element-wise minimum of a list of tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.Minimum()([a, b])
    array([[1. , 0.5]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out


class Concatenate(Layer):
    """Concatenates a list of tensors along ``axis``; all other dims must match.

    Arguments:
        axis: the concatenation axis (an int; negative counts from the end).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x1, x2 = np.ones((2, 3), "float32"), np.zeros((2, 4), "float32")
    >>> layers.Concatenate()([x1, x2]).shape
    (2, 7)
    >>> layers.Concatenate(axis=0)([x1, np.zeros((1, 3), "float32")]).shape
    (3, 3)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.supports_masking = True

    def _check(self, shapes):
        who = f"Concatenate layer '{self.name}'"
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"A {who} must be called on a list of inputs; received a single input of shape {shapes}")
        if len(shapes) < 1:
            raise ValueError(f"A {who} needs at least one input")
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"A {who} requires inputs of the same rank; received input shapes {_shape_list(shapes)}")
        ndim = ranks.pop()
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"A {who}: axis={self.axis} is out of range for inputs of rank {ndim}")
        ax = self.axis % ndim
        out = list(shapes[0])
        for s in shapes[1:]:
            for i in range(ndim):
                if i == ax:
                    continue
                if out[i] is not None and s[i] is not None and out[i] != s[i]:
                    raise ValueError(f"A {who} requires inputs with matching shapes except for the concatenation axis "
                                     f"{self.axis}; received input shapes {_shape_list(shapes)}")
                if out[i] is None:
                    out[i] = s[i]
        sizes = [s[ax] for s in shapes]
        out[ax] = None if any(d is None for d in sizes) else sum(sizes)
        return tuple(out)

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A Concatenate layer '{self.name}' must be called on a list of inputs; received "
                             f"{type(inputs).__name__}")
        self._check([ops.tensors.shape(x) for x in inputs])
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        return self._check(input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            full = ops.ones_like(x, "bool")
            if m is None:
                masks.append(full)
            elif len(ops.tensors.shape(m)) < len(ops.tensors.shape(x)):
                masks.append(ops.logical_and(ops.expand_dims(m, -1), full))
            else:
                masks.append(m)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def _batch_dot_equation(rx, ry, ax, ay):
    letters = iter(string.ascii_letters)
    b = next(letters)
    xs = [b] + [next(letters) for _ in range(rx - 1)]
    ys = [b] + [next(letters) for _ in range(ry - 1)]
    ys[ay] = xs[ax]
    out = [b] + [c for i, c in enumerate(xs) if i not in (0, ax)] + [c for i, c in enumerate(ys) if i not in (0, ay)]
    return f"{''.join(xs)},{''.join(ys)}->{''.join(out)}"


class Dot(Layer):
    """Batched dot product of two tensors along ``axes`` (per sample).

    Arguments:
        axes: an int (the same axis of both) or a pair of ints (batch axis 0 excluded).
        normalize: L2-normalize along the axes first (the result is a cosine similarity).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x1, x2 = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 4.0]], "float32")
    >>> layers.Dot(axes=1)([x1, x2])
    array([[11.]], dtype=float32)
    >>> np.round(layers.Dot(axes=1, normalize=True)([x1, x1]), 4)
    array([[1.]], dtype=float32)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, int):
            axes = (axes, axes)
        axes = tuple(int(a) for a in axes)
        if len(axes) != 2:
            raise ValueError(f"Dot layer '{self.name}': axes={axes!r}; expected an int or a pair of ints")
        self.axes = axes
        self.normalize = normalize

    def _axes(self, sx, sy):
        ax, ay = self.axes
        ax, ay = ax % len(sx), ay % len(sy)
        if ax == 0 or ay == 0:
            raise ValueError(f"Dot layer '{self.name}': axes={self.axes} must not include the batch axis 0")
        if sx[ax] is not None and sy[ay] is not None and sx[ax] != sy[ay]:
            raise ValueError(f"Dot layer '{self.name}': incompatible input shapes {tuple(sx)} and {tuple(sy)}: "
                             f"dimension {sx[ax]} (axis {self.axes[0]}) != {sy[ay]} (axis {self.axes[1]})")
        return ax, ay

    def _check(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2 or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"A Dot layer '{self.name}' must be called on a list of exactly 2 inputs; received "
                             f"{shapes}")
        return self._axes(shapes[0], shapes[1])

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"A Dot layer '{self.name}' must be called on a list of exactly 2 inputs")
        x, y = inputs
        ax, ay = self._check([ops.tensors.shape(x), ops.tensors.shape(y)])
        if self.normalize:
            x = x / ops.maximum(ops.sqrt(ops.sum(ops.square(x), axis=ax, keepdims=True)), 1e-12)
            y = y / ops.maximum(ops.sqrt(ops.sum(ops.square(y), axis=ay, keepdims=True)), 1e-12)
        out = ops.einsum(_batch_dot_equation(len(ops.tensors.shape(x)), len(ops.tensors.shape(y)), ax, ay), x, y)
        if len(ops.tensors.shape(out)) == 1:
            out = ops.expand_dims(out, 1)
        return out

    def compute_output_shape(self, input_shape):
        sx, sy = (tuple(s) for s in input_shape)
        ax, ay = self._check([sx, sy])
        out = (sx[0], *(d for i, d in enumerate(sx) if i not in (0, ax)), *(d for i, d in enumerate(sy)
                                                                          if i not in (0, ay)))
        return out if len(out) > 1 else (sx[0], 1)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """Functional form of :class:`Add`.

    Arguments:
        inputs: a list of at least two tensors of compatible shapes.
        **kwargs: arguments of the :class:`Add` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.add([a, b])
    array([[4. , 2.5]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of :class:`Subtract`.

    Arguments:
        inputs: a list of exactly two tensors of compatible shapes.
        **kwargs: arguments of the :class:`Subtract` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.subtract([a, b])
    array([[-2. ,  1.5]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of :class:`Multiply`.

    Arguments:
        inputs: a list of at least two tensors of compatible shapes.
        **kwargs: arguments of the :class:`Multiply` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.multiply([a, b])
    array([[3., 1.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of :class:`Average`.

    Arguments:
        inputs: a list of at least two tensors of compatible shapes.
        **kwargs: arguments of the :class:`Average` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.average([a, b])
    array([[2.  , 1.25]], dtype=float32)
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of :class:`Maximum`.

    Arguments:
        inputs: a list of at least two tensors of compatible shapes.
        **kwargs: arguments of the :class:`Maximum` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.maximum([a, b])
    array([[3., 2.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of :class:`Minimum`.

    Arguments:
        inputs: a list of at least two tensors of compatible shapes.
        **kwargs: arguments of the :class:`Minimum` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.minimum([a, b])
    array([[1. , 0.5]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`.

    Arguments:
        inputs: a list of tensors of the same rank whose shapes match except along ``axis``.
        axis: the concatenation axis.
        **kwargs: arguments of the :class:`Concatenate` layer (``name``, ``dtype``, ...).

    Returns:
        The layer's output on ``inputs`` (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.concatenate([a, b])
    array([[1. , 2. , 3. , 0.5]], dtype=float32)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of :class:`Dot`: ``Dot(axes=axes, **kwargs)(inputs)`` (``normalize=`` and
    the layer's other arguments go through ``kwargs``, as in Keras).

    Arguments:
        inputs: a list of exactly two tensors.
        axes: the axis of both (an int) or of each (a pair of ints) to contract; never the
            batch axis 0.
        **kwargs: further :class:`Dot` arguments (``normalize``) and base :class:`Layer` ones.

    Returns:
        The per-sample dot products (symbolic inputs give a symbolic output).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 0.5]], "float32")
    >>> layers.dot([a, b], axes=1)
    array([[4.]], dtype=float32)
    """
    return Dot(axes=axes, **kwargs)(inputs)


__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Merge", "Minimum", "Multiply", "Subtract", "add",
           "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]
