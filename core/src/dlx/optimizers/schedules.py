"""Learning-rate schedules (Keras 3 names, arguments and formulas).

A schedule maps the optimizer's iteration count (a tensor, starting at 0) to a learning rate. It
is written in ``dlx.ops`` with no Python branching on values, so it runs inside compiled steps.

>>> import dlx
>>> from dlx.optimizers import schedules
>>> with dlx.backend.use("numpy"):
...     round(float(schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(10)), 6)
0.05
"""

from __future__ import annotations

import math
from typing import Any

from dlx import ops


def _step(step, dtype="float32"):
    return ops.cast(ops.convert_to_tensor(step) if isinstance(step, (int, float)) else step, dtype)


def _positive(cls, name, value, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{cls}: {name}={value!r}; expected a {'non-negative' if allow_zero else 'positive'} number")


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``.

    Example:

    >>> from dlx.optimizers import schedules
    >>> class Halving(schedules.LearningRateSchedule):
    ...     def __init__(self, initial, every):
    ...         self.initial, self.every = initial, every
    ...     def __call__(self, step):
    ...         return self.initial * 0.5 ** (step // self.every)
    ...     def get_config(self):
    ...         return {"initial": self.initial, "every": self.every}
    >>> lr = Halving(0.1, every=10)
    >>> [lr(step) for step in (0, 10, 25)]
    [0.1, 0.05, 0.025]
    >>> lr
    Halving(initial=0.1, every=10)
    """

    def __call__(self, step):
        raise TypeError(f"{type(self).__name__} is abstract: a LearningRateSchedule subclass defines __call__(step)")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-compatible; every subclass overrides it.

        Returns:
            A dict for :meth:`from_config`.

        Raises:
            TypeError: on the base class.
        """
        raise TypeError(f"{type(self).__name__} is abstract: a LearningRateSchedule subclass defines get_config()")

    @classmethod
    def from_config(cls, config: dict):
        """Creates a schedule from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new schedule.
        """
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (integer division with
    ``staircase``).

    Arguments:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps over which the rate is multiplied by ``decay_rate``
            once, a positive number.
        decay_rate: the factor applied per ``decay_steps`` steps.
        staircase: floor ``step / decay_steps``, so the rate drops in steps.
        name: the schedule's name, kept in its config.

    Raises:
        ValueError: when ``decay_steps`` is not a positive number.

    Example:

    >>> import numpy as np
    >>> from dlx.optimizers import schedules
    >>> lr = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> [round(float(lr(step)), 4) for step in (0, 5, 10, 20)]
    [0.1, 0.0707, 0.05, 0.025]
    >>> schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)(15)
    np.float32(0.05)
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = ops.divide(_step(step), float(self.decay_steps))
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(float(self.initial_learning_rate), ops.power(ops.cast(self.decay_rate, "float32"), p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary.

    Arguments:
        boundaries: the increasing steps at which the rate changes.
        values: the rates, one more than ``boundaries``.
        name: the schedule's name, kept in its config.

    Raises:
        ValueError: when ``len(values) != len(boundaries) + 1`` or ``boundaries`` is not sorted.

    Example:

    >>> import numpy as np
    >>> from dlx.optimizers import schedules
    >>> lr = schedules.PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])
    >>> [round(float(lr(step)), 4) for step in (0, 100, 101, 500)]
    [1.0, 1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) + 1 != len(values):
            raise ValueError(f"PiecewiseConstantDecay: got {len(boundaries)} boundaries and {len(values)} values; "
                             "expected len(values) == len(boundaries) + 1")
        if list(boundaries) != sorted(boundaries):
            raise ValueError(f"PiecewiseConstantDecay: boundaries={boundaries!r} must be increasing")
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        s = _step(step)
        out = ops.full((), float(self.values[-1]), "float32")
        for b, v in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            out = ops.where(ops.less_equal(s, float(b)), float(v), out)
        return out

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``; with ``cycle`` the horizon
    grows to the next multiple of ``decay_steps``, else ``step`` stops at ``decay_steps``.

    Arguments:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps to reach ``end_learning_rate``, a positive number.
        end_learning_rate: the final rate.
        power: the exponent of the polynomial (``1.0``: linear decay).
        cycle: restart the decay after each ``decay_steps`` horizon instead of staying at
            ``end_learning_rate``.
        name: the schedule's name, kept in its config.

    Raises:
        ValueError: when ``decay_steps`` is not a positive number.

    Example:

    >>> import numpy as np
    >>> from dlx.optimizers import schedules
    >>> lr = schedules.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01)
    >>> [round(float(lr(step)), 4) for step in (0, 50, 100, 200)]
    [0.1, 0.055, 0.01, 0.01]
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        s = _step(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            mult = ops.where(ops.equal(s, 0.0), 1.0, ops.ceil(ops.divide(s, decay_steps)))
            steps = ops.multiply(decay_steps, mult)
        else:
            s = ops.minimum(s, decay_steps)
            steps = decay_steps
        p = ops.divide(s, steps)
        span = float(self.initial_learning_rate) - float(self.end_learning_rate)
        return ops.add(ops.multiply(span, ops.power(ops.subtract(1.0, p), float(self.power))),
                       float(self.end_learning_rate))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored ratio with
    ``staircase``).

    Arguments:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps one unit of ``decay_rate`` is spread over, a positive
            number.
        decay_rate: how fast the rate decreases.
        staircase: floor ``step / decay_steps``, so the rate drops in steps.
        name: the schedule's name, kept in its config.

    Raises:
        ValueError: when ``decay_steps`` is not a positive number.

    Example:

    >>> import numpy as np
    >>> from dlx.optimizers import schedules
    >>> lr = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
    >>> [round(float(lr(step)), 4) for step in (0, 10, 30)]
    [0.1, 0.05, 0.025]
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = ops.divide(_step(step), float(self.decay_steps))
        if self.staircase:
            p = ops.floor(p)
        return ops.divide(float(self.initial_learning_rate), ops.add(1.0, ops.multiply(float(self.decay_rate), p)))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` (or from ``warmup_target`` after a linear
    warmup of ``warmup_steps``) to ``alpha`` times that rate over ``decay_steps``.

    Arguments:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps of the cosine decay, a positive number.
        alpha: the final rate as a fraction of the rate the decay starts from.
        name: the schedule's name, kept in its config.
        warmup_target: the rate reached at the end of the warmup, from which the decay starts
            (``None``: no warmup; ``warmup_steps`` is then not used).
        warmup_steps: the number of steps of the linear warmup, a non-negative number.

    Raises:
        ValueError: when ``decay_steps`` is not positive or ``warmup_steps`` is negative.

    Example:

    >>> import numpy as np
    >>> from dlx.optimizers import schedules
    >>> lr = schedules.CosineDecay(0.1, decay_steps=100)
    >>> [round(float(lr(step)), 4) for step in (0, 50, 100)]
    [0.1, 0.05, 0.0]
    >>> warm = schedules.CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
    >>> [round(float(warm(step)), 4) for step in (0, 5, 10, 110)]
    [0.0, 0.05, 0.1, 0.0]
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        _positive("CosineDecay", "decay_steps", decay_steps)
        _positive("CosineDecay", "warmup_steps", warmup_steps, allow_zero=True)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, s, decay_from):
        frac = ops.divide(s, float(self.decay_steps))
        cos = ops.multiply(0.5, ops.add(1.0, ops.cos(ops.multiply(math.pi, frac))))
        return ops.multiply(decay_from, ops.add(ops.multiply(1.0 - self.alpha, cos), float(self.alpha)))

    def __call__(self, step):
        s = _step(step)
        init = float(self.initial_learning_rate)
        if self.warmup_target is None:
            return self._decay(ops.minimum(s, float(self.decay_steps)), init)
        ws = float(self.warmup_steps)
        target = float(self.warmup_target)
        s = ops.minimum(s, float(self.decay_steps) + ws)
        warm = ops.add(ops.multiply(target - init, ops.divide(s, max(ws, 1.0))), init)
        return ops.where(ops.less(s, ws), warm, self._decay(ops.subtract(s, ws), target))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): period ``first_decay_steps``, each next period
    ``t_mul`` times longer and ``m_mul`` times lower.

    Arguments:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the length of the first period, a positive number.
        t_mul: how many times longer each period is than the one before, a positive number.
        m_mul: the factor applied to the starting rate of each new period.
        alpha: the lowest rate of a period, as a fraction of ``initial_learning_rate``.
        name: the schedule's name, kept in its config.

    Raises:
        ValueError: when ``first_decay_steps`` or ``t_mul`` is not a positive number.

    Example:

    >>> import numpy as np
    >>> from dlx.optimizers import schedules
    >>> lr = schedules.CosineDecayRestarts(0.1, first_decay_steps=10)
    >>> [round(float(lr(step)), 4) for step in (0, 5, 10, 20)]
    [0.1, 0.05, 0.1, 0.05]
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        _positive("CosineDecayRestarts", "t_mul", t_mul)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        frac = ops.divide(_step(step), float(self.first_decay_steps))
        t_mul = float(self._t_mul)
        if t_mul == 1.0:
            i_restart = ops.floor(frac)
            frac = ops.subtract(frac, i_restart)
        else:
            i_restart = ops.floor(ops.divide(ops.log(ops.subtract(1.0, ops.multiply(frac, 1.0 - t_mul))),
                                             math.log(t_mul)))
            sum_r = ops.divide(ops.subtract(1.0, ops.power(t_mul, i_restart)), 1.0 - t_mul)
            frac = ops.divide(ops.subtract(frac, sum_r), ops.power(t_mul, i_restart))
        m_fac = ops.power(float(self._m_mul), i_restart)
        cos = ops.multiply(ops.multiply(0.5, m_fac), ops.add(1.0, ops.cos(ops.multiply(math.pi, frac))))
        decayed = ops.add(ops.multiply(1.0 - self.alpha, cos), float(self.alpha))
        return ops.multiply(float(self.initial_learning_rate), decayed)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


ALL = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                               CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}`` (Keras layout).

    Arguments:
        learning_rate_schedule: the schedule to describe.

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` (the schedule's
        ``get_config()``) and ``"registered_name"``.

    Example:

    >>> from dlx.optimizers import schedules
    >>> schedules.serialize(schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5))["class_name"]
    'ExponentialDecay'
    """
    return {"module": "dlx.optimizers.schedules", "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(), "registered_name": None}


def deserialize(config: dict, custom_objects=None) -> LearningRateSchedule:
    """Rebuilds a schedule from :func:`serialize`'s output (Keras names are accepted).

    Arguments:
        config: a dict with ``"class_name"`` (a built-in schedule's class name or a key of
            ``custom_objects``) and ``"config"``.
        custom_objects: an optional dict of name -> schedule class, searched first.

    Returns:
        The schedule.

    Raises:
        ValueError: for an unknown class name.

    Example:

    >>> from dlx.optimizers import schedules
    >>> config = schedules.serialize(schedules.CosineDecay(0.1, decay_steps=100))
    >>> schedules.deserialize(config)
    CosineDecay(initial_learning_rate=0.1, decay_steps=100, alpha=0.0, name='CosineDecay',
    warmup_target=None, warmup_steps=0)
    """
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or ALL.get(name)
    if cls is None:
        raise ValueError(f"unknown learning-rate schedule class_name={name!r}; expected one of {sorted(ALL)}")
    return cls.from_config(config.get("config", {}))


__all__ = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
           "PiecewiseConstantDecay", "PolynomialDecay", "deserialize", "serialize"]
