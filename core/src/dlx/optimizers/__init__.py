"""``dlx.optimizers``: the Keras 3 optimizers, learning-rate schedules and loss scaling.

>>> import dlx
>>> opt = dlx.optimizers.get("adam")
>>> type(opt).__name__, opt.get_config()["beta_1"]
('Adam', 0.9)
"""

from __future__ import annotations

from dlx.optimizers import legacy, schedules
from dlx.optimizers.adafactor import Adafactor
from dlx.optimizers.adagrad import Adadelta, Adagrad
from dlx.optimizers.adam import Adam, Adamax, AdamW, Nadam
from dlx.optimizers.ftrl import Ftrl
from dlx.optimizers.lamb import Lamb
from dlx.optimizers.lion import Lion
from dlx.optimizers.loss_scale_optimizer import LossScaleOptimizer
from dlx.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from dlx.optimizers.muon import Muon
from dlx.optimizers.optimizer import Optimizer, clip_by_global_norm, clip_by_norm, global_norm
from dlx.optimizers.rmsprop import RMSprop
from dlx.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from dlx.optimizers.sgd import SGD

ALL_OPTIMIZERS = {c.__name__: c for c in (SGD, RMSprop, Adam, AdamW, Adamax, Adagrad, Adadelta, Nadam, Lion, Ftrl,
                                          Lamb, Adafactor, Muon, ScheduleFreeAdamW, LossScaleOptimizer,
                                          MultiOptimizer)}
_BY_LOWER = {k.lower(): v for k, v in ALL_OPTIMIZERS.items()}


def serialize(optimizer: Optimizer) -> dict:
    """``{"module", "class_name", "config", "registered_name"}`` (the Keras 3 layout).

    Arguments:
        optimizer: the optimizer to describe (its hyperparameters, not its variables).

    Returns:
        The config dict; ``"config"`` is ``optimizer.get_config()``.

    Example:

    >>> import numpy as np
    >>> from dlx import optimizers
    >>> config = optimizers.serialize(optimizers.SGD(learning_rate=0.05))
    >>> config["class_name"], round(config["config"]["learning_rate"], 4)
    ('SGD', 0.05)
    """
    return {"module": "dlx.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config(),
            "registered_name": None}


def deserialize(config: dict, custom_objects=None) -> Optimizer:
    """Rebuilds an optimizer from :func:`serialize`'s output.

    Arguments:
        config: a dict with ``"class_name"`` (a built-in optimizer's name, any case, or a key
            of ``custom_objects``) and ``"config"``.
        custom_objects: an optional dict of name -> optimizer class, searched first (and passed
            on to ``LossScaleOptimizer`` / ``MultiOptimizer`` for their inner optimizers).

    Returns:
        A new optimizer (no variables built yet).

    Raises:
        ValueError: for an unknown class name.

    Example:

    >>> import numpy as np
    >>> from dlx import optimizers
    >>> opt = optimizers.deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}})
    >>> type(opt).__name__, round(float(opt.learning_rate), 4)
    ('Adam', 0.01)
    """
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or ALL_OPTIMIZERS.get(name) or _BY_LOWER.get(str(name).lower())
    if cls is None:
        raise ValueError(f"unknown optimizer class_name={name!r}; expected one of {sorted(ALL_OPTIMIZERS)}")
    return cls.from_config(config.get("config", {}), **({"custom_objects": custom_objects}
                                                         if cls in (LossScaleOptimizer, MultiOptimizer) else {}))


def get(identifier) -> Optimizer:
    """An optimizer from a name (``"adam"``), a config dict, or an optimizer (returned as is).

    Arguments:
        identifier: an :class:`Optimizer`, a config dict as :func:`serialize` writes, or the
            name of a built-in optimizer (any case; a name gives one with default arguments).

    Returns:
        The optimizer.

    Raises:
        ValueError: for an unknown name (``LossScaleOptimizer`` and ``MultiOptimizer`` need
            arguments and cannot be made by name) or an identifier of another type.

    Example:

    >>> import numpy as np
    >>> from dlx import optimizers
    >>> type(optimizers.get("adam")).__name__
    'Adam'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_LOWER.get(identifier.lower())
        if cls is None or cls in (LossScaleOptimizer, MultiOptimizer):
            raise ValueError(f"unknown optimizer {identifier!r}; expected one of "
                             f"{sorted(k for k in _BY_LOWER if k not in ('lossscaleoptimizer', 'multioptimizer'))}")
        return cls()
    raise ValueError(f"optimizer={identifier!r}: expected an Optimizer, a name or a config dict")


__all__ = ["SGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion",
           "LossScaleOptimizer", "MultiOptimizer", "Muon", "Nadam", "Optimizer", "OptimizerMap", "RMSprop",
           "ScheduleFreeAdamW", "clip_by_global_norm", "clip_by_norm", "deserialize",
           "get", "global_norm", "legacy", "schedules", "serialize"]
