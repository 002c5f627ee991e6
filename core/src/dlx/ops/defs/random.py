"""Portable stateless random numbers.

**Bits.** ``random_bits(seed, shape)`` is Threefry-2x32 (20 rounds, the generator JAX uses) in
counter mode: with key ``(k0, k1) = seed`` (a ``(2,)`` uint32 tensor) and the row-major flat
index ``i`` of each output element, ``(y0, y1) = threefry2x32((k0, k1), (0, i))`` and the output
is ``y0 ^ y1``. This is exactly ``jax.random.bits`` with ``jax_threefry_partitionable`` (JAX's
default since 0.5), so the JAX backend runs it natively; every other backend must produce the
same bits (the ``E0`` tier checks it).

**Distributions** are fixed transforms of those bits, written as decompositions into ops, so
every backend gets them and the same seed gives the same samples everywhere (up to the
elementwise tolerance of the transcendental functions involved):

* ``uniform``: ``f = bitcast_f32((bits >> 9) | 0x3F800000) - 1`` in ``[0, 1)``, then
  ``minval + f * (maxval - minval)``; float64 requests get the float32 grid cast up.
* ``normal``: ``sqrt(2) * erfinv(u)`` with ``u`` uniform in ``(-1, 1)``.
* ``truncated_normal`` (cut at two standard deviations): ``sqrt(2) * erfinv(v)``, ``v`` uniform
  in ``(erf(-sqrt 2), erf(sqrt 2))``.
* ``randint``: ``minval + bits mod (maxval - minval)`` (bias below span / 2**32).
* ``dropout``: keep where ``uniform < 1 - rate``, scale kept values by ``1 / (1 - rate)``.
* ``shuffle``: a stable argsort of fresh bits along the axis.
* ``categorical``: Gumbel-max: ``argmax(logits - log(-log(u)))``.

**The CPU generator.** Eager draws on the CPU (weight initialisation) take their bits from
:func:`counter_blocks` / :func:`counter_bits` / :func:`counter_uniform`: the same Threefry
written as in-place NumPy passes over blocks of 64K counters that stay in cache. A draw of at
least four blocks runs its blocks on a few threads (a thread per two blocks, at most four threads
and the CPUs the process's affinity allows; NumPy releases the GIL inside each pass). Each thread
has its own scratch vectors and writes only the slices of its blocks, which it takes in whatever
order they come, so the samples are the same bits whatever the thread count; smaller draws, and
processes allowed one CPU, start no thread. ``DLX_RANDOM_THREADS=N`` caps the threads at ``N``
(``1``: none started; on a machine whose cores are all busy the threads only add GIL handoffs).
"""

from __future__ import annotations

import math
import os
import threading

import numpy as np

from dlx import dtypes
from dlx.backend import buffers
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd
from dlx.ops.spec import Case, op

G = "random"
_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA


def threefry2x32_numpy(k0, k1, x0, x1):
    """Threefry-2x32 (20 rounds) on uint32 NumPy arrays."""
    k0, k1 = np.uint32(k0), np.uint32(k1)
    ks = (k0, k1, np.uint32(k0 ^ k1 ^ np.uint32(_PARITY)))
    x0 = (x0 + ks[0]).astype(np.uint32)
    x1 = (x1 + ks[1]).astype(np.uint32)
    with np.errstate(over="ignore"):
        for i in range(5):
            for r in _ROT[i % 2]:
                x0 = x0 + x1
                x1 = (x1 << np.uint32(r)) | (x1 >> np.uint32(32 - r))
                x1 = x1 ^ x0
            x0 = x0 + ks[(i + 1) % 3]
            x1 = x1 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x0, x1


def _seed_pair(seed):
    s = np.asarray(seed)
    if s.shape != (2,):
        raise ValueError(f"seed must be a (2,) uint32 tensor (see dlx.random.make_seed), got shape {s.shape}")
    s = s.astype(np.uint32)
    return s[0], s[1]


def _bits_np(seed, shape):
    k0, k1 = _seed_pair(seed)
    n = int(np.prod(shape))
    idx = np.arange(n, dtype=np.uint64)
    hi = (idx >> np.uint64(32)).astype(np.uint32)
    lo = (idx & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    y0, y1 = threefry2x32_numpy(k0, k1, hi, lo)
    return (y0 ^ y1).reshape(shape)


#: counters per block of the CPU generator: its three uint32 working vectors (768 KiB) stay in a
#: core's L2 cache through the 20 rounds; whole-array passes are bound by memory traffic
_BLOCK = 1 << 16
_M32 = 0xFFFFFFFF
#: the rotations' shift counts, and below the key words, as 0-d arrays (a cheaper ufunc argument)
_SHIFTS = tuple(tuple((np.array(r, np.uint32), np.array(32 - r, np.uint32)) for r in rot) for rot in _ROT)
_NINE = np.array(9, np.uint32)
#: the most threads one draw runs on (with the calling thread), and the blocks each thread must
#: have: a thread costs about a tenth of a block to start, and smaller draws stay on the caller
_MAX_THREADS = 4
_BLOCKS_PER_THREAD = 2
#: the byte alignment of the arrays :func:`counter_bits` and :func:`counter_uniform` return: a
#: runtime whose kernels need aligned buffers (TensorFlow's: 64 bytes) can adopt them without a copy
#: (NumPy aligns a large array to 16 bytes only)
ALIGN = buffers.ALIGN


class _BlockGenerator:
    """Threefry-2x32 of one key over blocks of counters, computed in place in this object's own
    scratch vectors (one generator per thread): :meth:`words` overwrites them at every call."""

    def __init__(self, seed, n: int):
        if n >= 2**32:
            raise ValueError(f"random_bits: {n} elements requested; at most 2**32 - 1 are supported")
        k0, k1 = (int(k) for k in _seed_pair(seed))
        ks = (k0, k1, k0 ^ k1 ^ _PARITY)
        self.seed = (k0, k1)
        self.k0 = np.array(k0, np.uint32)
        self.inject = [(np.array(ks[(i + 1) % 3], np.uint32), np.array((ks[(i + 2) % 3] + i + 1) & _M32, np.uint32))
                       for i in range(5)]
        self.n = n
        self.size = size = max(1, min(_BLOCK, n))
        self.x0, self.x1, self.hi = (np.empty(size, np.uint32) for _ in range(3))
        self.ramp = np.arange(size, dtype=np.uint32)
        np.add(self.ramp, np.uint32(k1), out=self.ramp)  # counter low word j, plus k1 (mod 2**32)

    def words(self, start: int, out=None) -> np.ndarray:
        """The words of counters ``start .. start + m - 1`` (``m``: a block, or what is left of
        ``n``), written into ``out`` when given, else into the scratch vector returned."""
        m = min(self.size, self.n - start)
        a, b, h = self.x0[:m], self.x1[:m], self.hi[:m]
        add, xor = np.add, np.bitwise_xor  # outputs passed by position: a cheaper call per pass
        add(self.ramp[:m], np.array(start, np.uint32), b)
        add(b, self.k0, a)  # x0 = k0 (high word 0), plus x1: the first round's add
        for i in range(5):
            for j, (left, right) in enumerate(_SHIFTS[i % 2]):
                if i or j:
                    add(a, b, a)
                np.right_shift(b, right, h)  # rotate left: (b << r) | (b >> (32 - r))
                np.left_shift(b, left, b)
                np.bitwise_or(b, h, b)
                xor(b, a, b)
            add(a, self.inject[i][0], a)
            add(b, self.inject[i][1], b)
        return xor(a, b, a if out is None else out)


def counter_blocks(seed, n: int):
    """The words of ``random_bits(seed, (n,))``, block by block: yields ``(start, words)``, the
    words of counters ``start .. start + len(words) - 1`` in a uint32 buffer that the next step
    may overwrite (read-only to the caller). The fast CPU generator that backends use for eager
    draws (weight initialisation): about 110 in-place NumPy passes per block while the block
    stays in cache, several times faster than :func:`threefry2x32_numpy` on whole arrays (the
    reference it is tested against). A draw that :func:`_draw_threads` gives several threads is
    generated whole by :func:`counter_bits` at the first step (its blocks on those threads) and
    yielded in block-size slices; a smaller one is generated here, block by block."""
    if _draw_threads(n) > 1:
        bits = counter_bits(seed, n)
        for start in range(0, n, _BLOCK):
            yield start, bits[start:start + _BLOCK]
        return
    gen = _BlockGenerator(seed, n)
    for start in range(0, n, gen.size):
        yield start, gen.words(start)


def _usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the OS reports one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # no affinity API (macOS, Windows)
        return os.cpu_count() or 1


def _draw_threads(n: int) -> int:
    """The threads (the caller included) that :func:`counter_bits`, :func:`counter_uniform` and
    :func:`counter_blocks` run a draw of ``n`` counters on: one per ``_BLOCKS_PER_THREAD``
    blocks, at most the CPUs the process may use, ``_MAX_THREADS``, and ``DLX_RANDOM_THREADS``
    when that environment variable is set (a positive integer: ``1`` starts no thread, which
    suits a machine whose cores are all busy); a draw of fewer blocks runs on the caller alone."""
    blocks = -(-n // _BLOCK)
    if blocks < 2 * _BLOCKS_PER_THREAD:
        return 1
    from dlx.config import _env_cap

    cap = _env_cap("DLX_RANDOM_THREADS") or _MAX_THREADS
    return max(1, min(cap, _usable_cpus(), blocks // _BLOCKS_PER_THREAD))


def _run_blocks(gen: _BlockGenerator, make_consumer) -> None:
    """Generates every block of ``gen``'s draw and hands it on: each thread calls
    ``make_consumer(g)`` once with its own :class:`_BlockGenerator` (``gen`` itself on the calling
    thread, a new one on each other) and then ``consume(start)`` for each block it takes. Blocks
    go to whichever thread is free next, so their order is arbitrary: a consumer writes only its
    block's slice of the result, which therefore does not depend on the order or on the thread
    count. NumPy releases the GIL inside each pass, so the threads run in parallel; the first
    error of any thread is raised once all have stopped."""
    n = gen.n
    blocks = -(-n // gen.size)
    threads = _draw_threads(n)
    if threads == 1:
        consume = make_consumer(gen)
        for b in range(blocks):
            consume(b * gen.size)
        return
    lock = threading.Lock()
    todo = iter(range(blocks))
    errors: list[BaseException] = []

    def work(g=None):
        try:
            consume = make_consumer(g or _BlockGenerator(gen.seed, n))  # a helper's scratch: first touched by it
            while not errors:
                with lock:
                    b = next(todo, None)
                if b is None:
                    return
                consume(b * gen.size)
        except BaseException as e:  # handed to the calling thread, which raises it
            errors.append(e)

    helpers = []
    for i in range(threads - 1):
        t = threading.Thread(target=work, name=f"dlx-threefry-{i}")
        try:
            t.start()
        except RuntimeError:  # no more threads to be had: the started ones and the caller draw it all
            break
        helpers.append(t)
    try:
        work(gen)
    finally:
        for t in helpers:
            t.join()
    if errors:
        raise errors[0]


def counter_bits(seed, n: int) -> np.ndarray:
    """``random_bits(seed, (n,))`` by the blocked generator (a new uint32 array aligned to
    :data:`ALIGN` bytes), on :func:`_draw_threads` threads."""
    gen = _BlockGenerator(seed, n)  # the arguments checked before the output is allocated
    out = buffers.aligned_empty(n, np.uint32)

    def consumer(g):
        return lambda start: g.words(start, out[start:start + g.size])
    _run_blocks(gen, consumer)
    return out


def counter_uniform(seed, n: int, minval=0.0, maxval=1.0, dtype=None) -> np.ndarray:
    """``random_uniform(seed, (n,), minval, maxval, dtype)`` by the blocked generator on
    :func:`_draw_threads` threads, the transform applied block by block in cache: the reference's
    float64 arithmetic, rounded once into ``dtype``, so the samples equal it bit for bit. The
    array is aligned to :data:`ALIGN` bytes."""
    gen = _BlockGenerator(seed, n)  # the arguments checked before the output is allocated
    out = buffers.aligned_empty(n, nd(_fdt(dtype)))
    lo, span = float(minval), float(maxval) - float(minval)
    unit = (lo, float(maxval)) == (0.0, 1.0)
    # f * span with f = k * 2**-23 (k the top 23 bits) is k * (span * 2**-23) exactly when
    # scaling span by 2**-23 loses nothing: one float64 pass fewer
    scale = math.ldexp(span, -23)
    fused = math.ldexp(scale, 23) == span
    # minval + f * span >= minval when span >= 0 (the rounding is monotonic and minval a float64):
    # the reference's clamp only acts for a negative or NaN span
    clamp = not span >= 0
    exact_out = out.dtype in (np.float32, np.float64)  # they hold every k * 2**-23 exactly

    def consumer(g):
        f = np.empty(g.size, np.float64)

        def consume(start):
            k = g.words(start)
            np.right_shift(k, _NINE, k)  # the mantissa trick: f = k * 2**-23
            k = k.view(np.int32)  # the same values (k < 2**23): int32 converts to float faster
            dst = out[start:start + len(k)]
            if unit and exact_out:
                np.copyto(dst, k, casting="unsafe")
                np.multiply(dst, dst.dtype.type(2.0**-23), dst)
                return
            x = f[:len(k)]
            np.copyto(x, k, casting="unsafe")
            if fused:
                np.multiply(x, scale, x)
            else:
                np.multiply(np.multiply(x, 2.0**-23, x), span, x)
            if unit:
                np.copyto(dst, x, casting="same_kind")  # the one rounding, into float16
                return
            np.add(x, lo, dst)  # minval + f * span, rounded once into the output dtype
            if clamp:  # max(minval, .) commutes with that (monotonic) rounding
                np.maximum(dst, lo, out=dst)
        return consume
    _run_blocks(gen, consumer)
    return out


def threefry_bits_decomposition(seed, shape):
    """``random_bits`` written in uint32 ops (for backends without a native generator)."""
    seed = K.cast(seed, "uint32")
    k0, k1 = seed[0], seed[1]
    k2 = K.bitwise_xor(K.bitwise_xor(k0, k1), K.cast(_PARITY, "uint32"))
    ks = (k0, k1, k2)
    n = int(np.prod(shape))
    if n >= 2**32:
        raise ValueError(f"random_bits: shape {shape} has {n} elements; at most 2**32 - 1 are supported")
    x1 = K.arange(0, n, dtype="uint32")
    x0 = K.zeros((n,), "uint32")
    x0 = x0 + ks[0]
    x1 = x1 + ks[1]
    for i in range(5):
        for r in _ROT[i % 2]:
            x0 = x0 + x1
            x1 = K.bitwise_or(K.left_shift(x1, K.cast(r, "uint32")), K.right_shift(x1, K.cast(32 - r, "uint32")))
            x1 = K.bitwise_xor(x1, x0)
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + K.cast(i + 1, "uint32")
    return K.reshape(K.bitwise_xor(x0, x1), shape)


@op(G, T.E0, [
    Case("vector", lambda r, dt: ((np.array([0, 42], np.uint32), (1000,)), {}), dtypes=("uint32",), grad=False),
    Case("matrix", lambda r, dt: ((np.array([123456789, 987654321], np.uint32), (7, 13)), {}), dtypes=("uint32",), grad=False),
    Case("scalar", lambda r, dt: ((np.array([1, 2], np.uint32), ()), {}), dtypes=("uint32",), grad=False),
], tensors=("seed",), decomposition=threefry_bits_decomposition)
def random_bits(seed, shape):
    """Threefry-2x32 random bits of ``shape`` (uint32) from a ``(2,)`` uint32 ``seed``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).

    Returns:
        A uint32 tensor of ``shape``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_bits(seed, (2,))
    array([1883912375, 2292451390], dtype=uint32)
    """
    return _bits_np(seed, tuple(shape))


def _unit_float(bits, dtype):
    """[0, 1) floats from uint32 bits via the float32 mantissa trick."""
    f = K.right_shift(bits, K.cast(9, "uint32"))
    f = K.bitwise_or(f, K.cast(0x3F800000, "uint32"))
    return K.cast(K.bitcast_uint32_to_float32(f) - 1.0, dtype)


def _unit_float_np(bits):
    f = ((bits >> np.uint32(9)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)
    return f.astype(np.float64)


@op(G, T.E0, [Case("basic", lambda r, dt: ((np.array([0x3F800000, 0x40490FDB, 0, 0x7F800000], np.uint32),), {}), dtypes=("uint32",), grad=False)])
def bitcast_uint32_to_float32(x):
    """Reinterprets uint32 bits as float32.

    Arguments:
        x: a uint32 tensor (other integer inputs are converted to uint32 first).

    Returns:
        A float32 tensor of ``x``'s shape whose elements have ``x``'s bit patterns.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitcast_uint32_to_float32(np.array([0x3F800000, 0x40000000], np.uint32))
    array([1., 2.], dtype=float32)
    """
    return np.asarray(x).astype(np.uint32).view(np.float32)


def _fdt(dtype):
    d = dtypes.standardize(dtype or dtypes.floatx())
    if d not in dtypes.FLOATS:
        raise ValueError(f"dtype={dtype!r} must be a float dtype")
    return d


def uniform_decomposition(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    dt = _fdt(dtype)
    f = _unit_float(K.random_bits(seed, shape), dt)
    return K.maximum(K.cast(minval, dt), f * (maxval - minval) + minval) if (minval, maxval) != (0.0, 1.0) else f


def _sample_cases(prefix="", **kw):
    return [Case(f"{prefix}basic", lambda r, dt: ((np.array([7, 11], np.uint32), (64, 33)), {"dtype": dt, **kw}), grad=False),
            Case(f"{prefix}seed2", lambda r, dt: ((np.array([2**32 - 1, 5], np.uint32), (1000,)), {"dtype": dt, **kw}), grad=False)]


def _affine_scale(lo_key, hi_key, default_lo, default_hi):
    """S for ``a + f * b`` samplers: the magnitude of the terms before they cancel near zero."""
    def scale(ctx):
        a = ctx.args + (None,) * 6
        lo = ctx.kwargs.get(lo_key, a[2] if a[2] is not None else default_lo)
        hi = ctx.kwargs.get(hi_key, a[3] if a[3] is not None else default_hi)
        return np.abs(ctx.exact) + abs(lo) + abs(hi)
    return scale


# uniform: minval + f * (maxval - minval) rounds twice in the output dtype (and may be fused into
# an FMA): near zero it cancels, so the bound is relative to the terms, not the result.
@op(G, T.Kr(_affine_scale("minval", "maxval", 0.0, 1.0), lambda a, k: 1),
    _sample_cases() + _sample_cases("range_", minval=-2.0, maxval=3.0)[:1], tensors=("seed",),
    decomposition=uniform_decomposition)
def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    """Uniform samples in ``[minval, maxval)``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        dtype: a float dtype (``None``: ``floatx()``); the samples come from a float32 grid
            (23 random mantissa bits) in every dtype.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``, or ``dtype`` is not a float dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)  # see dlx.random.make_seed
    >>> np.round(ops.random_uniform(seed, (3,)), 4)
    array([0.4386, 0.5338, 0.4459], dtype=float32)
    """
    return uniform_from_bits(_bits_np(seed, tuple(shape)), minval, maxval, dtype)


def uniform_from_bits(bits, minval=0.0, maxval=1.0, dtype=None):
    """:func:`random_uniform`'s transform of given uint32 ``bits`` (NumPy in, NumPy out)."""
    dt = nd(_fdt(dtype))
    f = _unit_float_np(bits)
    if (minval, maxval) == (0.0, 1.0):
        return f.astype(dt)
    return np.maximum(minval, f * (maxval - minval) + minval).astype(dt)


_SQRT2 = math.sqrt(2.0)
_LO = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))


def normal_decomposition(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    dt = _fdt(dtype)
    u = _unit_float(K.random_bits(seed, shape), "float32")
    u = K.maximum(K.cast(_LO, "float32"), u * 2.0 - 1.0)  # exact in float32
    z = K.erfinv(K.cast(u, dt)) * _SQRT2  # erfinv in the output dtype
    return z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z


def _erfinv64(x):
    from dlx.ops.defs.elementwise import _erfinv_ref

    return _erfinv_ref(np.asarray(x, np.float64))


@op(G, T.Ulp(16), _sample_cases(), tensors=("seed",), decomposition=normal_decomposition)
def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples (inverse-CDF transform of uniform bits).

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        mean: the mean of the distribution.
        stddev: its standard deviation.
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``, or ``dtype`` is not a float dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_normal(seed, (3,)), 4)
    array([-0.1544,  0.0847, -0.136 ], dtype=float32)
    """
    return normal_from_bits(_bits_np(seed, tuple(shape)), mean, stddev, dtype)


def normal_from_bits(bits, mean=0.0, stddev=1.0, dtype=None):
    """:func:`random_normal`'s transform of given uint32 ``bits`` (NumPy in, NumPy out)."""
    dt = nd(_fdt(dtype))
    u = np.maximum(np.float32(_LO), (_unit_float_np(bits) * 2.0 - 1.0).astype(np.float32))
    z = _erfinv64(u.astype(np.float64)) * _SQRT2
    return (z * stddev + mean).astype(dt)


_ERF_LO = math.erf(-_SQRT2)


def truncated_normal_decomposition(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    dt = _fdt(dtype)
    u = _unit_float(K.random_bits(seed, shape), "float32")
    v = u * (-2.0 * _ERF_LO) + _ERF_LO
    z = K.erfinv(K.cast(v, dt)) * _SQRT2
    return z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z


def _truncnorm_scale(ctx):
    a = ctx.args + (None,) * 6
    mean = ctx.kwargs.get("mean", a[2] if a[2] is not None else 0.0)
    stddev = ctx.kwargs.get("stddev", a[3] if a[3] is not None else 1.0)
    # v = u * c1 + c2 cancels near 0 (|c2| ~ 0.95); erfinv' ~ sqrt(pi)/2 there, times sqrt(2)
    return np.abs(ctx.exact) + 2.0 * abs(stddev) + abs(mean)


@op(G, T.Kr(_truncnorm_scale, lambda a, k: 1), _sample_cases(), tensors=("seed",),
    decomposition=truncated_normal_decomposition)
def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples cut at two standard deviations.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        mean: the mean of the normal distribution before the cut.
        stddev: its standard deviation; samples lie within ``2 * stddev`` of ``mean``.
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``, or ``dtype`` is not a float dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_truncated_normal(seed, (3,)), 4)
    array([-0.1474,  0.0808, -0.1298], dtype=float32)
    """
    return truncated_normal_from_bits(_bits_np(seed, tuple(shape)), mean, stddev, dtype)


def truncated_normal_from_bits(bits, mean=0.0, stddev=1.0, dtype=None):
    """:func:`random_truncated_normal`'s transform of given uint32 ``bits`` (NumPy in, NumPy out)."""
    dt = nd(_fdt(dtype))
    u = _unit_float_np(bits).astype(np.float32)
    v = (u * np.float32(-2.0 * _ERF_LO) + np.float32(_ERF_LO)).astype(np.float32)
    z = _erfinv64(v.astype(np.float64)) * _SQRT2
    return (z * stddev + mean).astype(dt)


def randint_decomposition(seed, shape, minval, maxval, dtype="int32"):
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    b = K.random_bits(seed, shape)
    r = K.mod(b, K.cast(span, "uint32"))
    return K.cast(K.cast(r, "int64") + int(minval), dtype) if dtypes.standardize(dtype) != "uint32" else r + int(minval)


@op(G, T.E0, [Case("basic", lambda r, dt: ((np.array([3, 4], np.uint32), (50,), -5, 17), {}), dtypes=("int32",), grad=False),
              Case("wide", lambda r, dt: ((np.array([9, 9], np.uint32), (8, 8), 0, 2**31 - 1), {}), dtypes=("int32",), grad=False)],
    tensors=("seed",), decomposition=randint_decomposition)
def random_randint(seed, shape, minval, maxval, dtype="int32"):
    """Integers in ``[minval, maxval)``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        minval: the lowest value (an int, included).
        maxval: the bound (an int, excluded); must be greater than ``minval``.
        dtype: the result's integer dtype.

    Returns:
        A tensor of ``shape`` and ``dtype``: ``minval`` plus the random bits modulo
        ``maxval - minval`` (a bias below ``(maxval - minval) / 2**32``).

    Raises:
        ValueError: when ``maxval`` is not greater than ``minval``, or ``seed`` does not have
            shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_randint(seed, (5,), 0, 3)
    array([2, 1, 0, 2, 2], dtype=int32)
    """
    span = int(maxval) - int(minval)
    if span <= 0:
        raise ValueError(f"randint: maxval={maxval} must be greater than minval={minval}")
    b = _bits_np(seed, tuple(shape)).astype(np.int64)
    return (b % span + int(minval)).astype(nd(dtype))


def dropout_decomposition(seed, inputs, rate, noise_shape=None):
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    shape = tuple(tensors.shape(inputs)) if noise_shape is None else tuple(
        tensors.shape(inputs)[i] if d is None else d for i, d in enumerate(noise_shape))
    u = _unit_float(K.random_bits(seed, shape), "float32")
    keep = K.less(u, 1.0 - rate)
    return K.where(keep, inputs / (1.0 - rate), K.zeros_like(inputs))


def _dropout_grad(g, out, seed, inputs, rate, noise_shape=None):
    return None, K.where(K.not_equal(out, 0), g / (1.0 - rate), K.zeros_like(g))


@op(G, T.Ulp(2), [Case("basic", lambda r, dt: ((np.array([1, 2], np.uint32), r.standard_normal((20, 30)).astype(dt), 0.3), {})),
                  Case("noise_shape", lambda r, dt: ((np.array([5, 6], np.uint32), r.standard_normal((4, 6, 5)).astype(dt), 0.5), {"noise_shape": (None, 1, 5)}))],
    tensors=("seed", "inputs"), decomposition=dropout_decomposition, grad=_dropout_grad)
def random_dropout(seed, inputs, rate, noise_shape=None):
    """Zeroes entries with probability ``rate`` and scales the rest by ``1 / (1 - rate)``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        inputs: the tensor to drop entries of.
        rate: the probability of zeroing an entry, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast against ``inputs`` (``None``:
            ``inputs``'s shape; a ``None`` entry takes ``inputs``'s length on that axis).

    Returns:
        A tensor of ``inputs``'s shape and dtype.

    Raises:
        ValueError: when ``rate`` is outside ``[0, 1)``, or ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_dropout(seed, np.ones(6), 0.5)  # kept entries scaled by 1 / (1 - rate)
    array([2., 0., 2., 2., 0., 0.])
    """
    x = np.asarray(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate={rate!r}; expected 0 <= rate < 1")
    shape = x.shape if noise_shape is None else tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    u = _unit_float_np(_bits_np(seed, shape)).astype(np.float32)
    keep = u < np.float32(1.0 - rate)
    return np.where(keep, x / x.dtype.type(1.0 - rate), np.zeros((), x.dtype)).astype(x.dtype)


def shuffle_decomposition(seed, x, axis=0):
    n = tensors.shape(x)[axis]
    perm = K.argsort(K.random_bits(seed, (n,)))  # unsigned keys: no int64 needed
    return K.take(x, perm, axis=axis)


@op(G, T.E0, [Case("rows", lambda r, dt: ((np.array([8, 1], np.uint32), r.standard_normal((10, 3)).astype(dt)), {}), grad=False),
              Case("axis1", lambda r, dt: ((np.array([8, 2], np.uint32), r.standard_normal((3, 10)).astype(dt), 1), {}), grad=False)],
    tensors=("seed", "x"), decomposition=shuffle_decomposition)
def random_shuffle(seed, x, axis=0):
    """A random permutation of ``x`` along ``axis``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        x: the tensor to shuffle.
        axis: the axis whose slices are permuted.

    Returns:
        A tensor of ``x``'s shape and dtype.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_shuffle(seed, np.arange(5))
    array([3, 0, 2, 1, 4])
    """
    x = np.asarray(x)
    perm = np.argsort(_bits_np(seed, (x.shape[axis],)).astype(np.int64), kind="stable")
    return np.take(x, perm, axis=axis)


def categorical_decomposition(seed, logits, num_samples, dtype="int32"):
    b, c = tensors.shape(logits)
    u = _unit_float(K.random_bits(seed, (b, num_samples, c)), tensors.dtype(logits))
    u = K.maximum(u, 1e-12 if tensors.dtype(logits) != "float16" else 1e-4)
    gumbel = -K.log(-K.log(u))
    return K.cast(K.argmax(K.expand_dims(logits, 1) + gumbel, axis=-1), dtype)


@op(G, T.E0, [Case("basic", lambda r, dt: ((np.array([4, 4], np.uint32), (r.standard_normal((3, 6)) * 2).astype(dt), 5), {}), grad=False)],
    tensors=("seed", "logits"), decomposition=categorical_decomposition)
def random_categorical(seed, logits, num_samples, dtype="int32"):
    """``num_samples`` class indices per row of ``logits`` (Gumbel-max).

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        logits: a ``(batch, num_classes)`` tensor of unnormalized log-probabilities.
        num_samples: how many indices to draw per row.
        dtype: the result's integer dtype.

    Returns:
        A ``(batch, num_samples)`` tensor of class indices in ``[0, num_classes)``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_categorical(seed, np.log(np.array([[0.5, 0.5]])), 6)
    array([[1, 0, 0, 0, 1, 1]], dtype=int32)
    """
    lg = np.asarray(logits)
    b, c = lg.shape
    u = _unit_float_np(_bits_np(seed, (b, num_samples, c))).astype(lg.dtype)
    u = np.maximum(u, lg.dtype.type(1e-12))
    with np.errstate(all="ignore"):
        gumbel = -np.log(-np.log(u))
    return np.argmax(lg[:, None, :] + gumbel, axis=-1).astype(nd(dtype))


# ------------------------------------------------------------------------ gamma, beta, binomial
# Marsaglia & Tsang's rejection sampler, vectorized: every element draws _GAMMA_ROUNDS proposals
# (a normal x and a uniform each) and keeps the first accepted one. A proposal is accepted with
# probability >= 0.95 for every alpha >= 1 (alpha < 1 samples alpha + 1 and multiplies by
# U ** (1 / alpha)), so all 8 are rejected with probability < 5e-11; that element then keeps the
# last proposal (a bias far below any statistical test). Row r of the bits: normals 0..R-1,
# acceptance uniforms R..2R-1, the boost uniform 2R.
_GAMMA_ROUNDS = 8


def _as(value, ct):
    """A parameter in the compute dtype (Python numbers straight in it: no float32 detour)."""
    if isinstance(value, (int, float, np.ndarray, np.generic)):
        return tensors.convert_to_tensor(np.asarray(value, nd(ct)), ct)
    return K.cast(value, ct)


def _gamma_consts_np(a):
    ab = np.where(a < 1, a + 1, a)
    d = ab - 1.0 / 3.0
    return d, 1.0 / np.sqrt(9.0 * d)


def _log_gamma_np(seed, shape, alpha):
    """log of gamma(alpha) samples in float64 (of the exact float32 uniforms), and its first-order
    rounding sensitivity in units of the compute dtype's roundoff (the tolerance's scale)."""
    R = _GAMMA_ROUNDS
    a = np.broadcast_to(np.asarray(alpha, np.float64), shape)
    if np.any(~(a > 0)):
        raise ValueError(f"gamma: alpha must be positive; got {np.asarray(alpha).min()}")
    u = _unit_float_np(_bits_np(seed, (2 * R + 1, *shape)))
    un = np.maximum(np.float32(_LO), (u[:R] * 2.0 - 1.0).astype(np.float32)).astype(np.float64)
    x = _erfinv64(un) * _SQRT2
    d, c = _gamma_consts_np(a)
    w = 1.0 + c * x
    ws = np.maximum(w, 1e-30)
    lv = 3.0 * np.log(ws)
    accept = (w > 0) & (np.log1p(-u[R:2 * R]) < 0.5 * x * x + d - d * ws**3 + d * lv)
    sel_w, sel_x = np.where(w[-1] > 0, w[-1], 1.0), np.where(w[-1] > 0, x[-1], 0.0)
    for j in range(R - 1, -1, -1):
        sel_w, sel_x = np.where(accept[j], w[j], sel_w), np.where(accept[j], x[j], sel_x)
    boost = np.where(a < 1, np.log1p(-u[2 * R]) / a, 0.0)
    log_sample = np.log(d) + 3.0 * np.log(sel_w) + boost
    sens = 3.0 * (17.0 * c * np.abs(sel_x) + np.abs(sel_w)) / np.abs(sel_w) + 5.0 + 3.0 * np.abs(boost)
    return log_sample, sens


def _log_gamma_ops(seed, shape, alpha, ct):
    """:func:`_log_gamma_np` in ``dlx.ops`` (compute dtype ``ct``): returns ``(d * w**3, boost)``
    with the sample ``d * w**3 * exp(boost)``."""
    R = _GAMMA_ROUNDS
    a = K.broadcast_to(_as(alpha, ct), shape)
    bits = K.random_bits(seed, (2 * R + 1, *shape))
    u = _unit_float(bits, "float32")
    un = K.maximum(K.cast(_LO, "float32"), u[:R] * 2.0 - 1.0)
    x = K.erfinv(K.cast(un, ct)) * _SQRT2
    small = K.less(a, 1.0)
    d = K.where(small, a + 1.0, a) - 1.0 / 3.0
    c = 1.0 / K.sqrt(9.0 * d)
    w = 1.0 + c * x
    ws = K.maximum(w, 1e-30)
    v = ws * ws * ws
    # 1 - u is exact in float32 (u is on the 2**-23 grid), so log(1 - u) needs no log1p (whose
    # float64 XLA kernel is ~100 ULP off)
    lhs = K.log(K.cast(1.0 - u[R:2 * R], ct))
    accept = K.logical_and(K.greater(w, 0.0), K.less(lhs, 0.5 * x * x + d - d * v + d * (3.0 * K.log(ws))))
    last_ok = K.greater(w[R - 1], 0.0)
    sel = K.where(last_ok, v[R - 1], K.ones_like(d))
    for j in range(R - 1, -1, -1):
        sel = K.where(accept[j], v[j], sel)
    boost = K.where(small, K.log(K.cast(1.0 - u[2 * R], ct)) / a, K.zeros_like(a))
    return d * sel, boost


def _ct(dt):
    return "float64" if dt == "float64" else "float32"


def _check_positive(name, value, opname):
    if isinstance(value, (int, float, np.ndarray, np.generic)) and np.any(~(np.asarray(value) > 0)):
        raise ValueError(f"{opname}: {name} must be positive; got {value!r}")


def gamma_decomposition(seed, shape, alpha, dtype=None):
    dt = _fdt(dtype)
    _check_positive("alpha", alpha, "gamma")
    y, boost = _log_gamma_ops(seed, tuple(shape), alpha, _ct(dt))
    return K.cast(y * K.exp(boost), dt)


def _gamma_scale(ctx):
    a = ctx.args + (None,) * 4
    alpha = ctx.kwargs.get("alpha", a[2])
    _, sens = _log_gamma_np(a[0], tuple(a[1]), alpha)
    return np.abs(ctx.exact) * (sens + 4.0)


def _alpha_cases(name, **extra):
    return [
        Case(f"{name}_basic", lambda r, dt: ((np.array([7, 11], np.uint32), (40, 25)), {**extra, "dtype": dt}), grad=False),
        Case(f"{name}_seed2", lambda r, dt: ((np.array([2**32 - 1, 5], np.uint32), (1000,)), {**extra, "dtype": dt}), grad=False),
    ]


@op(G, T.Kr(_gamma_scale, lambda a, k: 1),
    [*_alpha_cases("a3", alpha=3.0), *_alpha_cases("a_small", alpha=0.3),
     Case("a_array", lambda r, dt: ((np.array([3, 1], np.uint32), (4, 5)), {"alpha": np.array([0.05, 0.5, 1.0, 2.5, 40.0]), "dtype": dt}), grad=False),
     Case("half", lambda r, dt: ((np.array([5, 5], np.uint32), (300,)), {"alpha": 2.0, "dtype": dt}), dtypes=("float16",), grad=False)],
    tensors=("seed",), decomposition=gamma_decomposition)
def random_gamma(seed, shape, alpha, dtype=None):
    """Gamma(``alpha``, scale 1) samples (Marsaglia-Tsang rejection with a fixed number of
    proposals per element, see the module's notes); ``alpha`` broadcasts to ``shape``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        alpha: the shape parameter, positive (a number or a tensor broadcastable to ``shape``).
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when a known ``alpha`` is not positive, ``dtype`` is not a float dtype, or
            ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_gamma(seed, (3,), 2.0), 4)
    array([1.4751, 1.7784, 1.4972], dtype=float32)
    """
    dt = _fdt(dtype)
    _check_positive("alpha", alpha, "gamma")
    log_sample, _ = _log_gamma_np(seed, tuple(shape), alpha)
    return np.exp(log_sample).astype(nd(dt))


def _beta_alphas(shape, alpha, beta):
    return np.stack([np.broadcast_to(np.asarray(alpha, np.float64), shape), np.broadcast_to(np.asarray(beta, np.float64), shape)])


def beta_decomposition(seed, shape, alpha, beta, dtype=None):
    dt = _fdt(dtype)
    _check_positive("alpha", alpha, "beta")
    _check_positive("beta", beta, "beta")
    shape = tuple(shape)
    ct = _ct(dt)
    ab = K.stack([K.broadcast_to(_as(alpha, ct), shape), K.broadcast_to(_as(beta, ct), shape)])
    y, boost = _log_gamma_ops(seed, (2, *shape), ab, ct)
    lg = K.log(y) + boost
    return K.cast(K.sigmoid(lg[0] - lg[1]), dt)


def _beta_np(seed, shape, alpha, beta):
    lg, sens = _log_gamma_np(seed, (2, *shape), _beta_alphas(shape, alpha, beta))
    b = 1.0 / (1.0 + np.exp(lg[1] - lg[0]))
    return b, b * (1.0 - b) * (sens[0] + sens[1]) + 4.0 * b


def _beta_scale(ctx):
    a = ctx.args + (None,) * 4
    return _beta_np(a[0], tuple(a[1]), ctx.kwargs.get("alpha", a[2]), ctx.kwargs.get("beta", a[3]))[1]


@op(G, T.Kr(_beta_scale, lambda a, k: 1),
    [*_alpha_cases("ab", alpha=2.0, beta=5.0), *_alpha_cases("small", alpha=0.2, beta=0.5),
     Case("arrays", lambda r, dt: ((np.array([8, 9], np.uint32), (3, 4)), {"alpha": np.array([0.5, 1.0, 3.0, 20.0]), "beta": 2.0, "dtype": dt}), grad=False)],
    tensors=("seed",), decomposition=beta_decomposition)
def random_beta(seed, shape, alpha, beta, dtype=None):
    """Beta(``alpha``, ``beta``) samples: ``X / (X + Y)`` of independent gamma samples (rows 0 and
    1 of a ``(2, *shape)`` gamma draw), computed as ``sigmoid(log X - log Y)`` so tiny parameters
    neither underflow nor divide 0 by 0.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        alpha: the first shape parameter, positive (a number or a tensor broadcastable to ``shape``).
        beta: the second shape parameter, positive (likewise).
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype`` with values in ``[0, 1]``.

    Raises:
        ValueError: when a known ``alpha`` or ``beta`` is not positive, ``dtype`` is not a float
            dtype, or ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_beta(seed, (3,), 2.0, 2.0), 4)
    array([0.5001, 0.3135, 0.4452], dtype=float32)
    """
    dt = _fdt(dtype)
    _check_positive("alpha", alpha, "beta")
    _check_positive("beta", beta, "beta")
    return _beta_np(seed, tuple(shape), alpha, beta)[0].astype(nd(dt))


# Binomial(n, p) by halving (Devroye's order-statistic recursion): while n > _BINOMIAL_DIRECT,
# X = the i-th smallest of n uniforms (i = n // 2 + 1), a Beta(i, n + 1 - i) sample; if X < p
# the i uniforms below X are successes and the other n - i are uniform on (X, 1): continue with
# (n - i, (p - X) / (1 - X)); else continue with the i - 1 below X: (i - 1, p / X). Each level
# halves n; the last _BINOMIAL_DIRECT or fewer trials are counted directly. Level l draws with
# seed row l + 1 and the direct count with row 0 of ``random_bits(seed, (levels + 1, 2))``
# (counter mode: a row's bits do not depend on the number of rows), so the samples do not depend
# on how many levels the largest count needed.
_BINOMIAL_DIRECT = 16


def _binomial_levels(max_count):
    n, levels = int(max_count), 0
    while n > _BINOMIAL_DIRECT:
        n //= 2
        levels += 1
    return levels


def _check_binomial(counts, probabilities):
    if isinstance(counts, (int, float, np.ndarray, np.generic)):
        c = np.asarray(counts, np.float64)
        if np.any(~(c >= 0)) or np.any(c != np.floor(c)):
            raise ValueError(f"binomial: counts must be non-negative whole numbers; got {counts!r}")
    if isinstance(probabilities, (int, float, np.ndarray, np.generic)):
        p = np.asarray(probabilities, np.float64)
        if np.any(~((p >= 0) & (p <= 1))):
            raise ValueError(f"binomial: probabilities must be in [0, 1]; got {probabilities!r}")


def _max_count(counts):
    """The largest count when it is known (a number, an array or an eager tensor), else 2**31."""
    if isinstance(counts, (int, float, np.ndarray, np.generic)):
        return float(np.max(counts)) if np.size(counts) else 0.0
    try:
        return float(np.max(tensors.convert_to_numpy(counts)))
    except Exception:  # a symbolic tensor inside a compiled function: the largest int32
        return float(2**31 - 1)


def binomial_levels(counts):
    """How many halving levels :func:`random_binomial` runs for ``counts``: enough for the largest
    count when it is known (a number, an array or an eager tensor), else for 2**31 - 1.

    Raises:
        ValueError: when known ``counts`` are negative or fractional.
    """
    _check_binomial(counts, None)
    return _binomial_levels(_max_count(counts))


def binomial_decomposition(seed, shape, counts, probabilities, dtype=None):
    return binomial_in_levels(seed, shape, counts, probabilities, dtype, binomial_levels(counts))


def binomial_in_levels(seed, shape, counts, probabilities, dtype, levels):
    """:func:`binomial_decomposition` with its number of halving levels given (at least
    :func:`binomial_levels` of ``counts``; more levels give the same samples)."""
    dt = _fdt(dtype)
    _check_binomial(counts, probabilities)
    shape, ct = tuple(shape), _ct(dt)
    seeds = K.reshape(K.random_bits(seed, (2 * (levels + 1),)), (levels + 1, 2))
    n = K.broadcast_to(_as(counts, ct), shape)
    p = K.broadcast_to(_as(probabilities, ct), shape)
    successes = K.zeros(shape, ct)
    for level in range(levels):
        active = K.greater(n, float(_BINOMIAL_DIRECT))
        i = K.floor(n / 2.0) + 1.0
        a = K.where(active, i, K.ones_like(n))
        b = K.where(active, n + 1.0 - i, K.ones_like(n))
        x = beta_decomposition(seeds[level + 1], shape, a, b, ct)
        below = K.less(x, p)
        successes = successes + K.where(K.logical_and(active, below), i, K.zeros_like(n))
        n_next = K.where(below, n - i, i - 1.0)
        p_next = K.where(below, (p - x) / K.maximum(1.0 - x, 1e-30), p / K.maximum(x, 1e-30))
        n = K.where(active, n_next, n)
        p = K.where(active, K.clip(p_next, 0.0, 1.0), p)
    u = _unit_float(K.random_bits(seeds[0], (_BINOMIAL_DIRECT, *shape)), ct)
    trial = K.reshape(K.arange(_BINOMIAL_DIRECT, dtype=ct), (_BINOMIAL_DIRECT,) + (1,) * len(shape))
    hits = K.logical_and(K.less(u, p), K.less(trial, n))
    return K.cast(successes + K.sum(K.cast(hits, ct), axis=0), dt)


def _binomial_np(seed, shape, counts, probabilities):
    levels = _binomial_levels(_max_count(counts))
    seeds = _bits_np(seed, (2 * (levels + 1),)).reshape(levels + 1, 2)
    n = np.broadcast_to(np.asarray(counts, np.float64), shape).copy()
    p = np.broadcast_to(np.asarray(probabilities, np.float64), shape).copy()
    successes = np.zeros(shape)
    for level in range(levels):
        active = n > _BINOMIAL_DIRECT
        i = np.floor(n / 2) + 1
        x = _beta_np(seeds[level + 1], shape, np.where(active, i, 1.0), np.where(active, n + 1 - i, 1.0))[0]
        below = x < p
        successes += np.where(active & below, i, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_next = np.where(below, (p - x) / np.maximum(1 - x, 1e-30), p / np.maximum(x, 1e-30))
        n = np.where(active, np.where(below, n - i, i - 1), n)
        p = np.where(active, np.clip(p_next, 0, 1), p)
    u = _unit_float_np(_bits_np(seeds[0], (_BINOMIAL_DIRECT, *shape)))
    trial = np.arange(_BINOMIAL_DIRECT).reshape((-1,) + (1,) * len(shape))
    return successes + np.sum((u < p) & (trial < n), axis=0)


@op(G, T.E0, [
    Case("small_n", lambda r, dt: ((np.array([7, 1], np.uint32), (50, 20)), {"counts": 10.0, "probabilities": 0.3, "dtype": dt}), grad=False),
    Case("large_n", lambda r, dt: ((np.array([2, 9], np.uint32), (500,)), {"counts": 1000.0, "probabilities": 0.7, "dtype": dt}), grad=False),
    Case("arrays", lambda r, dt: ((np.array([4, 4], np.uint32), (3, 5)), {
        "counts": np.array([0.0, 1.0, 17.0, 100.0, 5000.0]), "probabilities": np.array([[0.0], [0.5], [1.0]]), "dtype": dt}), grad=False),
], tensors=("seed",), decomposition=binomial_decomposition)
def random_binomial(seed, shape, counts, probabilities, dtype=None):
    """Binomial(``counts``, ``probabilities``) samples as floats (the number of successes in
    ``counts`` trials); both broadcast to ``shape``. Work grows with log2 of the largest count.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        counts: the number of trials, non-negative whole numbers (a number or a tensor).
        probabilities: the success probability of each trial, in ``[0, 1]`` (a number or a tensor).
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype`` holding whole numbers.

    Raises:
        ValueError: when known ``counts`` are negative or fractional, known ``probabilities``
            lie outside ``[0, 1]``, ``dtype`` is not a float dtype, or ``seed`` does not have
            shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_binomial(seed, (4,), 10, 0.5)  # successes out of 10 trials
    array([7., 4., 2., 6.], dtype=float32)
    """
    dt = _fdt(dtype)
    _check_binomial(counts, probabilities)
    return _binomial_np(seed, tuple(shape), counts, probabilities).astype(nd(dt))
