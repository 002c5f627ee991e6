"""Dynamic loss scaling for mixed-precision training."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer
from dlx.variables import Variable


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer with dynamic loss scaling (Keras 3 semantics).

    The training loss is multiplied by ``dynamic_scale`` (:meth:`scale_loss`) and gradients are
    divided by it before the inner update. When any gradient is not finite the update is skipped
    and the scale halves; after ``dynamic_growth_steps`` finite steps in a row it doubles.

    Arguments:
        inner_optimizer: the wrapped :class:`~dlx.optimizers.Optimizer`.
        initial_scale: the starting scale.
        dynamic_growth_steps: finite steps before the scale doubles.
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(f"LossScaleOptimizer: inner_optimizer={inner_optimizer!r}; expected a dlx Optimizer")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise TypeError("LossScaleOptimizer: inner_optimizer is already a LossScaleOptimizer")
        if not isinstance(dynamic_growth_steps, int) or dynamic_growth_steps < 1:
            raise ValueError(f"LossScaleOptimizer: dynamic_growth_steps={dynamic_growth_steps!r}; expected an int >= 1")
        if not initial_scale > 0:
            raise ValueError(f"LossScaleOptimizer: initial_scale={initial_scale!r}; expected a positive number")
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer", **kwargs)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        self._variables = []  # own state: the counter and the scale; the inner optimizer owns the rest
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
        counter, scale = optimizer_variables[:n_own]
        inner_values = optimizer_variables[n_own:]
        grads = [ops.zeros_like(t) if g is None else g for g, t in zip(grads, trainable_variables)]
        finite = ops.all(ops.stack([ops.all(ops.isfinite(g)) for g in grads])) if grads else True
        unscaled = [ops.divide(g, ops.cast(scale, ops.dtype(g))) for g in grads]
        # where the gradients are not finite, feed zeros so the (discarded) inner update stays finite
        unscaled = [ops.where(finite, g, ops.zeros_like(g)) for g in unscaled]
        new_train, new_inner = self.inner_optimizer.stateless_apply(inner_values, unscaled, trainable_variables)
        grow = ops.equal(counter, self.dynamic_growth_steps - 1)
        new_counter = ops.where(finite, ops.where(grow, 0, ops.add(counter, 1)), 0)
        new_scale = ops.where(finite, ops.where(grow, ops.multiply(scale, 2.0), scale), ops.divide(scale, 2.0))
        new_train = [ops.where(finite, n, o) for n, o in zip(new_train, trainable_variables)]
        new_inner = [ops.where(finite, n, o) for n, o in zip(new_inner, inner_values)]
        return new_train, [ops.cast(new_counter, "int32"), ops.cast(new_scale, "float32"), *new_inner]

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
