"""The dlx plugin hook of dlx-tuner: the built-in search algorithms (oracles).

Imports nothing heavy: each record's ``target`` is imported when a tuner asks for it. Third
parties add algorithms the same way, with a ``dlx_oracles`` hook in their own ``dlx`` entry point.
"""

from __future__ import annotations

from dlx.plugins import OracleRecord, hookimpl


@hookimpl
def dlx_oracles() -> list[OracleRecord]:
    """Advertises random, grid, Bayesian (TPE / GP) and Hyperband search."""
    d = "dlx-tuner"
    return [
        OracleRecord(name="random", target="dlx_tuner.oracles:RandomSearchOracle", distribution=d,
                     description="random sampling (optuna RandomSampler)"),
        OracleRecord(name="grid", target="dlx_tuner.oracles:GridSearchOracle", distribution=d,
                     description="every combination of the declared values (optuna GridSampler)"),
        OracleRecord(name="bayesian", target="dlx_tuner.oracles:BayesianOptimizationOracle",
                     distribution=d, description="model-based search: TPE or a Gaussian process"),
        OracleRecord(name="hyperband", target="dlx_tuner.oracles:HyperbandOracle", distribution=d,
                     description="random sampling with Hyperband early stopping (optuna HyperbandPruner)"),
    ]
