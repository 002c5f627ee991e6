"""Dynamic loss scaling for mixed-precision training."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, overwrites_with_gradient
from dlx.variables import Variable

# the base optimizer's arguments: accepted at their default values only (older Keras configs carry
# them), anything else belongs on the inner optimizer, as Keras says
_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer with dynamic loss scaling (Keras 3 semantics).

    The training loss is multiplied by ``dynamic_scale`` (:meth:`scale_loss`) and gradients are
    divided by it before the inner update. When any gradient is not finite the whole update is
    skipped (the variables, the inner optimizer's state and ``iterations`` are unchanged), the
    scale halves and the counter restarts; after ``dynamic_growth_steps`` finite steps in a row
    the scale doubles. ``Model.compile`` wraps the optimizer in one automatically when the
    model's dtype policy is ``"mixed_float16"`` (``auto_scale_loss=True``).

    The variables are Keras's, in its order (so ``.keras`` files carry the same optimizer
    state): this optimizer's unused ``iteration`` and ``learning_rate``, ``step_counter``,
    ``dynamic_scale``, then the inner optimizer's.

    Arguments:
        inner_optimizer: the wrapped :class:`~dlx.optimizers.Optimizer` (its
            ``loss_scale_factor`` is cleared, so gradients are unscaled once).
        initial_scale: the starting scale.
        dynamic_growth_steps: finite steps before the scale doubles.
        name: the optimizer's name (default ``"loss_scale_optimizer"``).
        **kwargs: Keras's ``dynamic=True`` and the base arguments at their defaults are accepted;
            ``dynamic=False`` or another value of a base argument (set it on ``inner_optimizer``) raises
            ``ValueError``.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = optimizers.LossScaleOptimizer(optimizers.SGD(learning_rate=0.1), initial_scale=8.0)
    >>> float(opt.scale_loss(np.float32(2.0)))
    16.0
    >>> opt.apply([np.array([4.0, -8.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.95, 2.1 ], dtype=float32)
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer: dynamic=False is not supported (the scale is always dynamic); "
                             "for a fixed scale set loss_scale_factor on the inner optimizer instead")
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(f"LossScaleOptimizer does not take {arg}; set {arg} on the inner_optimizer")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer: unknown argument(s) {sorted(kwargs)}; expected inner_optimizer, "
                             "initial_scale, dynamic_growth_steps, name")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(f"LossScaleOptimizer: inner_optimizer={inner_optimizer!r}; expected a dlx Optimizer")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise TypeError("LossScaleOptimizer: inner_optimizer is already a LossScaleOptimizer")
        if not isinstance(dynamic_growth_steps, int) or dynamic_growth_steps < 1:
            raise ValueError(f"LossScaleOptimizer: dynamic_growth_steps={dynamic_growth_steps!r}; expected an int >= 1")
        if not initial_scale > 0:
            raise ValueError(f"LossScaleOptimizer: initial_scale={initial_scale!r}; expected a positive number")
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer")
        self.inner_optimizer = inner_optimizer
        inner_optimizer.loss_scale_factor = None
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        # own state after the base class's (unused) iteration and learning rate, as Keras orders it
        self.step_counter = self._track(Variable(0, dtype="int32", trainable=False, name="step_counter"))
        self.dynamic_scale = self._track(Variable(self.initial_scale, dtype="float32", trainable=False,
                                                  name="dynamic_scale"))

    @property
    def variables(self):
        return [*self._variables, *self.inner_optimizer.variables]

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def build(self, variables):
        if self.built:
            return
        self.inner_optimizer.build(variables)
        self._trainable_variables = list(variables)
        self._var_index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        self.built = True

    def scale_loss(self, loss):
        return ops.multiply(loss, ops.cast(self.dynamic_scale.value, ops.dtype(loss)))

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        if not self.built:
            raise ValueError("LossScaleOptimizer.stateless_apply needs a built optimizer: call build() first")
        optimizer_variables = list(optimizer_variables)
        n_own = len(self._variables)
        own = optimizer_variables[:n_own]
        counter, scale = own[-2:]
        inner_values = optimizer_variables[n_own:]
        grads = [ops.zeros_like(t) if g is None else g for g, t in zip(grads, trainable_variables)]
        finite = ops.all(ops.stack([ops.all(ops.isfinite(g)) for g in grads])) if grads else True
        # float8 scales and histories take their "gradient" as their value: never unscaled (as Keras)
        keep = [overwrites_with_gradient(v) for v in self._trainable_variables] or [False] * len(grads)
        unscaled = [g if k else ops.divide(g, ops.cast(scale, ops.dtype(g))) for g, k in zip(grads, keep)]
        # where the gradients are not finite, feed zeros so the (discarded) inner update stays finite
        unscaled = [ops.where(finite, g, ops.zeros_like(g)) for g in unscaled]
        new_train, new_inner = self.inner_optimizer.stateless_apply(inner_values, unscaled, trainable_variables)
        grow = ops.equal(counter, self.dynamic_growth_steps - 1)
        new_counter = ops.where(finite, ops.where(grow, 0, ops.add(counter, 1)), 0)
        new_scale = ops.where(finite, ops.where(grow, ops.multiply(scale, 2.0), scale), ops.divide(scale, 2.0))
        new_train = [ops.where(finite, n, o) for n, o in zip(new_train, trainable_variables)]
        new_inner = [ops.where(finite, n, o) for n, o in zip(new_inner, inner_values)]
        return new_train, [*own[:-2], ops.cast(new_counter, "int32"), ops.cast(new_scale, "float32"), *new_inner]

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if trainable_variables is None:
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if [id(v) for v in trainable_variables] != [id(v) for v in self._trainable_variables]:
            raise ValueError("LossScaleOptimizer.apply: pass the same variables, in the same order, as to build()")
        opt_vars = self.variables
        new_train, new_opt = self.stateless_apply([v.value for v in opt_vars], grads,
                                                  [v.value for v in trainable_variables])
        for v, val in zip(trainable_variables, new_train):
            v.assign(val)
        for v, val in zip(opt_vars, new_opt):
            v.assign(val)

    def finalize_variable_values(self, var_list=None):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from dlx.optimizers import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from dlx.optimizers import deserialize

        config = dict(config)
        config["inner_optimizer"] = deserialize(config["inner_optimizer"], custom_objects)
        return cls(**config)
