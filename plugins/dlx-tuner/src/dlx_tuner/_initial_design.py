"""The initial design of model-based search: a Latin hypercube over the hyperparameters.

Bayesian optimization starts from points chosen without a model. Independent random draws (what
KerasTuner and Optuna use) can leave a whole region of a range untried: 9 log-uniform draws of a
learning rate in [1e-4, 1e-1] miss one of its three decades in about one search in 13, and put 5 or
more of the 9 into a single decade in about four in 10. A Latin hypercube
splits each hyperparameter's prior into ``n`` equal-probability strata and puts exactly one of the
``n`` initial points in each, pairing the strata of different hyperparameters at random.

The hypercube is fixed per search (by the oracle's seed, else the study's name), and trial ``t``
(Optuna's trial number, unique across every worker sharing the store) takes row ``t``; later
trials go to the model-based sampler.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import optuna
from optuna import distributions as D


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, d)`` points in ``[0, 1)``: in every column, exactly one point in each ``[k/n, (k+1)/n)``."""
    strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1) if d else np.zeros((n, 0), int)
    return (strata + rng.random((n, d))) / n


def from_unit(u: float, dist):
    """The value of ``dist`` at prior quantile ``u`` (uniform, or log-uniform when ``dist.log``)."""
    if isinstance(dist, D.CategoricalDistribution):
        return dist.choices[min(int(u * len(dist.choices)), len(dist.choices) - 1)]
    lo, hi = dist.low, dist.high
    if isinstance(dist, D.IntDistribution):
        if dist.log:  # log-uniform over [lo - 0.5, hi + 0.5), rounded: each integer its own share
            a, b = math.log(lo - 0.5), math.log(hi + 0.5)
            return int(min(max(round(math.exp(a + u * (b - a))), lo), hi))
        n = (hi - lo) // dist.step + 1
        return int(lo + min(int(u * n), n - 1) * dist.step)
    if dist.step is not None:
        n = round((hi - lo) / dist.step) + 1
        return float(lo + min(int(u * n), n - 1) * dist.step)
    if dist.log:
        return float(math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))))
    return float(lo + u * (hi - lo))


class LatinHypercubeStart(optuna.samplers.BaseSampler):
    """Trials ``0 .. n-1`` from a Latin hypercube, the rest from ``model`` (which also sees every
    trial's lifecycle hooks, so its own bookkeeping is complete).

    A Latin hypercube is one independent random permutation of the ``n`` strata per dimension, so
    each hyperparameter's column is drawn from a generator keyed by the search (its seed, else the
    study's name) and the parameter's name: every sampler instance, on every worker, computes the
    same column, and a hyperparameter first declared inside a conditional branch gets one too.

    Arguments:
        model: the model-based Optuna sampler (TPE, GP).
        n: the number of initial points.
        seed: the search's seed (``None``: the study's name keys the design).
    """

    def __init__(self, model, n: int, seed: int | None):
        self.model = model
        self.n = n
        self.seed = seed

    def _initial(self, trial) -> bool:
        return trial.number < self.n

    def column(self, study_key: str, param_name: str) -> np.ndarray:
        """The ``n`` unit values of ``param_name``: one in each of ``n`` equal strata."""
        key = zlib.crc32(f"{study_key}/{param_name}".encode())
        return latin_hypercube(self.n, 1, np.random.default_rng(key))[:, 0]

    def infer_relative_search_space(self, study, trial):
        return {} if self._initial(trial) else self.model.infer_relative_search_space(study, trial)

    def sample_relative(self, study, trial, search_space):
        return {} if self._initial(trial) else self.model.sample_relative(study, trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        if not self._initial(trial):
            return self.model.sample_independent(study, trial, param_name, param_distribution)
        study_key = f"seed={self.seed}" if self.seed is not None else f"study={study.study_name}"
        return from_unit(float(self.column(study_key, param_name)[trial.number]), param_distribution)

    def before_trial(self, study, trial):
        self.model.before_trial(study, trial)

    def after_trial(self, study, trial, state, values):
        self.model.after_trial(study, trial, state, values)

    def reseed_rng(self):
        self.model.reseed_rng()
