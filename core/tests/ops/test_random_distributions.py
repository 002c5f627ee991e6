"""``dlx.random.gamma`` / ``beta`` / ``binomial``: the sample moments against SciPy's
distributions (Keras's signatures: core/tests/compat), and the same samples from the same seed on every backend."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import dlx
from dlx import ops

N = 40_000

pytestmark = pytest.mark.filterwarnings("ignore::dlx.backend.contract.ReferenceFallbackWarning")

CASES = [
    ("gamma", {"alpha": 0.3}, stats.gamma(0.3)),
    ("gamma", {"alpha": 1.0}, stats.gamma(1.0)),
    ("gamma", {"alpha": 7.5}, stats.gamma(7.5)),
    ("beta", {"alpha": 2.0, "beta": 5.0}, stats.beta(2.0, 5.0)),
    ("beta", {"alpha": 0.2, "beta": 0.4}, stats.beta(0.2, 0.4)),
    ("binomial", {"counts": 12.0, "probabilities": 0.3}, stats.binom(12, 0.3)),
    ("binomial", {"counts": 2500.0, "probabilities": 0.9}, stats.binom(2500, 0.9)),  # 8 halving levels
]


def _moment_z(sample, dist):
    """z-scores of the sample mean and variance against the distribution's (normal
    approximation of their sampling distributions: the variance's uses the 4th central moment)."""
    n = sample.size
    mean, var = dist.mean(), dist.var()
    m4 = dist.expect(lambda x: (x - mean) ** 4) if not isinstance(dist.dist, stats.rv_discrete) else \
        float(np.sum((np.arange(dist.ppf(1e-12), dist.ppf(1 - 1e-12) + 1) - mean) ** 4 *
                     dist.pmf(np.arange(dist.ppf(1e-12), dist.ppf(1 - 1e-12) + 1))))
    z_mean = (sample.mean() - mean) / np.sqrt(var / n)
    z_var = (sample.var(ddof=1) - var) / np.sqrt((m4 - var**2 * (n - 3) / (n - 1)) / n)
    return z_mean, z_var


@pytest.mark.parametrize(("name", "params", "dist"), CASES, ids=lambda v: str(v) if not hasattr(v, "dist") else "")
def test_moments_match_scipy(name, params, dist):
    with dlx.backend.use("numpy"):
        n = N // 4 if params.get("counts", 0) > 1000 else N  # the halving levels cost time
        sample = np.asarray(getattr(dlx.random, name)((n,), **params, dtype="float64", seed=12345))
    z_mean, z_var = _moment_z(sample, dist)
    assert abs(z_mean) < 5 and abs(z_var) < 5, (name, params, z_mean, z_var)
    if name != "binomial":  # a continuous distribution: the whole CDF too
        assert stats.kstest(sample, dist.cdf).pvalue > 1e-4
    else:
        assert np.all(sample == np.round(sample)) and sample.min() >= 0 and sample.max() <= params["counts"]


@pytest.mark.parametrize("name", ["gamma", "beta", "binomial"])
def test_same_seed_same_samples_on_every_backend(backend, name):
    params = {"gamma": {"alpha": 2.0}, "beta": {"alpha": 0.7, "beta": 3.0},
              "binomial": {"counts": 300.0, "probabilities": 0.4}}[name]
    with dlx.backend.use("numpy"):
        want = np.asarray(getattr(dlx.random, name)((64,), **params, seed=7))
    got = np.asarray(ops.convert_to_numpy(getattr(dlx.random, name)((64,), **params, seed=7)))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)


def test_seed_generator_and_errors():
    with dlx.backend.use("numpy"):
        g = dlx.random.SeedGenerator(3)
        a, b = dlx.random.gamma((5,), 2.0, seed=g), dlx.random.gamma((5,), 2.0, seed=g)
        assert not np.array_equal(a, b)
        with pytest.raises(ValueError, match="alpha must be positive"):
            dlx.random.gamma((2,), 0.0, seed=1)
        with pytest.raises(ValueError, match="probabilities must be in"):
            dlx.random.binomial((2,), 3.0, 1.5, seed=1)
        with pytest.raises(ValueError, match="counts must be non-negative whole numbers"):
            dlx.random.binomial((2,), 2.5, 0.5, seed=1)
