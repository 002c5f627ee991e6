"""Schedule-Free AdamW (Defazio et al. 2024)."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW: no learning-rate schedule; an interpolation of a fast sequence ``z``
    (the ``momentum`` slot, started at the variable's value) and its running average ``x``.

    With ``t`` the step (from 1), ``lr_t = lr * min(t / warmup_steps, 1)`` (no warmup when
    ``warmup_steps`` is 0) and ``y`` the variable::

        v = b2 v + (1 - b2) g**2
        z_new = z - lr_t * g / (sqrt(v / (1 - b2**t)) + epsilon)
        x = (y - (1 - b1) z) / b1                      (the average, from the previous z)
        x_new = (1 - 1/t) x + (1/t) z_new
        y = (1 - b1) z_new + b1 x_new

    Arguments:
        learning_rate: float or schedule (default 0.0025).
        beta_1: the interpolation between ``z`` and ``x``.
        beta_2: decay of the second moment.
        epsilon: added to the root of the second moment.
        warmup_steps: linear warmup of the learning rate over this many steps.
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
    >>> opt = optimizers.ScheduleFreeAdamW(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.9, 2.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if not isinstance(beta_1, (int, float)) or not 0 < beta_1 <= 1:
            raise ValueError(f"ScheduleFreeAdamW: beta_1={beta_1!r}; expected a float in (0, 1]")
        if not isinstance(beta_2, (int, float)) or not 0 <= beta_2 < 1:
            raise ValueError(f"ScheduleFreeAdamW: beta_2={beta_2!r}; expected a float in [0, 1)")
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(f"ScheduleFreeAdamW: warmup_steps={warmup_steps!r}; expected a non-negative int")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        for z, v in zip(self._momentums, variables):
            if z is not None:
                z.assign(ops.copy(v.value))

    def update_step(self, gradient, variable, learning_rate):
        dt = variable.dtype
        i = self._index(variable)
        z, vel = self._momentums[i], self._velocities[i]
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        lr = ops.cast(learning_rate, dt)
        if self.warmup_steps > 0:
            lr = ops.multiply(lr, ops.minimum(ops.divide(t, ops.cast(self.warmup_steps, dt)), 1.0))
        b1 = ops.cast(self.beta_1, dt)
        b2 = ops.cast(self.beta_2, dt)
        z_old = z.value
        y_old = variable.value
        new_v = ops.add(vel.value, ops.multiply(ops.subtract(ops.square(gradient), vel.value), ops.subtract(1.0, b2)))
        denom = ops.add(ops.sqrt(ops.divide(new_v, ops.subtract(1.0, ops.power(b2, t)))), ops.cast(self.epsilon, dt))
        new_z = ops.subtract(z_old, ops.divide(ops.multiply(lr, gradient), denom))
        weight = ops.divide(1.0, t)
        x_old = ops.divide(ops.subtract(y_old, ops.multiply(ops.subtract(1.0, b1), z_old)), b1)
        x_new = ops.add(ops.multiply(ops.subtract(1.0, weight), x_old), ops.multiply(weight, new_z))
        y_new = ops.add(ops.multiply(ops.subtract(1.0, b1), new_z), ops.multiply(b1, x_new))
        vel.assign(new_v)
        z.assign(new_z)
        variable.assign(y_new)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
