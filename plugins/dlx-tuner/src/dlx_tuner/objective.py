"""``Objective``: the metric a search optimizes and its direction."""

from __future__ import annotations

_MAX = {"acc", "accuracy", "auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score", "iou",
        "mean_iou", "one_hot_iou", "one_hot_mean_iou", "binary_iou", "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "binary_accuracy", "true_positives", "true_negatives", "specificity_at_sensitivity",
        "sensitivity_at_specificity", "precision_at_recall", "recall_at_precision", "cosine_similarity"}
_MIN = {"loss", "ce", "crossentropy", "mse", "mae", "mape", "msle", "mean_squared_error",
        "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
        "root_mean_squared_error", "binary_crossentropy", "categorical_crossentropy",
        "sparse_categorical_crossentropy", "kl_divergence", "kld", "hinge", "squared_hinge",
        "categorical_hinge", "log_cosh", "logcosh", "poisson", "huber", "false_positives", "false_negatives"}


def infer_direction(name: str) -> str | None:
    """``"max"`` or ``"min"`` for a Keras metric or loss name (``val_`` / ``weighted_`` prefixes and
    output-name prefixes are ignored); ``None`` when unknown.

    Example:

    >>> from dlx_tuner.objective import infer_direction
    >>> infer_direction("val_accuracy"), infer_direction("val_loss"), infer_direction("my_score")
    ('max', 'min', None)
    """
    base = name
    for prefix in ("val_", "weighted_"):
        if base.startswith(prefix):
            base = base[len(prefix):]
    for candidate in (base, base.rsplit("_", 1)[-1]):
        if candidate in _MAX:
            return "max"
        if candidate in _MIN or candidate.endswith("_loss") or candidate.endswith("crossentropy"):
            return "min"
    if base.endswith("accuracy"):
        return "max"
    return None


class Objective:
    """The metric to optimize: ``Objective("val_accuracy", direction="max")``.

    Arguments:
        name: a key of the training logs (``"val_loss"``, ``"val_accuracy"``...) or of the dict
            ``run_trial`` returns.
        direction: ``"min"`` or ``"max"``.

    Example:

    >>> from dlx_tuner.objective import Objective
    >>> objective = Objective("val_loss", direction="min")
    >>> objective.better_than(0.1, 0.2), objective.best_of([0.3, 0.1, 0.2])
    (True, 0.1)
    """

    def __init__(self, name: str, direction: str):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Objective: name={name!r}; expected a metric name")
        if direction not in ("min", "max"):
            raise ValueError(f"Objective({name!r}): direction={direction!r}; expected 'min' or 'max'")
        self.name = name
        self.direction = direction

    def better_than(self, a: float, b: float) -> bool:
        """Whether ``a`` is strictly better than ``b`` in the objective's direction.

        Arguments:
            a: a metric value.
            b: another.

        Returns:
            A bool.
        """
        return a > b if self.direction == "max" else a < b

    def best_of(self, values):
        """The best of several metric values: the largest for ``"max"``, the smallest for ``"min"``.

        Arguments:
            values: the values (an iterable, not empty).

        Returns:
            The best value.
        """
        return max(values) if self.direction == "max" else min(values)

    def get_config(self) -> dict:
        """The constructor arguments.

        Returns:
            ``{"name": name, "direction": direction}``.
        """
        return {"name": self.name, "direction": self.direction}

    def __eq__(self, other):
        return isinstance(other, Objective) and (self.name, self.direction) == (other.name, other.direction)

    def __hash__(self):
        return hash((self.name, self.direction))

    def __repr__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'


def create_objective(objective) -> Objective:
    """An :class:`Objective` from a name (direction inferred) or an ``Objective``.

    Example:

    >>> from dlx_tuner.objective import create_objective
    >>> create_objective("val_accuracy")
    Objective(name="val_accuracy", direction="max")
    >>> create_objective(None)  # the default
    Objective(name="val_loss", direction="min")
    """
    if objective is None:
        return Objective("val_loss", "min")
    if isinstance(objective, Objective):
        return objective
    if isinstance(objective, str):
        direction = infer_direction(objective)
        if direction is None:
            raise ValueError(f"objective={objective!r}: cannot infer whether to minimize or maximize it; pass "
                             f'keras_tuner.Objective("{objective}", direction="min") or direction="max"')
        return Objective(objective, direction)
    if isinstance(objective, (list, tuple)):
        raise ValueError(f"objective={objective!r}: dlx-tuner optimizes one objective; pass one name or "
                         "Objective (several objectives are not supported)")
    raise TypeError(f"objective={objective!r}; expected a metric name or a keras_tuner.Objective")
