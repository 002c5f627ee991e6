"""``dlx.utils.PyDataset`` with parallel loading (threads or processes) and a bounded queue."""

from __future__ import annotations

import collections
import itertools
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np

from dlx.trainers.data_adapters.data_adapter import DataAdapter, to_numpy_batch
from dlx.utils.py_dataset import PyDataset


def _get_item(dataset, index):
    return dataset[index]


class PyDatasetAdapter(DataAdapter):
    """Loads ``dataset[i]`` with ``dataset.workers`` workers, at most ``max_queue_size`` ahead.

    Arguments:
        dataset: a :class:`~dlx.utils.PyDataset`.
        shuffle: visit the batches in a new seeded order each epoch.
        seed: the shuffling seed (epoch ``e`` uses ``(seed, e)``).
    """

    def __init__(self, dataset, shuffle=False, seed=0):
        if not isinstance(dataset, PyDataset):
            raise TypeError(f"PyDatasetAdapter: dataset={dataset!r}; expected a dlx.utils.PyDataset")
        self.dataset = dataset
        self._shuffle = bool(shuffle)
        self.seed = int(seed)

    @classmethod
    def can_handle(cls, x, y=None) -> bool:
        return isinstance(x, PyDataset)

    @property
    def num_batches(self):
        return self.dataset.num_batches

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.dataset.on_epoch_end()

    def _indices(self, epoch):
        n = self.num_batches
        if n is None:
            return itertools.count()
        idx = np.arange(n)
        if self._shuffle:
            np.random.default_rng([self.seed, int(epoch)]).shuffle(idx)
        return iter(idx.tolist())

    def get_numpy_iterator(self, epoch: int = 0):
        ds = self.dataset
        indices = self._indices(epoch)
        if ds.workers <= 1:
            for i in indices:
                yield to_numpy_batch(ds[i])
            return
        pool_cls = ProcessPoolExecutor if ds.use_multiprocessing else ThreadPoolExecutor
        with pool_cls(max_workers=ds.workers) as pool:
            pending: collections.deque = collections.deque()
            try:
                for i in itertools.islice(indices, ds.max_queue_size):
                    pending.append(pool.submit(_get_item, ds, i))
                while pending:
                    batch = pending.popleft().result()
                    nxt = next(indices, None)
                    if nxt is not None:
                        pending.append(pool.submit(_get_item, ds, nxt))
                    yield to_numpy_batch(batch)
            finally:
                for f in pending:
                    f.cancel()
