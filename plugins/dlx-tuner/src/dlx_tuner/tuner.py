"""``Tuner`` and the four KerasTuner tuners, on Optuna and the shared study store.

A search is a loop any number of worker processes run at once against one store (no chief):
take back stale trials, claim a free trial slot, build the model with hyperparameters the
oracle's sampler suggests, fit it while a callback reports each epoch's objective (pruning and
the best-epoch checkpoint), then record the score and the checkpoint and close the slot.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid

from dlx_tuner import oracles as oracles_module
from dlx_tuner.errors import FailedTrialError, FatalError
from dlx_tuner.hypermodel import FunctionHyperModel, HyperModel, get_hypermodel
from dlx_tuner.hyperparameters import HyperParameters

_POLICIES = ("retry", "fail")


class ObjectiveNotLoggedError(FatalError, ValueError):
    """The objective is not among the metrics the model logs (stops the search at once)."""


def _objective_error(objective, names, where) -> ObjectiveNotLoggedError:
    return ObjectiveNotLoggedError(
        f"objective {objective.name!r} is not logged by the model: {where} logs {sorted(names)}. Pass one of "
        "those as objective=, or add the metric to compile(metrics=...) (a 'val_' name needs validation data)")


class Trial:
    """One trial: ``trial_id``, ``hyperparameters``, ``score``, ``status``, ``metrics`` (per-epoch
    values by metric name), ``best_step`` and ``message``.

    The tuner creates trials; ``get_trials`` and ``oracle.get_best_trials`` return them.

    Arguments:
        trial_id: the trial's id, its number zero-padded (``"03"``).
        hyperparameters: the trial's :class:`~dlx_tuner.HyperParameters` (their values).
        score: the objective's value (the mean over executions), ``None`` until completed.
        status: ``"RUNNING"``, ``"COMPLETED"``, ``"STOPPED"`` (pruned), ``"FAILED"`` or ``"IDLE"``.
        metrics: the first execution's logged values by metric name, one per epoch (``None``: empty).
        best_step: the epoch at which the objective was best, or ``None``.
        message: why the trial failed, or ``None``.
        number: the trial's number in the store (0-based), or ``None``.
    """

    def __init__(self, trial_id, hyperparameters, score=None, status="RUNNING", metrics=None, best_step=None,
                 message=None, number=None):
        self.trial_id = trial_id
        self.hyperparameters = hyperparameters
        self.score = score
        self.status = status
        self.metrics = metrics or {}
        self.best_step = best_step
        self.message = message
        self.number = number
        self._optuna = None
        self.pruned = False

    def __repr__(self):
        return f"Trial(trial_id={self.trial_id!r}, status={self.status!r}, score={self.score!r})"


_STATUS = {"COMPLETE": "COMPLETED", "PRUNED": "STOPPED", "FAIL": "FAILED", "RUNNING": "RUNNING", "WAITING": "IDLE"}


def _callback_base():
    from dlx.callbacks import Callback

    return Callback


class _TrialCallback(_callback_base()):
    """Reports each epoch's objective to Optuna (pruning), records every epoch's logs in the
    store and saves the best epoch's weights."""

    def __init__(self, tuner, trial, execution, path):
        super().__init__()
        self.tuner, self.trial, self.execution, self.path = tuner, trial, execution, path
        self.best = None
        self.best_step = None

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        obj = self.tuner.oracle.objective
        if obj.name not in logs:
            raise _objective_error(obj, logs, "fit")
        value = float(logs[obj.name])
        ot = self.trial._optuna
        ot.set_user_attr(f"dlx_epoch/{self.execution}/{epoch:05d}",
                         {k: float(v) for k, v in logs.items() if isinstance(v, (int, float)) or hasattr(v, "item")})
        if self.best is None or obj.better_than(value, self.best):
            self.best, self.best_step = value, epoch
            self.model.save_weights(self.path)
            if self.execution == 0 and not getattr(self, "_build_recorded", False):
                config = _build_config(self.model)  # to rebuild a model built by its data
                if config is not None:
                    ot.set_user_attr("dlx_build_config", _jsonable(config))
                self._build_recorded = True
        if self.execution == 0 and not math.isnan(value):
            ot.report(value, epoch)
            if ot.should_prune():
                self.trial.pruned = True
                self.model.stop_training = True


class Tuner:
    """Runs a hyperparameter search (KerasTuner's ``Tuner``).

    Arguments:
        oracle: an :class:`~dlx_tuner.oracles.Oracle`, or the name of an installed one.
        hypermodel: a :class:`HyperModel` or a function ``build_model(hp)`` returning a compiled model.
        max_model_size: trials whose model has more parameters fail without training.
        optimizer, loss, metrics: when given, each model is compiled with them after ``build``.
        directory, project_name: the project folder (``directory/project_name``): the default
            SQLite store and the trials' local checkpoint files.
        overwrite: start over, deleting the stored search (run it from one process only).
        executions_per_trial: models trained per trial; the score is their mean.
        storage: a SQLAlchemy URL for the store (``postgresql+psycopg://...``); default the
            ``DLX_TUNER_STORAGE`` environment variable, else SQLite in the project folder.
        stale_timeout: seconds without a heartbeat after which a running trial's worker counts as
            dead (heartbeats run every quarter of it).
        on_stale_trial: ``"retry"`` re-runs a dead worker's trial with its hyperparameters (up to
            ``max_stale_retries`` times), ``"fail"`` marks it failed.
        pruner: an Optuna pruner (or ``"median"``, ``"successive_halving"``, ``"hyperband"``,
            ``"none"``) replacing the oracle's; it stops bad trials inside ``fit``.
        tuner_id: this worker's name in the store (default host:pid).
        distribution_strategy: must be ``None`` (run several ``search()`` processes against one store
            instead); anything else raises ``ValueError``.
        logger: must be ``None`` (the study store records every trial); anything else raises ``ValueError``.
        max_stale_retries: how many times one trial is re-run after its worker died (with
            ``on_stale_trial="retry"``).
    """

    def __init__(self, oracle=None, hypermodel=None, max_model_size=None, optimizer=None, loss=None, metrics=None,
                 distribution_strategy=None, directory=None, project_name=None, logger=None, tuner_id=None,
                 overwrite=False, executions_per_trial=1, storage=None, stale_timeout=60.0, on_stale_trial="retry",
                 max_stale_retries=2, pruner=None):
        if distribution_strategy is not None:
            raise ValueError(f"distribution_strategy={distribution_strategy!r} is not supported: run several "
                             "search() processes against one store instead")
        if logger is not None:
            raise ValueError(f"logger={logger!r} is not supported: the study store records every trial")
        if isinstance(oracle, str):
            oracle = oracles_module.get(oracle)()
        if not isinstance(oracle, oracles_module.Oracle):
            raise TypeError(f"oracle={oracle!r}; expected a dlx_tuner Oracle or an installed oracle name "
                            f"({sorted(oracles_module.records())})")
        self.oracle = oracle
        self.hypermodel = get_hypermodel(hypermodel)
        if self.hypermodel is None and type(self).run_trial is Tuner.run_trial:
            raise ValueError("hypermodel=None: pass a HyperModel or build_model(hp), or override run_trial")
        if not isinstance(executions_per_trial, int) or executions_per_trial < 1:
            raise ValueError(f"executions_per_trial={executions_per_trial!r}; expected an int >= 1")
        if on_stale_trial not in _POLICIES:
            raise ValueError(f"on_stale_trial={on_stale_trial!r}; expected one of {list(_POLICIES)}")
        if not isinstance(stale_timeout, (int, float)) or stale_timeout <= 0:
            raise ValueError(f"stale_timeout={stale_timeout!r}; expected seconds > 0")
        if max_model_size is not None and (not isinstance(max_model_size, int) or max_model_size < 1):
            raise ValueError(f"max_model_size={max_model_size!r}; expected an int >= 1")
        self.max_model_size = max_model_size
        self.optimizer, self.loss, self.metrics = optimizer, loss, metrics
        self.directory = os.path.abspath(directory or ".")
        self.project_name = project_name or "untitled_project"
        self.executions_per_trial = executions_per_trial
        self.stale_timeout = float(stale_timeout)
        self.on_stale_trial = on_stale_trial
        self.max_stale_retries = max_stale_retries
        self.tuner_id = tuner_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.pruner = _make_pruner(pruner) if pruner is not None else None
        storage = storage or os.environ.get("DLX_TUNER_STORAGE") or None
        self.storage_url = storage or ("sqlite:///" + os.path.join(self.project_dir, "study.db"))
        if overwrite:
            if storage is None:
                shutil.rmtree(self.project_dir, ignore_errors=True)
            else:
                from dlx_tuner.store import Store

                Store.delete(self.storage_url, self.project_name)
                shutil.rmtree(self.project_dir, ignore_errors=True)
        os.makedirs(self.project_dir, exist_ok=True)
        self._store = None
        self._space = None
        oracle._tuner = self

    # -- store ------------------------------------------------------------------------------------------
    @property
    def project_dir(self) -> str:
        return os.path.join(self.directory, self.project_name)

    @property
    def store(self):
        if self._store is None:
            from dlx_tuner.store import Store

            self._store = Store(self.storage_url, self.project_name, self.oracle.objective.direction)
            self._store.check_config(self.oracle.config())
        return self._store

    def _pruner(self):
        return self.pruner if self.pruner is not None else self.oracle.make_pruner()

    def _study(self, sampler=None):
        import optuna

        return optuna.load_study(study_name=self.project_name, storage=self.store.storage, sampler=sampler,
                                 pruner=self._pruner())

    # -- building ---------------------------------------------------------------------------------------
    def _new_hp(self, trial=None) -> HyperParameters:
        hp = HyperParameters()
        hp._trial = trial
        hp._predeclared = self.oracle.hyperparameters
        hp._tune_new_entries = self.oracle.tune_new_entries and getattr(self.hypermodel, "tunable", True)
        hp._allow_new_entries = self.oracle.allow_new_entries
        return hp

    def _build(self, hp):
        model = self.hypermodel.build(hp)
        if model is None:
            raise FailedTrialError(f"{type(self.hypermodel).__name__}.build(hp) returned None")
        if self.optimizer is not None or self.loss is not None or self.metrics is not None:
            model.compile(optimizer=self.optimizer or "rmsprop", loss=self.loss, metrics=self.metrics)
        if self.max_model_size is not None:
            size = model.count_params()
            if size > self.max_model_size:
                raise FailedTrialError(f"oversized model: {size} parameters > max_model_size={self.max_model_size}")
        return model

    def _populate_space(self, fit_args, fit_kwargs):
        """Builds once with default values: the space (for the oracle) and, when the tuner trains
        the standard way, the objective checked against what the model logs before any trial."""
        hp = self._new_hp()
        if self.hypermodel is None:
            return hp.space
        model = self._build(hp)
        standard = (type(self).run_trial is Tuner.run_trial
                    and (type(self.hypermodel).fit is HyperModel.fit
                         or isinstance(self.hypermodel, FunctionHyperModel)))
        if standard:
            names = _probe_logged_names(model, fit_args, fit_kwargs)
            if names is not None and self.oracle.objective.name not in names:
                raise _objective_error(self.oracle.objective, names, "model.fit(...) with these arguments")
        del model
        _clear_session()
        return hp.space

    # -- the search loop ----------------------------------------------------------------------------------
    def search(self, *fit_args, **fit_kwargs):
        """Runs trials until the store holds ``max_trials`` finished ones (counting every worker's).

        Arguments are passed to ``model.fit`` (``verbose`` also sets this method's output). When
        the stored search is already complete, it says so and returns.
        """
        import optuna

        verbose = fit_kwargs.get("verbose", 1)
        if isinstance(self.oracle, oracles_module.HyperbandOracle):
            epochs = fit_kwargs.get("epochs")
            if epochs is not None and epochs != self.oracle.max_epochs:
                raise ValueError(f"search(epochs={epochs}): Hyperband trains every trial for up to max_epochs="
                                 f"{self.oracle.max_epochs} epochs (pruning stops it earlier); leave epochs out")
            fit_kwargs["epochs"] = self.oracle.max_epochs
        store = self.store
        self._space = self._populate_space(fit_args, fit_kwargs)
        n = self.oracle.max_trials
        if n is None:  # grid search without a budget: the whole grid
            n = self.oracle.grid_size(self._space)
        store.ensure_slots(n)
        counts = store.slot_counts(n)
        if counts["free"] == 0 and counts["running"] == 0:
            self._say_complete(n, verbose)
            return
        interval = self.stale_timeout / 4
        consecutive_failures = 0
        self._sampler_stopped = False
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        while True:
            store.reap_stale(self.stale_timeout, self.on_stale_trial, self.max_stale_retries)
            if isinstance(self.oracle, oracles_module.GridSearchOracle) and self.oracle.is_exhausted(
                    self._study(), self.oracle.make_sampler(self._space, None)):
                if verbose:
                    print(f"Search: the grid is exhausted ({self.oracle.grid_size(self._space)} points).")
                break
            if self._sampler_stopped:
                if verbose:
                    print("Search: the sampler has no new point left in the search space.")
                break
            claim = store.claim(n, self.tuner_id)
            if claim is None:
                if store.slot_counts(n)["running"]:
                    time.sleep(interval)  # others are still running: wait to re-run any that die
                    continue
                break
            ok = self._run_one(claim, fit_args, fit_kwargs, interval, verbose)
            consecutive_failures = 0 if ok else consecutive_failures + 1
            if consecutive_failures >= self.oracle.max_consecutive_failed_trials > 0:
                raise RuntimeError(f"{consecutive_failures} consecutive trials failed "
                                   f"(max_consecutive_failed_trials={self.oracle.max_consecutive_failed_trials}); "
                                   "see the trials' messages in results_summary()")
        if verbose:
            best = self.oracle.get_best_trials(1)
            print(f"Search finished: {self._finished_count()} trials in {store.safe_url}"
                  + (f"; best {self.oracle.objective.name} = {best[0].score:.6g}" if best else ""))

    def _finished_count(self) -> int:
        import optuna

        states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        return len(self.store.storage.get_all_trials(self.store.study_id, deepcopy=False, states=states))

    def _say_complete(self, n, verbose):
        best = self.oracle.get_best_trials(1)
        msg = (f"Search already complete: {n} of max_trials={n} trials are finished in {self.store.safe_url} "
               f"(project {self.project_name!r})")
        if best:
            msg += f"; best {self.oracle.objective.name} = {best[0].score:.6g} (trial {best[0].trial_id})"
        msg += ". Raise max_trials to search further, or pass overwrite=True to start over."
        print(msg)

    def _trial_id(self, number) -> str:
        width = max(2, len(str(max((self.oracle.max_trials or 1) - 1, 0))))
        return f"{number:0{width}d}"

    def _create_trial(self, study, slot, attempts, retry_of):
        store = self.store
        if retry_of is not None:
            # the re-run is queued with the failed trial's parameters; whichever worker asks next
            # runs it (in its own slot), so a re-run is never lost even if this worker dies now
            failed = store.storage.get_trial(
                store.storage.get_trial_id_from_study_id_trial_number(store.study_id, retry_of))
            study.enqueue_trial(dict(failed.params), user_attrs={"dlx_retry_of": retry_of})
        ot = study.ask()
        ot.set_user_attr("dlx_slot", slot)
        ot.set_user_attr("dlx_worker", self.tuner_id)
        return ot

    def _run_one(self, claim, fit_args, fit_kwargs, interval, verbose) -> bool:
        import optuna

        from dlx_tuner.store import Heartbeat

        store = self.store
        slot, attempts, retry_of = claim
        seed = self.oracle.seed
        sampler = self.oracle.make_sampler(self._space, None if seed is None else
                                           (seed * 1_000_003 + slot * 7919 + attempts) % 2**32)
        study = self._study(sampler)
        # samplers that run out of points (grid, brute force) call study.stop(), which Optuna
        # allows only inside study.optimize: here it ends this worker's search loop instead
        study.stop = lambda: setattr(self, "_sampler_stopped", True)
        ot = self._create_trial(study, slot, attempts, retry_of)
        if not store.attach(slot, ot.number):  # we were too slow and lost the slot: give the trial up
            study.tell(ot, state=optuna.trial.TrialState.FAIL, skip_if_finished=True)
            return True
        trial = Trial(self._trial_id(ot.number), self._new_hp(ot), number=ot.number)
        trial._optuna = ot
        start = time.time()
        if verbose:
            print(f"\nSearch: Running Trial #{trial.trial_id} (slot {slot}"
                  + (f", re-run of #{self._trial_id(retry_of)}" if retry_of is not None else "") + ")")
        ok = True
        with Heartbeat(store, slot, ot.number, interval) as hb:
            try:
                results = self.run_trial(trial, *fit_args, **fit_kwargs)
                ot.set_user_attr("dlx_hyperparameters", trial.hyperparameters.values)
                if trial.pruned:
                    self._finish(hb, study, ot, optuna.trial.TrialState.PRUNED, None, slot)
                    trial.status = "STOPPED"
                else:
                    score = self._score(results, trial)
                    self._save_checkpoint(trial)
                    trial.score = score
                    self._finish(hb, study, ot, optuna.trial.TrialState.COMPLETE, score, slot)
                    trial.status = "COMPLETED"
            except ObjectiveNotLoggedError:
                self._fail(hb, study, ot, slot, "objective not logged", retry=False)
                raise
            except FatalError as e:
                self._fail(hb, study, ot, slot, f"{type(e).__name__}: {e}", retry=False)
                raise
            except FailedTrialError as e:
                self._fail(hb, study, ot, slot, f"{type(e).__name__}: {e}", retry=False)
                trial.status, ok = "FAILED", False
            except optuna.TrialPruned:
                self._finish(hb, study, ot, optuna.trial.TrialState.PRUNED, None, slot)
                trial.status = "STOPPED"
            except Exception as e:
                import traceback

                traceback.print_exc()
                retry = attempts < self.oracle.max_retries_per_trial
                self._fail(hb, study, ot, slot, f"{type(e).__name__}: {e}", retry=retry, attempts=attempts + 1)
                trial.status, ok = "FAILED", False
            finally:
                _clear_session()
        if verbose:
            elapsed = time.strftime("%Hh %Mm %Ss", time.gmtime(time.time() - start))
            print(f"Trial {trial.trial_id} {trial.status.title()} [{elapsed}]"
                  + (f"\n{self.oracle.objective.name}: {trial.score:.6g}" if trial.score is not None else ""))
            best = self.oracle.get_best_trials(1)
            if best:
                print(f"Best {self.oracle.objective.name} So Far: {best[0].score:.6g}")
        return ok

    def _finish(self, hb, study, ot, state, score, slot):
        if hb.lost:  # another worker took this trial back (we looked dead): its result is not ours to record
            return
        study.tell(ot, score, state=state, skip_if_finished=True)
        self.store.release(slot, ot.number, retry=False)

    def _fail(self, hb, study, ot, slot, message, *, retry, attempts=0):
        import optuna

        if hb.lost:
            return
        ot.set_user_attr("dlx_message", message)
        study.tell(ot, state=optuna.trial.TrialState.FAIL, skip_if_finished=True)
        self.store.release(slot, ot.number, retry=retry, attempts=attempts)

    # -- one trial ------------------------------------------------------------------------------------------
    def _checkpoint_path(self, trial, execution) -> str:
        d = os.path.join(self.project_dir, f"trial_{trial.trial_id}")
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, f"execution_{execution}.weights.h5")

    def run_trial(self, trial, *args, **kwargs):
        """Builds and fits ``executions_per_trial`` models; returns their ``History`` objects.

        Override to train differently: return a float (the score), a dict of metrics or a
        ``History`` (or a list of them, averaged). ``trial.hyperparameters`` draws the values.
        """
        histories = []
        trial._callbacks = []
        for execution in range(self.executions_per_trial):
            copied = dict(kwargs)
            callbacks = list(copied.pop("callbacks", None) or [])
            cb = _TrialCallback(self, trial, execution, self._checkpoint_path(trial, execution))
            trial._callbacks.append(cb)
            model = self._build(trial.hyperparameters)
            history = self.hypermodel.fit(trial.hyperparameters, model, *args, callbacks=[*callbacks, cb], **copied)
            if cb.best is None:  # a fit() override that ignores callbacks: keep the final weights
                model.save_weights(cb.path)
            histories.append(history)
            del model
            if trial.pruned:
                break
        return histories

    def _score(self, results, trial) -> float:
        obj = self.oracle.objective
        items = results if isinstance(results, list) else [results]
        values, best_step = [], None
        for r in items:
            if isinstance(r, (int, float)) and not isinstance(r, bool):
                values.append(float(r))
            elif isinstance(r, dict):
                if obj.name not in r:
                    raise _objective_error(obj, r, "run_trial's result")
                values.append(float(r[obj.name]))
            elif hasattr(r, "history") and isinstance(r.history, dict):
                if obj.name not in r.history:
                    raise _objective_error(obj, r.history, "fit's History")
                series = [float(v) for v in r.history[obj.name]]
                b = obj.best_of(series)
                values.append(b)
                best_step = series.index(b) if best_step is None else best_step
            elif hasattr(r, "item") and getattr(r, "ndim", 1) == 0:
                values.append(float(r))
            else:
                raise TypeError(f"run_trial returned {type(r).__name__} {r!r}; expected a float, a dict of metrics or "
                                "a History (or a list of them)")
        if not values:
            raise TypeError("run_trial returned an empty list")
        trial.best_step = best_step
        if best_step is not None:
            trial._optuna.set_user_attr("dlx_best_step", best_step)
        return sum(values) / len(values)

    def _save_checkpoint(self, trial):
        cbs = [cb for cb in getattr(trial, "_callbacks", ()) if os.path.exists(cb.path)]
        if not cbs:
            return
        obj = self.oracle.objective
        best = cbs[0]
        for cb in cbs[1:]:
            if cb.best is not None and (best.best is None or obj.better_than(cb.best, best.best)):
                best = cb
        self.store.save_checkpoint(trial.number, best.path)

    # -- results --------------------------------------------------------------------------------------------
    def _to_trial(self, ft) -> Trial:
        hp_values = ft.user_attrs.get("dlx_hyperparameters", {})
        hp = HyperParameters.from_config({"space": [h.get_config() for h in (self._space or [])],
                                          "values": hp_values})
        metrics: dict = {}
        for key in sorted(k for k in ft.user_attrs if k.startswith("dlx_epoch/0/")):
            for name, v in ft.user_attrs[key].items():
                metrics.setdefault(name, []).append(v)
        return Trial(self._trial_id(ft.number), hp, score=ft.value, status=_STATUS.get(ft.state.name, ft.state.name),
                     metrics=metrics, best_step=ft.user_attrs.get("dlx_best_step"),
                     message=ft.user_attrs.get("dlx_message"), number=ft.number)

    def get_trials(self) -> list[Trial]:
        """Every trial in the store, in creation order."""
        return [self._to_trial(ft) for ft in self.store.storage.get_all_trials(self.store.study_id)]

    def _best_trials(self, num_trials=1) -> list[Trial]:
        import optuna

        done = self.store.storage.get_all_trials(self.store.study_id, states=(optuna.trial.TrialState.COMPLETE,))
        done = sorted(done, key=lambda t: (-t.value if self.oracle.objective.direction == "max" else t.value, t.number))
        return [self._to_trial(t) for t in done[:num_trials]]

    def get_best_hyperparameters(self, num_trials=1) -> list[HyperParameters]:
        """The hyperparameters of the best ``num_trials`` completed trials, best first."""
        return [t.hyperparameters for t in self._best_trials(num_trials)]

    def get_best_models(self, num_models=1) -> list:
        """The best ``num_models`` models, rebuilt and loaded with their best-epoch weights."""
        return [self.load_model(t) for t in self._best_trials(num_models)]

    def load_model(self, trial) -> object:
        """The model of ``trial`` (a :class:`Trial`), rebuilt and loaded with its checkpoint."""
        data = self.store.load_checkpoint(trial.number)
        if data is None:
            raise ValueError(f"trial {trial.trial_id} has no checkpoint in the store (run_trial was overridden and "
                             "did not train through the tuner); rebuild it from get_best_hyperparameters()")
        model = self._build(trial.hyperparameters)
        if not model.built:
            config = self.store.storage.get_trial(self.store.storage.get_trial_id_from_study_id_trial_number(
                self.store.study_id, trial.number)).user_attrs.get("dlx_build_config")
            if config is not None:
                model.build_from_config(config)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "best.weights.h5")
            with open(path, "wb") as f:
                f.write(data)
            model.load_weights(path)
        return model

    def results_summary(self, num_trials=10) -> None:
        """Prints the best ``num_trials`` trials: hyperparameters and score."""
        print("Results summary")
        print(f"Results in {self.project_dir} (store {self.store.safe_url})")
        print(f"Showing {num_trials} best trials")
        print(self.oracle.objective)
        for t in self._best_trials(num_trials):
            print(f"\nTrial {t.trial_id} summary")
            print("Hyperparameters:")
            for k, v in t.hyperparameters.values.items():
                print(f"{k}: {v}")
            print(f"Score: {t.score}")

    def search_space_summary(self, extended=False) -> None:
        """Prints the declared hyperparameters (known after a first build)."""
        space = self._space if self._space is not None else self._new_hp().space if self.hypermodel is None else \
            self._build_space_only()
        print("Search space summary")
        print(f"Default search space size: {len(space)}")
        for hp in space:
            print(f"{hp.name} ({hp.kind.title()})")
            print(hp.get_config())

    def _build_space_only(self):
        hp = self._new_hp()
        self._build(hp)
        _clear_session()
        self._space = hp.space
        return self._space

    @property
    def executions(self):
        return self.executions_per_trial


def _build_config(model):
    config = model.get_build_config()
    if config is None and len(getattr(model, "inputs", None) or ()) == 1:
        config = {"input_shape": list(model.inputs[0].shape)}  # Sequential built from data
    return config


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and getattr(x, "ndim", 1) == 0:
        return x.item()
    return x


def _clear_session():
    import dlx

    dlx.utils.clear_session()
    jax = sys.modules.get("jax")
    if jax is not None and hasattr(jax, "clear_caches"):
        # every trial's model has new shapes, so its compiled steps are never reused; jax keeps
        # them (and their device buffers) in its jit caches until told otherwise
        jax.clear_caches()
    gc.collect()


def _make_pruner(pruner):
    import optuna

    if isinstance(pruner, optuna.pruners.BasePruner):
        return pruner
    table = {"none": optuna.pruners.NopPruner, "median": optuna.pruners.MedianPruner,
             "successive_halving": optuna.pruners.SuccessiveHalvingPruner,
             "hyperband": optuna.pruners.HyperbandPruner}
    if pruner not in table:
        raise ValueError(f"pruner={pruner!r}; expected an optuna pruner or one of {sorted(table)}")
    return table[pruner]()


def _probe_logged_names(model, fit_args, fit_kwargs):
    """The log names ``fit`` will produce, from ``evaluate`` on the first rows of array data;
    ``None`` when the data is not arrays (the first epoch checks instead)."""
    x = fit_args[0] if fit_args else fit_kwargs.get("x")
    y = fit_args[1] if len(fit_args) > 1 else fit_kwargs.get("y")

    def head(a):
        if isinstance(a, dict):
            return {k: head(v) for k, v in a.items()}
        if isinstance(a, (list, tuple)):
            return type(a)(head(v) for v in a)
        return a[:8]

    def arrayish(a):
        if isinstance(a, dict):
            return all(arrayish(v) for v in a.values())
        if isinstance(a, (list, tuple)):
            return len(a) > 0 and all(arrayish(v) for v in a)
        return hasattr(a, "shape") and hasattr(a, "__getitem__") and len(getattr(a, "shape", ())) > 0

    if x is None or not arrayish(x) or (y is not None and not arrayish(y)):
        return None
    with contextlib.redirect_stdout(sys.stderr):
        logs = model.evaluate(head(x), None if y is None else head(y), verbose=0, return_dict=True)
    names = list(logs)
    has_val = fit_kwargs.get("validation_data") is not None or (fit_kwargs.get("validation_split") or 0) > 0
    return names + [f"val_{k}" for k in names] if has_val else names


# -- the KerasTuner tuners ----------------------------------------------------------------------------------
_ORACLE_KW = ("seed", "hyperparameters", "tune_new_entries", "allow_new_entries", "max_retries_per_trial",
              "max_consecutive_failed_trials")


def _split(kwargs):
    return {k: kwargs.pop(k) for k in _ORACLE_KW if k in kwargs}, kwargs


class RandomSearch(Tuner):
    """Random search (KerasTuner's ``RandomSearch``): ``max_trials`` independent draws.

    Arguments:
        hypermodel: a :class:`~dlx_tuner.HyperModel` or a function ``build_model(hp)`` returning a
            compiled model.
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_trials: how many trials the search runs, across every worker sharing the store.
        **kwargs: the oracle's ``seed``, ``hyperparameters``, ``allow_new_entries``,
            ``tune_new_entries``, ``max_retries_per_trial`` and ``max_consecutive_failed_trials`` (see
            :class:`~dlx_tuner.Oracle`), and the :class:`~dlx_tuner.Tuner` arguments (``directory``,
            ``project_name``, ``overwrite``, ``executions_per_trial``, ``storage``, ``pruner``,
            ``optimizer``, ``loss``, ``metrics``, ``max_model_size``...).

    Raises:
        ValueError: for an objective whose direction cannot be inferred, or an argument out of range
            (each names the argument).
        TypeError: for a ``hypermodel`` that is neither a ``HyperModel`` nor callable.
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, **kwargs):
        okw, kwargs = _split(kwargs)
        super().__init__(oracles_module.RandomSearchOracle(objective=objective, max_trials=max_trials, **okw),
                         hypermodel, **kwargs)


class GridSearch(Tuner):
    """Grid search (KerasTuner's ``GridSearch``): every combination, stopping when exhausted.

    Arguments:
        hypermodel: a :class:`~dlx_tuner.HyperModel` or a function ``build_model(hp)`` returning a
            compiled model.
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_trials: at most this many trials (``None``: the whole grid).
        **kwargs: the oracle's ``seed``, ``hyperparameters``, ``allow_new_entries``,
            ``tune_new_entries``, ``max_retries_per_trial`` and ``max_consecutive_failed_trials`` (see
            :class:`~dlx_tuner.Oracle`), and the :class:`~dlx_tuner.Tuner` arguments (``directory``,
            ``project_name``, ``overwrite``, ``executions_per_trial``, ``storage``, ``pruner``,
            ``optimizer``, ``loss``, ``metrics``, ``max_model_size``...).

    Raises:
        ValueError: for an objective whose direction cannot be inferred, or an argument out of range
            (each names the argument).
        TypeError: for a ``hypermodel`` that is neither a ``HyperModel`` nor callable.
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=None, **kwargs):
        okw, kwargs = _split(kwargs)
        super().__init__(oracles_module.GridSearchOracle(objective=objective, max_trials=max_trials, **okw),
                         hypermodel, **kwargs)


class BayesianOptimization(Tuner):
    """Bayesian optimization (KerasTuner's ``BayesianOptimization``) on Optuna's TPE
    (``sampler="tpe"``, default) or Gaussian-process (``sampler="gp"``) sampler.

    Arguments:
        hypermodel: a :class:`~dlx_tuner.HyperModel` or a function ``build_model(hp)`` returning a
            compiled model.
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_trials: how many trials the search runs, across every worker sharing the store.
        num_initial_points: trials drawn from a Latin hypercube before the model is used (``None``:
            ``max(3 * dims, 3)`` for ``dims`` tuned hyperparameters).
        sampler: ``"tpe"`` (Optuna's ``TPESampler``) or ``"gp"`` (Optuna's ``GPSampler``; needs torch
            and scipy).
        **kwargs: the oracle's ``seed``, ``hyperparameters``, ``allow_new_entries``,
            ``tune_new_entries``, ``max_retries_per_trial`` and ``max_consecutive_failed_trials`` (see
            :class:`~dlx_tuner.Oracle`), and the :class:`~dlx_tuner.Tuner` arguments (``directory``,
            ``project_name``, ``overwrite``, ``executions_per_trial``, ``storage``, ``pruner``,
            ``optimizer``, ``loss``, ``metrics``, ``max_model_size``...).

    Raises:
        ValueError: for an objective whose direction cannot be inferred, or an argument out of range
            (each names the argument).
        TypeError: for a ``hypermodel`` that is neither a ``HyperModel`` nor callable.
        ImportError: for ``sampler="gp"`` without torch or scipy.
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None, sampler="tpe",
                 **kwargs):
        okw, kwargs = _split(kwargs)
        super().__init__(oracles_module.BayesianOptimizationOracle(
            objective=objective, max_trials=max_trials, num_initial_points=num_initial_points, sampler=sampler,
            **okw), hypermodel, **kwargs)


class Hyperband(Tuner):
    """Hyperband (KerasTuner's ``Hyperband``): random configurations, stopped early by Optuna's
    ``HyperbandPruner`` at ``max_epochs / factor**k`` epochs.

    Every trial's ``fit`` runs with ``epochs=max_epochs`` (passing another ``epochs`` to ``search``
    raises ``ValueError``).

    Arguments:
        hypermodel: a :class:`~dlx_tuner.HyperModel` or a function ``build_model(hp)`` returning a
            compiled model.
        objective: the metric to optimize: a log name (``"val_accuracy"``; whether to minimize or
            maximize it is inferred from the name), an :class:`~dlx_tuner.Objective`, or ``None``
            (``"val_loss"``, minimized).
        max_epochs: the epochs of a trial that is never stopped (an int of at least 1).
        factor: the reduction factor of the successive-halving brackets (an int of at least 2).
        hyperband_iterations: how many times KerasTuner's Hyperband would run its brackets; sets the
            default ``max_trials`` (an int of at least 1).
        max_trials: how many trials the search runs (``None``: as many configurations as KerasTuner's
            Hyperband would try in ``hyperband_iterations`` iterations).
        **kwargs: the oracle's ``seed``, ``hyperparameters``, ``allow_new_entries``,
            ``tune_new_entries``, ``max_retries_per_trial`` and ``max_consecutive_failed_trials`` (see
            :class:`~dlx_tuner.Oracle`), and the :class:`~dlx_tuner.Tuner` arguments (``directory``,
            ``project_name``, ``overwrite``, ``executions_per_trial``, ``storage``, ``pruner``,
            ``optimizer``, ``loss``, ``metrics``, ``max_model_size``...).

    Raises:
        ValueError: for an objective whose direction cannot be inferred, or an argument out of range
            (each names the argument).
        TypeError: for a ``hypermodel`` that is neither a ``HyperModel`` nor callable.
    """

    def __init__(self, hypermodel=None, objective=None, max_epochs=100, factor=3, hyperband_iterations=1,
                 max_trials=None, **kwargs):
        okw, kwargs = _split(kwargs)
        super().__init__(oracles_module.HyperbandOracle(
            objective=objective, max_epochs=max_epochs, factor=factor, hyperband_iterations=hyperband_iterations,
            max_trials=max_trials, **okw), hypermodel, **kwargs)
