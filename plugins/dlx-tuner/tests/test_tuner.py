"""Tuners in one process on the NumPy backend: KerasTuner's flow, scores, resume, errors, the hook."""

import math

import numpy as np
import optuna
import pytest
from sklearn.datasets import load_digits

import dlx
import dlx_tuner as kt


@pytest.fixture(autouse=True)
def numpy_backend():
    with dlx.backend.use("numpy") as b:
        yield b


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return x[:300], y[:300], x[300:450], y[300:450]


def build_model(hp):
    model = dlx.Sequential([
        dlx.Input((64,)),
        dlx.layers.Dense(hp.Int("units", 8, 32, step=8), activation=hp.Choice("activation", ["relu", "tanh"])),
        dlx.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=dlx.optimizers.Adam(hp.Float("lr", 1e-3, 3e-2, sampling="log")),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _trials(tuner, state=None):
    trials = tuner.store.storage.get_all_trials(tuner.store.study_id)
    return [t for t in trials if state is None or t.state == state]


def test_random_search_flow_and_best_model_matches_score(tmp_path, digits, capsys):
    x, y, xv, yv = digits
    build_model(kt.HyperParameters())  # KerasTuner's getting-started check
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=3, seed=3,
                            directory=tmp_path, project_name="rs")
    tuner.search(x, y, epochs=2, validation_data=(xv, yv), verbose=0)
    done = _trials(tuner, optuna.trial.TrialState.COMPLETE)
    assert len(done) == 3
    assert len({tuple(sorted(t.params.items())) for t in done}) == 3  # sampled, not defaults
    best_trial = tuner.oracle.get_best_trials(1)[0]
    assert best_trial.score == max(t.value for t in done)
    assert best_trial.status == "COMPLETED"
    # every epoch's logs are in the store; the score is the best epoch's objective
    assert len(best_trial.metrics["val_accuracy"]) == 2
    assert best_trial.score == max(best_trial.metrics["val_accuracy"])
    assert best_trial.best_step == int(np.argmax(best_trial.metrics["val_accuracy"]))
    hps = tuner.get_best_hyperparameters()[0]
    assert set(hps.values) == {"units", "activation", "lr"}
    assert hps.values["units"] in (8, 16, 24, 32)
    model = tuner.get_best_models()[0]
    logs = model.evaluate(xv, yv, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(best_trial.score, abs=1e-6)
    capsys.readouterr()
    tuner.results_summary(2)
    out = capsys.readouterr().out
    assert 'Objective(name="val_accuracy", direction="max")' in out and f"Trial {best_trial.trial_id} summary" in out
    # a finished search says so and runs nothing
    tuner.search(x, y, epochs=2, validation_data=(xv, yv), verbose=0)
    assert "Search already complete: 3 of max_trials=3" in capsys.readouterr().out
    assert len(_trials(tuner)) == 3
    # resuming with a larger budget keeps the trials and runs only the new ones
    more = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=5, seed=3,
                           directory=tmp_path, project_name="rs")
    more.search(x, y, epochs=1, validation_data=(xv, yv), verbose=0)
    assert len(_trials(more, optuna.trial.TrialState.COMPLETE)) == 5
    assert more.oracle.get_best_trials(1)[0].score >= best_trial.score
    # overwrite starts over
    fresh = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=1, directory=tmp_path,
                            project_name="rs", overwrite=True)
    assert _trials(fresh) == []


def test_unknown_objective_fails_before_the_first_trial(tmp_path, digits):
    x, y, xv, yv = digits
    tuner = kt.RandomSearch(build_model, objective="val_auc", max_trials=2, directory=tmp_path, project_name="bad")
    with pytest.raises(ValueError, match=r"'val_auc' is not logged.*\['accuracy', 'loss', 'val_accuracy', 'val_loss'\]"):
        tuner.search(x, y, epochs=1, validation_data=(xv, yv), verbose=0)
    assert _trials(tuner) == []
    # val_ names need validation data
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=2, directory=tmp_path, project_name="b2")
    with pytest.raises(ValueError, match=r"logs \['accuracy', 'loss'\]"):
        tuner.search(x, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="cannot infer whether to minimize or maximize"):
        kt.RandomSearch(build_model, objective="my_score", directory=tmp_path)


def test_objective_checked_at_the_first_epoch_when_data_is_not_arrays(tmp_path, digits):
    x, y, xv, yv = digits

    class Model(kt.HyperModel):
        def build(self, hp):
            return build_model(hp)

        def fit(self, hp, model, *args, **kwargs):  # custom fit: no static probe
            return model.fit(*args, **kwargs)

    tuner = kt.RandomSearch(Model(), objective=kt.Objective("val_mse", "min"), max_trials=3,
                            directory=tmp_path, project_name="p")
    with pytest.raises(ValueError, match=r"'val_mse' is not logged by the model: fit logs \['accuracy', 'loss'"):
        tuner.search(x, y, epochs=3, validation_data=(xv, yv), verbose=0)
    states = [t.state for t in _trials(tuner)]
    assert states == [optuna.trial.TrialState.FAIL]  # stopped at the first trial's first epoch


def test_run_trial_results_float_dict_history(tmp_path, digits):
    x, y, xv, yv = digits

    class FloatTuner(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            a = hp.Float("a", -2.0, 2.0)
            return (a - 0.5) ** 2

    t = FloatTuner(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("score", "min"), max_trials=6, seed=0),
                   directory=tmp_path, project_name="f")
    t.search(verbose=0)
    done = _trials(t, optuna.trial.TrialState.COMPLETE)
    assert len(done) == 6
    for ft in done:
        assert ft.value == pytest.approx((ft.params["a"] - 0.5) ** 2)
    best = t.get_best_hyperparameters()[0].values["a"]
    assert (best - 0.5) ** 2 == min(ft.value for ft in done)

    class DictTuner(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            return {"loss": trial.hyperparameters.Float("a", 0.0, 1.0), "other": 1.0}

    t = DictTuner(oracle=kt.oracles.RandomSearchOracle(objective="loss", max_trials=2), directory=tmp_path,
                  project_name="d")
    t.search(verbose=0)
    assert all(ft.value == ft.params["a"] for ft in _trials(t))

    class MissingKey(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            return {"other": 1.0}

    t = MissingKey(oracle=kt.oracles.RandomSearchOracle(objective="loss", max_trials=2), directory=tmp_path,
                   project_name="m")
    with pytest.raises(ValueError, match=r"'loss' is not logged by the model: run_trial's result logs \['other'\]"):
        t.search(verbose=0)

    class HistoryTuner(kt.Tuner):
        def run_trial(self, trial, x, y, **kwargs):
            model = self.hypermodel.build(trial.hyperparameters)
            return model.fit(x, y, **kwargs)

    t = HistoryTuner(oracle=kt.oracles.RandomSearchOracle(objective="val_loss", max_trials=1), hypermodel=build_model,
                     directory=tmp_path, project_name="h")
    t.search(x, y, epochs=2, validation_data=(xv, yv), verbose=0)
    (ft,) = _trials(t)
    assert ft.state == optuna.trial.TrialState.COMPLETE and math.isfinite(ft.value)
    with pytest.raises(ValueError, match="has no checkpoint"):
        t.get_best_models()


def test_executions_per_trial_average_the_best_epochs(tmp_path, digits):
    x, y, xv, yv = digits
    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=1, executions_per_trial=2,
                            directory=tmp_path, project_name="e")
    tuner.search(x, y, epochs=2, validation_data=(xv, yv), verbose=0)
    (ft,) = _trials(tuner)
    per_exec = [[ft.user_attrs[f"dlx_epoch/{e}/{k:05d}"]["val_loss"] for k in range(2)] for e in range(2)]
    assert ft.value == pytest.approx((min(per_exec[0]) + min(per_exec[1])) / 2)


def test_grid_search_runs_every_point_once(tmp_path, digits, capsys):
    x, y, xv, yv = digits

    def build(hp):
        hp.Choice("activation", ["relu", "tanh"])
        hp.Boolean("bias")
        hp.Fixed("units", 8)
        model = dlx.Sequential([dlx.Input((64,)), dlx.layers.Dense(10, activation="softmax",
                                                                    use_bias=hp["bias"])])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    tuner = kt.GridSearch(build, objective="val_accuracy", max_trials=10, directory=tmp_path, project_name="g")
    tuner.search(x, y, epochs=1, validation_data=(xv, yv), verbose=1)
    points = {(t.params["activation"], t.params["bias"]) for t in _trials(tuner, optuna.trial.TrialState.COMPLETE)}
    assert points == {("relu", False), ("relu", True), ("tanh", False), ("tanh", True)}
    assert len(_trials(tuner)) == 4
    assert "grid is exhausted (4 points)" in capsys.readouterr().out
    assert all(t.user_attrs["dlx_hyperparameters"]["units"] == 8 for t in _trials(tuner))


def test_bayesian_tpe_and_gp_run_and_use_the_model(tmp_path):
    class Quad(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            return (hp.Float("a", -3.0, 3.0) - 1.0) ** 2 + (hp.Float("b", -3.0, 3.0) + 0.5) ** 2

    for sampler, n in (("tpe", 14), ("gp", 8)):
        t = Quad(oracle=kt.oracles.BayesianOptimizationOracle(objective=kt.Objective("q", "min"), max_trials=n,
                                                              num_initial_points=4, sampler=sampler, seed=1),
                 directory=tmp_path, project_name=sampler)
        t.search(verbose=0)
        values = [ft.value for ft in _trials(t)]
        assert len(values) == n
        # the model-guided half beats the random start (random-search median on this bowl is ~5)
        assert min(values[4:]) < min(values[:4]) and min(values) < 0.5, (sampler, values)


def test_pruning_stops_fit_inside_the_epoch_loop(tmp_path, digits):
    x, y, xv, yv = digits
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=2, directory=tmp_path,
                            project_name="pr", pruner=optuna.pruners.ThresholdPruner(lower=0.999))
    tuner.search(x, y, epochs=4, validation_data=(xv, yv), verbose=0)
    for ft in _trials(tuner):
        assert ft.state == optuna.trial.TrialState.PRUNED
        assert list(ft.intermediate_values) == [0]  # fit stopped after the first epoch of 4
        assert [k for k in ft.user_attrs if k.startswith("dlx_epoch/")] == ["dlx_epoch/0/00000"]


def test_hyperband(tmp_path, digits):
    x, y, xv, yv = digits
    assert kt.oracles.HyperbandOracle(objective="val_loss", max_epochs=10, factor=3).max_trials == 9 + 5 + 3
    tuner = kt.Hyperband(build_model, objective="val_accuracy", max_epochs=4, factor=2, max_trials=5, seed=0,
                         directory=tmp_path, project_name="hb")
    with pytest.raises(ValueError, match="Hyperband trains every trial for up to max_epochs=4"):
        tuner.search(x, y, epochs=2, validation_data=(xv, yv), verbose=0)
    tuner.search(x, y, validation_data=(xv, yv), verbose=0)
    trials = _trials(tuner)
    assert len(trials) == 5
    for ft in trials:
        assert ft.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        n = len(ft.intermediate_values)
        assert n == 4 if ft.state == optuna.trial.TrialState.COMPLETE else n < 4


def test_failures_retries_and_consecutive_limit(tmp_path):
    calls = []

    class Flaky(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            a = trial.hyperparameters.Float("a", 0.0, 1.0)
            calls.append(a)
            if len(calls) == 1:
                raise RuntimeError("transient")
            if len(calls) == 3:
                raise kt.FailedTrialError("bad configuration")
            return a

    t = Flaky(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("a", "min"), max_trials=3,
                                                   max_retries_per_trial=1), directory=tmp_path, project_name="fl")
    t.search(verbose=0)
    assert calls[0] == calls[1]  # the retry re-ran the same hyperparameters
    states = [ft.state.name for ft in _trials(t)]
    assert states == ["FAIL", "COMPLETE", "FAIL", "COMPLETE"]
    assert _trials(t)[2].user_attrs["dlx_message"] == "FailedTrialError: bad configuration"

    class Broken(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            trial.hyperparameters.Float("a", 0.0, 1.0)
            raise ZeroDivisionError("always")

    t = Broken(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("a", "min"), max_trials=10,
                                                    max_consecutive_failed_trials=2), directory=tmp_path,
               project_name="br")
    with pytest.raises(RuntimeError, match="2 consecutive trials failed"):
        t.search(verbose=0)

    class Fatal(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            raise kt.FatalError("stop now")

    t = Fatal(oracle=kt.oracles.RandomSearchOracle(objective="loss", max_trials=5), directory=tmp_path, project_name="ft")
    with pytest.raises(kt.FatalError, match="stop now"):
        t.search(verbose=0)
    assert len(_trials(t)) == 1


def test_resume_with_another_configuration_is_refused(tmp_path):
    class T(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            return trial.hyperparameters.Float("a", 0.0, 1.0)

    T(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("a", "min"), max_trials=1), directory=tmp_path,
      project_name="c").search(verbose=0)
    with pytest.raises(ValueError, match=r"was made with .*'direction': 'min'.*pass overwrite=True"):
        T(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("a", "max"), max_trials=1), directory=tmp_path,
          project_name="c").search(verbose=0)


def test_unsupported_arguments_are_named(tmp_path):
    with pytest.raises(TypeError, match="alpha"):
        kt.BayesianOptimization(build_model, objective="val_loss", alpha=1e-3, directory=tmp_path)
    with pytest.raises(ValueError, match="distribution_strategy"):
        kt.RandomSearch(build_model, objective="val_loss", distribution_strategy=object(), directory=tmp_path)
    with pytest.raises(ValueError, match="on_stale_trial='ignore'"):
        kt.RandomSearch(build_model, objective="val_loss", on_stale_trial="ignore", directory=tmp_path)
    with pytest.raises(ValueError, match=r"oracle='nope' is not installed; installed oracles: \['bayesian', 'grid'"):
        kt.Tuner(oracle="nope", hypermodel=build_model, directory=tmp_path)


class _LowestFirst(kt.Oracle):
    """A third-party oracle: Optuna's brute-force sampler (every point of a small discrete space)."""

    name = "bruteforce"

    def make_sampler(self, space, seed):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.BruteForceSampler(seed=seed)


class _Plugin:
    @dlx.plugins.hookimpl
    def dlx_oracles(self):
        return [dlx.plugins.OracleRecord(name="bruteforce", target=f"{__name__}:_LowestFirst")]


def test_third_party_oracle_through_the_hook(tmp_path):
    import sys

    from dlx.plugins import manager

    sys.modules.setdefault(__name__, sys.modules[_LowestFirst.__module__])
    pm = manager.plugin_manager()
    plugin = _Plugin()
    pm.register(plugin, name="test-bruteforce")
    try:
        assert "bruteforce" in kt.oracles.records()

        class T(kt.Tuner):
            def run_trial(self, trial, *args, **kwargs):
                return trial.hyperparameters.Int("k", 0, 3)

        t = T(oracle="bruteforce", directory=tmp_path, project_name="bf")
        assert isinstance(t.oracle, _LowestFirst) and t.oracle.max_trials == 10
        t.oracle.max_trials = 4
        t.oracle.objective = kt.Objective("k", "min")
        t.search(verbose=0)
        assert sorted(ft.params["k"] for ft in _trials(t)) == [0, 1, 2, 3]  # brute force: each once
    finally:
        pm.unregister(plugin)


def test_storage_url_from_the_environment(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("DLX_TUNER_STORAGE", url)

    class T(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            return trial.hyperparameters.Float("a", 0.0, 1.0)

    t = T(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("a", "min"), max_trials=2),
          directory=tmp_path, project_name="env")
    assert t.storage_url == url
    t.search(verbose=0)
    assert (tmp_path / "env.db").exists() and not (tmp_path / "env" / "study.db").exists()
    storage = optuna.storages.RDBStorage(url)
    assert len(optuna.load_study(study_name="env", storage=storage).trials) == 2
    storage.remove_session()
    storage.engine.dispose()


def test_predeclared_hyperparameters_and_tune_new_entries(tmp_path):
    class T(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            return hp.Int("units", 1, 100) + hp.Float("lr", 0.1, 0.9)

    pre = kt.HyperParameters()
    pre.Fixed("units", 7)
    t = T(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("s", "min"), max_trials=3, hyperparameters=pre,
                                               tune_new_entries=False), directory=tmp_path, project_name="pre")
    t.search(verbose=0)
    for ft in _trials(t):
        assert ft.user_attrs["dlx_hyperparameters"] == {"units": 7, "lr": 0.1}  # pinned; new entry at its default
        assert ft.value == pytest.approx(7.1)

    pre = kt.HyperParameters()
    pre.Int("units", 10, 12)  # overrides the build function's range
    t = T(oracle=kt.oracles.RandomSearchOracle(objective=kt.Objective("s", "min"), max_trials=4, hyperparameters=pre,
                                               allow_new_entries=False, seed=0), directory=tmp_path, project_name="pre2")
    with pytest.raises(ValueError, match="'lr' is not among the tuner's hyperparameters"):
        t.search(verbose=0)
