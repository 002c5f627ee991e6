"""RMSprop."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


class RMSprop(Optimizer):
    """RMSprop: ``v = rho * v + (1 - rho) * g**2``; ``w -= lr * g / sqrt(v + epsilon)`` (centered:
    ``v - mean_g**2`` in the root; with momentum the increment feeds a momentum buffer).

    Arguments:
        learning_rate: float or schedule (default 0.001).
        rho: discount factor of the squared-gradient average.
        momentum: momentum of the increments (0 disables it).
        epsilon: added inside the square root.
        centered: normalize by the estimated gradient variance instead of the second moment.
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
    >>> opt = optimizers.RMSprop(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.6838, 2.3162], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if not 0 <= rho <= 1:
            raise ValueError(f"RMSprop: rho={rho!r}; expected a float in [0, 1]")
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else []
        self._average_gradients = self.add_optimizer_variables(variables, "average_gradient") if self.centered else []

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        rho = self.rho
        v = self._velocities[i]
        if self.momentum <= 0:  # the fused ops (a few kernels on eager backends)
            if self.centered:
                a = self._average_gradients[i]
                new_var, new_v, new_a = ops.rmsprop_centered_update(variable.value, gradient, v.value, a.value,
                                                                    learning_rate, rho, self.epsilon)
                a.assign(new_a)
            else:
                new_var, new_v = ops.rmsprop_update(variable.value, gradient, v.value, learning_rate, rho,
                                                    self.epsilon)
            v.assign(new_v)
            variable.assign(new_var)
            return
        new_v = ops.add(ops.multiply(rho, v.value), ops.multiply(1 - rho, ops.square(gradient)))
        v.assign(new_v)
        if self.centered:
            a = self._average_gradients[i]
            new_a = ops.add(ops.multiply(rho, a.value), ops.multiply(1 - rho, gradient))
            a.assign(new_a)
            denominator = ops.add(ops.subtract(new_v, ops.square(new_a)), self.epsilon)
        else:
            denominator = ops.add(new_v, self.epsilon)
        increment = ops.divide(ops.multiply(learning_rate, gradient), ops.sqrt(denominator))
        if self.momentum > 0:
            m = self._momentums[i]
            new_m = ops.add(ops.multiply(self.momentum, m.value), increment)
            m.assign(new_m)
            variable.assign(ops.subtract(variable.value, new_m))
        else:
            variable.assign(ops.subtract(variable.value, increment))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
