"""scikit-learn estimators (classifier, regressor, transformer) that train a compiled dlx model.

Each takes a compiled :class:`dlx.Model` (cloned before each fit unless ``warm_start``) or a
callable ``model(X=..., y=..., **model_kwargs)`` returning one, so it fits in scikit-learn's
pipelines, grid searches and cross-validation. scikit-learn is needed (an optional dependency).
"""

from __future__ import annotations

import copy

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the classes exist; constructing one says what is missing
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


def _require_sklearn(owner: str) -> None:
    if sklearn is None:
        raise ImportError(f"{owner} needs scikit-learn: pip install scikit-learn")


def _validate(estimator, *args, **kwargs):
    from sklearn.utils.validation import validate_data

    return validate_data(estimator, *args, **kwargs)


def _target_type(y) -> str:
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"Unknown label type for data: {y!r}")
    return kind


class _TargetReshaper(TransformerMixin, BaseEstimator):
    """Makes 1-D targets 2-D (for encoders that need 2-D input) and back."""

    def fit(self, y):
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return np.squeeze(y, axis=1) if self.ndim_ == 1 and y.ndim == 2 else y


class _SKLBase(BaseEstimator):
    """What the three estimators share: building the model, ``fit``, ``predict``."""

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        _require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        model = self.model if callable(self.model) else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start, model_kwargs=self.model_kwargs)

    @property
    def epoch_(self):
        """The epochs trained so far."""
        return getattr(self, "history_", {}).get("epoch", 0)

    def set_fit_request(self, **kwargs):
        """Declares how ``fit``'s extra parameters are routed (scikit-learn's metadata routing,
        which must be enabled: ``sklearn.set_config(enable_metadata_routing=True)``)."""
        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError("set_fit_request() needs scikit-learn's metadata routing: "
                               "sklearn.set_config(enable_metadata_routing=True)")
        from sklearn.utils.metadata_routing import MetadataRequest

        self._metadata_request = MetadataRequest(owner=type(self).__name__)
        for param, alias in kwargs.items():
            self._metadata_request.score.add_request(param=param, alias=alias)
        return self

    def _get_model(self, X, y):
        from dlx.models import Model, clone_model

        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else clone_model(self.model)
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Trains the model on ``X`` (``(n_samples, n_features)``) and ``y``; ``kwargs`` go to
        ``model.fit`` (over ``fit_kwargs``)."""
        X, y = _validate(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        if not model.compiled or not model.loss or not model.optimizer:
            raise RuntimeError("The model must be compiled, with a loss and an optimizer")
        fit_kwargs = dict(self.fit_kwargs or {})
        fit_kwargs.update(kwargs)
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        """The model's predictions for ``X``, in the targets' form."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self._target_encoder.inverse_transform(self.model_.predict(X))

    def _process_target(self, y, reset=False):
        _target_type(y)
        if reset:
            self._target_encoder = _TargetReshaper().fit(y)
        return self._target_encoder.transform(y)


class SKLearnClassifier(ClassifierMixin, _SKLBase):
    """A scikit-learn classifier training a dlx model on one-hot targets.

    Arguments:
        model: a compiled ``Model`` (cloned before fitting unless ``warm_start``) or a callable
            ``model(X=..., y=..., **model_kwargs)`` returning one (``y`` one-hot encoded).
        warm_start: keep training the model of the previous fit.
        model_kwargs: extra keyword arguments of a callable ``model``.
        fit_kwargs: keyword arguments of ``model.fit`` (those given to ``fit`` take precedence).

    Attributes:
        model_: the trained model. history_: its ``History``. classes_: the class labels.
    """

    def decision_function(self, X):
        """The model's raw outputs for ``X``."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return self.model_.predict(_validate(self, X, reset=False))

    def _process_target(self, y, reset=False):
        kind = _target_type(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Only binary and multiclass target types are supported. Target type: {kind}")
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder

            self._target_encoder = make_pipeline(_TargetReshaper(), OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, _SKLBase):
    """A scikit-learn regressor training a dlx model (arguments as :class:`SKLearnClassifier`).

    Arguments:
        model: a compiled ``Model`` (cloned before fitting unless ``warm_start``) or a callable
            ``model(X=..., y=..., **model_kwargs)`` returning one (1-D targets are passed as a
            column, ``(n_samples, 1)``).
        warm_start: keep training the model of the previous fit.
        model_kwargs: extra keyword arguments of a callable ``model``.
        fit_kwargs: keyword arguments of ``model.fit`` (those given to ``fit`` take precedence).

    Attributes:
        model_: the trained model. history_: its ``History``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, _SKLBase):
    """A scikit-learn transformer whose ``transform`` is a trained dlx model's ``predict``
    (arguments as :class:`SKLearnClassifier`).

    Arguments:
        model: a compiled ``Model`` (cloned before fitting unless ``warm_start``) or a callable
            ``model(X=..., y=..., **model_kwargs)`` returning one; ``fit`` trains it on ``X``
            and ``y`` (1-D targets as a column, ``(n_samples, 1)``).
        warm_start: keep training the model of the previous fit.
        model_kwargs: extra keyword arguments of a callable ``model``.
        fit_kwargs: keyword arguments of ``model.fit`` (those given to ``fit`` take precedence).

    Attributes:
        model_: the trained model. history_: its ``History``.
    """

    def transform(self, X):
        """The model's outputs for ``X`` (``(n_samples, n_features)``)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return self.model_.predict(_validate(self, X, reset=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
