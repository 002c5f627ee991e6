"""FTRL-Proximal."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al. 2013) with L1, L2 and L2-shrinkage regularization.

    Per step: ``n' = n + g**2``; ``z += g + 2*l2_shrinkage*w - (n'**-p - n**-p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n'**-p / lr + 2 * (l2 + beta / (2 lr)))`` with
    ``p = learning_rate_power``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        learning_rate_power: a float <= 0 (``-0.5``: the usual 1/sqrt decay).
        initial_accumulator_value: starting value of ``n`` (>= 0).
        l1_regularization_strength, l2_regularization_strength: non-negative penalties.
        l2_shrinkage_regularization_strength: a non-negative penalty.
        beta: the beta of the paper (>= 0).
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_momentum, ema_overwrite_frequency, loss_scale_factor: as for :class:`~dlx.optimizers.Optimizer`.
        gradient_accumulation_steps, name: as for :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = optimizers.Ftrl(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.381 , 1.4923], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength, "beta": beta}
        for k, v in checks.items():
            if v < 0:
                raise ValueError(f"Ftrl: {k}={v!r}; expected a value >= 0")
        if learning_rate_power > 0:
            raise ValueError(f"Ftrl: learning_rate_power={learning_rate_power!r}; expected a value <= 0")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators, self._linears = self.add_optimizer_variables(
            variables, ["accumulator", "linear"], [float(self.initial_accumulator_value), "zeros"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        accum, linear = self._accumulators[i], self._linears[i]
        p = self.learning_rate_power
        l2 = ops.add(self.l2_regularization_strength, ops.divide(self.beta, ops.multiply(2.0, learning_rate)))
        grad_to_use = ops.add(gradient, ops.multiply(2 * self.l2_shrinkage_regularization_strength, variable.value))
        new_accum = ops.add(accum.value, ops.square(gradient))
        sigma = ops.divide(ops.subtract(ops.power(new_accum, -p), ops.power(accum.value, -p)), learning_rate)
        new_linear = ops.add(linear.value, ops.subtract(grad_to_use, ops.multiply(sigma, variable.value)))
        linear.assign(new_linear)
        quadratic = ops.add(ops.divide(ops.power(new_accum, -p), learning_rate), ops.multiply(2.0, l2))
        l1 = self.l1_regularization_strength
        clipped = ops.clip(new_linear, -l1, l1)
        variable.assign(ops.divide(ops.subtract(clipped, new_linear), quadratic))
        accum.assign(new_accum)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
