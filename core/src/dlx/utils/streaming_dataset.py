"""``Dataset``: the backend-neutral object the dataset utilities return.

An index-addressable sequence of items (batches, or single samples after ``unbatch()``) built
lazily: an item is computed when it is asked for, so ``fit`` / ``evaluate`` / ``predict`` stream
it with parallel workers and a bounded prefetch queue (it is a :class:`~dlx.utils.PyDataset`), and
files are read when their batch is, never all at once. It has the ``tf.data.Dataset`` methods
Keras programs call on these datasets (``map``, ``batch``, ``unbatch``, ``take``, ``skip``,
``cache``, ``prefetch``, ``cardinality``, ``as_numpy_iterator``) and hands itself to
``tf.data`` (:meth:`Dataset.as_tf_dataset`), a torch ``DataLoader``
(:meth:`Dataset.as_torch_dataloader`) or grain (:meth:`Dataset.as_grain_dataset`).
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np

from dlx.backend import registry as _backend
from dlx.utils.py_dataset import PyDataset

#: ``tf.data.AUTOTUNE``'s value; accepted wherever a buffer size or a parallelism is
AUTOTUNE = -1


def _framework(name: str, what: str):
    mod = sys.modules.get(name)
    if mod is None:
        raise RuntimeError(f"Dataset.{what}() needs {name}: import {name} in your program first (dlx's core never "
                           "imports a framework itself)")
    return mod


def stack_samples(items):
    """A batch from a list of samples: each component stacked (tuples and dicts kept)."""
    first = items[0]
    if isinstance(first, tuple):
        return tuple(stack_samples([it[i] for it in items]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: stack_samples([it[k] for it in items]) for k in first}
    return np.stack([np.asarray(it) for it in items])


def _split_batch(batch):
    """The samples of a batch (tuples and dicts kept; a ragged batch is a list of samples)."""
    if isinstance(batch, tuple):
        parts = [_split_batch(b) for b in batch]
        if len({len(p) for p in parts}) > 1:
            raise ValueError(f"Dataset.unbatch(): the components of a batch hold {[len(p) for p in parts]} samples")
        return list(zip(*parts))
    if isinstance(batch, dict):
        parts = {k: _split_batch(v) for k, v in batch.items()}
        n = {len(p) for p in parts.values()}
        if len(n) > 1:
            raise ValueError(f"Dataset.unbatch(): the components of a batch hold {sorted(n)} samples")
        return [{k: parts[k][i] for k in parts} for i in range(n.pop())]
    if isinstance(batch, list):
        return list(batch)
    return list(np.asarray(batch))


def _check_count(what, count):
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise TypeError(f"Dataset.{what}: count={count!r}; expected an int")
    return int(count)


class Dataset(PyDataset):
    """A finite, index-addressable dataset of samples, batched or not.

    Arguments:
        num_samples: the number of samples.
        get_sample: ``get_sample(i)`` returns sample ``i`` (an array, or a tuple / dict of them).
        batch_size: samples per batch (``None``: items are single samples).
        collate: builds a batch from a list of samples (default: stack each component).
        shuffle: visit the samples in a new seeded order each epoch.
        seed: the shuffling seed.
        workers, use_multiprocessing, max_queue_size: parallel loading in ``fit`` (as
            :class:`~dlx.utils.PyDataset`).
        drop_remainder: leave out the last batch when it is smaller than ``batch_size``.

    ``class_names`` and ``file_paths`` are set by the ``*_from_directory`` functions.

    >>> ds = Dataset(5, lambda i: (np.float32(i), i % 2), batch_size=2)
    >>> len(ds), ds[2]
    (3, (array([4.], dtype=float32), array([0])))
    >>> [y.tolist() for _, y in ds.map(lambda x, y: (x, y + 10))]
    [[10, 11], [10, 11], [10]]
    """

    def __init__(self, num_samples, get_sample, batch_size=None, collate=None, shuffle=False, seed=None, workers=4,
                 use_multiprocessing=False, max_queue_size=10, drop_remainder=False):
        super().__init__(workers=workers, use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size)
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                       or batch_size < 1):
            raise ValueError(f"Dataset: batch_size={batch_size!r}; expected a positive int or None")
        self.num_samples = int(num_samples)
        self._get_sample = get_sample
        self.batch_size = None if batch_size is None else int(batch_size)
        self._collate = collate or stack_samples
        self._shuffle = bool(shuffle)
        self._seed = int(seed) if seed is not None else int(np.random.randint(1_000_000))
        self._drop_remainder = bool(drop_remainder)
        self._epoch = 0
        self._parent: Dataset | None = None  # the dataset this one's items come from
        self._sizes = None  # derived datasets: a function giving the samples per item
        self._order = np.arange(self.num_samples)
        self.class_names = None
        self.file_paths = None
        if self._shuffle:
            self._reshuffle()

    def _reshuffle(self):
        self._order = np.random.default_rng([self._seed, self._epoch]).permutation(self.num_samples)

    def __len__(self) -> int:
        if self.batch_size is None:
            return self.num_samples
        if self._drop_remainder:
            return self.num_samples // self.batch_size
        return math.ceil(self.num_samples / self.batch_size)

    @property
    def num_batches(self) -> int:
        return len(self)

    def __getitem__(self, index):
        index = self._check_index(index)
        if self.batch_size is None:
            return self._get_sample(int(self._order[index]))
        idx = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        return self._collate([self._get_sample(int(i)) for i in idx])

    def _check_index(self, index) -> int:
        n = len(self)
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"Dataset index {index!r}; expected an int")
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"Dataset index {index} out of range for {n} items")
        return int(index)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def _like(self, num_items, get_item, sizes=None):
        """A dataset of ``num_items`` items ``get_item(i)`` derived from this one (its epochs
        follow this one's); ``sizes()`` gives the samples per item (``None``: items are samples)."""
        out = Dataset(num_items, get_item, None, None, False, self._seed, self.workers, self.use_multiprocessing,
                      self.max_queue_size)
        out.class_names, out.file_paths = self.class_names, self.file_paths
        out._parent, out._sizes = self, sizes
        return out

    def item_sizes(self) -> list[int] | None:
        """The number of samples in each item, or ``None`` when the items are single samples."""
        if self.batch_size is not None:
            full, rem = divmod(self.num_samples, self.batch_size)
            return [self.batch_size] * full + ([rem] if rem and not self._drop_remainder else [])
        sizes = self._sizes
        return None if sizes is None else sizes()

    def on_epoch_begin(self) -> None:
        parent = self._parent
        if parent is not None:
            parent.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self._epoch += 1
        if self._shuffle:
            self._reshuffle()
        parent = self._parent
        if parent is not None:
            parent.on_epoch_end()

    # -------------------------------------------------------------------------- tf.data-like
    def cardinality(self) -> int:
        """The number of items (batches, or samples when unbatched)."""
        return len(self)

    def as_numpy_iterator(self):
        """An iterator over the items (they already are NumPy arrays)."""
        return iter(self)

    def batch(self, batch_size, drop_remainder=False) -> Dataset:
        """The items grouped in batches of ``batch_size`` (a batched dataset's batches become
        batches of batches, as ``tf.data``'s)."""
        out = Dataset(len(self), self.__getitem__, batch_size, None, False, self._seed, self.workers,
                      self.use_multiprocessing, self.max_queue_size, drop_remainder)
        out.class_names, out.file_paths, out._parent = self.class_names, self.file_paths, self
        return out

    def unbatch(self) -> Dataset:
        """The samples one by one."""
        sizes = self.item_sizes()
        if sizes is None:
            raise ValueError("Dataset.unbatch(): the dataset is not batched (its items are single samples)")
        n = int(sum(sizes))
        if self.batch_size is not None and self._collate is stack_samples and self._parent is None:
            return self._like(n, lambda i: self._get_sample(int(self._order[i])))  # no batch is built
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        local = threading.local()  # the last batch read, per loading thread

        def sample(i):
            b = int(np.searchsorted(starts, i, side="right") - 1)
            if getattr(local, "index", None) != b:
                items = _split_batch(self[b])
                if len(items) != sizes[b]:
                    raise ValueError(f"Dataset.unbatch(): item {b} holds {len(items)} samples, expected {sizes[b]} "
                                     "(a map() function changed the batch size)")
                local.index, local.items = b, items
            return local.items[i - starts[b]]

        return self._like(n, sample)

    def map(self, map_func, num_parallel_calls=None, deterministic=None) -> Dataset:
        """Applies ``map_func`` to each item (a tuple item is passed as separate arguments, as
        ``tf.data``). ``num_parallel_calls`` sets the number of loading workers ``fit`` uses
        (``AUTOTUNE``: keep the current number); the order is always deterministic.

        ``map_func`` runs on the host, in ``fit``'s loading threads: dlx ops and layers called in
        it (augmentation layers, ``Rescaling``...) compute on the NumPy backend and give NumPy
        arrays, as Keras's layers inside a ``tf.data`` map compute in TensorFlow on any backend.
        Eager per-op dispatch of jax or torch would cost more than the ops on a batch of images,
        and the items go to the training step as NumPy either way."""
        if not callable(map_func):
            raise TypeError(f"Dataset.map: map_func={map_func!r} is not callable")
        if deterministic is False:
            raise ValueError("Dataset.map: deterministic=False is not supported (dlx keeps the item order)")

        def item(i):
            x = self[i]
            with _backend.use("numpy"):
                return map_func(*x) if isinstance(x, tuple) else map_func(x)

        out = self._like(len(self), item, self.item_sizes)
        if num_parallel_calls not in (None, AUTOTUNE):
            out.workers = _check_count("map num_parallel_calls", num_parallel_calls)
        return out

    def take(self, count) -> Dataset:
        """The first ``count`` items (``-1``: all)."""
        count = _check_count("take", count)
        n = len(self) if count < 0 else min(count, len(self))
        sizes = self.item_sizes
        return self._like(n, self.__getitem__, lambda: None if sizes() is None else sizes()[:n])

    def skip(self, count) -> Dataset:
        """All but the first ``count`` items (``-1``: none)."""
        count = _check_count("skip", count)
        start = len(self) if count < 0 else min(count, len(self))
        sizes = self.item_sizes
        return self._like(len(self) - start, lambda i: self[start + i],
                          lambda: None if sizes() is None else sizes()[start:])

    def cache(self, filename="") -> Dataset:
        """Keeps each item in memory once it has been computed (later epochs read it from there)."""
        if filename:
            raise ValueError(f"Dataset.cache: filename={filename!r}; dlx caches in memory only (pass no filename)")
        store: dict[int, object] = {}

        def item(i):
            if i not in store:
                store[i] = self[i]
            return store[i]

        return self._like(len(self), item, self.item_sizes)

    def prefetch(self, buffer_size) -> Dataset:
        """The same items, with at most ``buffer_size`` of them loaded ahead by ``fit``
        (``AUTOTUNE``: the current queue size)."""
        out = self._like(len(self), self.__getitem__, self.item_sizes)
        if buffer_size != AUTOTUNE:
            size = _check_count("prefetch buffer_size", buffer_size)
            if size < 1:
                raise ValueError(f"Dataset.prefetch: buffer_size={buffer_size!r}; expected a positive int or AUTOTUNE")
            out.max_queue_size = size
        return out

    # -------------------------------------------------------------------------- hand-overs
    def as_tf_dataset(self):
        """A ``tf.data.Dataset`` yielding the same items (TensorFlow must already be imported by
        the program: dlx's core never imports a framework itself)."""
        tf = _framework("tensorflow", "as_tf_dataset")
        first = self[0]
        batched = self.batch_size is not None

        def spec(x):
            x = np.asarray(x)
            dtype = tf.string if x.dtype.kind in "OUS" else tf.as_dtype(x.dtype)
            shape = (None, *x.shape[1:]) if batched else x.shape
            return tf.TensorSpec(shape, dtype)

        from dlx import tree_util as tree

        signature = tree.map_structure(spec, first)
        ds = tf.data.Dataset.from_generator(lambda: iter(self), output_signature=signature)
        return ds.apply(tf.data.experimental.assert_cardinality(len(self)))

    def as_torch_dataloader(self, num_workers=0, **kwargs):
        """A ``torch.utils.data.DataLoader`` over the same items (batches are already formed;
        torch must already be imported by the program)."""
        torch = _framework("torch", "as_torch_dataloader")
        return torch.utils.data.DataLoader(self.as_torch_dataset(), batch_size=None, num_workers=num_workers,
                                           **kwargs)

    def as_torch_dataset(self):
        """A map-style ``torch.utils.data.Dataset`` over the same items."""
        torch = _framework("torch", "as_torch_dataset")
        dataset = self

        class _Items(torch.utils.data.Dataset):
            def __len__(self):
                return len(dataset)

            def __getitem__(self, i):
                return dataset[i]

        return _Items()

    def as_grain_dataset(self):
        """A ``grain.MapDataset`` over the same items (needs ``pip install grain``)."""
        return _grain().MapDataset.source(self)


def _grain():
    try:
        import grain  # a data-loading library, not an ML framework
    except ImportError as e:
        raise ImportError("format='grain' / Dataset.as_grain_dataset() needs the package `grain` (Google's data "
                          "loader): `pip install grain`") from e
    return grain


def check_format(format):
    """Validates Keras's ``format`` argument of the dataset utilities."""
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')


def in_format(ds, format, texts=False):
    """``ds`` as the ``format`` asks: ``"tf"`` (Keras's default) keeps dlx's backend-neutral
    :class:`Dataset` (``as_tf_dataset()`` makes a ``tf.data`` one); ``"grain"`` gives what Keras
    3.15 gives: a ``grain.IterDataset`` of the same batches (``class_names`` / ``file_paths`` kept;
    with ``texts`` the texts of a batch are a list of ``str``, as Keras's on jax / torch / numpy)."""
    if isinstance(ds, list):
        return [in_format(d, format, texts) for d in ds]
    if format != "grain":
        return ds
    grain = _grain()
    if texts:
        def as_str(x):
            return str(x.item()) if np.ndim(x) == 0 else [str(t) for t in x]

        ds = ds.map(lambda x, *rest: (as_str(x), *rest) if rest else as_str(x))
    out = grain.MapDataset.source(ds).to_iter_dataset()
    out.class_names, out.file_paths = ds.class_names, ds.file_paths
    return out
