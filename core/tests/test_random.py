"""The portable generator against published Threefry-2x32 known-answer vectors (Random123)."""

import numpy as np
import pytest

import dlx
from dlx.ops.defs.random import threefry2x32_numpy

# Threefry-2x32, 20 rounds: (key, counter) -> output, from the Random123 known-answer tests.
KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
]


@pytest.mark.parametrize(("key", "ctr", "expected"), KAT)
def test_threefry_known_answers(key, ctr, expected):
    y0, y1 = threefry2x32_numpy(key[0], key[1], np.array([ctr[0]], np.uint32), np.array([ctr[1]], np.uint32))
    assert (int(y0[0]), int(y1[0])) == expected


def test_bits_are_counter_mode_xor(numpy_backend):
    seed = np.array([0x13198A2E, 0x03707344], np.uint32)
    bits = dlx.random.bits((5,), seed)
    for i in range(5):
        y0, y1 = threefry2x32_numpy(seed[0], seed[1], np.array([0], np.uint32), np.array([i], np.uint32))
        assert bits[i] == (y0[0] ^ y1[0])


def test_bits_decomposition_matches_reference(numpy_backend):
    from dlx.ops.defs.random import threefry_bits_decomposition

    seed = np.array([7, 9], np.uint32)
    np.testing.assert_array_equal(threefry_bits_decomposition(seed, (4, 6)), dlx.random.bits((4, 6), seed))



@pytest.mark.parametrize("seed", [(0, 0), (2**32 - 1, 5), (0x13198A2E, 0x03707344)])
@pytest.mark.parametrize("n", [0, 1, 65535, 65536, 3 * 65536 + 17])
def test_blocked_generator_matches_the_reference(numpy_backend, seed, n):
    # the fast CPU generator backends use for eager draws: block edges, a partial last block, and
    # the key words that wrap (k1 + counter, the injections) against the whole-array reference
    from dlx.ops.defs import random as spec

    s = np.array(seed, np.uint32)
    assert spec._BLOCK == 65536
    np.testing.assert_array_equal(spec.counter_bits(s, n), dlx.random.bits((n,), s))
    for lo, hi, dt in [(0.0, 1.0, "float32"), (-1e-3, 7.0, "float32"), (-0.05, 0.05, "float64"), (-2.0, 3.0, "float16")]:
        got, ref = spec.counter_uniform(s, n, lo, hi, dt), dlx.ops.random_uniform(s, (n,), lo, hi, dt)
        assert got.dtype == ref.dtype
        np.testing.assert_array_equal(got.view(np.uint8), ref.view(np.uint8), err_msg=f"{lo} {hi} {dt}")


@pytest.mark.parametrize("n", [3 * 64, 3 * 64 + 1, 4 * 64, 6 * 64 - 1, 6 * 64, 13 * 64 + 5, 40 * 64 - 3])
def test_threaded_blocks_give_the_reference_bits(numpy_backend, monkeypatch, n):
    # small blocks and three usable CPUs, so these sizes sit around the block and thread limits:
    # below four blocks the caller alone, then a thread per two blocks up to three in all, the
    # blocks taken in whatever order the threads come, each block's words put in its own slice
    import threading

    from dlx.ops.defs import random as spec

    monkeypatch.setattr(spec, "_BLOCK", 64)
    monkeypatch.setattr(spec, "_usable_cpus", lambda: 3)
    started, seen = [], set()

    class Counting(threading.Thread):
        def start(self):
            started.append(self.name)
            super().start()
    monkeypatch.setattr(spec.threading, "Thread", Counting)
    words = spec._BlockGenerator.words

    def recording(self, start, out=None):
        seen.add(threading.get_ident())
        return words(self, start, out)
    monkeypatch.setattr(spec._BlockGenerator, "words", recording)
    threads = 1 if -(-n // 64) < 4 else min(3, -(-n // 64) // 2)
    s = np.array([0x13198A2E, 0x03707344], np.uint32)
    np.testing.assert_array_equal(spec.counter_bits(s, n), dlx.random.bits((n,), s))
    blocks = [(start, w.copy()) for start, w in spec.counter_blocks(s, n)]
    assert [start for start, _ in blocks] == list(range(0, n, 64))
    np.testing.assert_array_equal(np.concatenate([w for _, w in blocks]), dlx.random.bits((n,), s))
    draws = [(0.0, 1.0, "float32"), (0.0, 1.0, "float64"), (0.0, 1.0, "float16"), (-0.25, 0.25, "float32"),
             (-0.05, 0.05, "float64"), (-2.0, 3.0, "float16"), (0.5, -0.5, "float32"),  # a negative span: clamped
             (0.0, 3e-308, "float64")]  # span * 2**-23 is subnormal: not one multiply
    for lo, hi, dt in draws:
        got, ref = spec.counter_uniform(s, n, lo, hi, dt), dlx.ops.random_uniform(s, (n,), lo, hi, dt)
        assert got.dtype == ref.dtype
        np.testing.assert_array_equal(got.view(np.uint8), ref.view(np.uint8), err_msg=f"{lo} {hi} {dt}")
    assert len(started) == (2 + len(draws)) * (threads - 1)
    if threads == 1:
        assert seen == {threading.get_ident()}


def test_small_draws_and_single_cpu_processes_start_no_thread(monkeypatch):
    import threading

    from dlx.ops.defs import random as spec

    started = []

    class Counting(threading.Thread):
        def start(self):
            started.append(self.name)
            super().start()
    monkeypatch.setattr(spec.threading, "Thread", Counting)
    monkeypatch.setattr(spec, "_usable_cpus", lambda: 4)
    s = np.array([3, 4], np.uint32)
    spec.counter_uniform(s, 3 * spec._BLOCK)  # three blocks
    spec.counter_bits(s, 1000)
    assert started == []
    spec.counter_bits(s, 4 * spec._BLOCK)
    assert len(started) == 1  # two threads in all: the caller and one started
    # a process restricted to one CPU (its affinity) draws on the calling thread alone
    started.clear()
    monkeypatch.undo()
    monkeypatch.setattr(spec.threading, "Thread", Counting)
    monkeypatch.setattr(spec.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(spec.os, "cpu_count", lambda: 1)
    assert spec._usable_cpus() == 1
    spec.counter_bits(s, 16 * spec._BLOCK)
    assert started == []
    # DLX_RANDOM_THREADS caps the threads (1: none); anything but a positive integer is an error
    monkeypatch.setattr(spec, "_usable_cpus", lambda: 8)
    monkeypatch.setenv("DLX_RANDOM_THREADS", "1")
    np.testing.assert_array_equal(spec.counter_bits(s, 16 * spec._BLOCK), spec._bits_np(s, (16 * spec._BLOCK,)))
    assert started == []
    monkeypatch.setenv("DLX_RANDOM_THREADS", "3")
    assert spec._draw_threads(16 * spec._BLOCK) == 3
    monkeypatch.delenv("DLX_RANDOM_THREADS")
    assert spec._draw_threads(16 * spec._BLOCK) == spec._MAX_THREADS == 4
    for bad in ("0", "two"):
        monkeypatch.setenv("DLX_RANDOM_THREADS", bad)
        with pytest.raises(ValueError, match=f"DLX_RANDOM_THREADS='{bad}': expected a positive integer"):
            spec.counter_bits(s, 16 * spec._BLOCK)


def test_an_error_in_a_drawing_thread_is_raised_after_all_threads_stop(monkeypatch):
    import threading

    from dlx.ops.defs import random as spec

    monkeypatch.setattr(spec, "_BLOCK", 64)
    monkeypatch.setattr(spec, "_usable_cpus", lambda: 3)
    before = threading.active_count()

    def consumer(gen):
        def consume(start):
            if start == 7 * 64:
                raise OSError("block 7 failed")
            gen.words(start)
        return consume
    with pytest.raises(OSError, match="block 7 failed"):
        spec._run_blocks(spec._BlockGenerator(np.array([1, 2], np.uint32), 64 * 64), consumer)
    assert threading.active_count() == before


def test_distributions_have_the_right_moments(numpy_backend):
    n = 200_000
    u = dlx.random.uniform((n,), seed=1)
    assert u.dtype == np.float32 and u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005
    z = dlx.random.normal((n,), seed=2)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    t = dlx.random.truncated_normal((n,), seed=3)
    assert np.abs(t).max() <= 2.0 and abs(t.std() - 0.8796) < 0.01  # std of N(0,1) cut at ±2
    r = dlx.random.randint((n,), 3, 9, seed=4)
    assert r.dtype == np.int32 and set(np.unique(r)) == set(range(3, 9))
    x = np.ones((n,), np.float32)
    d = dlx.random.dropout(x, 0.25, seed=5)
    assert abs((d == 0).mean() - 0.25) < 0.005 and set(np.unique(d)) == {0.0, np.float32(1 / 0.75)}
    s = dlx.random.shuffle(np.arange(10), seed=6)
    assert sorted(s.tolist()) == list(range(10)) and s.tolist() != list(range(10))
    c = dlx.random.categorical(np.log(np.array([[0.1, 0.9]], np.float32)), 20000, seed=7)
    assert abs(c.mean() - 0.9) < 0.01


def test_same_seed_same_samples_different_seed_differs(numpy_backend):
    a = dlx.random.normal((100,), seed=42)
    np.testing.assert_array_equal(a, dlx.random.normal((100,), seed=42))
    assert not np.array_equal(a, dlx.random.normal((100,), seed=43))


def test_seed_validation(numpy_backend):
    with pytest.raises(ValueError, match="non-negative"):
        dlx.random.uniform((2,), seed=-1)
    with pytest.raises(ValueError, match="rate"):
        dlx.random.dropout(np.ones(3, np.float32), 1.5, seed=0)


def test_seed_none_int_and_seed_generator_as_keras(numpy_backend):
    # None: a fresh seed from the global generator, reproducible after set_random_seed (Keras's rule)
    dlx.utils.set_random_seed(5)
    a = dlx.random.uniform((4,))
    b = dlx.random.uniform((4,))
    assert not np.array_equal(a, b)
    dlx.utils.set_random_seed(5)
    np.testing.assert_array_equal(a, dlx.random.uniform((4,)))
    # a SeedGenerator: each call takes its next seed
    g1, g2 = dlx.random.SeedGenerator(3), dlx.random.SeedGenerator(3)
    x1, x2 = dlx.random.normal((3,), seed=g1), dlx.random.normal((3,), seed=g1)
    assert not np.array_equal(x1, x2)
    np.testing.assert_array_equal(x1, dlx.random.normal((3,), seed=g2))
    for fn in (lambda s: dlx.random.randint((3,), 0, 5, seed=s), lambda s: dlx.random.truncated_normal((3,), seed=s),
               lambda s: dlx.random.shuffle(np.arange(5), seed=s), lambda s: dlx.random.dropout(np.ones(4, "float32"), 0.5, seed=s)):
        assert np.shape(fn(7)) == np.shape(fn(dlx.random.SeedGenerator(1))) == np.shape(fn(None))


@pytest.mark.parametrize("name", ["jax", "tf"])
def test_set_random_seed_survives_the_framework_import(name):
    """Importing jax or tensorflow draws from NumPy's global generator: the seed is set after the
    backend loads, so NumPy draws after the first op (data shuffling) are those of the seed."""
    import os
    import subprocess
    import sys

    pytest.importorskip({"jax": "jax", "tf": "tensorflow"}[name])
    code = ("import numpy as np, dlx\n"
            "dlx.utils.set_random_seed(7)\n"
            "dlx.ops.add(1.0, 2.0)\n"
            "print(repr(np.random.rand()))\n")
    env = {**os.environ, "DLX_BACKEND": name, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert float(out.stdout.strip().splitlines()[-1]) == np.random.RandomState(7).rand()


def test_generator_arrays_are_aligned_for_adoption(numpy_backend):
    # a runtime that needs aligned buffers (TensorFlow: 64 bytes) adopts them without a copy
    from dlx.ops.defs import random as spec

    s = np.array([7, 8], np.uint32)
    for n in (1, 1000, 3 * spec._BLOCK + 5):
        bits, u = spec.counter_bits(s, n), spec.counter_uniform(s, n, -2.0, 3.0, "float64")
        for a in (bits, u):
            assert a.ctypes.data % spec.ALIGN == 0 and a.shape == (n,) and a.flags.c_contiguous
        np.testing.assert_array_equal(bits, dlx.ops.random_bits(s, (n,)))
        np.testing.assert_array_equal(u, dlx.ops.random_uniform(s, (n,), -2.0, 3.0, "float64"))
