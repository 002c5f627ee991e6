"""Stochastic gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


class SGD(Optimizer):
    """Gradient descent: ``m = momentum * m - lr * g``; ``w += m`` (Nesterov:
    ``w += momentum * m - lr * g``); without momentum ``w -= lr * g``.

    Arguments:
        learning_rate: float or schedule (default 0.01).
        momentum: a float in ``[0, 1]``.
        nesterov: use Nesterov momentum.
        **kwargs: the :class:`~dlx.optimizers.Optimizer` arguments.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum={momentum!r}; expected a float in [0, 1]")
        self.momentum = momentum
        self.nesterov = bool(nesterov)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum != 0 else []

    def update_step(self, gradient, variable, learning_rate):
        step = ops.multiply(gradient, learning_rate)
        if self.momentum != 0:
            m = self.momentums[self._index(variable)]
            mom = ops.cast(self.momentum, variable.dtype)
            new_m = ops.subtract(ops.multiply(m.value, mom), step)
            m.assign(new_m)
            if self.nesterov:
                variable.assign(ops.add(variable.value, ops.subtract(ops.multiply(new_m, mom), step)))
            else:
                variable.assign(ops.add(variable.value, new_m))
        else:
            variable.assign(ops.subtract(variable.value, step))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
