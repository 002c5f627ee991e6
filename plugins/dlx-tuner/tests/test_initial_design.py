"""The Latin-hypercube start of BayesianOptimization: stratified, mapped onto each prior, shared by
workers through the trial number."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optuna import distributions as D

import dlx_tuner as kt
from dlx_tuner._initial_design import from_unit, latin_hypercube


def test_every_column_has_one_point_per_stratum():
    u = latin_hypercube(9, 4, np.random.default_rng(3))
    assert u.shape == (9, 4) and (u >= 0).all() and (u < 1).all()
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 9).astype(int)) == list(range(9))


@pytest.mark.parametrize(("dist", "checks"), [
    (D.FloatDistribution(1e-4, 1e-1, log=True), [(0.0, 1e-4), (0.5, math.sqrt(1e-5)), (1 / 3, 1e-3)]),
    (D.FloatDistribution(0.0, 0.5), [(0.0, 0.0), (0.5, 0.25), (0.999999, 0.4999995)]),
    (D.FloatDistribution(0.0, 1.0, step=0.25), [(0.0, 0.0), (0.3, 0.25), (0.99, 1.0)]),
    (D.IntDistribution(16, 256, step=16), [(0.0, 16), (0.5, 144), (0.999, 256)]),
    (D.CategoricalDistribution(["a", "b", "c"]), [(0.1, "a"), (0.5, "b"), (0.99, "c")]),
])
def test_unit_values_map_onto_the_prior(dist, checks):
    for u, expected in checks:
        got = from_unit(u, dist)
        assert (got == pytest.approx(expected, rel=1e-6)) if isinstance(expected, float) else got == expected
        assert dist._contains(dist.to_internal_repr(got))


def test_log_int_gives_each_integer_its_log_share():
    dist = D.IntDistribution(1, 8, log=True)
    got = [from_unit(u, dist) for u in np.linspace(0, 1, 20001, endpoint=False)]
    share = {k: got.count(k) / len(got) for k in range(1, 9)}
    for k in range(1, 9):  # log-uniform over [k - 0.5, k + 0.5) within [0.5, 8.5)
        lo, hi = max(k - 0.5, 0.5), k + 0.5
        assert share[k] == pytest.approx(math.log(hi / lo) / math.log(8.5 / 0.5), abs=2e-3)


def test_the_search_starts_from_one_stratum_per_trial(tmp_path):
    class Record(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            return hp.Float("lr", 1e-4, 1e-1, sampling="log") + hp.Int("units", 16, 256, step=16) * 0.0

    n0 = 6
    for sampler in ("tpe", "gp"):
        t = Record(oracle=kt.oracles.BayesianOptimizationOracle(objective=kt.Objective("score", "min"), max_trials=8,
                                                                num_initial_points=n0, sampler=sampler, seed=5),
                   directory=tmp_path, project_name=sampler)
        t.search(verbose=0)
        trials = sorted(t.store.storage.get_all_trials(t.store.study_id), key=lambda tr: tr.number)
        lrs = [tr.user_attrs["dlx_hyperparameters"]["lr"] for tr in trials]
        assert len(lrs) == 8
        # the first n0 learning rates fall one into each of n0 equal log-strata of [1e-4, 1e-1]
        strata = sorted(int((math.log(v) - math.log(1e-4)) / (math.log(1e-1) - math.log(1e-4)) * n0)
                        for v in lrs[:n0])
        assert strata == list(range(n0)), (sampler, lrs)
