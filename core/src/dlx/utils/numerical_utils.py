"""``to_categorical`` and ``normalize``: NumPy in, NumPy out (a backend tensor in: a tensor out)."""

from __future__ import annotations

import numpy as np


def _is_backend_tensor(x) -> bool:
    return not isinstance(x, (np.ndarray, np.generic, list, tuple, int, float)) and hasattr(x, "shape")


def to_categorical(x, num_classes=None):
    """Class indices to one-hot rows: an array of shape ``x.shape + (num_classes,)`` (float64 for
    array-likes, as Keras; the float dtype of the backend for a backend tensor).

    A trailing dimension of 1 (``(n, 1)`` labels) is dropped first, as in Keras.

    Arguments:
        x: integer class indices (array-like).
        num_classes: the number of classes; ``None``: ``max(x) + 1``.

    Returns:
        The one-hot array (or backend tensor), as described above.

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    if _is_backend_tensor(x):
        from dlx import ops

        shape = ops.tensors.shape(x)
        if len(shape) > 1 and shape[-1] == 1:
            x = ops.reshape(x, shape[:-1])
        if num_classes is None:
            num_classes = int(ops.convert_to_numpy(ops.max(x))) + 1
        return ops.one_hot(ops.cast(x, "int32"), num_classes)
    arr = np.asarray(x)
    if arr.size and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise ValueError(f"to_categorical: x must hold integer class indices; got values such as "
                         f"{arr.reshape(-1)[np.mod(arr.reshape(-1), 1) != 0][:3].tolist()}")
    arr = arr.astype("int64")
    shape = arr.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    arr = arr.reshape(-1)
    if num_classes is None:
        num_classes = int(arr.max()) + 1 if arr.size else 0
    num_classes = int(num_classes)
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"to_categorical: class indices must lie in [0, num_classes={num_classes}); "
                         f"got min {int(arr.min())}, max {int(arr.max())}")
    out = np.zeros((arr.shape[0], num_classes))
    out[np.arange(arr.shape[0]), arr] = 1
    return out.reshape((*shape, num_classes))


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis`` (zero-norm slices are left unchanged).

    Arguments:
        x: a NumPy array (or array-like), or a backend tensor.
        axis: the axis along which the norm is taken.
        order: the norm's order: any order ``numpy.linalg.norm`` takes for NumPy input; ``1``
            or ``2`` for a backend tensor.

    Returns:
        A NumPy array for NumPy input, a backend tensor for tensor input, of ``x``'s shape.

    Raises:
        ValueError: for a backend tensor with an ``order`` other than 1 or 2.

    >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    if _is_backend_tensor(x):
        from dlx import ops

        if order == 2:
            norm = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
        elif order == 1:
            norm = ops.sum(ops.abs(x), axis=axis, keepdims=True)
        else:
            raise ValueError(f"normalize: order={order!r}; tensors support order 1 or 2 (NumPy arrays take any "
                             "order numpy.linalg.norm does)")
        return ops.divide(x, ops.where(ops.equal(norm, 0), ops.ones_like(norm), norm))
    arr = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(arr, order, axis))
    norm[norm == 0] = 1
    return arr / np.expand_dims(norm, axis)
