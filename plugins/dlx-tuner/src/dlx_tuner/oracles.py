"""Oracles: the search algorithms, as configurations of Optuna samplers and pruners.

An oracle says how the next trial's hyperparameters are chosen (an Optuna sampler), whether
trials stop early (an Optuna pruner) and how many trials the search runs. It holds no state: the
trials live in the tuner's study store, which every worker shares.

Oracles are found through the ``dlx_oracles`` plugin hook (:class:`dlx.plugins.OracleRecord`);
:func:`get` looks one up by name. A third party adds one by subclassing :class:`Oracle` and
advertising it from its own ``dlx`` entry point.
"""

from __future__ import annotations

import importlib
import importlib.util
import math

from dlx_tuner.objective import create_objective


class Oracle:
    """Base class. Subclasses implement :meth:`make_sampler` (and may override :meth:`make_pruner`).

    Arguments:
        objective: the metric name or :class:`~dlx_tuner.Objective` to optimize.
        max_trials: how many trials the search runs (across every worker sharing the store).
        seed: seeds the sampler; each trial draws from ``seed`` and its slot, so workers differ.
        hyperparameters: a :class:`~dlx_tuner.HyperParameters` whose declarations override the
            build function's (``Fixed`` ones pin a value).
        allow_new_entries: whether the build function may declare names ``hyperparameters`` lacks.
        tune_new_entries: whether those new names are tuned (else they keep their defaults).
        max_retries_per_trial: how often a trial that raised is re-run before it counts as failed.
        max_consecutive_failed_trials: the search stops (raising) after this many failures in a row.
    """

    name = "base"

    def __init__(self, objective=None, max_trials=10, seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0, max_consecutive_failed_trials=3):
        self.objective = create_objective(objective)
        if max_trials is not None and (not isinstance(max_trials, int) or isinstance(max_trials, bool)
                                       or max_trials < 1):
            raise ValueError(f"{type(self).__name__}: max_trials={max_trials!r}; expected an int >= 1")
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"{type(self).__name__}: seed={seed!r}; expected an int or None")
        for arg, v in (("max_retries_per_trial", max_retries_per_trial),
                       ("max_consecutive_failed_trials", max_consecutive_failed_trials)):
            if not isinstance(v, int) or v < 0:
                raise ValueError(f"{type(self).__name__}: {arg}={v!r}; expected an int >= 0")
        self.max_trials = max_trials
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.allow_new_entries = allow_new_entries
        self.tune_new_entries = tune_new_entries
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials

    def make_sampler(self, space, seed):
        """An Optuna sampler for one trial. ``space`` is the list of declared
        :class:`~dlx_tuner.hyperparameters.HyperParameter` (populated from a first build)."""
        raise TypeError(f"{type(self).__name__} does not define make_sampler(space, seed)")

    def make_pruner(self):
        """An Optuna pruner; the default never prunes."""
        import optuna

        return optuna.pruners.NopPruner()

    def is_exhausted(self, study, sampler) -> bool:
        """Whether the space has no new point left (a grid); other oracles never run out."""
        return False

    def config(self) -> dict:
        """What must not change when a stored search is resumed (``max_trials`` may grow)."""
        return {"oracle": self.name, "objective": self.objective.get_config()}

    def get_best_trials(self, num_trials=1) -> list:
        """The best completed trials in the tuner's store, best first."""
        tuner = getattr(self, "_tuner", None)
        if tuner is None:
            raise RuntimeError(f"{type(self).__name__} is not attached to a Tuner (it has no store to read)")
        return tuner._best_trials(num_trials)

    def get_trial(self, trial_id) -> object:
        """The stored trial with id ``trial_id``."""
        tuner = getattr(self, "_tuner", None)
        if tuner is None:
            raise RuntimeError(f"{type(self).__name__} is not attached to a Tuner (it has no store to read)")
        for t in tuner.get_trials():
            if t.trial_id == str(trial_id) or t.number == trial_id:
                return t
        raise KeyError(f"trial_id={trial_id!r} is not in the store")


class RandomSearchOracle(Oracle):
    """Independent uniform draws from each hyperparameter's prior (Optuna ``RandomSampler``).

    Arguments:
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_trials: how many trials the search runs, across every worker sharing the store.
        seed: seeds the sampler (each trial draws from ``seed`` and its slot), or ``None``.
        hyperparameters: a :class:`~dlx_tuner.HyperParameters` whose declarations override the
            build function's (``Fixed`` ones pin a value), or ``None``.
        allow_new_entries: whether the build function may declare names ``hyperparameters`` lacks.
        tune_new_entries: whether those new names are tuned (else they keep their defaults).
        max_retries_per_trial: how often a trial that raised is re-run before it counts as failed.
        max_consecutive_failed_trials: the search stops (raising) after this many failures in a row.

    Raises:
        ValueError: for a ``max_trials`` below 1, a ``seed`` that is not an int, a negative retry or
            failure count, or an objective whose direction cannot be inferred.
    """

    name = "random"

    def make_sampler(self, space, seed):
        import optuna

        return optuna.samplers.RandomSampler(seed=seed)


class GridSearchOracle(Oracle):
    """Every combination of the declared values, in a seeded random order (Optuna ``GridSampler``).
    ``Int`` ranges run every ``step``; a stepless ``Float`` contributes 10 points of its prior
    (KerasTuner's rule). The search stops early when the grid is exhausted. ``max_trials=None``
    runs the whole grid.

    Arguments:
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_trials: at most this many trials (``None``: the whole grid).
        **kwargs: the other :class:`Oracle` arguments (``seed``, ``hyperparameters``,
            ``allow_new_entries``, ``tune_new_entries``, ``max_retries_per_trial``,
            ``max_consecutive_failed_trials``).

    Raises:
        ValueError: for a ``max_trials`` below 1 or another :class:`Oracle` argument out of range.
    """

    name = "grid"

    def __init__(self, objective=None, max_trials=None, **kwargs):
        super().__init__(objective=objective, max_trials=max_trials, **kwargs)

    def grid(self, space) -> dict:
        """The values the grid takes for each tunable hyperparameter of ``space`` (``Fixed`` ones are
        left out), keyed by the sampler's parameter names.

        Arguments:
            space: the declared hyperparameters.

        Returns:
            A dict of value lists.
        """
        out = {}
        for hp in space:
            p = hp.optuna_param()
            if p is not None:
                out[p[0]] = hp.grid_values()
        return out

    def make_sampler(self, space, seed):
        import optuna

        return optuna.samplers.GridSampler(self.grid(space), seed=seed)

    def grid_size(self, space) -> int:
        """The number of grid points: the product of the value counts of :meth:`grid`.

        Arguments:
            space: the declared hyperparameters.

        Returns:
            An int.
        """
        return math.prod(len(v) for v in self.grid(space).values())

    def is_exhausted(self, study, sampler) -> bool:
        return sampler.is_exhausted(study)


class BayesianOptimizationOracle(Oracle):
    """Model-based search.

    Arguments:
        num_initial_points: trials before the model is used (default ``max(3 * dims, 3)``,
            KerasTuner's rule). They are the rows of a Latin hypercube over the search space
            (each hyperparameter's range split into ``num_initial_points`` equal-probability
            strata, one point in each) rather than independent random draws: the same budget,
            with no range left unexplored by chance.
        sampler: ``"tpe"`` (Optuna ``TPESampler``, multivariate, constant liar for parallel
            workers) or ``"gp"`` (Optuna ``GPSampler``: a Gaussian process with log-EI, the
            algorithm KerasTuner's BayesianOptimization uses; needs torch and scipy).
        objective, max_trials: as for :class:`Oracle`.
    """

    name = "bayesian"

    def __init__(self, objective=None, max_trials=10, num_initial_points=None, sampler="tpe", **kwargs):
        super().__init__(objective=objective, max_trials=max_trials, **kwargs)
        if sampler not in ("tpe", "gp"):
            raise ValueError(f"BayesianOptimization: sampler={sampler!r}; expected 'tpe' or 'gp'")
        if num_initial_points is not None and (not isinstance(num_initial_points, int) or num_initial_points < 1):
            raise ValueError(f"BayesianOptimization: num_initial_points={num_initial_points!r}; expected an int >= 1")
        if sampler == "gp":
            missing = [m for m in ("torch", "scipy") if importlib.util.find_spec(m) is None]
            if missing:
                raise ImportError(f"BayesianOptimization(sampler='gp') needs {missing} (Optuna's GPSampler runs on "
                                  "them); install them or use sampler='tpe'")
        self.num_initial_points = num_initial_points
        self.sampler = sampler

    def make_sampler(self, space, seed):
        import optuna

        from dlx_tuner._initial_design import LatinHypercubeStart

        dims = sum(1 for hp in space if hp.kind != "fixed")
        n0 = self.num_initial_points or max(3 * dims, 3)
        if self.sampler == "gp":
            model = optuna.samplers.GPSampler(seed=seed, n_startup_trials=n0)
        else:
            model = optuna.samplers.TPESampler(seed=seed, n_startup_trials=n0, multivariate=True, constant_liar=True)
        # the initial points come from one Latin hypercube per search (keyed by the oracle's seed,
        # not the trial's), so every worker's first trials together cover each range evenly
        return LatinHypercubeStart(model, n0, self.seed)

    def config(self) -> dict:
        return {**super().config(), "sampler": self.sampler}


class HyperbandOracle(Oracle):
    """Random configurations trained for up to ``max_epochs``, stopped early by Optuna's
    ``HyperbandPruner`` (brackets of successive halving with reduction ``factor``).

    Every trial's ``fit`` runs with ``epochs=max_epochs``; passing another ``epochs`` to
    ``search()`` is an error (KerasTuner overrides it silently). ``max_trials`` defaults to the
    number of configurations KerasTuner's Hyperband would try in ``hyperband_iterations``
    iterations.

    Arguments:
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_epochs: the epochs of a trial that is never stopped (the pruner's largest resource; an int
            of at least 1).
        factor: the pruner's reduction factor (an int of at least 2).
        hyperband_iterations: the number of KerasTuner Hyperband iterations the default
            ``max_trials`` counts (an int of at least 1).
        max_trials: how many trials the search runs (``None``: the KerasTuner count above).
        **kwargs: the other :class:`Oracle` arguments (``seed``, ``hyperparameters``,
            ``allow_new_entries``, ``tune_new_entries``, ``max_retries_per_trial``,
            ``max_consecutive_failed_trials``).

    Raises:
        ValueError: for a ``max_epochs``, ``factor`` or ``hyperband_iterations`` out of range, or
            another :class:`Oracle` argument out of range.
    """

    name = "hyperband"

    def __init__(self, objective=None, max_epochs=100, factor=3, hyperband_iterations=1, max_trials=None,
                 **kwargs):
        for arg, v, lo in (("max_epochs", max_epochs, 1), ("factor", factor, 2),
                           ("hyperband_iterations", hyperband_iterations, 1)):
            if not isinstance(v, int) or isinstance(v, bool) or v < lo:
                raise ValueError(f"Hyperband: {arg}={v!r}; expected an int >= {lo}")
        if max_trials is None:
            s_max = int(math.log(max_epochs, factor) + 1e-9)
            max_trials = hyperband_iterations * sum(
                math.ceil((s_max + 1) / (s + 1) * factor ** s) for s in range(s_max + 1))
        super().__init__(objective=objective, max_trials=max_trials, **kwargs)
        self.max_epochs = max_epochs
        self.factor = factor
        self.hyperband_iterations = hyperband_iterations

    def make_sampler(self, space, seed):
        import optuna

        return optuna.samplers.RandomSampler(seed=seed)

    def make_pruner(self):
        import optuna

        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=self.max_epochs,
                                              reduction_factor=self.factor)

    def config(self) -> dict:
        return {**super().config(), "max_epochs": self.max_epochs, "factor": self.factor}


def records() -> dict:
    """The installed oracles by name (``dlx_oracles`` hook records).

    Returns:
        A dict of oracle name to :class:`dlx.plugins.OracleRecord`.

    Raises:
        RuntimeError: when two plugins register different oracles under one name.
    """
    from dlx.plugins import manager

    pm = manager.plugin_manager()
    if not any(getattr(p, "__name__", "") == "dlx_tuner.plugin" for p in pm.get_plugins()):
        # dlx-tuner imported from a source tree without its entry point: register its own hook
        from dlx_tuner import plugin

        pm.register(plugin, name="dlx_tuner.plugin")
    out: dict = {}
    for recs in pm.hook.dlx_oracles():
        for rec in recs or ():
            if rec.name in out and out[rec.name].target != rec.target:
                raise RuntimeError(f"two plugins register an oracle named {rec.name!r}: "
                                   f"{out[rec.name].target} and {rec.target}")
            out[rec.name] = rec
    return out


def get(name: str) -> type:
    """The oracle class registered as ``name``.

    Arguments:
        name: an installed oracle's name (``"random"``, ``"grid"``, ``"bayesian"``, ``"hyperband"`` or
            one a plugin registers through ``dlx_oracles``).

    Returns:
        The :class:`Oracle` subclass (not an instance).

    Raises:
        ValueError: when no installed oracle has that name.
        ImportError: when a module the oracle requires is not installed.
        TypeError: when the registered target is not an :class:`Oracle` subclass.
    """
    recs = records()
    if name not in recs:
        raise ValueError(f"oracle={name!r} is not installed; installed oracles: {sorted(recs)}")
    rec = recs[name]
    missing = [m for m in rec.requires if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(f"oracle {name!r} needs {missing}, which is not installed "
                          f"(from {rec.distribution or rec.target})")
    module, _, attr = rec.target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    if not (isinstance(cls, type) and issubclass(cls, Oracle)):
        raise TypeError(f"oracle {name!r}: {rec.target} is not a dlx_tuner.oracles.Oracle subclass")
    return cls
