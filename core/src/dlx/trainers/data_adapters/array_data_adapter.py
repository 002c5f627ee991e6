"""NumPy arrays (and dicts/lists of them, pandas objects, framework tensors) sliced into batches."""

from __future__ import annotations

import math

import numpy as np

from dlx import tree_util as tree
from dlx.backend.buffers import take_rows
from dlx.trainers.data_adapters.data_adapter import (
    DataAdapter,
    class_weight_to_sample_weight,
    pack_x_y_sample_weight,
    to_numpy_leaf,
)


def is_pandas(x) -> bool:
    return type(x).__module__.split(".")[0] == "pandas" and hasattr(x, "to_numpy")


def is_array_like(x) -> bool:
    """Arrays and tensors (anything with a shape and dtype that slices) and pandas objects."""
    if isinstance(x, np.ndarray) or is_pandas(x):
        return True
    mod = type(x).__module__.split(".")[0]
    return mod in ("jax", "jaxlib", "torch", "tensorflow") and hasattr(x, "shape") and hasattr(x, "dtype") and \
        len(getattr(x, "shape", ())) > 0


def can_convert_arrays(struct) -> bool:
    leaves = tree.leaves(struct)
    return bool(leaves) and all(is_array_like(a) or (isinstance(a, (list, float, int)) and not isinstance(a, bool))
                                for a in leaves) and any(is_array_like(a) for a in leaves)


def standardize(struct):
    """Leaves as NumPy arrays (pandas via ``to_numpy``; 1D pandas Series kept 1D)."""
    def conv(a):
        if is_pandas(a):
            a = a.to_numpy()
            if a.dtype == object:
                raise ValueError("a pandas column has dtype object; convert it to numbers first")
        return to_numpy_leaf(a)

    return tree.map_structure(conv, struct)


def train_validation_split(arrays, validation_split):
    """Splits each array at ``floor(n * (1 - validation_split))``: the last part validates."""
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split={validation_split!r}: expected a float in (0, 1)")
    leaves = [a for a in tree.leaves(arrays) if a is not None]
    if not all(is_array_like(a) or isinstance(a, list) for a in leaves):
        raise ValueError("validation_split is only supported for arrays (NumPy, pandas, tensors); pass "
                         "validation_data for generators and datasets")
    arrays = standardize(arrays)
    n = len(tree.leaves(arrays)[0])
    split = math.floor(n * (1.0 - validation_split))
    if split == 0 or split == n:
        raise ValueError(f"validation_split={validation_split} leaves no training or no validation samples out of {n}")
    train = tree.map_structure(lambda a: a[:split], arrays)
    val = tree.map_structure(lambda a: a[split:], arrays)
    return train, val


class ArrayDataAdapter(DataAdapter):
    """Batches of arrays in memory.

    Arguments:
        x, y, sample_weight: arrays or nested dicts/lists/tuples of arrays (same first dim).
        batch_size: samples per batch (default 32).
        shuffle: ``True`` (a new permutation every epoch), ``"batch"`` (shuffle within
            batch-size chunks) or ``False``.
        class_weight: ``{class: weight}``, turned into sample weights.
        steps: stop after this many batches per epoch.
        seed: the shuffling seed; epoch ``e`` uses a permutation drawn from ``(seed, e)``, so a
            resumed run reproduces the same order.
    """

    in_memory = True

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, class_weight=None, steps=None,
                 seed=0):
        x, y, sample_weight = standardize(x), standardize(y), standardize(sample_weight)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("pass class_weight or sample_weight, not both")
            sample_weight = class_weight_to_sample_weight(y, class_weight)
        data = pack_x_y_sample_weight(x, y, sample_weight)
        leaves = tree.leaves(data)
        sizes = {len(a) if np.ndim(a) else None for a in leaves}
        if len(sizes) != 1 or None in sizes:
            shapes = tree.map_structure(lambda a: tuple(np.shape(a)), data)
            raise ValueError(f"x, y and sample_weight must have the same number of samples; got shapes {shapes}")
        self._data = data
        self._size = sizes.pop()
        if batch_size is None:
            batch_size = 32
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size={batch_size!r}: expected a positive int")
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"shuffle={shuffle!r}: expected True, False or 'batch'")
        self._batch_size = int(batch_size)
        self._shuffle = shuffle
        self._steps = steps
        self.seed = int(seed)

    @classmethod
    def can_handle(cls, x, y=None) -> bool:
        return can_convert_arrays(x)

    @property
    def num_batches(self):
        n = max(1, math.ceil(self._size / self._batch_size))
        return n if self._steps is None else min(n, self._steps)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def fresh_batches(self) -> bool:
        """Whether every batch is a new array nothing else references (shuffled gathers; without
        shuffling a batch is a view of the caller's array)."""
        return bool(self._shuffle)

    @property
    def num_samples(self) -> int:
        return self._size

    def _order(self, epoch):
        if not self._shuffle:
            return None
        rng = np.random.default_rng([self.seed, int(epoch)])
        if self._shuffle == "batch":
            idx = np.arange(self._size)
            for a in range(0, self._size, self._batch_size):
                rng.shuffle(idx[a:a + self._batch_size])
            return idx
        return rng.permutation(self._size)

    def get_numpy_iterator(self, epoch: int = 0):
        order = self._order(epoch)
        data = self._data
        for i in range(self.num_batches):
            a, b = i * self._batch_size, min(self._size, (i + 1) * self._batch_size)
            if order is None:
                yield tree.map_structure(lambda arr: arr[a:b], data)
            else:
                sel = order[a:b]
                yield tree.map_structure(lambda arr: take_rows(arr, sel), data)
