"""Tolerance classes of PARITY.md (spec v1) and the checker that applies them.

Every check compares a backend's output with the **exact** value ``r`` (the float64 reference;
for float64 outputs the reference itself), never with the float32 NumPy backend. ``u`` is the
unit roundoff of the output dtype (2^-24 for float32, 2^-53 for float64). ±0 compare equal, NaN
must match NaN and infinities must match with their sign.

Classes:

* ``E0`` -- bitwise equal to ``r`` rounded to the output dtype (flush-to-zero allowed below the
  smallest normal).
* ``Ulp(k)`` -- at most ``k`` ULPs of ``round(r)`` where ``|round(r)|`` is normal (E1 = Ulp(1),
  T8 = Ulp(8)).
* ``Hybrid(k)`` -- ``|out - r| <= k * max(ulp(round(r)), ulp(x))`` (H8: cancelling activations).
* ``Accum(kind, length, scale)`` -- Kr / Kc / Ks: ``|out - r| <= f(n) * u * S`` with
  ``f = 2*ceil(log2 n) + 8`` (Kr), ``floor(sqrt n) + 8`` (Kc, Ks). ``length(args, kwargs)`` gives
  ``n``; ``scale(ctx)`` gives ``S`` per output element (see :class:`Context`).
* ``Normwise(k)`` -- used for gradients of composite ops: every element within
  ``(2*ceil(log2 N) + k) * u * max|r|`` where ``N`` is the largest input size.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

TINY = {np.dtype("float32"): 2.0**-126, np.dtype("float64"): 2.0**-1022,
        np.dtype("float16"): 2.0**-14}
UNIT = {np.dtype("float32"): 2.0**-24, np.dtype("float64"): 2.0**-53,
        np.dtype("float16"): 2.0**-11}


@dataclasses.dataclass
class Context:
    """What a scale function may look at: the float64 inputs, kwargs, the exact output and the
    reference function (to evaluate it on ``|inputs|`` for multilinear ops)."""

    args: tuple
    kwargs: dict
    exact: np.ndarray
    reference: Callable


@dataclasses.dataclass
class Verdict:
    ok: bool
    metric: float  # max ULP for elementwise classes, max kappa for accumulation classes
    allclose_1e7: bool
    detail: str = ""


def _specials_match(out, r):
    """Checks NaN / inf placement; returns (ok, finite_mask, detail)."""
    on, rn = np.isnan(out), np.isnan(r)
    if not np.array_equal(on, rn):
        idx = np.argwhere(on != rn)[0]
        return False, None, f"NaN mismatch at {tuple(idx)}: out={out[tuple(idx)]!r} exact={r[tuple(idx)]!r}"
    oi, ri = np.isinf(out), np.isinf(r)
    both = oi | ri
    if np.any(both):
        bad = both & ~((out == r) & oi & ri)
        if np.any(bad):
            idx = tuple(np.argwhere(bad)[0])
            return False, None, f"inf mismatch at {idx}: out={out[idx]!r} exact={r[idx]!r}"
    return True, ~(on | both), ""


def _ulp(a, dtype):
    with np.errstate(over="ignore"):
        return np.spacing(np.abs(a).astype(dtype)).astype(np.float64)


# Results this close to the underflow threshold may come from subnormal intermediates, which
# flush-to-zero hardware (JAX/XLA, TF) flushes; there only |out - r| <= UNDERFLOW_ZONE is required.
UNDERFLOW_ZONE = {np.dtype("float32"): 2.0**-102, np.dtype("float64"): 2.0**-969,
                  np.dtype("float16"): 2.0**-4}


class Tolerance:
    cls = "?"

    def check(self, out: np.ndarray, exact: np.ndarray, ctx: Context) -> Verdict:
        with np.errstate(all="ignore"):  # inf - inf etc. are masked out below
            return self._check_all(out, exact, ctx)

    def _check_all(self, out, exact, ctx) -> Verdict:
        out = np.asarray(out)
        exact = np.asarray(exact)
        if out.shape != exact.shape:
            return Verdict(False, math.inf, False, f"shape {out.shape} != expected {exact.shape}")
        if out.dtype.kind == "c" or exact.dtype.kind == "c":  # the real and imaginary parts, each in its units
            parts = []
            for part, name in ((np.real, "real"), (np.imag, "imag")):
                v = self._check_all(part(out), part(exact), ctx)
                if not v.ok:
                    return Verdict(False, v.metric, v.allclose_1e7, f"{name} part: {v.detail}")
                parts.append(v)
            return Verdict(True, max(v.metric for v in parts), all(v.allclose_1e7 for v in parts))
        if out.dtype.kind in "biu" or exact.dtype.kind in "biu":
            ok = np.array_equal(out.astype(np.int64) if out.dtype.kind != "b" else out,
                                exact.astype(np.int64) if exact.dtype.kind != "b" else exact)
            detail = ""
            if not ok:
                bad = np.argwhere(out != exact)
                idx = tuple(bad[0]) if bad.size else ()
                detail = f"{len(bad)} element(s) differ; first at {idx}: out={out[idx]!r} expected={exact[idx]!r}"
            return Verdict(bool(ok), 0.0 if ok else math.inf, bool(ok), detail)
        dtype = out.dtype
        r = exact.astype(np.float64)
        o = out.astype(np.float64)
        with np.errstate(over="ignore"):
            r_rounded = r.astype(dtype).astype(np.float64)
        close = bool(np.allclose(o, r_rounded, rtol=1e-7, atol=1e-7, equal_nan=True))
        ok, finite, detail = _specials_match(o, np.where(np.isfinite(r_rounded) | np.isnan(r), r, r_rounded))
        if not ok:
            return Verdict(False, math.inf, close, detail)
        if out.size == 0 or not np.any(finite):
            return Verdict(True, 0.0, close)
        return self._check(o, r, r_rounded, finite, dtype, ctx, close)

    def _check(self, o, r, r32, finite, dtype, ctx, close) -> Verdict:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self):
        return self.cls


def _report(ok, metric, close, o, r, finite, ratio, what):
    detail = ""
    if not ok:
        worst = np.unravel_index(np.argmax(np.where(finite, ratio, -np.inf)), ratio.shape)
        detail = (f"{what} {metric:.3g} exceeds the bound at {tuple(int(i) for i in worst)}: "
                  f"out={o[worst]!r} exact={r[worst]!r}")
    return Verdict(bool(ok), float(metric), close, detail)


class _Exact(Tolerance):
    cls = "E0"

    def _check(self, o, r, r32, finite, dtype, ctx, close):
        tiny = float(np.finfo(dtype).tiny)  # any float dtype: cast's outputs include bfloat16
        diff = np.abs(o - r32)
        ftz = (np.abs(r32) < tiny) & (np.abs(o) < tiny)
        bad = finite & (diff > 0) & ~ftz
        ulps = np.where(finite, diff / _ulp(r32, dtype), 0.0)
        metric = float(np.max(ulps)) if ulps.size else 0.0
        return _report(not np.any(bad), metric, close, o, r, finite, np.where(bad, 1.0, 0.0), "ULP")


E0 = _Exact()


class Ulp(Tolerance):
    def __init__(self, k: float):
        self.k = k
        self.cls = {1: "E1", 8: "T8"}.get(k, f"Ulp({k})")

    def _check(self, o, r, r32, finite, dtype, ctx, close):
        zone = UNDERFLOW_ZONE[dtype]
        err = np.where(finite, np.abs(o - r), 0.0)
        normal = np.abs(r32) >= zone
        ulps = np.where(finite & normal, np.abs(o - r32) / _ulp(r32, dtype), 0.0)
        sub_bad = finite & ~normal & (err > zone)
        metric = float(np.max(ulps))
        ok = metric <= self.k and not np.any(sub_bad)
        return _report(ok, metric, close, o, r, finite, ulps + sub_bad, "ULP")


E1 = Ulp(1)
T8 = Ulp(8)


class Hybrid(Tolerance):
    """``|out - r| <= k * max(ulp(round(r)), ulp(x))``; ``x`` ranges over every float input
    (``arg=None``) or is input ``arg``."""

    def __init__(self, k: float, arg: int | None = 0):
        self.k, self.arg = k, arg
        self.cls = "H8" if k == 8 and arg == 0 else f"Hybrid({k})"

    def _check(self, o, r, r32, finite, dtype, ctx, close):
        picks = ctx.args if self.arg is None else (ctx.args[self.arg],)
        unit = _ulp(r32, dtype)
        for a in picks:
            if isinstance(a, (np.ndarray, float)) and np.asarray(a).dtype.kind == "f":
                a = np.asarray(a, np.float64)
                x = np.broadcast_to(np.where(np.isfinite(a), a, 0.0), r.shape)
                unit = np.maximum(unit, _ulp(x, dtype))
        err = np.where(finite, np.abs(o - r), 0.0)
        zone = UNDERFLOW_ZONE[dtype]
        ratio = np.where(~finite, 0.0, np.where(np.abs(r32) < zone, np.where(err > zone, np.inf, 0.0), err / unit))
        metric = float(np.max(ratio))
        ok = metric <= self.k
        return _report(ok, metric, close, o, r, finite, ratio, "hybrid ULP")


H8 = Hybrid(8)


def abs_scale(ctx: Context) -> np.ndarray:
    """S for multilinear ops: the reference evaluated on ``|inputs|``."""
    args = tuple(np.abs(a) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                 for a in ctx.args)
    return np.abs(np.asarray(ctx.reference(*args, **ctx.kwargs), np.float64))


class Accum(Tolerance):
    FACTORS = {
        "Kr": lambda n: 2 * math.ceil(math.log2(max(n, 1))) + 8,
        "Kc": lambda n: math.isqrt(max(n, 1)) + 8,
        "Ks": lambda n: math.isqrt(max(n, 1)) + 8,
    }

    def __init__(self, kind: str, length: Callable, scale: Callable = abs_scale):
        self.cls, self.length, self.scale = kind, length, scale

    def bound_factor(self, ctx) -> float:
        return self.FACTORS[self.cls](int(self.length(ctx.args, ctx.kwargs)))

    def _check(self, o, r, r32, finite, dtype, ctx, close):
        u = UNIT[dtype]
        S = np.broadcast_to(np.nan_to_num(np.asarray(self.scale(ctx), np.float64), nan=0.0, posinf=0.0), r.shape)
        S = np.maximum(S, TINY[dtype] / u)  # an all-zero S still admits flush-to-zero noise
        kappa = np.where(finite, np.abs(o - r) / (u * S), 0.0)
        # the final rounding to the output dtype is always allowed on top of the bound
        allowed = self.bound_factor(ctx) + np.where(finite, _ulp(r32, dtype) / (u * S), 0.0)
        ratio = kappa / allowed
        metric = float(np.max(kappa))
        ok = bool(np.all(ratio <= 1.0))
        return _report(ok, metric, close, o, r, finite, ratio, "kappa")


class Normwise(Tolerance):
    """Used for gradient checks of composite ops (see module docstring)."""

    def __init__(self, k: float = 16, n: int | None = None):
        self.k, self.n = k, n
        self.cls = f"N{k}"

    def _check(self, o, r, r32, finite, dtype, ctx, close):
        u = UNIT[dtype]
        n = self.n or max([np.size(a) for a in ctx.args if isinstance(a, np.ndarray)] or [1])
        scale = float(np.max(np.abs(np.where(finite, r, 0.0)))) if r.size else 0.0
        scale = max(scale, TINY[dtype])
        bound = (2 * math.ceil(math.log2(max(n, 2))) + self.k) * u * scale
        err = np.where(finite, np.abs(o - r), 0.0)
        ratio = err / bound + np.zeros_like(err)
        metric = float(np.max(err) / (u * scale))
        return _report(bool(np.all(ratio <= 1.0)), metric, close, o, r, finite, ratio, "normwise kappa")


def reduced_length(args, kwargs, arg: int = 0) -> int:
    """n for a reduction of ``args[arg]`` over ``axis`` (kwarg or second positional)."""
    x = np.asarray(args[arg])
    axis = kwargs.get("axis", args[arg + 1] if len(args) > arg + 1 else None)
    if axis is None:
        return max(x.size, 1)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    n = 1
    axes = tuple(int(a) for a in axes)
    for a in axes:
        n *= x.shape[a]
    return max(n, 1)


def Kr(scale: Callable = abs_scale, length: Callable = reduced_length) -> Accum:
    return Accum("Kr", length, scale)


def Kc(length: Callable, scale: Callable = abs_scale) -> Accum:
    return Accum("Kc", length, scale)


def Ks(length: Callable = reduced_length, scale: Callable = abs_scale) -> Accum:
    return Accum("Ks", length, scale)
