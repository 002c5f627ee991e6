"""Different optimizers for different variables: :class:`OptimizerMap` and :class:`MultiOptimizer`."""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from dlx import ops
from dlx.optimizers.loss_scale_optimizer import LossScaleOptimizer
from dlx.optimizers.optimizer import Optimizer
from dlx.variables import StatelessScope


class OptimizerMap(MutableMapping):
    """Variable path (or regular expression) -> optimizer, with a default for the rest.

    A key is looked up exactly first; else every key is tried as a pattern with ``re.fullmatch``
    (so ``"encoder/.*"`` covers the encoder's variables, ``"encoder"`` only that exact path).
    More than one matching pattern is an error; no match gives ``default_optimizer``.

    >>> import dlx
    >>> m = dlx.optimizers.OptimizerMap(dlx.optimizers.RMSprop())
    >>> m["encoder/.*"] = dlx.optimizers.SGD()
    >>> type(m["encoder/dense/kernel"]).__name__, type(m["decoder/dense/kernel"]).__name__
    ('SGD', 'RMSprop')

    Arguments:
        default_optimizer: the optimizer of the variables no key matches.
        optimizer_map: an initial ``{key: optimizer}`` dict.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"OptimizerMap: default_optimizer={default_optimizer!r}; expected a dlx Optimizer")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap: optimizer_map={optimizer_map!r}; expected a dict (or None)")
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, opt in (optimizer_map or {}).items():
            self[key] = opt

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(f"OptimizerMap: variable {key!r} matches more than one key: {matches}")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: key={key!r}; expected a string (a variable path or pattern)")
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: key {key!r} is already mapped to {self._optimizer_map[key]!r}")
        _check_inner(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        """The default optimizer and each key's optimizer, serialized.

        Returns:
            ``{"default_optimizer": ..., "optimizer_map": {key: ...}}``.
        """
        from dlx import serialization
        return {"default_optimizer": serialization.serialize(self._default_optimizer),
                "optimizer_map": serialization.serialize(self._optimizer_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates a map from :meth:`get_config`'s output, deserializing the optimizers.

        Arguments:
            config: the dictionary :meth:`get_config` returned.
            custom_objects: custom optimizer (or schedule) classes by name.

        Returns:
            The new map.
        """
        from dlx import serialization
        mapping = {key: serialization.deserialize(value, custom_objects=custom_objects)
                   for key, value in (config.get("optimizer_map") or {}).items()}
        return cls(serialization.deserialize(config["default_optimizer"], custom_objects=custom_objects), mapping)


def _check_inner(optimizer, where):
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{where}: {optimizer!r} is not a dlx Optimizer")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where}: a LossScaleOptimizer cannot be used inside a MultiOptimizer")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: a MultiOptimizer cannot be used inside a MultiOptimizer")


class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer ``optimizer_map`` gives it.

    Each inner optimizer is built on, and updates, only its own variables (its own step count,
    learning rate, clipping...). :attr:`variables` are this optimizer's (``iterations``, the
    unused ``learning_rate``) followed by each inner optimizer's. ``learning_rate`` is not
    defined on a MultiOptimizer (read it on :attr:`optimizers`).

    Arguments:
        optimizer_map: an :class:`OptimizerMap`, or a callable ``variable -> optimizer``.
        loss_scale_factor: set on every inner optimizer.
        name: the optimizer's name.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import optimizers
    >>> a = dlx.Variable(np.array([1.0], "float32"), name="a")
    >>> b = dlx.Variable(np.array([1.0], "float32"), name="b")
    >>> sgd, adam = optimizers.SGD(learning_rate=0.5), optimizers.Adam(learning_rate=0.1)
    >>> opt = optimizers.MultiOptimizer(lambda var: sgd if var is a else adam)
    >>> opt.apply([np.array([1.0], "float32"), np.array([1.0], "float32")], [a, b])
    >>> np.asarray(a), np.round(np.asarray(b), 4)
    (array([0.5], dtype=float32), array([0.9], dtype=float32))
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError(f"MultiOptimizer: optimizer_map={optimizer_map!r}; expected an OptimizerMap or a "
                            "callable variable -> optimizer")
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        inner = list(optimizer_map.values()) if isinstance(optimizer_map, MutableMapping) else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for opt in [*inner, *([default] if default is not None else [])]:
            self._add_inner(opt)
        self._var_to_optimizer: dict[int, int] = {}

    def _add_inner(self, opt) -> int:
        for i, o in enumerate(self._inner_optimizers):
            if o is opt:
                return i
        opt.loss_scale_factor = self.loss_scale_factor
        self._inner_optimizers.append(opt)
        return len(self._inner_optimizers) - 1

    @property
    def optimizers(self):
        """The inner optimizers."""
        return list(self._inner_optimizers)

    @property
    def variables(self):
        out = list(self._variables)
        for opt in self._inner_optimizers:
            out.extend(opt.variables)
        return out

    @property
    def learning_rate(self):
        raise AttributeError("A MultiOptimizer has no single learning rate: read it on its inner optimizers "
                             "(MultiOptimizer.optimizers)")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("A MultiOptimizer has no single learning rate: set it on its inner optimizers "
                             "(MultiOptimizer.optimizers)")

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in getattr(self, "_inner_optimizers", ()):
            opt.loss_scale_factor = value

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        groups: dict[int, list] = {}
        for v in variables:
            opt = self._optimizer_map(v)
            _check_inner(opt, f"MultiOptimizer: the optimizer of variable {v.path!r}")
            idx = self._add_inner(opt)
            self._var_to_optimizer[id(v)] = idx
            groups.setdefault(idx, []).append(v)
        for idx, opt in enumerate(self._inner_optimizers):
            if idx in groups:
                opt.build(groups[idx])
        super().build(variables)

    def _apply_impl(self, grads, variables) -> None:
        groups: dict[int, tuple[list, list]] = {}
        for g, v in zip(grads, variables):
            gs, vs = groups.setdefault(self._var_to_optimizer[id(v)], ([], []))
            gs.append(g)
            vs.append(v)
        for idx, opt in enumerate(self._inner_optimizers):
            if idx in groups:
                opt.apply(*groups[idx])
        self._iterations.assign(ops.add(self._iterations.value, 1))

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        if not self.built:
            raise ValueError("MultiOptimizer.stateless_apply needs a built optimizer: call "
                             "optimizer.build(trainable_variables) first")
        own = self.variables
        optimizer_variables, grads, trainable_variables = list(optimizer_variables), list(grads), \
            list(trainable_variables)
        if len(optimizer_variables) != len(own):
            raise ValueError(f"stateless_apply: got {len(optimizer_variables)} optimizer values; the optimizer "
                             f"has {len(own)} variables")
        if not (len(grads) == len(trainable_variables) == len(self._trainable_variables)):
            raise ValueError(f"stateless_apply: got {len(grads)} gradients and {len(trainable_variables)} "
                             f"variable values; the optimizer was built for {len(self._trainable_variables)}")
        mapping = [*zip(own, optimizer_variables), *zip(self._trainable_variables, trainable_variables)]
        with StatelessScope(mapping) as scope:
            self._apply_impl(grads, self._trainable_variables)
        return [scope.updated(v) for v in self._trainable_variables], [scope.updated(v) for v in own]

    def finalize_variable_values(self, var_list=None):
        var_list = self._trainable_variables if var_list is None else var_list
        groups: dict[int, list] = {}
        for v in var_list:
            if id(v) in self._var_to_optimizer:
                groups.setdefault(self._var_to_optimizer[id(v)], []).append(v)
        for idx, opt in enumerate(self._inner_optimizers):
            if idx in groups:
                opt.finalize_variable_values(groups[idx])

    def get_config(self):
        from dlx import serialization
        return {"optimizer_map": serialization.serialize(self._optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from dlx import serialization
        config = dict(config)
        config["optimizer_map"] = serialization.deserialize(config["optimizer_map"], custom_objects=custom_objects)
        return cls(**config)
