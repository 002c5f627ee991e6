"""``dlx.losses``: Keras 3 losses (classes and functions) with reductions and sample weights.

>>> import numpy as np, dlx
>>> with dlx.backend.use("numpy"):
...     float(dlx.losses.MeanSquaredError()(np.zeros((2, 2)), np.ones((2, 2))))
1.0
"""

from __future__ import annotations

from dlx.losses.loss import Loss as Loss
from dlx.losses.loss import LossFunctionWrapper as LossFunctionWrapper
from dlx.losses.loss import reduce_weighted_values as reduce_weighted_values
from dlx.losses.loss import squeeze_or_expand_to_same_rank as squeeze_or_expand_to_same_rank
from dlx.losses.losses import *  # noqa: F403
from dlx.losses.losses import CLASSES, FUNCTIONS
from dlx.losses.losses import ctc_loss as ctc_loss
from dlx.losses.losses import l2_normalize as l2_normalize
from dlx.losses.robust import CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy
from dlx.losses.robust import Circle as Circle
from dlx.losses.robust import categorical_generalized_cross_entropy as categorical_generalized_cross_entropy
from dlx.losses.robust import circle as circle

CLASSES = {**CLASSES, "Circle": Circle, "CategoricalGeneralizedCrossEntropy": CategoricalGeneralizedCrossEntropy}
FUNCTIONS = {**FUNCTIONS, "circle": circle,
             "categorical_generalized_cross_entropy": categorical_generalized_cross_entropy}

ALL_OBJECTS = {**CLASSES, **FUNCTIONS}


def serialize(loss) -> dict | str:
    """A config dict for a :class:`Loss`; the name for a built-in function.

    Arguments:
        loss: a :class:`Loss` instance or a built-in loss function.

    Returns:
        ``{"module", "class_name", "config", "registered_name"}`` for a Loss; the function's
        name (a str) for a built-in function.

    Raises:
        ValueError: for anything else.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.serialize(losses.Huber(delta=2.0))["config"]["delta"]
    2.0
    """
    if isinstance(loss, Loss):
        return {"module": "dlx.losses", "class_name": type(loss).__name__, "config": loss.get_config(),
                "registered_name": None}
    name = getattr(loss, "__name__", None)
    if name in FUNCTIONS:
        return name
    raise ValueError(f"cannot serialize loss {loss!r}: expected a dlx Loss or a built-in loss function")


def deserialize(name, custom_objects=None):
    """A loss from :func:`serialize`'s output (a dict or a function name).

    Arguments:
        name: a config dict (its ``class_name`` and ``config``) or a loss name.
        custom_objects: a dict of extra names (classes or functions) looked up before the
            built-in ones.

    Returns:
        A new :class:`Loss` from a dict; for a name, what :func:`get` gives (or the custom object).

    Raises:
        ValueError: when the class name or the name is unknown.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> loss = losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}})
    >>> type(loss).__name__, loss.get_config()["delta"]
    ('Huber', 2.0)
    """
    config = name
    custom = custom_objects or {}
    if isinstance(config, str):
        return get(config) if config not in custom else custom[config]
    name = config.get("class_name")
    cls = custom.get(name) or CLASSES.get(name)
    if cls is None:
        raise ValueError(f"unknown loss class_name={name!r}; expected one of {sorted(CLASSES)}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """A loss from a name (function or class name, e.g. ``"mse"``, ``"CategoricalCrossentropy"``),
    a config dict, a :class:`Loss` or a callable (returned as is). ``None`` gives ``None``.

    Arguments:
        identifier: a function name (gives the function), a class name (gives a new instance
            with default arguments), a config dict, a Loss, a callable or ``None``.

    Returns:
        A loss function, a :class:`Loss` or ``None``.

    Raises:
        ValueError: for an unknown name or an identifier of another kind.

    Example:

    >>> import numpy as np
    >>> from dlx import losses
    >>> losses.get("mse") is losses.mean_squared_error
    True
    >>> losses.get("BinaryCrossentropy")
    <BinaryCrossentropy name='binary_crossentropy' reduction='sum_over_batch_size'>
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in FUNCTIONS:
            return FUNCTIONS[identifier]
        if identifier in CLASSES:
            return CLASSES[identifier]()
        raise ValueError(f"unknown loss {identifier!r}; expected one of {sorted(ALL_OBJECTS)}")
    if callable(identifier):
        return identifier
    raise ValueError(f"loss={identifier!r}: expected a Loss, a loss function, a name or a config dict")


__all__ = sorted([*CLASSES, *FUNCTIONS, "Loss", "LossFunctionWrapper", "ctc_loss", "deserialize", "get",
                  "l2_normalize", "reduce_weighted_values", "serialize", "squeeze_or_expand_to_same_rank"])
