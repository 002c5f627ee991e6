"""The training state a compiled step takes and gives back, and its sync with the variables: a
mixin of :class:`~dlx.trainers.trainer.Trainer` (``fit`` pulls the state from the variables,
hands it to the compiled step, and pushes it back; ``predict`` / ``evaluate`` take reused reads
or the storages themselves)."""

from __future__ import annotations

import contextlib
import functools
import sys
import weakref

from dlx import ops
from dlx.backend import registry
from dlx.distribution import engine as distribution_engine
from dlx.distribution.strategies import distribution
from dlx.layers.tracking import LayerTracking, structure_version
from dlx.variables import bump_values_version, plain_values_version

_backend = registry.current  # the active backend (selected on first use)


def _detached(x):
    """``x`` without autograd history: a variable read while torch records gradients is the
    ``Parameter`` itself, and compiled state must be plain values (else every step's update would
    extend one autograd graph across the epoch)."""
    return ops.stop_gradient(x) if getattr(x, "requires_grad", False) else x


def _copy(x):
    """A new buffer with ``x``'s value (state handed to a donating compiled call must not alias
    a variable's storage)."""
    return ops.copy(_detached(x))


class _Holder:
    def __init__(self) -> None:
        self.__held = object()

    @property
    def held(self):
        return self.__held


_HOLDER = _Holder()
#: ``sys.getrefcount`` of a variable's storage that nothing but the variable holds (read through
#: its ``_storage`` property)
_SOLE_REFS = sys.getrefcount(_HOLDER.held)


def _consumed(values) -> bool:
    """Whether any of ``values`` was deleted by a donating call (a jax array's ``is_deleted``)."""
    for v in values:
        deleted = getattr(v, "is_deleted", None)
        if deleted is not None and deleted():
            return True
    return False


class StateSync:
    """The state methods of :class:`~dlx.trainers.trainer.Trainer`."""

    # -- state sync ----------------------------------------------------------------------------------
    def _metric_variables(self):
        """Every variable of the model's metrics, metric by metric (the order of the metric values
        a compiled step takes and returns)."""
        return [v for m in self.metrics for v in m.variables]

    def _pull_state(self, metrics=True):
        """The state a compiled training step takes: ``[trainable, non_trainable, optimizer,
        metrics]`` values, lent by the variables as below or else copies of theirs (a donating
        step reuses their buffers).

        Its callers (``fit``, ``train_on_batch``) write the state back with :meth:`_push_state`
        before anything reads the variables, so outside stateless and autocast scopes and
        distributions the variables lend their values instead, and the weights and optimizer
        state are held once while a step runs, not twice (as in Keras's JAX trainer):

        * where a compiled function cannot change a value in place (``variable_values_immutable``:
          jax, whose donating steps delete their inputs), the variables' own values, except that
          a value something else holds too (read from the variable earlier: it must stay valid)
          or one placed otherwise than the step's outputs
          (:meth:`~dlx.backend.contract.Backend.placed_as_outputs`: the step would be compiled
          again for those) is replaced by a copy first; until the push the variables hold the
          values the steps consumed;
        * where reads are aliases of the variables' memory, which assignments update in place
          (:meth:`~dlx.backend.contract.Backend.read_aliases`: torch), those aliases: a step's
          in-place updates (a fused optimizer's, on donated state) write the variables.

        Where the backend's compiled functions read variable storages
        (``compiled_reads_storages``: tf), ``{"storages": [trainable, non_trainable, optimizer,
        metrics storages]}``: the step reads the variables where its ops use them
        and writes their new values into them, so the state is held once, by the variables
        (with copies beside them, the optimizer's slots were held twice, and three times while a
        step ran: the W3 encoder's fit plateaued at 1,447 MB on tf, Keras's at 1,386, now at
        1,373). ``metrics=False`` resets the metric variables for that. (A ``tf.while_loop`` --
        an RNN's scan -- that reads a variable in its body trains about 10% faster than one that
        captures a value read before it: an LSTM(64) over 100 steps, 20.3 ms against 18.1 ms a
        step.)"""
        distribution_engine.place_variables(self)  # under a dlx.distribution: as its layouts say
        backend = _backend()
        if self._trains_on_storages():
            if not metrics:
                self.reset_metrics()
            return {"storages": [[v._storage for v in group] for group in (
                self.trainable_variables, self.non_trainable_variables, self.optimizer.variables,
                self._metric_variables())]}
        lend = self._reuse_key(backend) is not None
        if lend and backend.variable_values_immutable:
            def take(variables):  # buffers that only the variables and the step hold
                values = []
                for var in variables:
                    if sys.getrefcount(var._storage) > _SOLE_REFS or not backend.placed_as_outputs(var._storage):
                        var.assign(_copy(var.value))  # a copy (placed as the step's outputs are)
                    values.append(var.value)
                return values
        elif lend and backend.read_aliases([v._storage for v in self.trainable_variables]) is not None:
            def take(variables):  # detached aliases: a step's in-place updates write the variables
                return [_detached(v.value) for v in variables]
        else:
            def take(variables):
                return [_copy(v.value) for v in variables]
        ntv = take(self.non_trainable_variables)
        ov = take(self.optimizer.variables)
        mv = take(self._metric_variables()) if metrics else self._metric_reset_values()
        return [take(self.trainable_variables), ntv, ov, mv]

    def _trains_on_storages(self) -> bool:
        """Whether the compiled training step takes the trainable variables' storages (see
        :meth:`_pull_state`): the step :meth:`make_train_function` compiled for them (a backend
        that reads storages in its compiled functions), outside stateless and autocast scopes and
        distributions."""
        return (getattr(getattr(self, "train_function", None), "takes_storages", False)
                and self._reuse_key(_backend()) is not None)

    def _push_state(self, state):
        if type(state) is dict:  # the step wrote the variables itself
            bump_values_version()  # as an assignment would: held reads of them are stale
            return
        tv, ntv, ov, mv = state
        for group, values in ((self.trainable_variables, tv), (self.non_trainable_variables, ntv),
                              (self.optimizer.variables, ov), (self._metric_variables(), mv)):
            for var, val in zip(group, values):
                var.assign(val)

    def _push_lent_state(self, state) -> None:
        """Writes the state of an interrupted ``fit`` epoch into the variables (which lent their
        values to its steps): the last state a step returned, unless the interruption came
        while a step held it (then it is gone, and a warning says so). A step on the variables'
        storages (``dict`` state) consumed nothing: they hold its last writes."""
        if type(state) is not dict and _consumed(v for group in state for v in group):
            import warnings

            warnings.warn("fit was interrupted while a training step ran on its state: the model's variables "
                          "hold values that step consumed; restore them from a checkpoint", RuntimeWarning,
                          stacklevel=3)
            return
        self._push_state(state)

    def _batch_hook(self, cbs, hook, args, state, stateful):
        """Runs a training batch hook; a callback that reads ``callback.model`` in it gets the
        variables written from ``state`` first (:meth:`_sync_pending_state`), and the state is
        read back afterwards (the hook may change weights or the learning rate). Returns the
        state the next step takes."""
        if stateful or not cbs.reads_state_on_batch:
            hook(*args)
            return state
        pending = self.__dict__["_pending_state"] = [state, False]
        try:
            hook(*args)
        finally:
            self.__dict__["_pending_state"] = None
        return self._pull_state() if pending[1] else state

    def _sync_pending_state(self) -> None:
        """Writes the training state into the variables if a batch hook is running on a state
        they do not hold yet (``Callback.model`` calls it)."""
        pending = self.__dict__.get("_pending_state")
        if pending is not None and not pending[1]:
            pending[1] = True
            self._push_state(pending[0])

    def _predict_state(self, backend):
        """The state the compiled predict and evaluate functions take: where the backend's compiled functions
        read variable storages (``compiled_reads_storages``), ``{"storages": (trainable,
        non_trainable)}`` -- the storages themselves, read inside the function -- reused while no
        variable and no layer's structure changed; otherwise (and inside a stateless or autocast
        scope, under a distribution) :meth:`_inference_state`'s values."""
        key = self._reuse_key(backend)
        if not backend.compiled_reads_storages or key is None:
            return self._inference_state(backend, key)
        hit = self.__dict__.get("_predict_storages")
        if hit is not None and hit[0] == key:
            return hit[1]
        state = {"storages": ([v._storage for v in self.trainable_variables],
                              [v._storage for v in self.non_trainable_variables])}
        if _lists_from_tracking(type(self)):
            self.__dict__["_predict_storages"] = (key, state)  # straight into __dict__, as _inference_values
        return state

    def _inference_state(self, backend=None, key=False):
        """``(trainable, non_trainable)`` values for the compiled predict/evaluate functions.

        The values read last are reused while no variable of the process changed
        (``VALUES_VERSION``) and no layer's structure did: a ``predict`` of one row then reads no
        variable. Where the backend's variable values are immutable (``variable_values_immutable``)
        they are held by weak references, so values a later assignment replaced are not kept
        alive; where reads are aliases of memory that assignments update in place
        (:meth:`~dlx.backend.contract.Backend.read_aliases`: torch's detached reads) they are held
        until the next read and reused while every variable keeps its memory.
        ``backend``: the active backend, where the caller has it at hand; ``key``: its
        :meth:`_reuse_key`, where the caller has computed it (every Python call counts in a
        ``predict`` of one row)."""
        backend = backend if backend is not None else _backend()
        if key is False:
            key = self._reuse_key(backend)
        if key is not None:
            hit = self.__dict__.get("_inference_values")
            if hit is not None and hit[0] == key:
                n, refs, storages = hit[1:4]
                if storages is None:
                    values = [r() for r in refs]
                    if type(None) not in map(type, values):  # none dead (`None in values` would compare arrays)
                        return values[:n], values[n:]
                elif backend.read_aliases(storages) == hit[4]:
                    return refs[:n], refs[n:]
            self.__dict__.pop("_inference_values", None)  # stale: held values go with it
        distribution_engine.place_variables(self)  # under a dlx.distribution: as its layouts say
        variables = (*self.trainable_variables, *self.non_trainable_variables)
        values = [_detached(v.value) for v in variables]
        n = len(self.trainable_variables)
        if key is not None and _lists_from_tracking(type(self)):
            # straight into __dict__: a Layer attribute set counts as a structure change
            if backend.variable_values_immutable:
                with contextlib.suppress(TypeError):  # a value that takes no weak reference: read every time
                    self.__dict__["_inference_values"] = (key, n, [weakref.ref(v) for v in values], None)
            else:
                storages = [v._storage for v in variables]
                tokens = backend.read_aliases(storages)  # None (the default): reads are not aliases
                if tokens is not None:
                    self.__dict__["_inference_values"] = (key, n, values, storages, tokens)
        return values[:n], values[n:]

    def _reuse_key(self, backend):
        """What a held state for the compiled predict/evaluate functions is valid for: the
        process's ``VALUES_VERSION``, the layer structure, this model and ``backend``; ``None``
        where reads may not be reused (a stateless or autocast scope, a distribution)."""
        version = plain_values_version()
        if version is None or distribution() is not None:
            return None
        return (version, structure_version(), id(self), backend)


@functools.cache
def _lists_from_tracking(cls) -> bool:
    """Whether ``cls`` has the variable lists of layer tracking, which change only with the layer
    structure (:func:`~dlx.layers.tracking.structure_version`) and the variables' ``trainable``
    flags (which bump ``VALUES_VERSION``)."""
    return (issubclass(cls, LayerTracking) and cls.trainable_variables is LayerTracking.trainable_variables
            and cls.non_trainable_variables is LayerTracking.non_trainable_variables)
