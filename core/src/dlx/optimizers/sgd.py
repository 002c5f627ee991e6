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
    >>> opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.95, 2.1 ], dtype=float32)
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
        # fused ops: a few kernels on eager backends
        if self.momentum != 0:
            m = self.momentums[self._index(variable)]
            new_var, new_m = ops.sgd_momentum_update(variable.value, gradient, m.value, learning_rate,
                                                     self.momentum, self.nesterov)
            m.assign(new_m)
            variable.assign(new_var)
        else:
            variable.assign(ops.sgd_update(variable.value, gradient, learning_rate))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
