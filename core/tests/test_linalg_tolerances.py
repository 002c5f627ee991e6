"""The comparison classes of ``dlx.ops.defs.decompositions``: ``Conditioned`` accepts rounding-level
errors and rejects real ones; ``Invariant`` accepts another basis of a completing subspace but
not a changed leading vector. (Independent values: NumPy's float64 LAPACK.)"""

from __future__ import annotations

import numpy as np

from dlx.ops import tolerance as T
from dlx.ops.defs.decompositions import Conditioned, Invariant, _svd_canon


def _ctx(x, exact, index=None):
    ctx = T.Context(args=(x,), kwargs={}, exact=exact, reference=None)
    ctx.index = index
    return ctx


def test_conditioned_accepts_float32_rounding_and_rejects_errors():
    r = np.random.default_rng(0)
    a = r.standard_normal((5, 5)) + 3 * np.eye(5)
    exact = np.linalg.inv(a)
    good = np.linalg.inv(a.astype(np.float32))
    assert Conditioned(4).check(good, exact, _ctx(a, exact)).ok
    bad = good.copy()
    bad[1, 2] += 1e-3
    assert not Conditioned(4).check(bad, exact, _ctx(a, exact)).ok


def test_invariant_compares_the_completing_subspace():
    r = np.random.default_rng(1)
    x = r.standard_normal((5, 3))
    u, _, _ = np.linalg.svd(x)  # 5x5: columns 3, 4 complete the basis
    rot = np.array([[np.cos(0.7), -np.sin(0.7)], [np.sin(0.7), np.cos(0.7)]])
    other = u.copy()
    other[:, 3:] = u[:, 3:] @ rot  # another orthonormal basis of the same subspace
    tol = Invariant(Conditioned(8), _svd_canon)
    assert tol.check(other.astype(np.float32), u, _ctx(x, u, index=0)).ok
    flipped = u.copy()
    flipped[:, 0] *= -1
    assert not tol.check(flipped.astype(np.float32), u, _ctx(x, u, index=0)).ok
