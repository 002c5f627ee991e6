"""Fused optimizer updates (op-spec v2): one op per update rule, so that an eager backend can run
a rule as a few fused kernels instead of a dozen separate passes over every weight. Each op's
decomposition is the rule written in ops (what backends without a native kernel run, and what a
compiler such as XLA fuses by itself). Not differentiable."""

from __future__ import annotations

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tolerance as T
from dlx.ops.defs._common import promote
from dlx.ops.spec import Case, op

G = "optimizers"


def adam_moments(gradient, m, v, beta_1, beta_2):
    """Adam's moment updates in ops: ``m + (g - m)(1 - beta_1)``, ``v + (g**2 - v)(1 - beta_2)``."""
    new_m = K.add(m, K.multiply(K.subtract(gradient, m), 1 - beta_1))
    new_v = K.add(v, K.multiply(K.subtract(K.square(gradient), v), 1 - beta_2))
    return new_m, new_v


def adam_step(variable, new_m, new_v, alpha, epsilon):
    """Adam's weight update in ops: ``variable - new_m alpha / (sqrt(new_v) + epsilon)``."""
    return K.subtract(variable, K.divide(K.multiply(new_m, alpha), K.add(K.sqrt(new_v), epsilon)))


def adam_update_decomposition(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    new_m, new_v = adam_moments(gradient, m, v, beta_1, beta_2)
    return adam_step(variable, new_m, new_v, alpha, epsilon), new_m, new_v


def _adam_cases():
    def mk(shape, g_scale=1.0, zero_m=False):
        def make(r, dt):
            var = r.standard_normal(shape)
            g = r.standard_normal(shape) * g_scale
            m = np.zeros(shape) if zero_m else r.standard_normal(shape) * 0.1
            v = np.zeros(shape) if zero_m else np.abs(r.standard_normal(shape)) * 0.01
            args = (*(a.astype(dt) for a in (var, g, m, v)), np.asarray(0.003, dt))
            return args, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
        return make
    return [
        Case("matrix", mk((7, 5)), grad=False),
        Case("vector", mk((11,)), grad=False),
        Case("first_step", mk((6, 3), zero_m=True), grad=False),
        Case("large_gradient", mk((4, 4), g_scale=1e3), grad=False),
        Case("tiny_gradient", mk((4, 4), g_scale=1e-6), grad=False),
    ]


@op(G, T.H8, _adam_cases(), tensors=("variable", "gradient", "m", "v", "alpha"),
    decomposition=adam_update_decomposition, since=2)
def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step for one weight: returns ``(new_variable, new_m, new_v)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_v = v + (gradient**2 - v)(1 - beta_2)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v) + epsilon)``; ``alpha`` is the step
    size with the bias corrections folded in (a scalar tensor).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment (mean of gradients) estimate, same shape.
        v: the second-moment (mean of squared gradients) estimate, same shape.
        alpha: the step size with Adam's bias corrections folded in, a scalar tensor:
            ``learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at step ``t``.
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v)``, each of ``variable``'s shape, in the promoted
        dtype of the tensor arguments.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_m, new_v = ops.adam_update(w, g, np.zeros(2), np.zeros(2), np.array(0.01))
    >>> np.round(new_w, 4), np.round(new_m, 4), np.round(new_v, 4)
    (array([0.9684, 2.0316]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]))
    """
    var, g, m, v, a = promote(variable, gradient, m, v, alpha)
    t = var.dtype.type
    new_m = m + (g - m) * t(1 - beta_1)
    new_v = v + (g * g - v) * t(1 - beta_2)
    return var - new_m * a / (np.sqrt(new_v) + t(epsilon)), new_m, new_v


def _with_scalars(cases, **scalars):
    """``cases`` with 0-d tensors appended to their arguments (``scalars``: name -> value, in
    order) and their keyword arguments kept."""
    def add(make):
        def make2(r, dt):
            args, kw = make(r, dt)
            return (*args, *(np.asarray(x, dt) for x in scalars.values())), kw
        return make2
    return [Case(c.name, add(c.make), grad=False) for c in cases]


def adamw_update_decomposition(variable, gradient, m, v, alpha, rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return adam_update_decomposition(weight_decay_update_decomposition(variable, rate), gradient, m, v, alpha,
                                     beta_1, beta_2, epsilon)


@op(G, T.H8, _with_scalars(_adam_cases(), rate=1e-3), tensors=("variable", "gradient", "m", "v", "alpha", "rate"),
    decomposition=adamw_update_decomposition, since=2)
def adamw_update(variable, gradient, m, v, alpha, rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """``adam_update`` after decoupled weight decay, in one op: the variable first becomes
    ``variable - variable * rate`` (``rate``: weight decay times learning rate, a scalar tensor;
    see ``weight_decay_update``), then takes the Adam step.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        v: the second-moment estimate, same shape.
        alpha: the step size with Adam's bias corrections folded in, a scalar tensor:
            ``learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at step ``t``.
        rate: the decay applied first, ``weight_decay * learning_rate`` (a scalar tensor).
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v)``, as :func:`adam_update`.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.adamw_update(w, g, zeros, zeros, np.array(0.01), np.array(0.1))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, v)
    (array([0.8684, 1.8316]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]))
    """
    return adam_update(weight_decay_update(variable, rate), gradient, m, v, alpha, beta_1, beta_2, epsilon)


def amsgrad_update_decomposition(variable, gradient, m, v, v_hat, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    new_m, new_v = adam_moments(gradient, m, v, beta_1, beta_2)
    new_v_hat = K.maximum(v_hat, new_v)
    return adam_step(variable, new_m, new_v_hat, alpha, epsilon), new_m, new_v, new_v_hat


def _amsgrad_cases():
    def with_v_hat(make):
        def make2(r, dt):
            (var, g, m, v, alpha), kw = make(r, dt)
            # half the entries above the new second moment, half below
            v_hat = (v * r.uniform(0.5, 1.5, v.shape)).astype(dt)
            return (var, g, m, v, v_hat, alpha), kw
        return make2
    return [Case(c.name, with_v_hat(c.make), grad=False) for c in _adam_cases()]


@op(G, T.H8, _amsgrad_cases(), tensors=("variable", "gradient", "m", "v", "v_hat", "alpha"),
    decomposition=amsgrad_update_decomposition, since=2)
def amsgrad_update(variable, gradient, m, v, v_hat, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One AMSGrad step (Adam with ``amsgrad=True``): returns ``(new_variable, new_m, new_v,
    new_v_hat)`` with Adam's moments (see ``adam_update``), ``new_v_hat = max(v_hat, new_v)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v_hat) + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        v: the second-moment estimate, same shape.
        v_hat: the running maximum of ``v``, same shape.
        alpha: the step size with Adam's bias corrections folded in, a scalar tensor:
            ``learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at step ``t``.
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v, new_v_hat)``, each of ``variable``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.amsgrad_update(w, g, zeros, zeros, zeros, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, v, v_hat)
    (array([0.9684, 2.0316]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]), array([0.0003, 0.001 ]))
    """
    var, g, m, v, vh, a = promote(variable, gradient, m, v, v_hat, alpha)
    t = var.dtype.type
    new_m = m + (g - m) * t(1 - beta_1)
    new_v = v + (g * g - v) * t(1 - beta_2)
    new_vh = np.maximum(vh, new_v)
    return var - new_m * a / (np.sqrt(new_vh) + t(epsilon)), new_m, new_v, new_vh


# --------------------------------------------------------------- SGD, RMSprop, Adagrad
def _state_cases(n_state, rate=0.01, positive_state=False):
    """Cases of an update op taking ``(variable, gradient, *n_state states, learning_rate)``."""
    def mk(shape, g_scale=1.0, zero_state=False):
        def make(r, dt):
            var = r.standard_normal(shape)
            g = r.standard_normal(shape) * g_scale
            states = [np.zeros(shape) if zero_state else
                      (np.abs(r.standard_normal(shape)) * 0.01 if positive_state else r.standard_normal(shape) * 0.1)
                      for _ in range(n_state)]
            return (*(a.astype(dt) for a in (var, g, *states)), np.asarray(rate, dt)), {}
        return make
    return [
        Case("matrix", mk((7, 5)), grad=False),
        Case("vector", mk((11,)), grad=False),
        Case("first_step", mk((6, 3), zero_state=True), grad=False),
        Case("large_gradient", mk((4, 4), g_scale=1e3), grad=False),
        Case("tiny_gradient", mk((4, 4), g_scale=1e-6), grad=False),
    ]


def sgd_update_decomposition(variable, gradient, learning_rate):
    return K.subtract(variable, K.multiply(gradient, learning_rate))


@op(G, T.H8, _state_cases(0), tensors=("variable", "gradient", "learning_rate"),
    decomposition=sgd_update_decomposition, since=2)
def sgd_update(variable, gradient, learning_rate):
    """One plain gradient-descent step: ``variable - gradient * learning_rate`` (a scalar tensor).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        learning_rate: the step size, a scalar tensor.

    Returns:
        The new value of the variable, in the promoted dtype of the arguments.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sgd_update(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array(0.1))
    array([0.95, 2.1 ])
    """
    var, g, lr = promote(variable, gradient, learning_rate)
    return var - g * lr


def sgd_momentum_update_decomposition(variable, gradient, m, learning_rate, momentum=0.9, nesterov=False):
    step = K.multiply(gradient, learning_rate)
    new_m = K.subtract(K.multiply(m, momentum), step)
    if nesterov:
        return K.add(variable, K.subtract(K.multiply(new_m, momentum), step)), new_m
    return K.add(variable, new_m), new_m


def _momentum_cases():
    cases = _state_cases(1)
    nesterov = [Case(c.name + "_nesterov", (lambda make: lambda r, dt: (make(r, dt)[0], {"nesterov": True}))(c.make),
                     grad=False) for c in cases[:2]]
    return cases + nesterov


@op(G, T.H8, _momentum_cases(), tensors=("variable", "gradient", "m", "learning_rate"),
    decomposition=sgd_momentum_update_decomposition, since=2)
def sgd_momentum_update(variable, gradient, m, learning_rate, momentum=0.9, nesterov=False):
    """One SGD step with momentum: returns ``(new_variable, new_m)`` with
    ``new_m = m * momentum - gradient * learning_rate`` and ``new_variable = variable + new_m``
    (Nesterov: ``variable + new_m * momentum - gradient * learning_rate``).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the momentum buffer (the previous update), same shape.
        learning_rate: the step size, a scalar tensor.
        momentum: the fraction of the previous update carried over (a Python float).
        nesterov: use Nesterov's look-ahead form of the step, as above.

    Returns:
        The tuple ``(new_variable, new_m)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_m = ops.sgd_momentum_update(w, g, np.zeros(2), np.array(0.1))
    >>> new_w, new_m
    (array([0.95, 2.1 ]), array([-0.05,  0.1 ]))
    """
    var, g, m, lr = promote(variable, gradient, m, learning_rate)
    mom = var.dtype.type(momentum)
    step = g * lr
    new_m = m * mom - step
    return (var + (new_m * mom - step) if nesterov else var + new_m), new_m


def rmsprop_update_decomposition(variable, gradient, v, learning_rate, rho=0.9, epsilon=1e-7):
    new_v = K.add(K.multiply(rho, v), K.multiply(1 - rho, K.square(gradient)))
    increment = K.divide(K.multiply(learning_rate, gradient), K.sqrt(K.add(new_v, epsilon)))
    return K.subtract(variable, increment), new_v


@op(G, T.H8, _state_cases(1, 0.001, positive_state=True), tensors=("variable", "gradient", "v", "learning_rate"),
    decomposition=rmsprop_update_decomposition, since=2)
def rmsprop_update(variable, gradient, v, learning_rate, rho=0.9, epsilon=1e-7):
    """One (uncentered, momentum-free) RMSprop step: returns ``(new_variable, new_v)`` with
    ``new_v = rho v + (1 - rho) gradient**2`` and
    ``new_variable = variable - learning_rate * gradient / sqrt(new_v + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        v: the running mean of squared gradients, same shape.
        learning_rate: the step size, a scalar tensor.
        rho: the decay rate of ``v`` (a Python float).
        epsilon: added under the square root for numerical stability.

    Returns:
        The tuple ``(new_variable, new_v)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_v = ops.rmsprop_update(w, g, np.zeros(2), np.array(0.01))
    >>> np.round(new_w, 4), np.round(new_v, 4)
    (array([0.9684, 2.0316]), array([0.025, 0.1  ]))
    """
    var, g, v, lr = promote(variable, gradient, v, learning_rate)
    t = var.dtype.type
    new_v = t(rho) * v + t(1 - rho) * (g * g)
    return var - lr * g / np.sqrt(new_v + t(epsilon)), new_v


def rmsprop_centered_update_decomposition(variable, gradient, v, average_gradient, learning_rate, rho=0.9,
                                          epsilon=1e-7):
    new_v = K.add(K.multiply(rho, v), K.multiply(1 - rho, K.square(gradient)))
    new_a = K.add(K.multiply(rho, average_gradient), K.multiply(1 - rho, gradient))
    denominator = K.add(K.subtract(new_v, K.square(new_a)), epsilon)
    increment = K.divide(K.multiply(learning_rate, gradient), K.sqrt(denominator))
    return K.subtract(variable, increment), new_v, new_a


def _centered_cases():
    def centered(make):
        def make2(r, dt):
            (var, g, v, a, lr), kw = make(r, dt)
            # |a| below sqrt(v), as a running mean of gradients is below their RMS
            v = v.astype(np.float64) + 0.01
            a = np.sqrt(v) * r.uniform(-0.7, 0.7, v.shape)
            return (var, g, v.astype(dt), a.astype(dt), lr), kw
        return make2
    return [Case(c.name, centered(c.make), grad=False) for c in _state_cases(2, 0.001, positive_state=True)]


@op(G, T.H8, _centered_cases(),
    tensors=("variable", "gradient", "v", "average_gradient", "learning_rate"),
    decomposition=rmsprop_centered_update_decomposition, since=2)
def rmsprop_centered_update(variable, gradient, v, average_gradient, learning_rate, rho=0.9, epsilon=1e-7):
    """One centered (momentum-free) RMSprop step: returns ``(new_variable, new_v,
    new_average_gradient)`` with ``new_v = rho v + (1 - rho) gradient**2``,
    ``new_a = rho a + (1 - rho) gradient`` and
    ``new_variable = variable - learning_rate * gradient / sqrt(new_v - new_a**2 + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        v: the running mean of squared gradients, same shape.
        average_gradient: the running mean of gradients ``a``, same shape.
        learning_rate: the step size, a scalar tensor.
        rho: the decay rate of both running means (a Python float).
        epsilon: added under the square root for numerical stability.

    Returns:
        The tuple ``(new_variable, new_v, new_average_gradient)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.rmsprop_centered_update(w, g, zeros, zeros, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, v, average_gradient)
    (array([0.9667, 2.0333]), array([0.025, 0.1  ]), array([ 0.05, -0.1 ]))
    """
    var, g, v, a, lr = promote(variable, gradient, v, average_gradient, learning_rate)
    t = var.dtype.type
    new_v = t(rho) * v + t(1 - rho) * (g * g)
    new_a = t(rho) * a + t(1 - rho) * g
    return var - lr * g / np.sqrt(new_v - new_a * new_a + t(epsilon)), new_v, new_a


def adagrad_update_decomposition(variable, gradient, accumulator, learning_rate, epsilon=1e-7):
    new_acc = K.add(accumulator, K.square(gradient))
    increment = K.divide(K.multiply(learning_rate, gradient), K.sqrt(K.add(new_acc, epsilon)))
    return K.subtract(variable, increment), new_acc


@op(G, T.H8, _state_cases(1, 0.001, positive_state=True),
    tensors=("variable", "gradient", "accumulator", "learning_rate"),
    decomposition=adagrad_update_decomposition, since=2)
def adagrad_update(variable, gradient, accumulator, learning_rate, epsilon=1e-7):
    """One Adagrad step: returns ``(new_variable, new_accumulator)`` with
    ``new_accumulator = accumulator + gradient**2`` and
    ``new_variable = variable - learning_rate * gradient / sqrt(new_accumulator + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        accumulator: the sum of squared gradients so far, same shape.
        learning_rate: the step size, a scalar tensor.
        epsilon: added under the square root for numerical stability.

    Returns:
        The tuple ``(new_variable, new_accumulator)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_accumulator = ops.adagrad_update(w, g, np.zeros(2), np.array(0.1))
    >>> np.round(new_w, 4), new_accumulator
    (array([0.9, 2.1]), array([0.25, 1.  ]))
    """
    var, g, acc, lr = promote(variable, gradient, accumulator, learning_rate)
    new_acc = acc + g * g
    return var - lr * g / np.sqrt(new_acc + var.dtype.type(epsilon)), new_acc


def adamax_update_decomposition(variable, gradient, m, u, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    new_m = K.add(m, K.multiply(K.subtract(gradient, m), 1 - beta_1))
    new_u = K.maximum(K.multiply(beta_2, u), K.abs(gradient))
    return K.subtract(variable, K.divide(K.multiply(alpha, new_m), K.add(new_u, epsilon))), new_m, new_u


@op(G, T.H8, _state_cases(2, 0.001, positive_state=True), tensors=("variable", "gradient", "m", "u", "alpha"),
    decomposition=adamax_update_decomposition, since=2)
def adamax_update(variable, gradient, m, u, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adamax step: returns ``(new_variable, new_m, new_u)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_u = max(beta_2 u, |gradient|)`` and
    ``new_variable = variable - alpha * new_m / (new_u + epsilon)``; ``alpha`` is the learning rate
    over ``1 - beta_1**t`` (a scalar tensor).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        u: the exponentially weighted infinity norm of the gradients, same shape.
        alpha: ``learning_rate / (1 - beta_1**t)`` at step ``t``, a scalar tensor.
        beta_1: the decay rate of ``m`` (a Python float).
        beta_2: the decay rate of ``u`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_u)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.adamax_update(w, g, zeros, zeros, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, u)
    (array([0.999, 2.001]), array([ 0.05, -0.1 ]), array([0.5, 1. ]))
    """
    var, g, m, u, a = promote(variable, gradient, m, u, alpha)
    t = var.dtype.type
    new_m = m + (g - m) * t(1 - beta_1)
    new_u = np.maximum(t(beta_2) * u, np.abs(g))
    return var - a * new_m / (new_u + t(epsilon)), new_m, new_u


def adadelta_update_decomposition(variable, gradient, accumulated_grad, accumulated_delta, learning_rate,
                                  rho=0.95, epsilon=1e-7):
    new_eg = K.add(K.multiply(rho, accumulated_grad), K.multiply(1 - rho, K.square(gradient)))
    delta = K.divide(K.multiply(K.negative(K.sqrt(K.add(accumulated_delta, epsilon))), gradient),
                     K.sqrt(K.add(new_eg, epsilon)))
    new_ed = K.add(K.multiply(rho, accumulated_delta), K.multiply(1 - rho, K.square(delta)))
    return K.add(variable, K.multiply(learning_rate, delta)), new_eg, new_ed


@op(G, T.H8, _state_cases(2, 0.001, positive_state=True),
    tensors=("variable", "gradient", "accumulated_grad", "accumulated_delta", "learning_rate"),
    decomposition=adadelta_update_decomposition, since=2)
def adadelta_update(variable, gradient, accumulated_grad, accumulated_delta, learning_rate, rho=0.95, epsilon=1e-7):
    """One Adadelta step: returns ``(new_variable, new_accumulated_grad, new_accumulated_delta)``
    with ``new_eg = rho eg + (1 - rho) gradient**2``,
    ``delta = -sqrt(ed + epsilon) / sqrt(new_eg + epsilon) * gradient``,
    ``new_ed = rho ed + (1 - rho) delta**2`` and ``new_variable = variable + learning_rate * delta``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        accumulated_grad: ``eg``, the running mean of squared gradients, same shape.
        accumulated_delta: ``ed``, the running mean of squared updates, same shape.
        learning_rate: the factor applied to ``delta``, a scalar tensor.
        rho: the decay rate of both running means (a Python float).
        epsilon: added under both square roots for numerical stability.

    Returns:
        The tuple ``(new_variable, new_accumulated_grad, new_accumulated_delta)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new_w, new_grad_acc, new_delta_acc = ops.adadelta_update(w, g, zeros, zeros, np.array(1.0))
    >>> np.round(new_w, 4), np.round(new_grad_acc, 4)
    (array([0.9986, 2.0014]), array([0.0125, 0.05  ]))
    """
    var, g, eg, ed, lr = promote(variable, gradient, accumulated_grad, accumulated_delta, learning_rate)
    t = var.dtype.type
    new_eg = t(rho) * eg + t(1 - rho) * (g * g)
    delta = -np.sqrt(ed + t(epsilon)) * g / np.sqrt(new_eg + t(epsilon))
    return var + lr * delta, new_eg, t(rho) * ed + t(1 - rho) * (delta * delta)


def nadam_update_decomposition(variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate,
                               beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    new_m, new_v = adam_moments(gradient, m, v, beta_1, beta_2)
    m_hat = K.add(K.multiply(m_scale, new_m), K.multiply(g_scale, gradient))
    step = K.divide(K.multiply(m_hat, learning_rate), K.add(K.sqrt(K.multiply(new_v, v_scale)), epsilon))
    return K.subtract(variable, step), new_m, new_v


def _nadam_cases():
    def with_scales(make):
        def make2(r, dt):
            (var, g, m, v, lr), _ = make(r, dt)  # the state cases' own kwargs are replaced below
            scales = (np.asarray(x, dt) for x in (9.5, 0.6, 1000.0))
            return (var, g, m, v, *scales, lr), {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
        return make2
    return [Case(c.name, with_scales(c.make), grad=False) for c in _state_cases(2, 0.001, positive_state=True)]


@op(G, T.H8, _nadam_cases(),
    tensors=("variable", "gradient", "m", "v", "m_scale", "g_scale", "v_scale", "learning_rate"),
    decomposition=nadam_update_decomposition, since=2)
def nadam_update(variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Nadam step: returns ``(new_variable, new_m, new_v)`` with Adam's moments (see
    ``adam_update``) and ``new_variable = variable - learning_rate * (m_scale new_m + g_scale
    gradient) / (sqrt(v_scale new_v) + epsilon)``; the scales (scalar tensors) carry the momentum
    schedule and the bias corrections.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        v: the second-moment estimate, same shape.
        m_scale: the weight of ``new_m``: the next step's momentum factor over one minus the
            product of the momentum factors up to the next step (a scalar tensor).
        g_scale: the weight of the raw gradient: one minus this step's momentum factor, over one
            minus the product of the factors up to this step (a scalar tensor).
        v_scale: ``v``'s bias correction ``1 / (1 - beta_2**t)``, a scalar tensor.
        learning_rate: the step size, a scalar tensor.
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros, one = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), np.array(1.0)
    >>> new = ops.nadam_update(w, g, zeros, zeros, one, one, one, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, v)
    (array([0.6522, 2.3478]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]))
    """
    var, g, m, v, cm, cg, cv, lr = promote(variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate)
    t = var.dtype.type
    new_m = m + (g - m) * t(1 - beta_1)
    new_v = v + (g * g - v) * t(1 - beta_2)
    return var - (cm * new_m + cg * g) * lr / (np.sqrt(new_v * cv) + t(epsilon)), new_m, new_v


def weight_decay_update_decomposition(variable, rate):
    return K.subtract(variable, K.multiply(variable, rate))


def _decay_cases():
    def mk(shape):
        def make(r, dt):
            return (r.standard_normal(shape).astype(dt), np.asarray(4e-6, dt)), {}
        return make
    return [Case("matrix", mk((7, 5)), grad=False), Case("vector", mk((11,)), grad=False)]


@op(G, T.H8, _decay_cases(), tensors=("variable", "rate"), decomposition=weight_decay_update_decomposition,
    since=2)
def weight_decay_update(variable, rate):
    """Decoupled weight decay: ``variable - variable * rate`` (``rate``: weight decay times
    learning rate, a scalar tensor).

    Arguments:
        variable: the weight's current value (nothing is assigned).
        rate: ``weight_decay * learning_rate``, a scalar tensor.

    Returns:
        The decayed value, in the promoted dtype of the arguments.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.weight_decay_update(np.array([1.0, 2.0]), np.array(0.1))  # variable * (1 - rate)
    array([0.9, 1.8])
    """
    var, r = promote(variable, rate)
    return var - var * r
