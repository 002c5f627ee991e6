"""Data adapters: arrays (dicts, pandas, shuffling, partial batches), generators, PyDataset with
workers, tf.data and torch DataLoader, the plugin hook, and prefetching."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest
from tiny_model import TinyMLP, blobs

import dlx
from dlx.trainers.data_adapters import ArrayDataAdapter, get_data_adapter, train_validation_split
from dlx.trainers.epoch_iterator import EpochIterator, Prefetcher


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


def collect(adapter, epoch=0):
    return list(adapter.get_numpy_iterator(epoch))


def test_arrays_batches_partial_and_dicts():
    x = {"a": np.arange(10.0), "b": np.arange(20).reshape(10, 2)}
    y = np.arange(10)
    ad = get_data_adapter(x, y, batch_size=4)
    assert isinstance(ad, ArrayDataAdapter) and ad.num_batches == 3
    batches = collect(ad)
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert batches[0][0]["a"].dtype == np.float32  # float64 -> floatx
    np.testing.assert_array_equal(batches[2][0]["b"], [[16, 17], [18, 19]])


def test_shuffle_is_seeded_per_epoch():
    x = np.arange(100)
    ad = ArrayDataAdapter(x, batch_size=10, shuffle=True, seed=3)
    # no y: each batch is x itself, as Keras packs it (pack_x_y_sample_weight)
    e0, e0b, e1 = (np.concatenate(list(collect(ad, e))) for e in (0, 0, 1))
    np.testing.assert_array_equal(e0, e0b)
    assert not np.array_equal(e0, e1) and sorted(e0) == list(range(100))
    ad2 = ArrayDataAdapter(x, batch_size=10, shuffle="batch", seed=3)
    for i, b in enumerate(collect(ad2)):
        assert sorted(b) == list(range(10 * i, 10 * i + 10))


def test_take_rows_gathers_large_numbers_into_aligned_new_arrays():
    from dlx.backend.buffers import ADOPT_MIN_BYTES, ALIGN, take_rows

    rng = np.random.default_rng(5)
    rows = rng.permutation(3000)[:700]
    cases = {  # name -> (array, whether the gathered batch is large numbers: aligned)
        "float32 images": (rng.standard_normal((3000, 8, 8, 3)).astype(np.float32), True),
        "int64 tokens": (rng.integers(0, 50, (3000, 64)), True),
        "bool masks": (rng.random((3000, 512)) > 0.5, True),
        "small float32": (rng.standard_normal((3000, 2)).astype(np.float32), False),
        "labels": (rng.integers(0, 9, 3000), False),
        "strings": (np.array([str(i) for i in range(3000)]), False),
        "objects": (np.array([{"i": i} for i in range(3000)], dtype=object), False),
        "strided": (rng.standard_normal((400, 3000)).astype(np.float32).T, True),
    }
    for name, (a, large) in cases.items():
        got = take_rows(a, rows)
        expected = a[rows]  # NumPy's own gather
        assert got.dtype == a.dtype and got.shape == expected.shape, name
        assert (got == expected).all(), name
        assert not np.shares_memory(got, a), name
        assert (got.nbytes >= ADOPT_MIN_BYTES) == large, name
        if large:
            assert got.ctypes.data % ALIGN == 0 and got.flags.c_contiguous, name


def test_only_shuffled_array_batches_are_fresh():
    x = np.arange(24.0, dtype=np.float32).reshape(12, 2)  # floatx: the adapter keeps the caller's array
    for shuffle, fresh in ((True, True), ("batch", True), (False, False)):
        ad = ArrayDataAdapter(x, np.arange(12), batch_size=5, shuffle=shuffle)
        assert ad.fresh_batches is fresh
        shares = [np.shares_memory(b[0], x) for b in collect(ad)]
        assert shares == [not fresh] * 3, shuffle


def test_pandas_inputs():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"u": np.arange(6.0), "v": np.arange(6.0) * 2})
    s = pd.Series(np.arange(6))
    b = collect(get_data_adapter(df, s, batch_size=4))[0]
    np.testing.assert_array_equal(b[0], [[0, 0], [1, 2], [2, 4], [3, 6]])
    np.testing.assert_array_equal(b[1], [0, 1, 2, 3])
    x, y = blobs(64)
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(pd.DataFrame(x), pd.Series(y), epochs=1, verbose=0, validation_split=0.25)


def test_validation_split_takes_the_tail():
    (_, ty), (vx, _) = train_validation_split((np.arange(10), np.arange(10) * 2), 0.3)
    np.testing.assert_array_equal(vx, [7, 8, 9])
    np.testing.assert_array_equal(ty, np.arange(7) * 2)


def test_class_weight_errors():
    with pytest.raises(ValueError, match=r"no entry for class\(es\) \[2\]"):
        get_data_adapter(np.zeros((3, 2)), np.array([0, 1, 2]), class_weight={0: 1.0, 1: 2.0})
    with pytest.raises(ValueError, match="class_weight or sample_weight"):
        get_data_adapter(np.zeros((3, 2)), np.array([0, 1, 1]), sample_weight=np.ones(3), class_weight={0: 1, 1: 1})


def test_generator_input_and_fit():
    x, y = blobs(64)

    def gen():
        for i in range(0, 64, 16):
            yield x[i:i + 16], y[i:i + 16]

    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(gen(), epochs=1, verbose=0)
    assert int(m.optimizer.iterations.numpy()) == 4
    with pytest.raises(ValueError, match="y must be None"):
        get_data_adapter(gen(), y)

    def endless():
        while True:
            yield x[:8], y[:8]

    m.fit(endless(), steps_per_epoch=3, epochs=2, verbose=0)
    assert int(m.optimizer.iterations.numpy()) == 10


class Squares(dlx.utils.PyDataset):
    def __init__(self, n=8, **kw):
        super().__init__(**kw)
        self.n = n
        self.threads = set()
        self.epochs_ended = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.threads.add(threading.get_ident())
        time.sleep(0.002)
        x = np.full((4, 6), float(i), np.float32)
        return x, np.full(4, i % 3)

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_py_dataset_workers_keep_order():
    ds = Squares(workers=3, max_queue_size=4)
    batches = collect(get_data_adapter(ds))
    assert [int(b[0][0, 0]) for b in batches] == list(range(8))
    assert len(ds.threads) > 1
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(ds, epochs=2, verbose=0)
    assert ds.epochs_ended == 2 and int(m.optimizer.iterations.numpy()) == 16
    shuffled = collect(get_data_adapter(Squares(), shuffle=True), epoch=1)
    assert sorted(int(b[0][0, 0]) for b in shuffled) == list(range(8))
    with pytest.raises(ValueError, match="workers=0"):
        Squares(workers=0)


def test_tf_dataset_input():
    tf = pytest.importorskip("tensorflow")
    x, y = blobs(40)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    ad = get_data_adapter(ds)
    assert ad.num_batches == 3
    b = collect(ad)[0]
    assert isinstance(b[0], np.ndarray) and b[0].shape == (16, 6)
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(ds, epochs=1, verbose=0)
    assert int(m.optimizer.iterations.numpy()) == 3


def test_torch_dataloader_input():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    x, y = blobs(40)
    dl = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16)
    ad = get_data_adapter(dl)
    assert ad.num_batches == 3
    b = collect(ad)[-1]
    assert isinstance(b[0], np.ndarray) and b[0].shape == (8, 6)
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(dl, epochs=1, verbose=0)
    assert m.predict(dl, verbose=0).shape == (40, 3)


def test_unknown_input_error_names_the_type():
    with pytest.raises(ValueError, match=r"unrecognized data type x=builtins\.set"):
        get_data_adapter({1, 2})


def test_prefetcher_runs_ahead_and_propagates_errors():
    produced = []

    def items():
        for i in range(5):
            produced.append(i)
            yield i

    p = iter(Prefetcher(items(), lambda v: v * 10, size=2))
    assert next(p) == 0
    time.sleep(0.05)
    assert len(produced) >= 3  # converted ahead of the consumer
    assert list(p) == [10, 20, 30, 40]

    def broken():
        yield 1
        raise RuntimeError("bad batch")

    with pytest.raises(RuntimeError, match="bad batch"):
        list(Prefetcher(broken(), lambda v: v))


def test_closing_a_prefetcher_wakes_a_producer_blocked_on_a_full_queue(monkeypatch):
    # fit(steps_per_epoch=...) and early stops close with a full queue: the producer must not sit
    # out its poll interval (set here to an hour, past close's 10 s join) before it sees the stop
    monkeypatch.setattr(Prefetcher, "_POLL", 3600.0)
    p = Prefetcher(itertools.count(), lambda v: v, size=1)
    it = iter(p)
    assert next(it) == 0
    deadline = time.monotonic() + 10
    while not p._q.full() and time.monotonic() < deadline:  # the producer now waits in put
        time.sleep(0.01)
    assert p._q.full()
    it.close()
    assert not p._thread.is_alive()


def test_epoch_iterator_converts_and_groups():
    backend = dlx.backend.current()
    it = EpochIterator(np.arange(10.0), batch_size=3, steps_per_execution=2, backend=backend)
    groups = list(it.enumerate_epoch(0))
    assert [(s, len(g)) for s, g in groups] == [(0, 2), (2, 2)]
    assert backend.is_tensor(groups[0][1][0])  # x only: the batch is the tensor itself
    it.skip_steps = 3
    assert [(s, len(g)) for s, g in it.enumerate_epoch(1)] == [(3, 1)]


def test_plugin_data_adapter_is_consulted_first(monkeypatch):
    from dlx.plugins import DataAdapterRecord, hookimpl, manager
    from dlx.trainers import data_adapters

    class Plugin:
        @hookimpl
        def dlx_data_adapters(self):
            return [DataAdapterRecord(name="ranges", target="test_data_adapters:RangeAdapter")]

    pm = manager.plugin_manager()
    plugin = Plugin()
    pm.register(plugin, name="test-ranges")
    monkeypatch.setattr(data_adapters, "_PLUGIN_CACHE", {})
    try:
        ad = get_data_adapter(range(6), batch_size=4)
        assert type(ad).__name__ == "RangeAdapter"  # the plugin target, imported by the hook
        assert [b.tolist() for b in collect(ad)] == [[0, 1, 2, 3], [4, 5]]  # x only: the batch is x
    finally:
        pm.unregister(plugin)
        data_adapters._PLUGIN_CACHE.clear()


class RangeAdapter(ArrayDataAdapter):
    @classmethod
    def can_handle(cls, x, y=None):
        return isinstance(x, range)

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, class_weight=None, steps=None):
        super().__init__(np.asarray(x), y, batch_size=batch_size)
