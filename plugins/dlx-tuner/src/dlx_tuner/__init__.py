"""dlx-tuner: hyperparameter search for dlx with KerasTuner's API.

``import dlx_tuner as keras_tuner`` runs KerasTuner programs: ``HyperParameters``,
``HyperModel``, ``RandomSearch``, ``GridSearch``, ``BayesianOptimization``, ``Hyperband`` and
the ``Tuner`` base. The search runs on Optuna's samplers and pruners, and every trial lives in a
SQL study store (SQLite in ``directory/project_name`` by default, any SQLAlchemy URL such as
PostgreSQL for many machines) that any number of worker processes share without a chief.
"""

from __future__ import annotations

from dlx_tuner import errors, oracles
from dlx_tuner.errors import FailedTrialError, FatalError
from dlx_tuner.hypermodel import HyperModel
from dlx_tuner.hyperparameters import HyperParameter, HyperParameters
from dlx_tuner.objective import Objective
from dlx_tuner.oracles import Oracle
from dlx_tuner.tuner import BayesianOptimization, GridSearch, Hyperband, RandomSearch, Trial, Tuner

tuners = __import__("types").SimpleNamespace(RandomSearch=RandomSearch, GridSearch=GridSearch,
                                             BayesianOptimization=BayesianOptimization, Hyperband=Hyperband)

__version__ = "0.1.0"

__all__ = ["BayesianOptimization", "FailedTrialError", "FatalError", "GridSearch", "HyperModel", "HyperParameter",
           "HyperParameters", "Hyperband", "Objective", "Oracle", "RandomSearch", "Trial", "Tuner", "errors",
           "oracles", "tuners"]
