"""Epochs of batches for the trainer: grouping by ``steps_per_execution``, conversion to the
active backend's tensors, and prefetching on a background thread."""

from __future__ import annotations

import atexit
import queue
import threading
import warnings
import weakref

import numpy as np

from dlx import config
from dlx import tree_util as tree
from dlx.trainers.data_adapters import DataAdapter, get_data_adapter

_END = object()
_LIVE: weakref.WeakSet = weakref.WeakSet()  # prefetchers whose producer thread may still run


def _stop_all_at_exit() -> None:
    """Stops every producer thread before the interpreter finalizes: a daemon thread that comes
    back from a framework call (which released the GIL) after finalization began is ended by
    the interpreter inside C++ code, and torch then aborts the process (std::terminate)."""
    live = list(_LIVE)
    for p in live:
        p._stop.set()
        p._drain()
    for p in live:
        p._join()


atexit.register(_stop_all_at_exit)


class _Error:
    __slots__ = ("exc",)

    def __init__(self, exc):
        self.exc = exc


class Prefetcher:
    """Runs ``iterable`` on a daemon thread, ``size`` items ahead, applying ``convert``.

    Exceptions raised by the producer are re-raised in the consumer; :meth:`close` stops the
    producer early (the consumer broke out of its loop)."""

    _POLL = 0.1  # seconds a blocked ``put`` waits between looks at the stop flag (close wakes it sooner)

    def __init__(self, iterable, convert, size=2):
        self._q: queue.Queue = queue.Queue(maxsize=max(1, size))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(iterable, convert), daemon=True,
                                        name="dlx-prefetch")
        _LIVE.add(self)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=self._POLL)
                return not self._stop.is_set()
            except queue.Full:
                continue
        return False

    def _run(self, iterable, convert):
        try:
            for item in iterable:
                if not self._put(convert(item)):
                    return
        except BaseException as e:  # handed to the consumer
            self._put(_Error(e))
            return
        self._put(_END)

    def __iter__(self):
        try:
            while True:
                item = self._q.get()
                if item is _END:
                    return
                if isinstance(item, _Error):
                    raise item.exc
                yield item
        finally:
            self.close()

    def close(self):
        self._stop.set()
        self._drain()
        self._join()

    def _drain(self):
        """Empties the queue: a producer blocked on a full queue gets its slot at once and sees
        the stop flag, instead of at its next poll (``fit(steps_per_epoch=...)`` and an early
        stop end with a full queue; waiting for the poll cost every such call up to 0.1 s)."""
        try:
            while True:
                self._q.get_nowait()
        except queue.Empty:
            pass

    def _join(self):
        # wait for the producer to leave the batch it is converting: a daemon thread still inside a
        # framework call when the interpreter exits can end the process in std::terminate (torch)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)


class EpochIterator:
    """Iterates an input epoch by epoch.

    Arguments:
        x, y, sample_weight, batch_size, shuffle, class_weight: as in ``fit``.
        steps_per_epoch: batches per epoch (``None``: one pass over the data). With a smaller
            number, the next epoch continues where the last stopped; a re-iterable input starts
            a new pass when it runs out.
        steps_per_execution: batches handed out together (one compiled call).
        backend: converts batches to its tensors (``None``: NumPy batches).
        prefetch: batches converted ahead on a background thread (0: no thread).
        seed: the shuffling seed.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                 class_weight=None, steps_per_execution=1, backend=None, prefetch=2, seed=0):
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, int) or steps_per_epoch < 1):
            raise ValueError(f"steps_per_epoch={steps_per_epoch!r}: expected a positive int or None")
        self.adapter: DataAdapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size,
                                                     steps_per_epoch=None, shuffle=shuffle,
                                                     class_weight=class_weight, seed=seed)
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = int(steps_per_execution)
        self.backend = backend
        self.prefetch = prefetch
        self.convert = True  # False: hand out NumPy batches (the backend's compiled steps take them)
        self.adopt = False  # True: the adapter's batches are its own new arrays, handed to the backend as they are
        self.distribute = None  # batch -> batch placed by the active dlx.distribution (or None)
        self._iterator = None
        self._pass = 0
        self.skip_steps = 0  # set by BackupAndRestore-style resumes: batches to skip in the next epoch

    @property
    def num_batches(self) -> int | None:
        n = self.steps_per_epoch if self.steps_per_epoch is not None else self.adapter.num_batches
        cap = config.max_steps_per_epoch()
        return n if cap is None or (n is not None and n <= cap) else cap

    def _convert_only(self, batch):
        b = self.backend
        if b is not None and self.convert:
            if self.adopt:
                return tree.map_structure(lambda a: b.adopt_array(a) if isinstance(a, np.ndarray)
                                          else b.convert_to_tensor(a), batch)
            batch = tree.map_structure(lambda a: b.convert_to_tensor(a), batch)
        return batch

    def _convert(self, batch):
        batch = self._convert_only(batch)
        if self.distribute is not None:
            batch = self.distribute(batch)
        return batch

    def _new_pass(self):
        it = self.adapter.get_numpy_iterator(self._pass)
        self._pass += 1
        if self.prefetch and self.backend is not None:
            distribute = self.distribute
            if getattr(distribute, "on_step_thread", False):  # placed on this thread, after the prefetch
                return (distribute(b) for b in Prefetcher(it, self._convert_only, self.prefetch))
            return iter(Prefetcher(it, self._convert, self.prefetch))
        if not self.convert and self.distribute is None:
            return iter(it)
        return (self._convert(b) for b in it)

    def _next(self):
        if self._iterator is None:
            self._iterator = self._new_pass()
        try:
            return next(self._iterator)
        except StopIteration:
            self._iterator = None
            if self.steps_per_epoch is None or not self.adapter.reiterable:
                return _END
            self._iterator = self._new_pass()
            try:
                return next(self._iterator)
            except StopIteration:
                return _END

    def enumerate_epoch(self, epoch=None):
        """Yields ``(step, [batch, ...])``; ``step`` is the index of the group's first batch."""
        if epoch is not None and self.steps_per_epoch is None and self._iterator is None:
            self._pass = epoch  # one pass per epoch: the shuffle order follows the epoch number
        self.adapter.on_epoch_begin()
        limit = self.steps_per_epoch
        cap = config.max_steps_per_epoch()  # keras.config.set_max_steps_per_epoch: quick runs
        if cap is not None:
            limit = cap if limit is None else min(limit, cap)
        skip, self.skip_steps = self.skip_steps, 0
        try:
            yield from self._groups(limit, skip)
        finally:  # also when the consumer stops early (stop_training): end the prefetch thread
            if self.steps_per_epoch is None:
                self._close()
        self.adapter.on_epoch_end()

    def _groups(self, limit, skip):
        step = 0
        exhausted = False
        while limit is None or step < limit:
            group = []
            n = self.steps_per_execution if limit is None else min(self.steps_per_execution, limit - step)
            while len(group) < n:
                b = self._next()
                if b is _END:
                    exhausted = True
                    break
                if skip:
                    skip -= 1
                    step += 1
                    continue
                group.append(b)
            if group:
                yield step, group
                step += len(group)
            if exhausted:
                break
        if limit is not None and exhausted and step < limit and not self.adapter.reiterable:
            warnings.warn(f"the input ran out of data after {step} of steps_per_epoch={limit} steps; make sure it "
                          "can produce steps_per_epoch * epochs batches", UserWarning, stacklevel=3)

    def close(self):
        """Ends the current pass (and its prefetch thread); the next epoch starts a new pass.
        The trainer calls it when ``fit``/``evaluate``/``predict`` return or raise."""
        self._close()

    def _close(self):
        it, self._iterator = self._iterator, None
        if it is not None and hasattr(it, "close"):
            it.close()
