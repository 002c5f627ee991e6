"""Shared pieces of the op definitions: dtype promotion for references, case builders."""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx.ops.spec import Case

FLOATS = ("float32", "float64")


def nd(dtype) -> np.dtype:
    return dtypes.to_numpy_dtype(dtype)


def _same_dtype_fast(xs):
    """True when the first input is an array and the rest are arrays of its dtype or Python
    scalars that are weak for it (NumPy 2 then keeps the dtype itself)."""
    first = xs[0]
    if type(first) is not np.ndarray:
        return False
    dt = first.dtype
    kind = dt.kind
    for x in xs[1:]:
        t = type(x)
        if t is np.ndarray:
            if x.dtype != dt:
                return False
        elif t is float:
            if kind != "f":
                return False
        elif t is int:
            if kind not in "fiu":
                return False
        else:
            return False
    return True


def promote(*xs):
    """Converts ``xs`` to arrays of their promoted dtype (dlx's lattice, weak scalars)."""
    if _same_dtype_fast(xs):
        return tuple(x if type(x) is np.ndarray else np.asarray(x, xs[0].dtype) for x in xs)
    dt = nd(dtypes.result_type(*xs))
    return tuple(np.asarray(x, dt) for x in xs)


def as_array(x):
    """``x`` as an array; a Python scalar takes dlx's dtype for it (int32/float32 by default)."""
    if type(x) in (bool, int, float):
        return np.asarray(x, nd(dtypes.result_type(x)))
    return np.asarray(x)


def as_float(x):
    """``x`` as an array; ints and bools become ``floatx()``."""
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return x
    x = np.asarray(x) if type(x) not in (bool, int, float) else np.asarray(x, nd(dtypes.result_type(x)))
    if x.dtype.kind in "biu":
        return x.astype(nd(dtypes.floatx()))
    return x


def float_promote(*xs):
    xs = promote(*xs)
    if xs[0].dtype.kind in "biu":
        f = nd(dtypes.floatx())
        xs = tuple(x.astype(f) for x in xs)
    return xs


def vectorize(fn):
    """A float64-accurate elementwise kernel from a scalar ``math`` function, in the input dtype."""
    uf = np.frompyfunc(fn, 1, 1)

    def apply(x):
        x = as_float(x)
        out = uf(x.astype(np.float64))
        return np.asarray(out, np.float64).astype(x.dtype) if np.ndim(out) else x.dtype.type(out)

    return apply


def axis_tuple(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim if ndim else a for a in axis)


# --------------------------------------------------------------------------------------- cases
def rng_for(*parts) -> np.random.Generator:
    seed = abs(hash("|".join(map(str, parts)))) % (2**32)
    # hash() of str is salted per process: use a stable digest instead
    import zlib

    seed = zlib.crc32("|".join(map(str, parts)).encode())
    return np.random.default_rng(seed)


DOMAINS = {
    # name: (sampler of "normal" values, predicate for "tails")
    "real": lambda r, n: r.standard_normal(n) * 3,
    "positive": lambda r, n: np.abs(r.standard_normal(n) * 3) + 1e-3,
    "unit": lambda r, n: r.uniform(-0.999, 0.999, n),
    "ge1": lambda r, n: 1 + np.abs(r.standard_normal(n) * 3),
    "small": lambda r, n: r.uniform(-5, 5, n),
    "unit_inner": lambda r, n: r.uniform(-0.9, 0.9, n),
}


def _tails(r, n, domain):
    mag = 10.0 ** r.uniform(-30, 30, n)
    sign = np.where(r.random(n) < 0.5, -1.0, 1.0)
    if domain in ("positive",):
        return mag
    if domain == "ge1":
        return 1 + mag
    if domain == "unit":
        return sign * np.minimum(mag, 0.999)
    return sign * mag


SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, 2.0, 1e-3, -1e-3])


def unary_cases(domain="real", grad_domain=None, tails=True, specials=True, ints=False, shape=(64, 33)):
    """Cases for an elementwise unary float op."""
    n = int(np.prod(shape))
    sample = DOMAINS[domain]

    def mk(fn):
        return lambda r, dt: ((fn(r).astype(dt),), {})

    gsample = DOMAINS[grad_domain] if grad_domain else sample
    cases = [
        Case("normal", mk(lambda r: sample(r, n).reshape(shape)), grad=grad_domain is None),
        Case("positive", mk(lambda r: np.abs(sample(r, n)).reshape(shape)) if domain in ("real", "small") else mk(lambda r: sample(r, n).reshape(shape)[:4]), grad=grad_domain is None),
        Case("scalar", mk(lambda r: np.asarray(sample(r, 1)[0]))),
        Case("empty", mk(lambda r: np.zeros((0, 3))), grad=False),
    ]
    if grad_domain:
        cases.append(Case("grad_domain", mk(lambda r: gsample(r, n).reshape(shape))))
    if tails:
        cases.append(Case("tails", mk(lambda r: _tails(r, 4096, domain)), grad=False))
        cases.append(Case("tiny", mk(lambda r: _tails(r, 1024, "real") * 1e-10 if domain != "ge1" else 1 + np.abs(r.standard_normal(64)) * 1e-6), grad=False))
    if specials:
        cases.append(Case("special", mk(lambda r: SPECIALS.copy()), grad=False))
    if ints:
        cases.append(Case("int", lambda r, dt: ((r.integers(-20, 20, (5, 7)).astype(np.int32),), {}),
                          dtypes=("int32",), grad=False))
    return cases


def bool_case(shape=(5, 7)):
    """One case with a random bool array (the op's bool path)."""
    return Case("bool", lambda r, dt: ((r.random(shape) < 0.5,), {}), dtypes=("bool",), grad=False)


def binary_cases(domain1="real", domain2="real", specials=True, scalar=True):
    s1, s2 = DOMAINS[domain1], DOMAINS[domain2]
    cases = [
        Case("same", lambda r, dt: ((s1(r, 600).reshape(20, 30).astype(dt), s2(r, 600).reshape(20, 30).astype(dt)), {})),
        Case("broadcast", lambda r, dt: ((s1(r, 60).reshape(4, 1, 15).astype(dt), s2(r, 45).reshape(3, 15).astype(dt)), {})),
    ]
    if scalar:
        cases.append(Case("pyscalar", lambda r, dt: ((s1(r, 30).reshape(5, 6).astype(dt), float(s2(r, 1)[0])), {}), grad=False))
    if specials:
        def sp(r, dt):
            a, b = np.meshgrid(SPECIALS, SPECIALS)
            return (a.astype(dt), b.astype(dt)), {}
        cases.append(Case("special", sp, grad=False))
    return cases


def int_cases(binary=True, low=-50, high=50, dts=("int32",)):
    if binary:
        return [Case("int", lambda r, dt: ((r.integers(low, high, (6, 7)).astype(dt), r.integers(low, high, (6, 7)).astype(dt)), {}), dtypes=dts, grad=False)]
    return [Case("int", lambda r, dt: ((r.integers(low, high, (6, 7)).astype(dt),), {}), dtypes=dts, grad=False)]


def ceil_log2(n):
    return math.ceil(math.log2(max(n, 1)))
