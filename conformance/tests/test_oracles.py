"""The values tier's independent oracles (mpmath, exactly rounded sums)."""

import math

import numpy as np

from dlx.ops.spec import REGISTRY
from dlx_conformance import oracles


def test_sum_oracle_is_exactly_rounded_where_float64_summation_is_not():
    x = np.array([1e16, 1.0, -1e16, 1.0])
    reference = REGISTRY["sum"].reference(x)
    assert reference != 2.0  # float64 accumulation loses the ones
    assert oracles.independent_exact("sum", (x,), {}, reference) == 2.0
    m = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    np.testing.assert_array_equal(oracles.independent_exact("mean", (m, (0, 2), True), {}, None),
                                  m.mean(axis=(0, 2), keepdims=True))


def test_elementwise_oracle_is_mpmath_and_keeps_ieee_special_values():
    import mpmath

    x = np.array([0.5, -3.0, 1e-300, 0.0, np.inf, -np.inf, np.nan, -1.0])
    with np.errstate(all="ignore"):
        reference = np.log1p(x)
    out = oracles.independent_exact("log1p", (x,), {}, reference)
    with mpmath.workdps(40):
        assert out[0] == float(mpmath.log1p(mpmath.mpf(0.5)))
    assert math.isnan(out[1]) and out[2] == 1e-300 and out[3] == 0.0
    assert out[4] == np.inf and math.isnan(out[5]) and math.isnan(out[6]) and out[7] == -np.inf
    assert oracles.independent_exact("matmul", (x, x), {}, None) is None  # no independent oracle: reference
