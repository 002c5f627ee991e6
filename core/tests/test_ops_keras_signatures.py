"""Behaviour of the Keras-signature arguments and new ops that the conformance cases do not pin
down: errors, the one-argument ``where``, ``einsum``'s keywords, einops patterns. References are
NumPy's own functions (float64) or hand-written index arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import ops


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


def test_where_with_one_argument_gives_nonzero_indices():
    c = np.array([[0, 3, 0], [1, 0, 2]])
    got = ops.where(c)
    want = np.nonzero(c)
    assert len(got) == 2
    for g, w in zip(got, want):
        assert g.dtype == np.int32
        np.testing.assert_array_equal(g, w)
    with pytest.raises(ValueError, match="x1 and x2 must both be given"):
        ops.where(c, 1.0)


def test_einsum_accepts_optimize_and_rejects_other_keywords():
    a, b = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(ops.einsum("ij,jk->ik", a, b, optimize="greedy"), np.full((2, 4), 3.0))
    with pytest.raises(TypeError, match="unexpected keyword argument out"):
        ops.einsum("ij,jk->ik", a, b, out=None)
    with pytest.raises(ValueError, match="optimize='fast'"):
        ops.einsum("ij,jk->ik", a, b, optimize="fast")


def test_linspace_retstep_and_axis_match_numpy():
    vals, step = ops.linspace(0.0, 1.0, 5, retstep=True, dtype="float64")
    want, want_step = np.linspace(0.0, 1.0, 5, retstep=True)
    np.testing.assert_array_equal(vals, want)
    assert float(step) == want_step
    np.testing.assert_array_equal(ops.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1, dtype="float64"),
                                  np.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1))


def test_arange_step_none_and_max_initial():
    np.testing.assert_array_equal(ops.arange(2, 6, None), np.arange(2, 6))
    assert float(ops.max(np.array([1.0, 2.0], np.float32), initial=5.0)) == 5.0
    assert float(ops.min(np.array([1.0, 2.0], np.float32), initial=-1.0)) == -1.0


def test_convert_to_tensor_refuses_sparse_and_ragged():
    with pytest.raises(ValueError, match="sparse=True"):
        ops.convert_to_tensor([1.0], sparse=True)
    with pytest.raises(ValueError, match="ragged=True"):
        ops.convert_to_tensor([1.0], ragged=True)
    assert ops.convert_to_tensor([1.0], sparse=False).dtype == np.float32


def test_rearrange_matches_hand_written_reshapes():
    x = np.arange(2 * 12 * 5, dtype=np.float32).reshape(2, 12, 5)
    got = ops.rearrange(x, "b (h w) c -> b h w c", h=3)
    np.testing.assert_array_equal(got, x.reshape(2, 3, 4, 5))
    got = ops.rearrange(x, "b (h w) c -> (b c) w h", w=4)
    np.testing.assert_array_equal(got, x.reshape(2, 3, 4, 5).transpose(0, 3, 2, 1).reshape(10, 4, 3))
    np.testing.assert_array_equal(ops.rearrange(x, "b ... -> (...) b"), x.reshape(2, 60).T)


@pytest.mark.parametrize(("pattern", "kw", "message"), [
    ("b h w -> b h", {}, "one side only"),
    ("b (h w) c -> b h w c", {}, "cannot infer"),
    ("b (h w) c -> b h w c", {"h": 5}, "not divisible"),
    ("b h c -> b h c", {"q": 2}, "not in"),
    ("b h -> b h", {}, "has 2 axes"),
    ("b (h (w)) c -> b h w c", {}, "nested"),
])
def test_rearrange_errors_name_the_problem(pattern, kw, message):
    with pytest.raises(ValueError, match=message):
        ops.rearrange(np.zeros((2, 12, 5)), pattern, **kw)


@pytest.mark.parametrize(("reduction", "ufunc"), [("add", np.add), ("max", np.maximum), ("min", np.minimum),
                                                  ("mul", np.multiply)])
def test_scatter_update_reductions_match_numpy_at(reduction, ufunc):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    idx = np.array([[1], [3], [1]])
    u = rng.standard_normal((3, 3))
    want = x.copy()
    ufunc.at(want, (idx[:, 0],), u)
    np.testing.assert_allclose(ops.scatter_update(x, idx, u, reduction=reduction), want, rtol=1e-15)
    with pytest.raises(ValueError, match="reduction='sum'"):
        ops.scatter_update(x, idx, u, reduction="sum")


def test_namespaced_aliases_are_distinct_ops_with_the_same_values():
    x = np.array([-1.5, 2.0, -0.0], np.float32)
    np.testing.assert_array_equal(ops.absolute(x), np.abs(x))
    assert ops.numpy.absolute is ops.absolute
    np.testing.assert_array_equal(ops.saturate_cast(np.array([-3.0, 300.0, 3e9]), "uint8"), [0, 255, 255])
