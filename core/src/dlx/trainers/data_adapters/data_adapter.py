"""The :class:`DataAdapter` interface and the helpers every adapter shares."""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx import tree_util as tree


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sw)``.

    Arguments:
        data: a batch; a list counts as a tuple, and anything that is not a tuple (a named
            tuple included) is taken as ``x`` alone.

    Returns:
        A 3-tuple ``(x, y, sample_weight)`` with ``None`` for the parts the batch lacks.

    Raises:
        ValueError: for a tuple (or list) of more than three elements.

    Example:

    >>> import numpy as np
    >>> from dlx import utils
    >>> utils.unpack_x_y_sample_weight((np.ones(2), np.zeros(2)))
    (array([1., 1.]), array([0., 0.]), None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple) or hasattr(data, "_fields"):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"a batch must be x, (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(data)} "
                     "elements")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch a ``train_step`` receives, as Keras packs it: ``x`` alone when there is no ``y``
    (a tuple or list ``x`` is wrapped as ``(x,)``), else ``(x, y)`` or ``(x, y, sample_weight)``.

    Arguments:
        x: the model inputs.
        y: the targets (``None``: none).
        sample_weight: the per-sample weights (``None``: none); ignored when ``y`` is ``None``.

    Returns:
        ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` as described above.

    Example:

    >>> import numpy as np
    >>> from dlx import utils
    >>> utils.pack_x_y_sample_weight(np.ones(2))  # x alone is returned as is
    array([1., 1.])
    >>> utils.pack_x_y_sample_weight(np.ones(2), np.zeros(2))
    (array([1., 1.]), array([0., 0.]))
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def to_numpy_leaf(a):
    """A NumPy array for a leaf (framework tensors via ``__array__``/``.numpy()``); float64
    becomes ``floatx()``."""
    if isinstance(a, np.ndarray):
        arr = a
    elif hasattr(a, "detach") and hasattr(a, "cpu"):  # torch
        arr = a.detach().cpu().numpy()
    elif hasattr(a, "numpy") and not isinstance(a, np.generic):
        arr = np.asarray(a.numpy())
    else:
        arr = np.asarray(a)
    if arr.dtype == np.float64 and dtypes.floatx() != "float64":
        arr = arr.astype(dtypes.floatx())
    return arr


def to_numpy_batch(batch):
    return tree.map_structure(to_numpy_leaf, batch)


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from ``{class index: weight}`` (argmax for one-hot ``y``)."""
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight={class_weight!r}: expected a dict mapping class indices to weights")
    if y is None or isinstance(y, (dict, list, tuple)):
        raise ValueError("class_weight needs a single array of targets y (use sample_weight for multi-output models)")
    y = np.asarray(y)
    labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = np.round(labels).astype(np.int64)
    missing = sorted(set(np.unique(labels).tolist()) - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(f"class_weight has no entry for class(es) {missing} found in y; keys: {sorted(class_weight)}")
    lut = np.zeros(int(max(max(class_weight), labels.max(initial=0))) + 1, np.float32)
    for k, v in class_weight.items():
        lut[int(k)] = float(v)
    return lut[labels]


class DataAdapter:
    """Turns one kind of input into an iterable of NumPy batches ``(x, y, sample_weight)``.

    Subclasses implement :meth:`get_numpy_iterator` and :attr:`num_batches`. A plugin adds an
    adapter with the ``dlx_data_adapters`` hook; its class also defines
    ``can_handle(x, y=None) -> bool`` (a classmethod) and is constructed as
    ``cls(x, y=, sample_weight=, batch_size=, shuffle=, class_weight=, steps=)``.
    """

    #: whether a new pass over the data can be started (arrays, datasets) or not (generators)
    reiterable = True
    #: whether a batch is a slice of arrays held in memory (cheap to make on the step's thread)
    in_memory = False

    @classmethod
    def can_handle(cls, x, y=None) -> bool:
        return False

    def get_numpy_iterator(self, epoch: int = 0):
        """An iterator over this epoch's batches, each ``(x,)``, ``(x, y)`` or ``(x, y, sw)``."""
        raise TypeError(f"{type(self).__name__} is abstract: a DataAdapter subclass defines get_numpy_iterator()")

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch, ``None`` when unknown or infinite."""
        return None

    @property
    def batch_size(self) -> int | None:
        return None

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass
