"""Lion (EvoLved Sign Momentum)."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


class Lion(Optimizer):
    """Lion (Chen et al. 2023): ``w -= lr * sign(b1 m + (1 - b1) g)``; ``m = b2 m + (1 - b2) g``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        beta_1: interpolation factor of the update direction, in ``(0, 1]``.
        beta_2: decay of the momentum, in ``[0, 1]``.
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
    >>> opt = optimizers.Lion(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.9, 2.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: beta_1={beta_1!r}; expected a float in (0, 1]")
        if not 0 <= beta_2 <= 1:
            raise ValueError(f"Lion: beta_2={beta_2!r}; expected a float in [0, 1]")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        m = self._momentums[self._index(variable)]
        direction = ops.sign(ops.add(ops.multiply(m.value, self.beta_1), ops.multiply(gradient, 1.0 - self.beta_1)))
        variable.assign(ops.subtract(variable.value, ops.multiply(learning_rate, direction)))
        m.assign(ops.add(ops.multiply(m.value, self.beta_2), ops.multiply(gradient, 1.0 - self.beta_2)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
