"""``HyperParameters``: the search space, declared while a model is built (KerasTuner's API).

A build function calls ``hp.Int(...)``, ``hp.Float(...)``, ``hp.Choice(...)``, ``hp.Boolean(...)``
or ``hp.Fixed(...)`` and gets a value back. Outside a search the value is the declaration's
default; inside a search the :class:`HyperParameters` object is bound to an Optuna trial and each
declaration becomes an Optuna ``suggest_*`` call (define-by-run), so the sampler chooses it.

How declarations map onto Optuna parameters (the Optuna parameter name is the hyperparameter's
name unless a suffix says otherwise; ``hp.values`` always holds the real values):

=========================================  ==================================================
declaration                                Optuna parameter
=========================================  ==================================================
``Int`` linear (step, default 1)           ``suggest_int(name, min, max', step)``
``Int`` / ``Float`` ``sampling="log"``     ``suggest_int/float(name, min, max, log=True)``
``Float`` linear, no step                  ``suggest_float(name, min, max)``
``Float`` linear with step                 ``suggest_int(name + "#index", 0, n-1)``
``log`` / ``reverse_log`` with step        ``suggest_int(name + "#index", 0, n-1)``; the step
                                           multiplies (KerasTuner's rule)
``reverse_log``, no step                   ``suggest_float(name + "#reflected", min, max,
                                           log=True)``; value = min + max - reflected
``Choice`` ordered (numbers, by default)   ``suggest_int(name + "#index", 0, n-1)``
``Choice`` unordered, ``Boolean``          ``suggest_categorical(name, values)``
``Fixed``                                  none (recorded in the trial's hyperparameters)
=========================================  ==================================================
"""

from __future__ import annotations

import contextlib
import copy
import math
from typing import Any

from dlx_tuner.errors import SearchSpaceError

_SAMPLINGS = ("linear", "log", "reverse_log")
_GRID_PROBS = tuple(0.05 + 0.1 * i for i in range(10))  # KerasTuner's 10 values for a stepless range


def suggest(trial, name: str, dist):
    """Asks an Optuna trial for parameter ``name`` with the public ``suggest_*`` call matching
    ``dist``."""
    from optuna import distributions as d

    if isinstance(dist, d.CategoricalDistribution):
        return trial.suggest_categorical(name, list(dist.choices))
    if isinstance(dist, d.IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)


class Condition:
    """``parent_name``'s value must be one of ``values`` for a child hyperparameter to be active.

    Example:

    >>> from dlx_tuner.hyperparameters import Condition
    >>> condition = Condition("optimizer", ["sgd", "rmsprop"])
    >>> condition.is_active({"optimizer": "sgd"}), condition.is_active({"optimizer": "adam"})
    (True, False)
    """

    def __init__(self, parent_name: str, values):
        if not isinstance(values, (list, tuple)):
            values = [values]
        self.parent_name = parent_name
        self.values = tuple(values)

    def is_active(self, values: dict) -> bool:
        return self.parent_name in values and values[self.parent_name] in self.values

    def get_config(self) -> dict:
        return {"parent_name": self.parent_name, "values": list(self.values)}

    def __eq__(self, other):
        return isinstance(other, Condition) and (self.parent_name, self.values) == (other.parent_name, other.values)

    def __hash__(self):
        return hash((self.parent_name, self.values))

    def __repr__(self):
        return f"Condition({self.parent_name!r}, {list(self.values)!r})"


def _num(x, what, name):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ValueError(f"HyperParameters: {what}={x!r} for {name!r}; expected a number")
    return x


class HyperParameter:
    """One declared hyperparameter (kind ``int``, ``float``, ``choice``, ``boolean`` or ``fixed``).

    :class:`HyperParameters` creates them (``hp.Int(...)`` ...); the constructor checks the
    declaration.

    Arguments:
        kind: ``"int"``, ``"float"``, ``"choice"``, ``"boolean"`` or ``"fixed"``.
        name: the hyperparameter's name (non-empty, without ``#``).
        default: the value outside a search: for ``int``/``float`` within the range (``None``:
            ``min_value``), for ``choice`` one of ``values`` (``None``: the first), for ``boolean``
            (``None``: ``False``); for ``fixed``, its value.
        conditions: the :class:`Condition` objects that must all hold for it to be active.
        **spec: the kind's declaration: ``min_value``, ``max_value``, ``step``, ``sampling``
            (``int``/``float``) or ``values``, ``ordered`` (``choice``).

    Raises:
        ValueError: for a declaration that does not fit (an empty name, a range with ``min_value``
            above ``max_value``, an unknown sampling, a bad step, a default outside the range or the
            values, ...).

    Example:

    >>> from dlx_tuner.hyperparameters import HyperParameters
    >>> hp = HyperParameters()
    >>> _ = hp.Int("units", 32, 128, step=32)
    >>> units = hp.space[0]
    >>> units
    Int(name='units', min_value=32, max_value=128, step=32, sampling='linear', default=32)
    >>> units.grid_values()
    [32, 64, 96, 128]
    """

    def __init__(self, kind: str, name: str, default=None, conditions=(), **spec):
        if not isinstance(name, str) or not name:
            raise ValueError(f"HyperParameters: name={name!r}; expected a non-empty string")
        if "#" in name:
            raise ValueError(f"HyperParameters: name={name!r} may not contain '#' (reserved for the store)")
        self.kind = kind
        self.name = name
        self.conditions = tuple(conditions)
        self.spec = spec
        if kind in ("int", "float"):
            lo = _num(spec["min_value"], "min_value", name)
            hi = _num(spec["max_value"], "max_value", name)
            if kind == "int":
                for k in ("min_value", "max_value"):
                    if float(spec[k]) != int(spec[k]):
                        raise ValueError(f"HyperParameters.Int: {k}={spec[k]!r} for {name!r}; expected an int")
                lo, hi = int(lo), int(hi)
                spec["min_value"], spec["max_value"] = lo, hi
            if lo > hi:
                raise ValueError(f"HyperParameters.{kind.title()}({name!r}): min_value {lo} is greater than "
                                 f"max_value {hi}")
            sampling = (spec.get("sampling") or "linear").lower()
            if sampling not in _SAMPLINGS:
                raise ValueError(f"HyperParameters.{kind.title()}({name!r}): sampling={spec.get('sampling')!r}; "
                                 f"expected one of {list(_SAMPLINGS)}")
            spec["sampling"] = sampling
            step = spec.get("step")
            if kind == "int" and step is None and sampling == "linear":
                step = 1
            if step is not None:
                _num(step, "step", name)
                if kind == "int" and float(step) != int(step):
                    raise ValueError(f"HyperParameters.Int({name!r}): step={step!r}; expected an int")
                if sampling == "linear" and step <= 0:
                    raise ValueError(f"HyperParameters.{kind.title()}({name!r}): step={step!r}; expected > 0")
                if sampling != "linear" and step <= 1:
                    raise ValueError(f"HyperParameters.{kind.title()}({name!r}): step={step!r} with "
                                     f"sampling={sampling!r}; expected step > 1 (it multiplies)")
            spec["step"] = step
            if sampling != "linear" and lo <= 0:
                raise ValueError(f"HyperParameters.{kind.title()}({name!r}): sampling={sampling!r} needs "
                                 f"min_value > 0; got {lo}")
            if default is None:
                default = lo
            elif not lo <= default <= hi:
                raise ValueError(f"HyperParameters.{kind.title()}({name!r}): default={default!r} is outside "
                                 f"[{lo}, {hi}]")
        elif kind == "choice":
            values = spec["values"]
            if not isinstance(values, (list, tuple)) or not values:
                raise ValueError(f"HyperParameters.Choice({name!r}): values={values!r}; expected a non-empty list")
            types = {type(v) for v in values}
            if len(types) > 1 and not types <= {int, float}:
                raise ValueError(f"HyperParameters.Choice({name!r}): values={values!r} mix types "
                                 f"{sorted(t.__name__ for t in types)}")
            if not all(isinstance(v, (int, float, str, bool)) for v in values):
                raise ValueError(f"HyperParameters.Choice({name!r}): values={values!r}; expected ints, floats, "
                                 "strings or booleans")
            if len(set(values)) != len(values):
                raise ValueError(f"HyperParameters.Choice({name!r}): values={values!r} has duplicates")
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            ordered = spec.get("ordered")
            if ordered is None:
                ordered = numeric
            if ordered and not numeric:
                raise ValueError(f"HyperParameters.Choice({name!r}): ordered=True needs numeric values; got {values!r}")
            spec["values"] = list(values)
            spec["ordered"] = bool(ordered)
            if default is None:
                default = values[0]
            elif default not in values:
                raise ValueError(f"HyperParameters.Choice({name!r}): default={default!r} is not one of {values!r}")
        elif kind == "boolean":
            default = bool(default) if default is not None else False
        elif kind == "fixed" and not isinstance(default, (int, float, str, bool)) and default is not None:
            raise ValueError(f"HyperParameters.Fixed({name!r}): value={default!r}; expected an int, float, "
                             "string, boolean or None")
        self.default = default

    # -- properties -------------------------------------------------------------------------------
    def __getattr__(self, item):
        spec = self.__dict__.get("spec", {})
        if item in spec:
            return spec[item]
        raise AttributeError(item)

    def get_config(self) -> dict:
        """The declaration: kind, name, default, conditions and the kind's arguments.

        Returns:
            A dict for :meth:`from_config`.
        """
        return {"kind": self.kind, "name": self.name, "default": self.default,
                "conditions": [c.get_config() for c in self.conditions], **self.spec}

    @classmethod
    def from_config(cls, config: dict) -> HyperParameter:
        """Creates a declaration from :meth:`get_config`'s output.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new hyperparameter.
        """
        config = dict(config)
        conditions = [Condition(c["parent_name"], c["values"]) for c in config.pop("conditions", ())]
        return cls(config.pop("kind"), config.pop("name"), default=config.pop("default", None),
                   conditions=conditions, **config)

    def same_declaration(self, other: HyperParameter) -> bool:
        """Whether ``other`` declares the same hyperparameter: same kind and arguments (for ``Fixed``,
        the same value). Names and conditions are not compared.

        Arguments:
            other: another hyperparameter.

        Returns:
            A bool.
        """
        return self.kind == other.kind and self.spec == other.spec and (
            self.kind != "fixed" or self.default == other.default)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.spec.items() if v is not None)
        return f"{self.kind.title()}(name={self.name!r}, {args}, default={self.default!r})"

    # -- value <-> Optuna parameter --------------------------------------------------------------------
    def _n_steps(self) -> int:
        lo, hi, step = self.min_value, self.max_value, self.step
        if self.sampling == "linear":
            return int((hi - lo) // step + 1 + 1e-9) if isinstance(step, int) and isinstance(lo, int) else \
                math.floor((hi - lo) / step + 1e-9) + 1
        return int(math.log(hi / lo, step) + 1e-8) + 1

    def _by_index(self, i: int):
        lo, hi, step = self.min_value, self.max_value, self.step
        if self.sampling == "linear":
            v = lo + i * step
        elif self.sampling == "log":
            v = lo * step ** i
        else:
            v = hi + lo - lo * step ** i
        return round(v) if self.kind == "int" else float(v)

    def prob_to_value(self, prob: float):
        """The value at cumulative probability ``prob`` of this hyperparameter's prior."""
        if self.kind == "choice":
            return self.values[min(int(prob * len(self.values)), len(self.values) - 1)]
        if self.kind == "boolean":
            return prob >= 0.5
        if self.kind == "fixed":
            return self.default
        if self.step is not None:
            return self._by_index(min(int(prob * self._n_steps()), self._n_steps() - 1))
        lo, hi = self.min_value, self.max_value
        if self.sampling == "linear":
            v = lo + prob * (hi - lo)
        elif self.sampling == "log":
            v = lo * (hi / lo) ** prob
        else:
            v = hi + lo - lo * (hi / lo) ** (1 - prob)
        return int(v) if self.kind == "int" else float(v)

    def optuna_param(self):
        """``(param_name, distribution, to_value)`` for this declaration; ``None`` for ``Fixed``."""
        from optuna import distributions as d

        if self.kind == "fixed":
            return None
        if self.kind == "boolean":
            return self.name, d.CategoricalDistribution([False, True]), bool
        if self.kind == "choice":
            vals = self.values
            if self.ordered:
                return f"{self.name}#index", d.IntDistribution(0, len(vals) - 1), lambda i: vals[int(i)]
            return self.name, d.CategoricalDistribution(vals), lambda v: v
        lo, hi, step, sampling = self.min_value, self.max_value, self.step, self.sampling
        if step is not None and not (self.kind == "int" and sampling == "linear"):
            return f"{self.name}#index", d.IntDistribution(0, self._n_steps() - 1), lambda i: self._by_index(int(i))
        if self.kind == "int" and sampling == "linear":
            top = lo + (self._n_steps() - 1) * step
            return self.name, d.IntDistribution(lo, top, step=step), int
        if sampling == "reverse_log":
            cast = (lambda y: round(hi + lo - y)) if self.kind == "int" else (lambda y: float(hi + lo - y))
            return f"{self.name}#reflected", d.FloatDistribution(lo, hi, log=True), cast
        if self.kind == "int":
            return self.name, d.IntDistribution(lo, hi, log=True), int
        return self.name, d.FloatDistribution(lo, hi, log=sampling == "log"), float

    def grid_values(self) -> list:
        """The Optuna parameter's values a grid search enumerates (KerasTuner's: every step, or
        10 points of the prior for a stepless float range)."""
        if self.kind == "boolean":
            return [False, True]
        if self.kind == "choice":
            return list(range(len(self.values))) if self.ordered else list(self.values)
        name, dist, _ = self.optuna_param()
        if name.endswith("#index"):
            return list(range(self._n_steps()))
        if self.kind == "int" and self.sampling == "linear":
            return list(range(dist.low, dist.high + 1, dist.step))
        out = []
        for p in _GRID_PROBS:
            v = self.prob_to_value(p)
            internal = self.max_value + self.min_value - v if name.endswith("#reflected") else v
            if internal not in out:
                out.append(internal)
        return out


class HyperParameters:
    """The hyperparameters of one trial (and the space they were drawn from).

    Outside a search, each declaration returns its default. Inside a search the tuner binds the
    object to an Optuna trial and declarations are sampled. ``values`` holds the active values.

    Example:

    >>> from dlx_tuner.hyperparameters import HyperParameters
    >>> hp = HyperParameters()  # outside a search: every declaration returns its default
    >>> hp.Int("units", 32, 128, step=32), hp.Choice("activation", ["relu", "tanh"])
    (32, 'relu')
    >>> hp.Float("lr", 1e-4, 1e-2, sampling="log"), hp.Boolean("dropout")
    (0.0001, False)
    >>> with hp.conditional_scope("dropout", [True]):
    ...     hp.Float("rate", 0.1, 0.5)  # inactive while dropout is False: None
    >>> hp.values
    {'units': 32, 'activation': 'relu', 'lr': 0.0001, 'dropout': False}
    >>> [h.name for h in hp.space]
    ['units', 'activation', 'lr', 'dropout', 'rate']
    """

    def __init__(self):
        self._space: list[HyperParameter] = []
        self._conditions: list[Condition] = []
        self.values: dict[str, Any] = {}
        self._trial = None               # an optuna.Trial while a search builds a model
        self._predeclared: HyperParameters | None = None
        self._tune_new_entries = True
        self._allow_new_entries = True

    # -- declarations ------------------------------------------------------------------------------
    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None,
            parent_name=None, parent_values=None):
        """An integer in ``[min_value, max_value]`` (``step`` apart; with ``log`` /
        ``reverse_log`` sampling the step multiplies)."""
        return self._declare("int", name, default, parent_name, parent_values, min_value=min_value,
                             max_value=max_value, step=step, sampling=sampling)

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None,
              parent_name=None, parent_values=None):
        """A float in ``[min_value, max_value]``; ``sampling`` is ``"linear"``, ``"log"`` or
        ``"reverse_log"`` (dense near ``max_value``)."""
        return self._declare("float", name, default, parent_name, parent_values, min_value=min_value,
                             max_value=max_value, step=step, sampling=sampling)

    def Choice(self, name, values, ordered=None, default=None, parent_name=None, parent_values=None):
        """One of ``values``; numeric values are ordered unless ``ordered=False``."""
        return self._declare("choice", name, default, parent_name, parent_values, values=values, ordered=ordered)

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """``True`` or ``False``."""
        return self._declare("boolean", name, default, parent_name, parent_values)

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """A constant, recorded with the trial."""
        return self._declare("fixed", name, value, parent_name, parent_values)

    @contextlib.contextmanager
    def conditional_scope(self, parent_name: str, parent_values):
        """Hyperparameters declared inside are active only when ``parent_name``'s value is one of
        ``parent_values`` (an inactive one returns ``None``)."""
        if not any(hp.name == parent_name for hp in self._space):
            raise ValueError(f"conditional_scope: parent_name={parent_name!r} is not a declared hyperparameter "
                             f"(declared: {sorted({hp.name for hp in self._space})})")
        self._conditions.append(Condition(parent_name, parent_values))
        try:
            yield
        finally:
            self._conditions.pop()

    def _declare(self, kind, name, default, parent_name, parent_values, **spec):
        conditions = list(self._conditions)
        if parent_name is not None:
            if parent_values is None:
                raise ValueError(f"HyperParameters: parent_name={parent_name!r} for {name!r} needs parent_values")
            conditions.append(Condition(parent_name, parent_values))
        hp = HyperParameter(kind, name, default=default, conditions=conditions, **spec)
        if self._predeclared is not None:
            pre = self._predeclared._find(name)
            if pre is not None:
                hp = HyperParameter.from_config({**pre.get_config(),
                                                 "conditions": [c.get_config() for c in conditions]})
            elif not self._allow_new_entries:
                raise SearchSpaceError(f"HyperParameters: {name!r} is not among the tuner's hyperparameters "
                                 f"({sorted(self._predeclared.values)}) and allow_new_entries=False")
        existing = self._find(name, hp.conditions)
        if existing is None:
            self._space.append(hp)
        else:
            if not existing.same_declaration(hp):
                raise SearchSpaceError(f"HyperParameters: {name!r} is declared twice differently: {existing} and {hp}")
            hp = existing
        if not self._is_active(hp):
            return None
        if name in self.values:
            return self.values[name]
        value = hp.default
        tune = self._tune_new_entries or (self._predeclared is not None and self._predeclared._find(name))
        if self._trial is not None and hp.kind != "fixed" and tune:
            pname, dist, to_value = hp.optuna_param()
            value = to_value(suggest(self._trial, pname, dist))
        self.values[name] = value
        return value

    # -- queries -------------------------------------------------------------------------------------
    def _find(self, name, conditions=None):
        for hp in self._space:
            if hp.name == name and (conditions is None or hp.conditions == tuple(conditions)):
                return hp
        return None

    def _is_active(self, hp: HyperParameter) -> bool:
        return all(c.is_active(self.values) for c in hp.conditions)

    def is_active(self, hyperparameter) -> bool:
        """Whether a hyperparameter (object or name) is active for the current values."""
        if isinstance(hyperparameter, HyperParameter):
            return self._is_active(hyperparameter)
        return any(hp.name == hyperparameter and self._is_active(hp) for hp in self._space)

    @property
    def space(self) -> list[HyperParameter]:
        return list(self._space)

    def get(self, name: str):
        """The value of ``name`` (its default if declared but not yet drawn)."""
        if name in self.values:
            return self.values[name]
        hp = self._find(name)
        if hp is None:
            raise KeyError(f"HyperParameters: {name!r} is not declared "
                           f"(declared: {sorted(h.name for h in self._space)})")
        return hp.default if self._is_active(hp) else None

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return self._find(name) is not None

    def copy(self) -> HyperParameters:
        """An independent copy: the declarations deep-copied, the values in a new dict.

        Returns:
            The copy.
        """
        out = HyperParameters()
        out._space = [copy.deepcopy(hp) for hp in self._space]
        out.values = dict(self.values)
        return out

    def get_config(self) -> dict:
        """The declared search space and the current values.

        Returns:
            ``{"space": [declaration configs], "values": {name: value}}``.
        """
        return {"space": [hp.get_config() for hp in self._space], "values": dict(self.values)}

    @classmethod
    def from_config(cls, config: dict) -> HyperParameters:
        """Creates the container from :meth:`get_config`'s output.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new container.
        """
        out = cls()
        out._space = [HyperParameter.from_config(c) for c in config.get("space", ())]
        out.values = dict(config.get("values", {}))
        return out

    def __repr__(self):
        return f"HyperParameters(values={self.values!r})"
