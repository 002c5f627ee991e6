"""``HyperModel``: a model-building class with an overridable ``fit`` (KerasTuner's API)."""

from __future__ import annotations


class HyperModel:
    """Subclass and implement ``build(hp)``; override ``fit(hp, model, *args, **kwargs)`` to
    train differently (it returns a ``History``, a float or a dict of metrics).

    Arguments:
        name: a name for messages.
        tunable: whether the hyperparameters it declares are tuned (``False`` uses defaults).

    Example:

    >>> from dlx_tuner.hypermodel import HyperModel
    >>> from dlx_tuner.hyperparameters import HyperParameters
    >>> class Widths(HyperModel):
    ...     def build(self, hp):  # a real one returns a compiled model
    ...         return hp.Choice("units", [16, 32])
    >>> Widths().build(HyperParameters())
    16
    """

    def __init__(self, name: str | None = None, tunable: bool = True):
        self.name = name
        self.tunable = tunable

    def build(self, hp):
        """Builds and compiles a model for the hyperparameter values in ``hp``; subclasses define it
        (calls such as ``hp.Int("units", 32, 256)`` declare the search space as they return values).

        Arguments:
            hp: the trial's :class:`HyperParameters`.

        Returns:
            A compiled model.

        Raises:
            TypeError: on the base class.
        """
        raise TypeError(f"{type(self).__name__}.build(hp) is not implemented: subclass HyperModel and define "
                        "build(hp) returning a compiled model")

    def fit(self, hp, model, *args, **kwargs):
        """Trains ``model`` (default: ``model.fit(*args, **kwargs)``)."""
        return model.fit(*args, **kwargs)


class FunctionHyperModel(HyperModel):
    """Wraps a ``build_model(hp)`` function.

    Example:

    >>> from dlx_tuner.hypermodel import FunctionHyperModel
    >>> from dlx_tuner.hyperparameters import HyperParameters
    >>> def build_model(hp):
    ...     return hp.Int("layers", 1, 3)
    >>> FunctionHyperModel(build_model).build(HyperParameters())
    1
    """

    def __init__(self, build_fn):
        super().__init__(name=getattr(build_fn, "__name__", None))
        self._build_fn = build_fn

    def build(self, hp):
        return self._build_fn(hp)


def get_hypermodel(hypermodel) -> HyperModel | None:
    """The :class:`HyperModel` a tuner uses for its ``hypermodel`` argument.

    Arguments:
        hypermodel: a :class:`HyperModel` or ``None`` (returned as is) or a function
            ``build_model(hp)`` (wrapped in a :class:`FunctionHyperModel`).

    Returns:
        The hypermodel, or ``None``.

    Raises:
        TypeError: for anything else.

    Example:

    >>> from dlx_tuner.hypermodel import get_hypermodel
    >>> type(get_hypermodel(lambda hp: hp.Int("units", 8, 64))).__name__
    'FunctionHyperModel'
    """
    if hypermodel is None or isinstance(hypermodel, HyperModel):
        return hypermodel
    if callable(hypermodel):
        return FunctionHyperModel(hypermodel)
    raise TypeError(f"hypermodel={hypermodel!r}; expected a HyperModel or a function build_model(hp)")
