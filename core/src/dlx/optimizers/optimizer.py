"""The :class:`Optimizer` base class: state, clipping, weight decay, EMA and the stateless path.

Every update rule is written once, in ``dlx.ops``, against :class:`dlx.Variable` objects
(``variable.assign(...)``). :meth:`Optimizer.stateless_apply` runs that same code inside a
:class:`dlx.StatelessScope` that maps every variable to a value, so it is a pure function of
``(optimizer_variables, grads, trainable_variables)`` that a backend can compile; the stateful
:meth:`Optimizer.apply` runs it on the variables themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dlx import ops
from dlx.optimizers import schedules as _schedules
from dlx.utils import naming
from dlx.variables import StatelessScope, Variable, scoped_path

ITERATIONS_DTYPE = "int64"


def _iterations_dtype() -> str:
    """int64, or int32 on a backend without 64-bit types (jax without x64, where Keras's
    iteration counter is int32 too and an int64 request only earns JAX's truncation warning)."""
    from dlx.backend import registry

    return ITERATIONS_DTYPE if registry.current().capabilities.float64 else "int32"


def _check_positive(name: str, value, *, allow_none: bool = True, allow_zero: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not allow_zero):
        expected = "a non-negative number" if allow_zero else "a positive number"
        raise ValueError(f"{name}={value!r}: expected {expected}")


class Optimizer:
    """Base class of dlx optimizers (Keras 3 semantics).

    Arguments:
        learning_rate: a float, a :class:`~dlx.optimizers.schedules.LearningRateSchedule`, or a
            zero-argument callable returning the rate.
        weight_decay: decoupled weight decay: before each update ``w -= w * weight_decay * lr``.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: the EMA momentum (the first step copies the variables).
        ema_overwrite_frequency: every this many iterations, overwrite the variables with their
            averages (``None``: only on :meth:`finalize_variable_values`).
        loss_scale_factor: a constant the loss is multiplied by (gradients are divided by it).
        gradient_accumulation_steps: an int >= 2: the variables are updated every this many
            steps, with the mean of the gradients since the last update (the other steps only
            accumulate). As in Keras, :attr:`iterations` then counts updates, the update rule's
            step count and the EMA use it, and learning-rate schedules see every step.
        name: the optimizer's name.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> class SignSGD(optimizers.Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         variable.assign(variable - learning_rate * dlx.ops.sign(gradient))
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = SignSGD(learning_rate=0.1)
    >>> opt.apply([np.array([3.0, -0.5], "float32")], [v])
    >>> np.asarray(v), int(opt.iterations)
    (array([0.9, 2.1], dtype=float32), 1)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown argument(s) {sorted(kwargs)}")
        _check_positive("weight_decay", weight_decay, allow_zero=True)
        _check_positive("clipnorm", clipnorm)
        _check_positive("clipvalue", clipvalue)
        _check_positive("global_clipnorm", global_clipnorm)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"Only one of clipnorm={clipnorm!r}, clipvalue={clipvalue!r}, "
                             f"global_clipnorm={global_clipnorm!r} can be set")
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"ema_momentum={ema_momentum!r}: expected a float in [0, 1]")
            if ema_overwrite_frequency is not None and (not isinstance(ema_overwrite_frequency, int)
                                                        or ema_overwrite_frequency < 1):
                raise ValueError(f"ema_overwrite_frequency={ema_overwrite_frequency!r}: expected an int >= 1 or None")
        if loss_scale_factor is not None:
            _check_positive("loss_scale_factor", loss_scale_factor)
        if gradient_accumulation_steps is not None and (
                isinstance(gradient_accumulation_steps, bool) or not isinstance(gradient_accumulation_steps, int)
                or gradient_accumulation_steps < 2):
            raise ValueError(f"gradient_accumulation_steps={gradient_accumulation_steps!r}: expected an int >= 2 "
                             "or None")
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.name = name or naming.auto_name(type(self))  # "adam", then "adam_1"... as Keras names them
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.built = False
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._var_index: dict[int, int] = {}
        self._exclude_from_weight_decay: set[int] = set()
        self._exclude_from_weight_decay_names: list[str] = []
        self._iterations = self._track(Variable(0, dtype=_iterations_dtype(), trainable=False, name="iteration"))
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(learning_rate, (int, float)) and not isinstance(learning_rate, bool):
            if learning_rate < 0:
                raise ValueError(f"learning_rate={learning_rate!r}: expected a non-negative number")
            self._learning_rate = self._track(Variable(float(learning_rate), dtype="float32", trainable=False,
                                                       name="learning_rate"))
        else:
            raise TypeError(f"learning_rate={learning_rate!r}: expected a float, a LearningRateSchedule or a "
                            "callable")

    # -- variables --------------------------------------------------------------------------------
    def _track(self, variable: Variable) -> Variable:
        # a variable just created here has the open name scopes' path: the optimizer's name goes
        # between them and the variable's name ("adam/iteration", "block/adam/iteration"), as in Keras
        if variable.path == scoped_path(variable.name):
            variable.path = scoped_path(self.name, variable.name)
        self._variables.append(variable)
        return variable

    @property
    def variables(self) -> list[Variable]:
        """Every optimizer variable, in a stable order: ``iterations`` first."""
        return list(self._variables)

    @property
    def iterations(self):
        """The step counter (a variable); with ``gradient_accumulation_steps``, the number of
        updates (steps // gradient_accumulation_steps), as in Keras."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    def _update_count(self):
        """The number of updates done so far (the update rules' step counter)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations.value

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None) -> Variable:
        """Creates and tracks an optimizer variable (``initializer``: "zeros", "ones" or a number)."""
        dtype = dtype or "float32"
        if initializer == "zeros":
            init = ops.zeros(tuple(shape), dtype)
        elif initializer == "ones":
            init = ops.ones(tuple(shape), dtype)
        elif isinstance(initializer, (int, float)):
            init = ops.full(tuple(shape), float(initializer), dtype)
        else:
            raise ValueError(f"add_variable: initializer={initializer!r}; expected 'zeros', 'ones' or a number")
        return self._track(Variable(init, dtype=dtype, trainable=False, name=name or "variable"))

    def add_variable_from_reference(self, reference_variable: Variable, name: str,
                                    initializer="zeros") -> Variable:
        """A slot variable shaped like ``reference_variable`` (name ``<ref path>_<name>``, path
        ``<optimizer name>/<that name>``)."""
        return self.add_variable(reference_variable.shape, initializer, reference_variable.dtype,
                                 f"{reference_variable.path.replace('/', '_')}_{name}")

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Slot variables for each trainable variable, one list per name (created interleaved,
        per variable, as Keras 3 does)."""
        names = [name] if isinstance(name, str) else list(name)
        inits = [initializer] * len(names) if not isinstance(initializer, (list, tuple)) else list(initializer)
        out = tuple([] for _ in names)
        for var in trainable_variables:
            for i, (n, init) in enumerate(zip(names, inits)):
                # a variable the gradient overwrites (float8 scales) has no slots: None keeps the indices
                out[i].append(None if overwrites_with_gradient(var) else self.add_variable_from_reference(var, n, init))
        return out[0] if isinstance(name, str) else out

    def build(self, variables: Sequence[Variable]) -> None:
        """Creates the optimizer's slot variables for ``variables`` (the trainable variables)."""
        if self.built:
            return
        variables = list(variables)
        for i, v in enumerate(variables):
            if not isinstance(v, Variable):
                raise TypeError(f"{type(self).__name__}.build: variables[{i}] is {type(v).__name__}; "
                                "expected a dlx.Variable")
        if self.use_ema:
            self._ema = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:  # one for every variable (overwritten ones accumulate a maximum)
            self._accumulated_gradients = [self.add_variable_from_reference(v, "gradient_accumulator")
                                           for v in variables]
        self._trainable_variables = variables
        self._var_index = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    def _index(self, variable: Variable) -> int:
        return self._var_index[id(variable)]

    # -- learning rate ----------------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate (a tensor; a schedule is evaluated at ``iterations``)."""
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(self._learning_rate, Variable):
            if isinstance(value, (_schedules.LearningRateSchedule,)) or callable(value):
                raise TypeError("This optimizer was created with a float learning rate; it cannot be replaced by "
                                f"a schedule ({value!r}) after creation")
            self._learning_rate.assign(ops.cast(value, "float32"))
        else:
            if not (isinstance(value, _schedules.LearningRateSchedule) or callable(value)):
                raise TypeError("This optimizer was created with a LearningRateSchedule (or callable) learning "
                                f"rate; its learning rate is not settable to {value!r}")
            self._learning_rate = value

    def _current_learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr.value
        if isinstance(lr, _schedules.LearningRateSchedule):
            return lr(self._iterations.value)
        return ops.convert_to_tensor(lr(), "float32")

    # -- weight decay -----------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Excludes variables (objects, or names matched as regular expressions) from weight decay."""
        if self.built:
            raise ValueError("exclude_from_weight_decay() must be called before the optimizer is built")
        self._exclude_from_weight_decay |= {id(v) for v in var_list or ()}
        self._exclude_from_weight_decay_names = list(var_names or ())

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in self._exclude_from_weight_decay:
            return False
        return not any(re.search(n, variable.name) for n in self._exclude_from_weight_decay_names)

    def _decay_rate(self, variable: Variable, lr):
        """``weight_decay * lr`` in ``variable``'s dtype, or ``None`` where no decay applies."""
        if not self.weight_decay or not self._use_weight_decay(variable):
            return None
        return ops.multiply(ops.cast(self.weight_decay, variable.dtype), ops.cast(lr, variable.dtype))

    #: whether :meth:`_update_step_all` applies the weight decay itself (fused into its update)
    _fuses_weight_decay = False

    def _apply_weight_decay(self, variables, lr) -> None:
        if self._fuses_weight_decay:
            return
        for v in variables:
            rate = self._decay_rate(v, lr)
            if rate is not None:
                v.assign(ops.weight_decay_update(v.value, rate))

    # -- gradients --------------------------------------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm is not None:
            return [None if g is None else clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None:
            return [None if g is None else ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return list(grads)

    def scale_loss(self, loss):
        """Multiplies ``loss`` by ``loss_scale_factor`` (if set)."""
        if self.loss_scale_factor is not None:
            return ops.multiply(loss, self.loss_scale_factor)
        return loss

    # -- the update ---------------------------------------------------------------------------------
    def update_step(self, gradient, variable: Variable, learning_rate) -> None:
        """One variable's update: assign new values to ``variable`` and its slots (subclasses)."""
        raise TypeError(f"{type(self).__name__} is abstract: an Optimizer subclass defines update_step()")

    def _update_step_all(self, grads, variables, learning_rate) -> None:
        for g, v in zip(grads, variables):
            self.update_step(ops.cast(g, v.dtype), v, ops.cast(learning_rate, v.dtype))

    def _apply_impl(self, grads, variables) -> None:
        if self.loss_scale_factor is not None:
            grads = [None if g is None else ops.divide(g, self.loss_scale_factor) for g in grads]
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if any(overwrites_with_gradient(v) for _, v in pairs):
            self._overwrite_with_gradients([(g, v) for g, v in pairs if overwrites_with_gradient(v)])
            pairs = [(g, v) for g, v in pairs if not overwrites_with_gradient(v)]
        if pairs:
            variables = [v for _, v in pairs]
            if self.gradient_accumulation_steps:
                self._accumulate_and_update([g for g, _ in pairs], variables)
            else:
                self._update_variables([g for g, _ in pairs], variables)
            if self.use_ema:
                self._update_ema(variables)
        self._iterations.assign(ops.add(self._iterations.value, 1))

    def _overwrite_with_gradients(self, pairs) -> None:
        """Variables marked ``overwrite_with_gradient`` (float8 scales and amax histories) take
        their gradient as their new value; with gradient accumulation, the maximum over the
        accumulated steps, on update steps only."""
        steps = self.gradient_accumulation_steps
        for g, v in pairs:
            g = ops.cast(g, v.dtype)
            if not steps:
                v.assign(g)
                continue
            acc = self._accumulated_gradients[self._index(v)]
            is_update = ops.equal(ops.mod(ops.add(self._iterations.value, 1), steps), 0)
            most = ops.maximum(g, acc.value)
            v.assign(ops.where(is_update, most, v.value))
            acc.assign(ops.where(is_update, ops.zeros_like(g), most))

    def _update_variables(self, grads, variables) -> None:
        grads = self._clip_gradients(grads)
        lr = self._current_learning_rate()
        self._apply_weight_decay(variables, lr)
        self._update_step_all(grads, variables, lr)
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v.value))

    def _accumulate_and_update(self, grads, variables) -> None:
        """Every ``gradient_accumulation_steps``-th step, the update with the mean gradient (then
        the accumulators reset); else the gradients are added to the accumulators. Both branches
        are computed and selected per variable, so the step stays a pure function of the state."""
        steps = self.gradient_accumulation_steps
        is_update = ops.equal(ops.mod(ops.add(self._iterations.value, 1), steps), 0)
        accs = [self._accumulated_gradients[self._index(v)] for v in variables]
        grads = [ops.cast(g, a.dtype) for g, a in zip(grads, accs)]
        acc_ids = {id(a) for a in self._accumulated_gradients}
        touched = [v for v in (*variables, *self._variables) if id(v) not in acc_ids and v is not self._iterations]
        before = [ops.add(v.value, 0) for v in touched]  # copies: some backends update variables in place
        self._update_variables([ops.divide(ops.add(g, a.value), float(steps)) for g, a in zip(grads, accs)],
                               variables)
        for v, old in zip(touched, before):
            v.assign(ops.where(is_update, v.value, old))
        for a, g in zip(accs, grads):
            a.assign(ops.where(is_update, ops.zeros_like(g), ops.add(a.value, g)))

    def _update_ema(self, variables) -> None:
        it = self._update_count()
        for v in variables:
            avg = self._ema[self._index(v)]
            if avg is None:
                continue
            momentum = ops.multiply(ops.cast(ops.not_equal(it, 0), v.dtype), self.ema_momentum)
            avg.assign(ops.add(ops.multiply(momentum, avg.value), ops.multiply(ops.subtract(1.0, momentum), v.value)))
        if self.ema_overwrite_frequency:
            overwrite = ops.equal(ops.mod(ops.add(it, 1), self.ema_overwrite_frequency), 0)
            for v in variables:
                if self._ema[self._index(v)] is not None:
                    v.assign(ops.where(overwrite, self._ema[self._index(v)].value, v.value))

    def apply(self, grads, trainable_variables=None) -> None:
        """Applies ``grads`` to ``trainable_variables`` (default: those given to :meth:`build`),
        updating the variables in place. ``None`` gradients are skipped; all of them ``None`` is a
        ``ValueError`` (as Keras: a gradient read where autodiff did not record it, e.g. inside
        ``torch.no_grad()``, would otherwise train nothing silently)."""
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError("apply(grads) without trainable_variables needs a built optimizer; call "
                                 "build(variables) first or pass trainable_variables")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"apply: got {len(grads)} gradients for {len(trainable_variables)} variables")
        if grads and all(g is None for g in grads):  # as Keras: nothing to apply is a mistake, not a no-op
            raise ValueError(f"No gradients provided for any variable: apply got None for all of "
                             f"{[v.path for v in trainable_variables]}")
        if not self.built:
            self.build(trainable_variables)
        unknown = [v.path for v in trainable_variables if id(v) not in self._var_index]
        if unknown:
            raise KeyError(f"apply: variables {unknown} were not passed to build(); an optimizer is built once "
                           "for a fixed list of variables")
        self._apply_impl(grads, trainable_variables)

    def apply_gradients(self, grads_and_vars) -> Variable:
        """Applies ``(gradient, variable)`` pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self._iterations

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """The pure update: returns ``(new_trainable_values, new_optimizer_values)``.

        Arguments:
            optimizer_variables: values for :attr:`variables`, in order.
            grads: one gradient per variable given to :meth:`build`.
            trainable_variables: values of the variables given to :meth:`build`, in order.
        """
        if not self.built:
            raise ValueError(f"{type(self).__name__}.stateless_apply needs a built optimizer: call "
                             "optimizer.build(trainable_variables) first")
        optimizer_variables = list(optimizer_variables)
        trainable_variables = list(trainable_variables)
        grads = list(grads)
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(f"stateless_apply: got {len(optimizer_variables)} optimizer values; the optimizer "
                             f"has {len(self._variables)} variables")
        if not (len(grads) == len(trainable_variables) == len(self._trainable_variables)):
            raise ValueError(f"stateless_apply: got {len(grads)} gradients and {len(trainable_variables)} "
                             f"variable values; the optimizer was built for {len(self._trainable_variables)}")
        mapping = [*zip(self._variables, optimizer_variables), *zip(self._trainable_variables, trainable_variables)]
        with StatelessScope(mapping) as scope:
            self._apply_impl(grads, self._trainable_variables)
        return ([scope.updated(v) for v in self._trainable_variables], [scope.updated(v) for v in self._variables])

    def finalize_variable_values(self, var_list=None) -> None:
        """With ``use_ema``, overwrites the variables with their moving averages (end of fit)."""
        if self.use_ema and self.built:
            for v in var_list or self._trainable_variables:
                if id(v) in self._var_index and self._ema[self._index(v)] is not None:
                    v.assign(self._ema[self._index(v)].value)

    # -- config -----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments shared by every optimizer, JSON-compatible; subclasses add theirs.
        A learning rate held in a variable is recorded as its current float value, a schedule by its
        serialized config.

        Returns:
            A dict for :meth:`from_config`.
        """
        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr_cfg: Any = float(lr.numpy())
        elif isinstance(lr, _schedules.LearningRateSchedule):
            lr_cfg = _schedules.serialize(lr)
        else:
            lr_cfg = lr
        return {"name": self.name, "learning_rate": lr_cfg, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """Creates an optimizer from :meth:`get_config`'s output (a serialized learning-rate schedule is
        deserialized first). The new optimizer has no variables until it is built.

        Arguments:
            config: the dictionary :meth:`get_config` returned.
            custom_objects: classes to resolve a custom learning-rate schedule by name.

        Returns:
            The new optimizer.
        """
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = _schedules.deserialize(lr, custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


BASE_ARGUMENTS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
                  "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "name")


def base_arguments(constructor_locals: dict) -> dict:
    """The :class:`Optimizer` arguments among a subclass constructor's ``locals()`` (each subclass
    spells them out in its signature, as Keras's do, and hands them on with this)."""
    return {k: constructor_locals[k] for k in BASE_ARGUMENTS}


def overwrites_with_gradient(variable) -> bool:
    """Whether the optimizer assigns ``variable`` its gradient instead of updating it (the
    ``overwrite_with_gradient`` flag of float8 layers' scale and amax-history variables)."""
    return bool(getattr(variable, "overwrite_with_gradient", False))


def clip_by_norm(values, clip_norm):
    """``values * clip_norm / max(||values||_2, clip_norm)`` (zero stays zero).

    Arguments:
        values: one tensor (e.g. a gradient); its L2 norm is taken over all its entries.
        clip_norm: the largest L2 norm the result may have, a positive number.

    Returns:
        A tensor of ``values``' shape: ``values`` itself where its norm is at most
        ``clip_norm``, else rescaled to norm ``clip_norm``.

    Example:

    >>> import numpy as np
    >>> from dlx import optimizers
    >>> optimizers.clip_by_norm(np.array([3.0, 4.0], "float32"), 1.0)
    array([0.6, 0.8], dtype=float32)
    """
    l2sum = ops.sum(ops.square(values))
    pred = ops.greater(l2sum, 0)
    l2norm = ops.where(pred, ops.sqrt(ops.where(pred, l2sum, ops.ones_like(l2sum))), l2sum)
    return ops.divide(ops.multiply(values, clip_norm), ops.maximum(l2norm, clip_norm))


def global_norm(values):
    """The L2 norm of all tensors in ``values`` together (``None`` entries skipped).

    Arguments:
        values: a sequence of tensors (and ``None`` entries).

    Returns:
        A float32 scalar tensor, ``sqrt(sum of every squared entry)``; ``0.0`` when there is no
        tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import optimizers
    >>> optimizers.global_norm([np.array([3.0], "float32"), np.array([4.0], "float32")])
    np.float32(5.0)
    """
    sq = [ops.sum(ops.square(ops.cast(v, "float32"))) for v in values if v is not None]
    if not sq:
        return ops.convert_to_tensor(0.0, "float32")
    return ops.sqrt(ops.sum(ops.stack(sq)))


def clip_by_global_norm(values, clip_norm):
    """Scales all ``values`` by ``clip_norm / max(global_norm, clip_norm)``.

    Arguments:
        values: a sequence of tensors (and ``None`` entries, kept as ``None``).
        clip_norm: the largest global L2 norm the result may have, a positive number.

    Returns:
        A list of the tensors, each scaled by the same factor and in its own dtype; unchanged
        when their global norm is at most ``clip_norm`` (or zero).

    Example:

    >>> import numpy as np
    >>> from dlx import optimizers
    >>> optimizers.clip_by_global_norm([np.array([3.0], "float32"), np.array([4.0], "float32")], 1.0)
    [array([0.6], dtype=float32), array([0.8], dtype=float32)]
    """
    norm = global_norm(values)
    scale = ops.multiply(clip_norm, ops.minimum(ops.divide(1.0, norm), 1.0 / clip_norm))
    scale = ops.where(ops.isnan(scale), ops.ones_like(scale), scale)  # all-zero gradients
    return [None if v is None else ops.multiply(v, ops.cast(scale, ops.dtype(v))) for v in values]

