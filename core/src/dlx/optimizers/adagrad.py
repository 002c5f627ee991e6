"""Adagrad and Adadelta."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


class Adagrad(Optimizer):
    """Adagrad: ``a += g**2``; ``w -= lr * g / sqrt(a + epsilon)``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        initial_accumulator_value: the accumulators' starting value.
        epsilon: added inside the square root.
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
    >>> opt = optimizers.Adagrad(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.9155, 2.0953], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError(f"Adagrad: initial_accumulator_value={initial_accumulator_value!r}; expected >= 0")
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(variables, "accumulator",
                                                          float(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        acc = self._accumulators[self._index(variable)]
        new_var, new_acc = ops.adagrad_update(variable.value, gradient, acc.value, learning_rate, self.epsilon)
        acc.assign(new_acc)
        variable.assign(new_var)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012): ``Eg = rho Eg + (1 - rho) g**2``;
    ``d = -sqrt(Ed + eps) / sqrt(Eg + eps) * g``; ``Ed = rho Ed + (1 - rho) d**2``; ``w += lr * d``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        rho: the decay of both running averages, in ``[0, 1]``.
        epsilon: the ``eps`` added inside both square roots.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_momentum, ema_overwrite_frequency, loss_scale_factor: as for :class:`~dlx.optimizers.Optimizer`.
        gradient_accumulation_steps, name: as for :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Raises:
        ValueError: for ``rho`` outside ``[0, 1]``.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = optimizers.Adadelta(learning_rate=1.0)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.9986, 2.0014], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if not 0 <= rho <= 1:
            raise ValueError(f"Adadelta: rho={rho!r}; expected a float in [0, 1]")
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        rho = self.rho
        eg, ed = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        new_var, new_eg, new_ed = ops.adadelta_update(variable.value, gradient, eg.value, ed.value, learning_rate,
                                                      rho, self.epsilon)
        eg.assign(new_eg)
        ed.assign(new_ed)
        variable.assign(new_var)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
