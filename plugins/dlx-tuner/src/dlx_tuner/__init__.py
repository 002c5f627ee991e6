"""dlx-tuner: hyperparameter search for dlx with KerasTuner's API.

``import dlx_tuner as keras_tuner`` runs KerasTuner programs: ``HyperParameters``,
``HyperModel``, ``RandomSearch``, ``GridSearch``, ``BayesianOptimization``, ``Hyperband`` and
the ``Tuner`` base. The search runs on Optuna's samplers and pruners, and every trial lives in a
SQL study store (SQLite in ``directory/project_name`` by default, any SQLAlchemy URL such as
PostgreSQL for many machines) that any number of worker processes share without a chief.
"""

from __future__ import annotations

import importlib
import types

__version__ = "0.1.0"

# Loaded on first use: dlx imports this package (for its plugin hook, dlx_tuner.plugin) whenever
# it discovers plugins, which must not import the tuner, Optuna or the callbacks.
_NAMES = {
    "FailedTrialError": "dlx_tuner.errors", "FatalError": "dlx_tuner.errors",
    "HyperModel": "dlx_tuner.hypermodel", "HyperParameter": "dlx_tuner.hyperparameters",
    "HyperParameters": "dlx_tuner.hyperparameters", "Objective": "dlx_tuner.objective",
    "Oracle": "dlx_tuner.oracles", "BayesianOptimization": "dlx_tuner.tuner", "GridSearch": "dlx_tuner.tuner",
    "Hyperband": "dlx_tuner.tuner", "RandomSearch": "dlx_tuner.tuner", "Trial": "dlx_tuner.tuner",
    "Tuner": "dlx_tuner.tuner",
}
_SUBMODULES = {"errors", "oracles", "hypermodel", "hyperparameters", "objective", "tuner", "store"}
_TUNERS = ("RandomSearch", "GridSearch", "BayesianOptimization", "Hyperband")


def __getattr__(name):
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"dlx_tuner.{name}")
    elif name == "tuners":  # KerasTuner's ``keras_tuner.tuners`` namespace
        value = types.SimpleNamespace(**{t: __getattr__(t) for t in _TUNERS})
    else:
        raise AttributeError(f"module 'dlx_tuner' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_NAMES, *_SUBMODULES, "tuners"])


__all__ = ["BayesianOptimization", "FailedTrialError", "FatalError", "GridSearch", "HyperModel", "HyperParameter",
           "HyperParameters", "Hyperband", "Objective", "Oracle", "RandomSearch", "Trial", "Tuner", "errors",
           "oracles", "tuners"]
