"""``dlx.wrappers``: scikit-learn estimators around dlx models (``keras.wrappers``)."""

from dlx.wrappers.sklearn_estimators import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
