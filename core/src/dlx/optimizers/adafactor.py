"""Adafactor (factored second moments)."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments


def _rms(x):
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern 2018) as in Keras 3: for variables of rank >= 2 the second
    moment is factored over the last two axes (row means ``r``, column means ``c``).

    Per step ``t``: ``rho = min(lr, 1/sqrt(t))`` (and, with ``relative_step`` and a constant
    learning rate, ``lr = min(lr, 1/sqrt(t))``); ``alpha = max(epsilon_2, rms(w)) * rho``;
    ``b2 = 1 - t**beta_2_decay``; ``u = g / sqrt(v)``; ``w -= alpha * u / max(1, rms(u) /
    clip_threshold)``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        beta_2_decay: exponent of the second-moment decay schedule.
        epsilon_1: added to the squared gradients.
        epsilon_2: lower bound of the parameter scale.
        clip_threshold: update clipping threshold.
        relative_step: cap a constant learning rate by ``1/sqrt(t)``.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_momentum, ema_overwrite_frequency, loss_scale_factor: as for :class:`~dlx.optimizers.Optimizer`.
        gradient_accumulation_steps, name: as for :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> w = dlx.Variable(np.ones((2, 3), "float32"))
    >>> opt = optimizers.Adafactor(learning_rate=0.1)
    >>> opt.apply([np.full((2, 3), 0.5, "float32")], [w])
    >>> np.round(np.asarray(w), 4)
    array([[0.9, 0.9, 0.9],
           [0.9, 0.9, 0.9]], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = bool(relative_step)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._r, self._c, self._v = [], [], []
        for var in variables:  # the row and column factors take the variable's name, as Keras's do
            if len(var.shape) < 2:  # not factored: scalar placeholders keep the layout uniform
                self._r.append(self.add_variable((), "zeros", var.dtype, var.name))
                self._c.append(self.add_variable((), "zeros", var.dtype, var.name))
            else:
                self._r.append(self.add_variable(var.shape[:-1], "zeros", var.dtype, var.name))
                self._c.append(self.add_variable((*var.shape[:-2], var.shape[-1]), "zeros", var.dtype, var.name))
            self._v.append(self.add_variable_from_reference(var, "velocity"))

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        dt = variable.dtype
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        inv_sqrt_t = ops.divide(1.0, ops.sqrt(t))
        lr = learning_rate
        if self.relative_step and not callable(self._learning_rate):
            lr = ops.minimum(lr, inv_sqrt_t)
        r, c, v = self._r[i], self._c[i], self._v[i]
        rho = ops.minimum(lr, inv_sqrt_t)
        alpha = ops.multiply(ops.maximum(ops.cast(self.epsilon_2, dt), _rms(variable.value)), rho)
        g2 = ops.add(ops.square(gradient), self.epsilon_1)
        b2 = ops.subtract(1.0, ops.power(t, self.beta_2_decay))
        if len(variable.shape) >= 2:
            new_r = ops.add(ops.multiply(b2, r.value), ops.multiply(ops.subtract(1.0, b2), ops.mean(g2, axis=-1)))
            new_c = ops.add(ops.multiply(b2, c.value), ops.multiply(ops.subtract(1.0, b2), ops.mean(g2, axis=-2)))
            r.assign(new_r)
            c.assign(new_c)
            new_v = ops.multiply(ops.expand_dims(ops.divide(new_r, ops.mean(new_r, axis=-1, keepdims=True)), -1),
                                 ops.expand_dims(new_c, -2))
        else:
            new_v = ops.add(ops.multiply(b2, v.value), ops.multiply(ops.subtract(1.0, b2), g2))
        v.assign(new_v)
        u = ops.divide(gradient, ops.sqrt(new_v))
        u_hat = ops.divide(u, ops.maximum(1.0, ops.divide(_rms(u), self.clip_threshold)))
        variable.assign(ops.subtract(variable.value, ops.multiply(alpha, u_hat)))

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}
