"""Muon: momentum orthogonalized by Newton-Schulz iterations, with an AdamW fallback."""

from __future__ import annotations

import math
import re

from dlx import ops
from dlx.optimizers.optimizer import Optimizer, overwrites_with_gradient


class Muon(Optimizer):
    """Muon (Jordan et al. 2024; the Moonlight scaling of Liu et al. 2025).

    Each 2-D variable (not an embedding, when ``exclude_embeddings``, and whose path matches no
    pattern of ``exclude_layers``) takes the Muon step::

        m = momentum * m + g
        u = g + momentum * m            (nesterov; else u = m)
        o = NS5(u)                      (quintic Newton-Schulz, ns_steps iterations)
        w -= lr * o * sqrt(max(rows, cols)) * rms_rate     (rms_rate None: no scaling)

    where ``NS5`` normalizes ``u`` by its Frobenius norm (+ 1e-7) then repeats
    ``x = a x + (b A + c A A) x`` with ``A = x x^T`` (``x`` transposed first when it has more rows
    than columns). Every other variable takes an Adam step with learning rate
    ``lr * adam_lr_ratio``. Decoupled weight decay uses ``adam_weight_decay`` for the Adam
    variables and ``weight_decay`` for the Muon ones (both times ``lr``).

    Arguments:
        learning_rate: float or schedule (default 0.001).
        adam_beta_1: decay of the Adam first moment.
        adam_beta_2: decay of the Adam second moment.
        adam_weight_decay: weight decay of the Adam variables (``None``: none).
        epsilon: added to the root of the Adam second moment.
        weight_decay: weight decay of the Muon variables (``None``: none).
        exclude_layers: regular expressions; a variable whose path matches one takes the Adam step.
        exclude_embeddings: variables with "embedding" in their path take the Adam step.
        muon_a, muon_b, muon_c: the Newton-Schulz polynomial's coefficients.
        adam_lr_ratio: the Adam step's learning rate over ``learning_rate``.
        momentum: the Muon momentum.
        ns_steps: the number of Newton-Schulz iterations.
        nesterov: use Nesterov momentum in the Muon step.
        rms_rate: the Moonlight update scaling (``None``: off).
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum: as for
            :class:`~dlx.optimizers.Optimizer`.
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name: as for
            :class:`~dlx.optimizers.Optimizer`.
        **kwargs: any other keyword is refused (:class:`~dlx.optimizers.Optimizer` raises ``TypeError``).

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> w = dlx.Variable(np.eye(3, dtype="float32"))
    >>> opt = optimizers.Muon(learning_rate=0.01)
    >>> opt.apply([np.ones((3, 3), "float32")], [w])
    >>> np.asarray(w).shape, bool((np.asarray(w) != np.eye(3)).any())
    ((3, 3), True)
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None, exclude_embeddings=True,
                 muon_a=3.4445, muon_b=-4.775, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
                 nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Muon: ns_steps={ns_steps!r}; expected a non-negative int")
        if adam_weight_decay is not None and (not isinstance(adam_weight_decay, (int, float))
                                              or adam_weight_decay < 0):
            raise ValueError(f"Muon: adam_weight_decay={adam_weight_decay!r}; expected a non-negative number or None")
        if exclude_layers is not None and (isinstance(exclude_layers, str)
                                           or not all(isinstance(p, str) for p in exclude_layers)):
            raise ValueError(f"Muon: exclude_layers={exclude_layers!r}; expected a list of regular expressions")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable) -> bool:
        """True for the variables that take the Adam step (see the class docstring)."""
        if len(variable.shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(p, variable.path) for p in self.exclude_layers)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        self.adam_velocities = []
        for v in variables:  # created per variable (momentum, then velocity), as Keras orders them
            if overwrites_with_gradient(v):
                self.momentums.append(None)
                self.adam_velocities.append(None)
                continue
            self.momentums.append(self.add_variable_from_reference(v, "momentum"))
            self.adam_velocities.append(self.add_variable_from_reference(v, "velocity")
                                        if self._should_use_adamw(v) else None)

    def _apply_weight_decay(self, variables, lr) -> None:
        for v in variables:
            if not self._use_weight_decay(v):
                continue
            wd = self.adam_weight_decay if self._should_use_adamw(v) else self.weight_decay
            if wd is None:
                continue
            decay = ops.multiply(ops.cast(wd, v.dtype), ops.cast(lr, v.dtype))
            v.assign(ops.subtract(v.value, ops.multiply(v.value, decay)))

    def update_step(self, gradient, variable, learning_rate):
        i = self._index(variable)
        m, vel = self.momentums[i], self.adam_velocities[i]
        if vel is not None:
            self._adam_step(gradient, variable, ops.multiply(learning_rate, self.adam_lr_ratio), m, vel)
        else:
            self._muon_step(gradient, variable, learning_rate, m)

    def _adam_step(self, gradient, variable, lr, m, v):
        dt = variable.dtype
        t = ops.cast(ops.add(self._update_count(), 1), dt)
        b1p = ops.power(ops.cast(self.adam_beta_1, dt), t)
        b2p = ops.power(ops.cast(self.adam_beta_2, dt), t)
        alpha = ops.divide(ops.multiply(ops.cast(lr, dt), ops.sqrt(ops.subtract(1.0, b2p))), ops.subtract(1.0, b1p))
        new_m = ops.add(m.value, ops.multiply(ops.subtract(gradient, m.value), 1 - self.adam_beta_1))
        new_v = ops.add(v.value, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.adam_beta_2))
        m.assign(new_m)
        v.assign(new_v)
        variable.assign(ops.subtract(variable.value, ops.divide(ops.multiply(new_m, alpha),
                                                                ops.add(ops.sqrt(new_v), self.epsilon))))

    def _muon_step(self, gradient, variable, lr, m):
        new_m = ops.add(m.value, ops.add(gradient, ops.multiply(m.value, self.momentum - 1)))
        m.assign(new_m)
        direction = ops.add(gradient, ops.multiply(new_m, self.momentum)) if self.nesterov else new_m
        update = ops.multiply(lr, self.zeropower_via_newtonschulz5(direction, self.ns_steps))
        variable.assign(ops.subtract(variable.value, self.lr_adjust(update)))

    def lr_adjust(self, x):
        """Scales an update of a 2-D variable by ``sqrt(max(rows, cols)) * rms_rate`` (Moonlight);
        returned unchanged when ``rms_rate`` is None."""
        if self.rms_rate is None:
            return x
        return ops.multiply(ops.multiply(x, math.sqrt(max(x.shape[0], x.shape[1]))), self.rms_rate)

    @staticmethod
    def transpose_last_axis(x):
        """``x`` with its last two axes swapped."""
        return ops.swapaxes(x, -2, -1)

    def zeropower_via_newtonschulz5(self, x, steps: int):
        """An approximate orthogonalization ``U V^T`` of ``x`` (``U S V^T`` its SVD) by ``steps``
        quintic Newton-Schulz iterations; ``x`` has at least 2 dimensions."""
        shape = tuple(x.shape)
        if len(shape) < 2:
            raise ValueError(f"Muon: the Newton-Schulz iteration needs a tensor of rank >= 2; got shape {shape}")
        tall = shape[-2] > shape[-1]
        if tall:
            x = self.transpose_last_axis(x)
        x = ops.divide(x, ops.add(ops.norm(x, axis=(-2, -1), keepdims=True), 1e-7))
        for _ in range(steps):
            a = ops.matmul(x, self.transpose_last_axis(x))
            b = ops.add(ops.multiply(self.muon_b, a), ops.matmul(ops.multiply(self.muon_c, a), a))
            x = ops.add(ops.multiply(self.muon_a, x), ops.matmul(b, x))
        return self.transpose_last_axis(x) if tall else x

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": self.exclude_layers, "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate}
