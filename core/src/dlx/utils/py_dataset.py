"""``PyDataset``: a Python sequence of batches, loaded in parallel by ``fit``/``evaluate``/``predict``."""

from __future__ import annotations


class PyDataset:
    """Base class for datasets that produce whole batches from Python (Keras 3 ``PyDataset``).

    Subclasses implement ``__len__`` (the number of batches) and ``__getitem__(index)`` returning
    one batch: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` with NumPy arrays (or nested
    lists/dicts of them). ``on_epoch_end()`` is called after every epoch. A dataset may instead
    define ``num_batches`` (``None`` for an infinite dataset) and leave ``__len__`` out.

    Arguments:
        workers: the number of threads (or processes) that load batches in parallel.
        use_multiprocessing: load in worker processes instead of threads (the dataset must be
            picklable).
        max_queue_size: the most batches loaded ahead of training.

    >>> import numpy as np
    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, i):
    ...         x = np.arange(4.0) + 4 * i
    ...         return x, x**2
    >>> len(Squares()), Squares()[1][1].tolist()
    (3, [16.0, 25.0, 36.0, 49.0])
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"PyDataset: workers={workers!r}; expected an int >= 1")
        if not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(f"PyDataset: max_queue_size={max_queue_size!r}; expected an int >= 1")
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    def _check_init(self):
        if not hasattr(self, "_workers"):  # a subclass that forgot super().__init__()
            self._workers, self._use_multiprocessing, self._max_queue_size = 1, False, 10

    @property
    def workers(self) -> int:
        self._check_init()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._check_init()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = bool(value)

    @property
    def max_queue_size(self) -> int:
        self._check_init()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} must define __getitem__(index) returning one batch")

    @property
    def num_batches(self) -> int | None:
        """The number of batches per epoch (``None``: infinite)."""
        if type(self).__len__ is not PyDataset.__len__:
            return len(self)
        raise TypeError(f"{type(self).__name__} must define __len__ (or the num_batches property)")

    def __len__(self) -> int:
        n = self.num_batches
        if n is None:
            raise TypeError(f"{type(self).__name__} is infinite (num_batches is None) and has no len()")
        return n

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch (e.g. to reshuffle)."""
