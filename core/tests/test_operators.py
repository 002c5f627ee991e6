"""One operator table for symbolic tensors, variables and NumPy-backend tracers."""

import numpy as np
import pytest

import dlx
from dlx.backends.numpy import autodiff
from dlx.ops import operators
from dlx.ops.symbolic import SymbolicTensor


def _kinds():
    with dlx.backend.use("numpy"):
        v = dlx.Variable(np.array([1.0, -2.0, 3.0], np.float32))
    return v


@pytest.mark.parametrize("cls", [SymbolicTensor, dlx.Variable, autodiff.Tracer])
def test_every_type_has_the_whole_table(cls):
    dlx.ops.add  # noqa: B018  (installs the operators)
    dlx.backend.get("numpy").value_and_grad(lambda x: dlx.ops.sum(x))(np.ones(2))
    names = [f"__{d}__" for d in operators.BINARY] + [f"__r{d}__" for d in operators.BINARY]
    names += [f"__{d}__" for d in (*operators.COMPARISON, *operators.UNARY, "pos", "getitem")]
    for name in names:
        assert name in cls.__dict__, f"{cls.__name__} lacks {name}"
    assert cls.__hash__ is not None


def test_variables_compute_like_their_value_and_compare_elementwise():
    v = _kinds()
    x = np.array([1.0, -2.0, 3.0], np.float32)
    with dlx.backend.use("numpy"):
        np.testing.assert_array_equal(v == x, [True, True, True])
        np.testing.assert_array_equal(v != 1.0, [False, True, True])
        np.testing.assert_array_equal((v > 0) & (v < 2), [True, False, False])
        np.testing.assert_array_equal((v > 0) | (v < -1), [True, True, True])
        np.testing.assert_array_equal(~(v > 0), [False, True, False])
        np.testing.assert_array_equal(2 ** abs(v), [2.0, 4.0, 8.0])
        np.testing.assert_array_equal(+v, x)
        assert {v: 1}[v] == 1  # hashable by identity


def test_symbolic_tensors_keep_identity_equality_and_map_the_rest():
    a = SymbolicTensor((None, 3), "float32")
    b = SymbolicTensor((None, 3), "float32")
    assert (a == b) is False and {a: 1, b: 2}[b] == 2
    for out in (a != b, (a > b) & (a < b), (a > 0) | (b > 0), (a > 0) ^ (b > 0), ~(a > 0)):
        assert isinstance(out, SymbolicTensor) and out.dtype == "bool" and out.shape == (None, 3)


def test_tracers_compare_elementwise_inside_value_and_grad():
    def f(x):
        mask = (x == 2.0) | (x > 2.5)
        return dlx.ops.sum(dlx.ops.where(mask, x * x, 0.0))

    value, grad = dlx.backend.get("numpy").value_and_grad(f)(np.array([1.0, 2.0, 3.0]))
    assert value == 13.0
    np.testing.assert_array_equal(grad, [0.0, 4.0, 6.0])
