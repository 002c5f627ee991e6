"""Adam and its relatives: AdamW, Adamax, Nadam."""

from __future__ import annotations

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, base_arguments
from dlx.variables import Variable


def _check_beta(cls, name, value):
    if not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{cls}: {name}={value!r}; expected a float in [0, 1)")


class Adam(Optimizer):
    """Adam (Kingma & Ba): ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``,
    ``w -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the root of the second moment ("epsilon hat" of the paper).
        amsgrad: use the running maximum of ``v`` (AMSGrad).
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
    >>> opt = optimizers.Adam(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.9, 2.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        _check_beta(type(self).__name__, "beta_1", beta_1)
        _check_beta(type(self).__name__, "beta_2", beta_2)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat") if self.amsgrad else []

    @property
    def _fuses_weight_decay(self):
        """Adam's own rule takes the decoupled weight decay in its fused op (``adamw_update``)."""
        return type(self).update_step is Adam.update_step

    def _update_step_all(self, grads, variables, learning_rate):
        if type(self).update_step is not Adam.update_step:  # a subclass's own rule: per variable
            return super()._update_step_all(grads, variables, learning_rate)
        # the step-size factor depends only on the dtype: computed once per dtype, not per variable
        # (the same ops on the same values as update_step, so the same results)
        alphas: dict = {}
        for g, variable in zip(grads, variables):
            dt = variable.dtype
            if dt not in alphas:
                alphas[dt] = self._alpha(dt, ops.cast(learning_rate, dt))
            self._apply_moments(ops.cast(g, dt), variable, alphas[dt], self._decay_rate(variable, learning_rate))

    def _alpha(self, dt, learning_rate):
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        b1p = ops.power(ops.cast(self.beta_1, dt), t)
        b2p = ops.power(ops.cast(self.beta_2, dt), t)
        return ops.divide(ops.multiply(learning_rate, ops.sqrt(ops.subtract(1.0, b2p))), ops.subtract(1.0, b1p))

    def _apply_moments(self, gradient, variable, alpha, decay=None):
        """One variable's Adam step in one fused op; ``decay``: the decoupled weight decay's rate
        (``weight_decay * lr``), applied first (``None``: already applied, or none)."""
        i = self._index(variable)
        m, v = self._momentums[i], self._velocities[i]
        hyper = (self.beta_1, self.beta_2, self.epsilon)
        if self.amsgrad:
            var = variable.value if decay is None else ops.weight_decay_update(variable.value, decay)
            vh = self._velocity_hats[i]
            new_var, new_m, new_v, new_vh = ops.amsgrad_update(var, gradient, m.value, v.value, vh.value, alpha,
                                                               *hyper)
            vh.assign(new_vh)
        elif decay is None:
            new_var, new_m, new_v = ops.adam_update(variable.value, gradient, m.value, v.value, alpha, *hyper)
        else:
            new_var, new_m, new_v = ops.adamw_update(variable.value, gradient, m.value, v.value, alpha, decay, *hyper)
        m.assign(new_m)
        v.assign(new_v)
        variable.assign(new_var)

    def update_step(self, gradient, variable, learning_rate):
        self._apply_moments(gradient, variable, self._alpha(variable.dtype, learning_rate))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): ``w -= w * weight_decay * lr``
    before the Adam update. Same arguments as :class:`Adam`, plus ``weight_decay`` (0.004).

    Arguments:
        learning_rate: float or schedule (default 0.001).
        weight_decay: the decoupled decay rate, a float (``None`` raises: use :class:`Adam`).
        beta_1: decay of the first moment, in ``[0, 1)``.
        beta_2: decay of the second moment, in ``[0, 1)``.
        epsilon: added to the root of the second moment.
        amsgrad: use the running maximum of ``v`` (AMSGrad).
        clipnorm, clipvalue, global_clipnorm, use_ema: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_momentum, ema_overwrite_frequency, loss_scale_factor: as for :class:`~dlx.optimizers.Optimizer`.
        gradient_accumulation_steps, name: as for :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Raises:
        ValueError: for ``weight_decay=None`` or a beta outside ``[0, 1)``.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.01)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.899, 2.098], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay=None; expected a float (use Adam for no weight decay)")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, **base_arguments(locals()), **kwargs)


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm): ``m = b1 m + (1 - b1) g``, ``u = max(b2 u, |g|)``,
    ``w -= lr * m / ((1 - b1**t) * (u + epsilon))``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment, in ``[0, 1)``.
        beta_2: decay of the running infinity norm ``u``, in ``[0, 1)``.
        epsilon: added to ``u`` in the denominator.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_momentum, ema_overwrite_frequency, loss_scale_factor: as for :class:`~dlx.optimizers.Optimizer`.
        gradient_accumulation_steps, name: as for :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Raises:
        ValueError: for a beta outside ``[0, 1)``.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = optimizers.Adamax(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.9, 2.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        _check_beta("Adamax", "beta_1", beta_1)
        _check_beta("Adamax", "beta_2", beta_2)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        t = ops.cast(ops.add(self._update_count(), 1), variable.dtype)
        b1p = ops.power(ops.cast(self.beta_1, variable.dtype), t)
        m, u = self._m[i], self._u[i]
        alpha = ops.divide(learning_rate, ops.subtract(1.0, b1p))
        new_var, new_m, new_u = ops.adamax_update(variable.value, gradient, m.value, u.value, alpha,
                                                  self.beta_1, self.beta_2, self.epsilon)
        m.assign(new_m)
        u.assign(new_u)
        variable.assign(new_var)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Nadam (Adam with Nesterov momentum, Dozat 2016, with the 0.96 momentum schedule):
    ``u_t = b1 (1 - 0.5 * 0.96**t)``; ``m_hat = u_{t+1} m / (1 - prod u_{1..t+1}) +
    (1 - u_t) g / (1 - prod u_{1..t})``; ``w -= lr * m_hat / (sqrt(v / (1 - b2**t)) + epsilon)``.

    Arguments:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment, in ``[0, 1)``.
        beta_2: decay of the second moment, in ``[0, 1)``.
        epsilon: added to the root of the corrected second moment.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_momentum, ema_overwrite_frequency, loss_scale_factor: as for :class:`~dlx.optimizers.Optimizer`.
        gradient_accumulation_steps, name: as for :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Raises:
        ValueError: for a beta outside ``[0, 1)``.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> v = dlx.Variable(np.array([1.0, 2.0], "float32"))
    >>> opt = optimizers.Nadam(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -1.0], "float32")], [v])
    >>> np.round(np.asarray(v), 4)
    array([0.8937, 2.1063], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        _check_beta("Nadam", "beta_1", beta_1)
        _check_beta("Nadam", "beta_2", beta_2)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        dtype = variables[0].dtype if variables else "float32"
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        # unnamed, as Keras's (its name and path are "variable")
        self._u_product = self._track(Variable(1.0, dtype=dtype, trainable=False, name="variable"))

    def _update_step_all(self, grads, variables, learning_rate):
        dt = self._u_product.dtype
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        self._u_product.assign(ops.multiply(ops.multiply(self._u_product.value, self.beta_1),
                                            ops.subtract(1.0, ops.multiply(0.5, ops.power(0.96, t)))))
        super()._update_step_all(grads, variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        dt = variable.dtype
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        t1 = ops.add(t, 1.0)
        decay = ops.cast(0.96, dt)
        u_t = ops.multiply(self.beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, t))))
        u_t_1 = ops.multiply(self.beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, t1))))
        u_prod = ops.cast(self._u_product.value, dt)
        u_prod_1 = ops.multiply(u_prod, u_t_1)
        b2p = ops.power(ops.cast(self.beta_2, dt), t)
        m, v = self._momentums[i], self._velocities[i]
        m_scale = ops.divide(u_t_1, ops.subtract(1.0, u_prod_1))
        g_scale = ops.divide(ops.subtract(1.0, u_t), ops.subtract(1.0, u_prod))
        v_scale = ops.divide(1.0, ops.subtract(1.0, b2p))
        new_var, new_m, new_v = ops.nadam_update(variable.value, gradient, m.value, v.value, m_scale, g_scale, v_scale,
                                                 learning_rate, self.beta_1, self.beta_2, self.epsilon)
        m.assign(new_m)
        v.assign(new_v)
        variable.assign(new_var)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
