"""The :class:`Trainer` mixin: ``compile``/``fit``/``evaluate``/``predict`` for dlx models.

The training step is one pure function ``train_step(state, data) -> (logs, state)`` (Keras's JAX
order) with
``state = (trainable, non_trainable, optimizer, metrics)`` value lists, built from
``model.stateless_call``, the backend's ``value_and_grad``, ``optimizer.stateless_apply`` and
``metric.stateless_update_state``. It is compiled once by the backend (``donate_argnums=0``), and
each call runs ``steps_per_execution`` steps. The model's, optimizer's and metrics' variables are
written from the state only at epoch ends (and around batch callbacks that need them).

A subclass may override ``train_step(self, state, data)`` (pure, compiled) or define the
stateful ``train_step(self, data) -> logs`` (run eagerly, updating variables itself), and
likewise ``test_step`` / ``predict_step``.
"""

from __future__ import annotations

import contextlib
import inspect

import numpy as np

from dlx import config, ops
from dlx import optimizers as optimizers_module
from dlx import tree_util as tree
from dlx.backend import registry
from dlx.backend.contract import compile_function
from dlx.distribution import engine as distribution_engine
from dlx.metrics import Mean
from dlx.trainers._predict_batch import PREDICT_BATCH_ROWS as _PREDICT_BATCH_ROWS
from dlx.trainers._predict_batch import default_predict_batch_size as _default_predict_batch_size
from dlx.trainers.compile_utils import CompileLoss, CompileMetrics, compile_config
from dlx.trainers.data_adapters import pack_x_y_sample_weight, train_validation_split, unpack_x_y_sample_weight
from dlx.trainers.data_adapters.data_adapter import to_numpy_leaf
from dlx.trainers.epoch_iterator import EpochIterator
from dlx.trainers.state_sync import StateSync, _copy
from dlx.variables import StatelessScope

_backend = registry.current  # the active backend (selected on first use)


def pythonify_logs(logs) -> dict:
    """Logs with Python floats (0-d) or lists (arrays) as values; a nested dict (a train step that
    returns ``compile_metrics``'s result under its name) is merged in, as Keras."""
    out = {}
    for k, v in (logs or {}).items():
        if isinstance(v, dict):
            out.update(pythonify_logs(v))
        elif isinstance(v, (int, float, str)) or v is None:
            out[k] = v
        else:
            out[k] = float(v) if np.ndim(v) == 0 else np.asarray(v).tolist()
    return out


def _ordered(logs, names):
    """``logs`` with ``names`` first, in order (compiled functions may return dicts with sorted keys)."""
    if not isinstance(logs, dict):
        return logs
    out = {k: logs[k] for k in names if k in logs}
    out.update((k, v) for k, v in logs.items() if k not in out)
    return out


def _merged_logs(results, names):
    """Logs from ``(metric name, result)`` pairs; a dict result (``compile_metrics``) is merged in."""
    logs = {}
    for name, result in results:
        logs.update(result if isinstance(result, dict) else {name: result})
    return _ordered(logs, names)


_STATEFUL_STEP: dict = {}


def _is_stateful_step(method) -> bool:
    """``train_step(self, data)`` (stateful) versus ``train_step(self, state, data)`` (pure)."""
    fn = getattr(method, "__func__", None)
    hit = _STATEFUL_STEP.get(fn) if fn is not None else None
    if hit is not None:
        return hit
    params = [p for p in inspect.signature(method).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    out = len(params) == 1
    if fn is not None:
        _STATEFUL_STEP[fn] = out
    return out


def _takes_training(method) -> bool:
    """Whether an (overridden) ``compute_loss`` accepts ``training`` (by name or ``**kwargs``)."""
    try:
        params = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "training" or p.kind is p.VAR_KEYWORD for p in params)


def _first_dim(x):
    from dlx.losses.loss import batch_size_of

    return batch_size_of(tree.leaves(x)[0])


class Trainer(StateSync):
    """Adds Keras-style training to a model exposing ``stateless_call``,
    ``trainable_variables`` and ``non_trainable_variables``."""

    compiled = False
    train_function = None
    test_function = None
    predict_function = None
    steps_per_execution = 1
    run_eagerly = False
    jit_compile = "auto"
    stop_training = False

    # -- compile ------------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configures training.

        Arguments:
            optimizer: an optimizer name or :class:`~dlx.optimizers.Optimizer`.
            loss: a loss (name, function or :class:`~dlx.losses.Loss`), or a list / dict (by
                output name) of losses for multi-output models.
            loss_weights: per-output loss weights (list or dict).
            metrics: metrics evaluated without sample weights (a list, list of lists or dict).
            weighted_metrics: metrics evaluated with ``sample_weight`` / ``class_weight``.
            run_eagerly: run steps as plain Python (no compilation; for debugging).
            steps_per_execution: steps run by one call of the compiled function.
            jit_compile: ``True``, ``False`` or ``"auto"`` (jit where it pays off on the backend).
            auto_scale_loss: wrap the optimizer in a LossScaleOptimizer under ``mixed_float16``.
        """
        given = opt = optimizers_module.get(optimizer)
        policy = getattr(getattr(self, "dtype_policy", None), "name", None)
        if auto_scale_loss and policy == "mixed_float16" and not isinstance(opt, optimizers_module.LossScaleOptimizer):
            opt = optimizers_module.LossScaleOptimizer(opt, name="loss_scale_optimizer")
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(f"compile: steps_per_execution={steps_per_execution!r}; expected an int >= 1")
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"compile: jit_compile={jit_compile!r}; expected True, False or 'auto'")
        names = getattr(self, "output_names", None)
        self.optimizer = opt
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights, names) if loss is not None else None
        self._compile_metrics = (CompileMetrics(metrics, weighted_metrics, names)  # None without any, as Keras
                                 if metrics is not None or weighted_metrics is not None else None)
        self._loss_tracker = Mean(name="loss")
        self._output_loss_trackers: list = []
        self.run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self.compiled = True
        self.stop_training = False
        self._trainer_built = False
        self._compile_args = {"optimizer": given, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                              "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
                              "steps_per_execution": steps_per_execution, "jit_compile": jit_compile}
        self._reset_functions()

    def get_compile_config(self) -> dict | None:  # serialized when asked, as Keras (compile() serializes nothing)
        args = getattr(self, "_compile_args", None)
        return None if args is None else compile_config(args)

    def compile_from_config(self, config: dict) -> None:  # Keras's hook, called when a saved model loads
        from dlx.saving import saving_lib
        saving_lib.compile_model_from_config(self, config)

    def _reset_functions(self):
        self.train_function = None
        self.test_function = None
        self.predict_function = None

    def _assert_compiled(self, what):
        if not getattr(self, "compiled", False):
            raise RuntimeError(f"You must call compile() before {what}() (the model has no optimizer/loss yet)")

    def _resolve_jit(self) -> bool:
        # layers computed on the host (string / lookup preprocessing) cannot be traced
        flatten = getattr(self, "_flatten_layers", None)
        if flatten is not None and any(not getattr(layer, "supports_jit", True) for layer in flatten()):
            return False
        if self.jit_compile != "auto":
            return bool(self.jit_compile)
        b = _backend()
        if b.auto_jit_compile is not None:
            return bool(b.auto_jit_compile)
        return bool(b.capabilities.jit)

    def _compile_fn(self, fn, donate=(), inference=False):
        if self.run_eagerly:
            self._compiled_steps = False
            return fn
        compiled = compile_function(_backend(), fn, donate_argnums=donate, jit=self._resolve_jit(),
                                    inference=inference)
        self._compiled_steps = compiled is not fn
        return compiled

    # -- metrics --------------------------------------------------------------------------------------
    @property
    def metrics(self) -> list:
        """As Keras: the loss tracker, the compiled metrics as one ``CompileMetrics`` (named
        ``compile_metrics``, its result a dict), then the per-output loss trackers."""
        if not getattr(self, "compiled", False):
            return []
        cm = self._compile_metrics
        return [self._loss_tracker, *([cm] if cm is not None else []), *self._output_loss_trackers]

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def _log_names(self) -> list[str]:
        """The logs' keys in order: the loss, per-output losses, then each compiled metric."""
        cm = self._compile_metrics
        return [m.name for m in self.metrics if m is not cm] + ([m.name for m in cm.metrics] if cm else [])

    def get_metrics_result(self) -> dict:
        """The metrics' current values by name (a dict result, as ``compile_metrics``'s, is merged in)."""
        return _merged_logs(((m.name, m.result()) for m in self.metrics), self._log_names())

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def _metric_reset_values(self):
        # placed as the metric variables are (under a dlx.distribution), and copied as the rest of
        # the state handed to a compiled step is (_pull_state): the first call then sees the
        # placement its later calls get back from the step (jax: committed arrays), and the step is
        # not compiled a second time for it
        values = distribution_engine.place_like([val for m in self.metrics for val in m.stateless_reset_state()],
                                                self._metric_variables())
        return [_copy(v) for v in values]

    def _split_metric_values(self, values):
        out, i = [], 0
        for m in self.metrics:
            n = len(m.variables)
            out.append(list(values[i:i + n]))
            i += n
        return out

    # -- building -------------------------------------------------------------------------------------
    def _graph_outputs(self):
        """The symbolic outputs of a model whose layer graph is known (a built functional or
        sequential model), else ``None``: building the loss and metrics needs only their structure
        and shapes, so no eager forward pass runs (on JAX it compiles every op once)."""
        return None

    def _build_from_batch(self, batch):
        """Builds the model, the compiled loss/metrics and the optimizer from a first batch."""
        if getattr(self, "_trainer_built", False):
            return
        x, y, _ = unpack_x_y_sample_weight(batch)
        if _defines_no_call(self):
            # a model that only defines train_step (Keras's GAN / VAE pattern): its sub-models are
            # built already and there is nothing of its own to run on the probe
            y_pred = None
        elif (y_pred := self._graph_outputs()) is None:
            # no layer graph to read the outputs from: a forward pass on a few rows builds the model
            probe = tree.map_structure(lambda a: ops.convert_to_tensor(a[: min(8, len(a))]), x)
            y_pred = self(probe, training=False)
        y_probe = None if y is None else tree.map_structure(lambda a: np.asarray(a)[: min(8, len(a))], y)
        if self._compile_loss is not None and y is not None and y_pred is not None:
            self._compile_loss.build(y_probe, y_pred)
            if self._compile_loss.multi:
                self._output_loss_trackers = [Mean(name=f"{n}_loss") for n, fn in
                                              zip(self._compile_loss.names, self._compile_loss.losses)
                                              if fn is not None]
        if y is not None and y_pred is not None and self._compile_metrics is not None:
            self._compile_metrics.build(y_probe, y_pred, self._compile_loss)
        if self.optimizer is not None and not (y_pred is None and _is_stateful_step(self.train_step)):
            self.optimizer.build(self.trainable_variables)  # (a train_step-only model's first apply builds it)
        self._trainer_built = True

    # -- loss -------------------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of a batch: the compiled loss plus the model's added losses
        (regularization). Override for custom objectives (it must stay in ``dlx.ops``)."""
        total = None
        # per-step bookkeeping goes straight to __dict__: a Layer attribute set invalidates the
        # cached variable lists of every layer
        self.__dict__["_per_output_losses"] = []
        if self._compile_loss is not None and y is not None:
            total, self.__dict__["_per_output_losses"] = self._compile_loss(y, y_pred, sample_weight)
        extra = getattr(self, "_losses_override", None)
        if extra:
            reg = ops.sum(ops.stack([ops.cast(v, "float32") for v in extra]))
            total = reg if total is None else ops.add(total, reg)
        if total is None:
            if self._compile_loss is None:
                raise ValueError("the model has no loss: pass loss= to compile(), or override compute_loss()")
            raise ValueError("the data has no targets y, but the compiled loss needs them")
        return total

    def _stateless_loss(self, x, y, y_pred, sample_weight, losses, training, state):
        """``(loss, per_output_losses, metric_values)``; an overridden ``compute_loss`` runs (as in Keras)
        with variables and metrics mapped to ``state``, so sub-model calls and tracker updates count."""
        self.__dict__["_losses_override"] = list(losses or [])
        mapping = None
        if type(self).compute_loss is not Trainer.compute_loss:
            tv, ntv, mv = state
            metric_vars = self._metric_variables()
            mapping = [*zip(self.trainable_variables, tv), *zip(self.non_trainable_variables, ntv),
                       *zip(metric_vars, mv)]
        try:
            with StatelessScope(mapping) if mapping is not None else contextlib.nullcontext() as scope:
                if _takes_training(self.compute_loss):
                    loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
                else:  # an override written before Keras added ``training`` (as Keras, call it without)
                    loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        finally:
            self.__dict__["_losses_override"] = None
        mv = state[2] if mapping is None else [scope.updated(v) for v in metric_vars]
        per = list(getattr(self, "_per_output_losses", []) or [])
        self.__dict__["_per_output_losses"] = []
        return loss, per, mv

    def _update_metrics(self, metric_values, loss, per_output, x, y, y_pred, sample_weight):
        groups = iter(self._split_metric_values(metric_values))
        n = _first_dim(x)
        out = [self._loss_tracker.stateless_update_state(next(groups), loss, sample_weight=n)]
        cm = self._compile_metrics
        if cm is not None:
            values = next(groups)
            out.append(cm.stateless_update_state(values, y, y_pred, sample_weight=sample_weight)
                       if cm.built and y is not None else values)
        per_output = [p for p in per_output if p is not None]
        for tracker, value in zip(self._output_loss_trackers, per_output):
            out.append(tracker.stateless_update_state(next(groups), value, sample_weight=n))
        out.extend(groups)  # metrics of a ``metrics`` override: as compute_loss left them
        return [v for g in out for v in g]

    def _logs_from(self, metric_values):
        pairs = zip(self.metrics, self._split_metric_values(metric_values))
        return _merged_logs(((m.name, m.stateless_result(v)) for m, v in pairs), self._log_names())

    # -- the pure steps -------------------------------------------------------------------------------
    def train_step(self, state, data):
        """One training step: ``(state, data) -> (logs, state)``, pure (compiled by ``fit``), with
        ``state = (trainable, non_trainable, optimizer, metrics)`` value lists; the order of
        Keras's JAX ``train_step``, so one written for it runs unchanged."""
        tv, ntv, ov, mv = state
        mv_before = mv
        x, y, sw = unpack_x_y_sample_weight(data)
        opt = self.optimizer
        backend = _backend()

        def loss_fn(tv, ntv, ov, mv, x, y, sw):
            y_pred, new_ntv, losses = self.stateless_call(tv, ntv, x, training=True, return_losses=True)
            loss, per, mv = self._stateless_loss(x, y, y_pred, sw, losses, True, (tv, new_ntv, mv))
            with StatelessScope(list(zip(opt.variables, ov))):
                scaled = opt.scale_loss(loss)
            return scaled, (loss, per, y_pred, new_ntv, mv)

        grad_fn = backend.value_and_grad(loss_fn, argnums=0, has_aux=True)
        (_, (loss, per, y_pred, ntv, mv)), grads = grad_fn(tv, ntv, ov, mv, x, y, sw)
        mv = self._update_metrics(mv, loss, per, x, y, y_pred, sw)
        # replicas that updated the metrics on their own rows (torch) combine them with the
        # gradients (one collective): global logs
        grads, mv = distribution_engine.reduce_gradients(
            grads, _first_dim(x), metrics=(mv_before, mv, self._metric_variables()))
        tv, ov = opt.stateless_apply(ov, grads, tv)
        return self._logs_from(mv), (list(tv), list(ntv), list(ov), mv)

    def test_step(self, state, data):
        """One evaluation step: ``(state, data) -> (logs, state)`` with
        ``state = (trainable, non_trainable, metric_values)`` (Keras's JAX order)."""
        tv, ntv, mv = state
        x, y, sw = unpack_x_y_sample_weight(data)
        y_pred, _, losses = self.stateless_call(tv, ntv, x, training=False, return_losses=True)
        loss, per, mv = self._stateless_loss(x, y, y_pred, sw, losses, False, (tv, ntv, mv))
        mv = self._update_metrics(mv, loss, per, x, y, y_pred, sw)
        return self._logs_from(mv), (tv, ntv, mv)

    def predict_step(self, state, data):
        """One prediction step: ``(state, data) -> y_pred`` with ``state = (trainable,
        non_trainable)``."""
        tv, ntv = state
        x, _, _ = unpack_x_y_sample_weight(data)
        y_pred, _ = self.stateless_call(tv, ntv, x, training=False)
        return y_pred

    # -- compiled functions ----------------------------------------------------------------------------
    def make_train_function(self, force=False):
        force = distribution_engine.step_needs_rebuild(self) or force  # traced under another distribution
        if self.train_function is not None and not force:
            return self.train_function
        if _is_stateful_step(self.train_step):
            distribution_engine.check_stateful_step(self)

            def multi_step(batches):
                logs = None
                for data in batches:
                    logs = self.train_step(data)
                return logs

            self.train_function = multi_step
            self._stateful_train = True
            return multi_step

        backend = _backend()

        def multi_step(state, batches):
            storages = None
            if type(state) is dict:  # the variables' storages (_pull_state): read where used, written after each step
                storages = state["storages"]
                state = [list(group) for group in storages]
            logs = None
            for data in batches:
                logs, state = distribution_engine.run_train_step(self, state, data)
                if storages is not None:
                    for group, values in zip(storages, state):
                        for storage, value in zip(group, values):
                            backend.assign_variable(storage, value)
                    state = [list(group) for group in storages]
            if storages is not None:
                return None, logs  # the new state is in the storages
            # returned as _pull_state builds it (lists; a train_step may give tuples): the next call
            # passes the same structure, so the compiled step is not traced a second time for it
            return [list(group) for group in distribution_engine.constrain_state(self, state)], logs

        self._stateful_train = False
        compiled = self._compile_fn(multi_step, donate=(0,))
        if not (backend.compiled_reads_storages and self._compiled_steps):
            self.train_function = compiled
            return compiled

        def train_function(state, batches):
            # a compiled function returns tensors, not the storages it wrote: the state it took
            # (the storages) is the state the next call takes
            if type(state) is not dict:
                return compiled(state, batches)
            return state, compiled(state, batches)[1]

        train_function.takes_storages = True
        self.train_function = train_function
        return train_function

    def make_test_function(self, force=False):
        if self.test_function is not None and not force:
            return self.test_function
        if _is_stateful_step(self.test_step):
            def multi_step(batches):
                logs = None
                for data in batches:
                    logs = self.test_step(data)
                return logs

            self._stateful_test = True
            self.test_function = multi_step
            return multi_step

        backend = _backend()

        def multi_step(state, batches):
            inputs, mv = state
            if type(inputs) is dict:  # variable storages (_predict_state): read here, when the function runs
                inputs = tree.map_structure(backend.read_variable, inputs["storages"])
            tv, ntv = inputs
            logs = None
            for data in batches:
                logs, (tv, ntv, mv) = self.test_step((tv, ntv, mv), data)
            return list(mv), logs

        self._stateful_test = False
        self.test_function = self._compile_fn(multi_step, inference=True)
        return self.test_function

    def make_predict_function(self, force=False):
        """The compiled prediction function (cached; the backend's compiler caches one
        executable per input signature)."""
        if self.predict_function is not None and not force:
            return self.predict_function
        if _is_stateful_step(self.predict_step):
            self._stateful_predict = True
            self.predict_function = lambda batches: [self.predict_step(d) for d in batches]
            return self.predict_function

        backend = _backend()

        def multi_step(state, batches):
            if type(state) is dict:  # variable storages (_predict_state): read here, when the function runs
                state = tree.map_structure(backend.read_variable, state["storages"])
            return [self.predict_step(state, d) for d in batches]

        self._stateful_predict = False
        self.predict_function = self._compile_fn(multi_step, inference=True)
        return self.predict_function

    # -- fit ------------------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Trains the model; returns the :class:`~dlx.callbacks.History`.

        Arguments follow Keras 3's ``Model.fit`` (see ``docs/training.md``).
        """
        from dlx.callbacks import CallbackList

        self._assert_compiled("fit")
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"fit: epochs={epochs!r}; expected a non-negative int")
        if config.max_epochs() is not None:  # keras.config.set_max_epochs: quick runs
            epochs = min(epochs, config.max_epochs())
        if not isinstance(validation_freq, int) or validation_freq < 1:
            raise ValueError(f"fit: validation_freq={validation_freq!r}; expected an int >= 1")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
        backend = _backend()
        seed = int(np.random.randint(0, 2**31 - 1))
        iterator = EpochIterator(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                                 shuffle=shuffle, class_weight=class_weight,
                                 steps_per_execution=self.steps_per_execution, backend=backend, seed=seed)
        val_iterator = None
        if validation_data is not None:
            vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
            val_iterator = EpochIterator(vx, vy, vsw, batch_size=validation_batch_size or batch_size,
                                         steps_per_epoch=validation_steps,
                                         steps_per_execution=self.steps_per_execution, backend=backend)
        self._data_seed = seed
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, verbose=verbose, epochs=epochs,
            steps=iterator.num_batches, model=self)
        self.stop_training = False
        self._initial_epoch, self._initial_step = initial_epoch, 0
        first = self._first_batch(iterator)
        if first is not None:
            self._build_from_batch(first)
        train_fn = self.make_train_function()
        self._configure_input(iterator, val_iterator)
        iterator.distribute = distribution_engine.batch_distributor(training=True)
        try:
            cbs.on_train_begin()
            epoch0, step0 = self._initial_epoch, self._initial_step
            if hasattr(iterator.adapter, "seed") and self._data_seed != seed:
                iterator.adapter.seed = self._data_seed  # a restored backup's shuffling seed
            stateful = self._stateful_train
            state = None
            training_logs: dict = {}
            names = self._log_names()
            for epoch in range(epoch0, epochs):
                resuming = step0 > 0  # a restored backup: continue this epoch's metrics
                if stateful and not resuming:
                    self.reset_metrics()
                iterator.skip_steps, step0 = step0, 0
                cbs.on_epoch_begin(epoch)
                if not stateful:  # after on_epoch_begin: callbacks may have set the learning rate or weights
                    state = self._pull_state(metrics=resuming)
                logs = None
                try:
                    for step, group in iterator.enumerate_epoch(epoch):
                        state = self._batch_hook(cbs, cbs.on_train_batch_begin, (step,), state, stateful)
                        if stateful:
                            logs = train_fn(group)
                        else:
                            state, logs = train_fn(state, group)
                        logs = _ordered(logs, names)
                        end = step + len(group) - 1
                        if cbs.needs_state_on_batch and not stateful:
                            self._push_state(state)
                            state = None  # (held by the variables alone, it is lent again as it is)
                            cbs.on_train_batch_end(end, logs)
                            state = self._pull_state()
                        else:
                            state = self._batch_hook(cbs, cbs.on_train_batch_end, (end, logs), state, stateful)
                        if self.stop_training:
                            break
                except BaseException:
                    if not stateful and state is not None:  # the variables lent their values: the last state goes back
                        self._push_lent_state(state)
                    raise
                if not stateful:
                    self._push_state(state)
                    state = None  # the variables alone hold it: the next epoch's steps may take it as it is
                epoch_logs = pythonify_logs(logs if logs is not None else
                                            self.get_metrics_result())
                if val_iterator is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self.evaluate(_epoch_iterator=val_iterator, callbacks=cbs, return_dict=True, verbose=0)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, epoch_logs)
                training_logs = epoch_logs
                if self.stop_training:
                    break
            if isinstance(self.optimizer, optimizers_module.Optimizer):
                self.optimizer.finalize_variable_values(self.trainable_variables)
            cbs.on_train_end(training_logs)
            return self.history
        finally:
            iterator.close()  # its prefetch thread ends here, also when a callback raised
            if val_iterator is not None:
                val_iterator.close()

    def _configure_input(self, *iterators):
        """Prefetching on a thread pays off only when the step runs outside the interpreter (a
        compiled function releases the GIL); a backend whose compiled functions take NumPy
        batches gets them unconverted."""
        compiled = getattr(self, "_compiled_steps", False)
        backend = _backend()
        raw = compiled and backend.compiled_takes_numpy
        # under a dlx.distribution: batches are placed as its layouts say
        distribute = distribution_engine.batch_distributor(training=False)
        for it in iterators:
            if it is not None:
                # NumPy slices the step takes as they are: made on its thread where the backend says so
                in_memory = raw and getattr(it.adapter, "in_memory", False)
                prefetch = compiled and (backend.prefetch_in_memory_batches or not in_memory)
                # a whole group of steps_per_execution batches ahead: the thread makes the next
                # group while the compiled call runs (with 2, it made 30 of 32 after the call returned)
                it.prefetch = it.steps_per_execution + 1 if prefetch else 0
                # shuffled in-memory batches are new arrays: the thread hands them to the backend,
                # which may take their buffers (no copy on the step's thread)
                it.adopt = bool(prefetch and distribute is None and getattr(it.adapter, "fresh_batches", False))
                it.convert = not raw or it.adopt
                it.distribute = distribute

    def _first_batch(self, iterator):
        if getattr(self, "_trainer_built", False):
            return None
        adapter = iterator.adapter
        first = getattr(adapter, "first_batch", None)
        if first is not None:
            return first
        for batch in adapter.get_numpy_iterator(0):
            return batch
        raise ValueError("the input data is empty: no batch to train on")

    # -- evaluate -------------------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, _epoch_iterator=None):
        """Computes the loss and metrics on the data; returns a scalar, a list, or a dict."""
        from dlx.callbacks import CallbackList

        self._assert_compiled("evaluate")
        iterator = _epoch_iterator or EpochIterator(x, y, sample_weight, batch_size=batch_size,
                                                    steps_per_epoch=steps,
                                                    steps_per_execution=self.steps_per_execution,
                                                    backend=_backend())
        if _epoch_iterator is None or not getattr(self, "_trainer_built", False):
            first = self._first_batch(iterator)
            if first is not None:
                self._build_from_batch(first)
        if isinstance(callbacks, CallbackList) and _epoch_iterator is not None:
            cbs = callbacks
        else:
            cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
                callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1, steps=iterator.num_batches,
                model=self)
        test_fn = self.make_test_function()
        if _epoch_iterator is None:
            self._configure_input(iterator)
        stateful = self._stateful_test
        try:
            cbs.on_test_begin()
            if stateful:
                self.reset_metrics()
            else:  # after on_test_begin: a callback may have set the weights (SwapEMAWeights)
                inputs = self._predict_state(_backend())
                mv = self._metric_reset_values()
            logs = None
            for step, group in iterator.enumerate_epoch():
                cbs.on_test_batch_begin(step)
                if stateful:
                    logs = test_fn(group)
                else:
                    mv, logs = test_fn((inputs, mv), group)
                logs = _ordered(logs, self._log_names())
                cbs.on_test_batch_end(step + len(group) - 1, logs)
            if not stateful:
                for var, val in zip(self._metric_variables(), mv):
                    var.assign(val)
            logs = pythonify_logs(self.get_metrics_result() if not stateful or logs is None else logs)
            cbs.on_test_end(logs)
            if return_dict:
                return logs
            values = list(logs.values())
            return values[0] if len(values) == 1 else values
        finally:
            if _epoch_iterator is None:
                iterator.close()

    # -- predict ----------------------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Generates outputs for the inputs ``x``; returns NumPy arrays (same structure as the
        model's outputs). A small array input with no callbacks takes a fast path: no data
        pipeline, one call of the cached compiled function."""
        if (type(x) is np.ndarray and x.ndim and callbacks is None and steps is None
                and x.shape[0] <= (batch_size or _PREDICT_BATCH_ROWS[0])
                and not _is_stateful_step(self.predict_step)):
            return self.predict_on_batch(x)  # a small array: no data pipeline
        from dlx.callbacks import CallbackList

        backend = _backend()
        leaves = tree.leaves(x)
        arrays = bool(leaves) and all(hasattr(a, "shape") and hasattr(a, "dtype") and len(a.shape) > 0
                                      for a in leaves)
        if batch_size is None and arrays:
            batch_size = _default_predict_batch_size(leaves)
        if arrays and callbacks is None and steps is None and not _is_stateful_step(self.predict_step):
            n = leaves[0].shape[0]
            if n is not None and int(n) <= batch_size:
                return self.predict_on_batch(x)
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps,
                                 steps_per_execution=self.steps_per_execution if getattr(self, "compiled", False)
                                 else 1, backend=backend)
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1, steps=iterator.num_batches, model=self)
        fn = self.make_predict_function()
        self._configure_input(iterator)
        try:
            cbs.on_predict_begin()
            state = None if self._stateful_predict else self._predict_state(backend)  # after the hook, as evaluate's
            outputs = []
            for step, group in iterator.enumerate_epoch():
                cbs.on_predict_batch_begin(step)
                ys = fn(group) if self._stateful_predict else fn(state, group)
                for yb in ys:
                    outputs.append(tree.map_structure(lambda a: np.asarray(backend.to_numpy(a)), yb))
                cbs.on_predict_batch_end(step + len(group) - 1, {"outputs": ys[-1]})
            cbs.on_predict_end()
        finally:
            iterator.close()
        if not outputs:
            raise ValueError("predict: the input produced no batch")
        _, td = tree.flatten(outputs[0])
        cols = list(zip(*[tree.leaves(o) for o in outputs]))
        return tree.unflatten(td, [np.concatenate(c, axis=0) for c in cols])

    # -- on-batch ---------------------------------------------------------------------------------------
    def _batch_tensors(self, *arrays, compiled=False, backend=None):
        """The arrays as ``backend``'s tensors (default: the active one's); with ``compiled``,
        NumPy arrays stay NumPy where the backend's compiled functions take them (converting
        there is faster than a separate conversion call)."""
        b = backend if backend is not None else _backend()
        compiled = compiled and b.compiled_takes_numpy
        if len(arrays) == 1 and type(arrays[0]) is np.ndarray:  # the common case, without tree walks
            a = arrays[0]
            if a.dtype == np.float64:
                a = to_numpy_leaf(a)  # float64 becomes floatx(), as in the data pipeline
            return (a if compiled else b.convert_to_tensor(a),)

        def conv(a):
            if b.is_tensor(a):
                return a
            a = to_numpy_leaf(a)
            return a if compiled else b.convert_to_tensor(a)

        return tree.map_structure(conv, arrays)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns this batch's loss (and metrics): the metrics are
        reset first, as Keras's ``train_on_batch`` does."""
        self._assert_compiled("train_on_batch")
        if class_weight is not None:
            from dlx.trainers.data_adapters.data_adapter import class_weight_to_sample_weight

            sample_weight = class_weight_to_sample_weight(y, class_weight)
        data = pack_x_y_sample_weight(*self._batch_tensors(x, y, sample_weight))
        self._build_from_batch(data)
        fn = self.make_train_function()
        self.reset_metrics()
        if self._stateful_train:
            logs = fn([data])
        else:
            state = self._pull_state()
            state, logs = fn(state, [data])
            self._push_state(state)
        return _return_logs(pythonify_logs(_ordered(logs, self._log_names())), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluates one batch (metrics are reset first); returns the loss (and metrics)."""
        self._assert_compiled("test_on_batch")
        data = pack_x_y_sample_weight(*self._batch_tensors(x, y, sample_weight))
        self._build_from_batch(data)
        fn = self.make_test_function()
        if self._stateful_test:
            self.reset_metrics()
            logs = fn([data])
        else:
            mv, logs = fn((self._predict_state(_backend()), self._metric_reset_values()), [data])
            for var, val in zip(self._metric_variables(), mv):
                var.assign(val)
        return _return_logs(pythonify_logs(_ordered(logs, self._log_names())), return_dict)

    def predict_on_batch(self, x):
        """Outputs for one batch, as NumPy (the compiled prediction function, no data pipeline)."""
        backend = _backend()
        fn = self.predict_function
        compiled = fn is not None and getattr(self, "_compiled_steps", False) and self.built
        if compiled and type(x) is np.ndarray and x.dtype != np.float64 and backend.compiled_takes_numpy:
            data = x  # _batch_tensors's answer, without its call (each Python call counts in a predict of one row)
        else:
            (data,) = self._batch_tensors(x, compiled=compiled, backend=backend)
        if not self.built:
            self(data, training=False)
        fn = fn or self.make_predict_function()
        if self._stateful_predict:
            (y,) = fn([(data,)])
        else:
            (y,) = fn(self._predict_state(backend), [(data,)])
        if backend.is_tensor(y):
            return np.asarray(backend.to_numpy(y))
        return tree.map_structure(lambda a: np.asarray(backend.to_numpy(a)), y)

def _defines_no_call(model) -> bool:
    """Whether ``model``'s class leaves ``call`` undefined (it only overrides the train step)."""
    from dlx.layers.layer import Layer

    call = getattr(type(model), "call", None)
    return call is Layer.call and type(model).train_step is not Trainer.train_step


def _return_logs(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values

