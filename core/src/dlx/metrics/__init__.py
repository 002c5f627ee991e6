"""``dlx.metrics``: Keras 3 metrics with stateful and stateless (compiled-step) APIs.

>>> import numpy as np, dlx
>>> with dlx.backend.use("numpy"):
...     m = dlx.metrics.BinaryAccuracy()
...     m.update_state(np.array([1, 0, 1]), np.array([0.9, 0.2, 0.3]))
...     round(float(m.result()), 4)
0.6667
"""

from __future__ import annotations

import re

from dlx import losses as _losses
from dlx.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from dlx.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from dlx.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from dlx.metrics.f_score_metrics import F1Score, FBetaScore
from dlx.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from dlx.metrics.loss_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from dlx.metrics.metric import Metric
from dlx.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from dlx.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    cosine_similarity,
)

# metric functions shared with losses (Keras exports them under dlx.metrics too)
mean_squared_error = mse = _losses.mean_squared_error
mean_absolute_error = mae = _losses.mean_absolute_error
mean_absolute_percentage_error = mape = _losses.mean_absolute_percentage_error
mean_squared_logarithmic_error = msle = _losses.mean_squared_logarithmic_error
log_cosh = logcosh = _losses.log_cosh
binary_crossentropy = _losses.binary_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy
binary_focal_crossentropy = _losses.binary_focal_crossentropy
categorical_focal_crossentropy = _losses.categorical_focal_crossentropy
hinge = _losses.hinge
squared_hinge = _losses.squared_hinge
categorical_hinge = _losses.categorical_hinge
kl_divergence = kld = _losses.kl_divergence
poisson = _losses.poisson
huber = _losses.huber

CLASSES = {c.__name__: c for c in (
    Metric, Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, AUC, Precision, Recall, TruePositives, TrueNegatives,
    FalsePositives, FalseNegatives, F1Score, FBetaScore, MeanIoU, R2Score, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError, LogCoshError, CosineSimilarity,
    IoU, BinaryIoU, OneHotIoU, OneHotMeanIoU, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity, PearsonCorrelation, ConcordanceCorrelation, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson)}
FUNCTIONS = {
    "accuracy": accuracy, "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy, "cosine_similarity": cosine_similarity,
    "mean_squared_error": mse, "mse": mse, "mean_absolute_error": mae, "mae": mae,
    "mean_absolute_percentage_error": mape, "mape": mape, "mean_squared_logarithmic_error": msle, "msle": msle,
    "log_cosh": log_cosh, "logcosh": logcosh, "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy, "hinge": hinge, "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge, "kl_divergence": kl_divergence, "kld": kld, "poisson": poisson,
    "huber": huber, "pearson_correlation": pearson_correlation, "concordance_correlation": concordance_correlation,
}
def _snake(name: str) -> str:
    """``"SparseTopKCategoricalAccuracy"`` -> ``"sparse_top_k_categorical_accuracy"``, ``"IoU"`` ->
    ``"io_u"``: the snake-case names Keras 3 accepts for its metric classes."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


# string names -> metric classes, the table of Keras 3's metrics.get: every class by its name and
# its snake-case name, and the short aliases; a name resolves to a new instance with default arguments
_NAMES = {key: c for c in CLASSES.values() if c not in (Metric, MeanMetricWrapper) for key in (c.__name__,
                                                                                             _snake(c.__name__))}
_NAMES.update({alias: c for c, aliases in ((MeanSquaredError, ("mse", "MSE")), (MeanAbsoluteError, ("mae", "MAE")),
                                           (MeanAbsolutePercentageError, ("mape", "MAPE")),
                                           (MeanSquaredLogarithmicError, ("msle", "MSLE")),
                                           (BinaryCrossentropy, ("bce", "BCE"))) for alias in aliases})


def serialize(metric) -> dict | str:
    """A config dict for a :class:`Metric`; the name for a built-in function.

    Arguments:
        metric: a :class:`Metric` instance or a built-in metric function.

    Returns:
        ``{"module", "class_name", "config", "registered_name"}`` for a Metric; the function's
        name (a str) for a built-in function.

    Raises:
        ValueError: for anything else.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.serialize(metrics.Mean(name="loss"))["class_name"]
    'Mean'
    """
    if isinstance(metric, Metric):
        return {"module": "dlx.metrics", "class_name": type(metric).__name__, "config": metric.get_config(),
                "registered_name": None}
    name = getattr(metric, "__name__", None)
    if name in FUNCTIONS:
        return name
    raise ValueError(f"cannot serialize metric {metric!r}: expected a dlx Metric or a built-in metric function")


def deserialize(config, custom_objects=None):
    """A metric from :func:`serialize`'s output.

    Arguments:
        config: a config dict (its ``class_name`` and ``config``) or a name.
        custom_objects: a dict of extra names (classes or functions) looked up before the
            built-in ones.

    Returns:
        A new :class:`Metric` from a dict; for a name, the custom object or what :func:`get`
        gives.

    Raises:
        ValueError: when the class name or the name is unknown.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.deserialize(metrics.serialize(metrics.Precision(thresholds=0.7))).thresholds
    [0.7]
    """
    custom = custom_objects or {}
    if isinstance(config, str):
        return custom[config] if config in custom else get(config)
    name = config.get("class_name")
    cls = custom.get(name) or CLASSES.get(name)
    if cls is None:
        raise ValueError(f"unknown metric class_name={name!r}; expected one of {sorted(CLASSES)}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """A metric object from a name, a config dict, a :class:`Metric` (returned as is) or a
    function (wrapped in :class:`MeanMetricWrapper`).

    A name is looked up as Keras 3's ``metrics.get`` does: a class name (``"Precision"``), its
    snake-case form (``"precision"``, ``"binary_crossentropy"``, ``"accuracy"``) or a short alias
    (``"mse"``, ``"MAE"``, ``"bce"``), giving a new instance of that class with its default
    arguments. ``"accuracy"`` is therefore :class:`Accuracy` (exact match); ``compile`` alone reads
    ``"accuracy"`` / ``"acc"`` as the variant the data's shapes and the loss imply.

    Arguments:
        identifier: a metric name, a config dict, a :class:`Metric` or a callable.

    Returns:
        A :class:`Metric`.

    Raises:
        ValueError: for an unknown name (``"acc"`` and ``"logcosh"`` are not names, as in Keras)
            or an identifier of another kind.

    Example:

    >>> import numpy as np
    >>> from dlx import metrics
    >>> metrics.get("accuracy")
    <Accuracy name='accuracy'>
    >>> type(metrics.get("binary_crossentropy")).__name__
    'BinaryCrossentropy'
    >>> type(metrics.get({"class_name": "AUC", "config": {"num_thresholds": 50}})).__name__
    'AUC'
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in _NAMES:
            return _NAMES[identifier]()
        raise ValueError(f"unknown metric {identifier!r}; expected one of {sorted(_NAMES)}")
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise ValueError(f"metric={identifier!r}: expected a Metric, a function, a name or a config dict")


__all__ = sorted([*CLASSES, *FUNCTIONS, "deserialize", "get", "serialize"])
