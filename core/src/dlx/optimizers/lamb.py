"""LAMB (layer-wise adaptive moments)."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


class Lamb(Optimizer):
    """LAMB (You et al. 2019): the Adam direction ``r = m_hat / (sqrt(v_hat) + epsilon)`` scaled
    per variable by the trust ratio ``||w|| / ||r||`` (1 when either norm is 0):
    ``w -= ratio * lr * r``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        beta_1, beta_2: moment decays.
        epsilon: added to the root of the second moment.
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
    >>> opt = optimizers.Lamb(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.8419, 2.1581], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        dt = variable.dtype
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        b1p = ops.power(ops.cast(self.beta_1, dt), t)
        b2p = ops.power(ops.cast(self.beta_2, dt), t)
        m, v = self._momentums[i], self._velocities[i]
        new_m = ops.add(ops.multiply(m.value, self.beta_1), ops.multiply(gradient, 1.0 - self.beta_1))
        new_v = ops.add(ops.multiply(v.value, self.beta_2), ops.multiply(ops.square(gradient), 1.0 - self.beta_2))
        m.assign(new_m)
        v.assign(new_v)
        m_hat = ops.divide(new_m, ops.subtract(1.0, b1p))
        v_sqrt = ops.add(ops.sqrt(ops.divide(new_v, ops.subtract(1.0, b2p))), self.epsilon)
        update = ops.divide(m_hat, v_sqrt)
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        g_norm = ops.sqrt(ops.sum(ops.square(update)))
        ok = ops.logical_and(ops.greater(w_norm, 0), ops.greater(g_norm, 0))
        ratio = ops.where(ok, ops.divide(w_norm, ops.where(ok, g_norm, ops.ones_like(g_norm))), 1.0)
        variable.assign(ops.subtract(variable.value, ops.multiply(ops.multiply(ratio, learning_rate), update)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
