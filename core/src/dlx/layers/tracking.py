"""What a layer tracks: sub-layers and variables set as attributes (also inside lists, tuples
and dicts), found by walking the attributes in assignment order; the variable and weight lists
built from them (cached until the structure changes); ``add_weight``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dlx import dtypes as _dtypes
from dlx.layers.scope import current_path, name_scope
from dlx.random import SeedGenerator
from dlx.variables import Variable, scoped_path

if TYPE_CHECKING:
    from dlx.layers.layer import Layer

# bumped whenever a tracked attribute changes anywhere: it invalidates every layer's cached
# variable / weight / sub-layer lists (``LayerTracking._cached``)
_STRUCTURE = [0]
_SCALARS = frozenset({type(None), bool, int, float, str})


def structure_version() -> int:
    """A number that changes whenever a tracked attribute of any layer changes (so does every
    layer's list of variables)."""
    return _STRUCTURE[0]


def _structure_changed() -> None:
    """Invalidates every layer's cached variable / weight / sub-layer lists (for in-place edits of
    tracked containers, such as ``Sequential.add``)."""
    _STRUCTURE[0] += 1


class LayerTracking:
    """The tracking half of :class:`~dlx.layers.Layer` (a mixin: ``Layer`` is the only class
    that inherits it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Variable) and name not in ("_trainable_variables", "_non_trainable_variables"):
            self._track_variable(value)
        elif isinstance(value, SeedGenerator) and "name" in self.__dict__:
            value.state.path = scoped_path(self.name, value.state.name)
        old = self.__dict__.get(name)
        object.__setattr__(self, name, value)
        if not (type(value) in _SCALARS and type(old) in _SCALARS):  # a scalar cannot hold a layer/variable
            _STRUCTURE[0] += 1

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        _STRUCTURE[0] += 1

    def _cached(self, key, compute):
        """``compute()``'s list, cached until the next structural change of any layer (an
        attribute set or deleted, a variable tracked): the hot paths (``stateless_call``,
        ``predict``) read the variable lists every call; walking the attributes costs far more."""
        cache = self.__dict__.get("_struct_cache")
        gen = _STRUCTURE[0]
        if cache is None or cache[0] != gen or cache[1] != id(self):  # id: a copied layer's cache is stale
            cache = (gen, id(self), {})
            self.__dict__["_struct_cache"] = cache
        out = cache[2].get(key)
        if out is None:
            out = cache[2][key] = compute()
        return list(out)

    def __getattr__(self, name: str):
        # only called when normal lookup fails
        d = self.__dict__
        if not name.startswith("__") and d.get("_initialized") and not d.get("built", True):
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute {name!r}. Layer '{d.get('name')}' has not been "
                "built yet: its weights are created by build(input_shape), which runs on the first call. Call "
                "the layer on an input (or call layer.build(input_shape)) first.")
        if not name.startswith("__") and "_initialized" not in d:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r} (did its __init__ call "
                                 "super().__init__()?)")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")

    def _track_variable(self, v: Variable) -> None:
        _STRUCTURE[0] += 1
        lst = self._trainable_variables if v.trainable else self._non_trainable_variables
        if not any(x is v for x in lst):
            lst.append(v)

    def _untrack_variable(self, v: Variable) -> None:
        _STRUCTURE[0] += 1
        for lst in (self._trainable_variables, self._non_trainable_variables):
            for i, x in enumerate(lst):
                if x is v:
                    del lst[i]
                    return

    def _walk(self, kind):
        """Direct children of ``kind`` found in attributes (recursing into containers), in order."""
        seen = set()
        out = []

        def visit(v):
            if isinstance(v, kind):
                if id(v) not in seen and v is not self:
                    seen.add(id(v))
                    out.append(v)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    visit(x)
            elif isinstance(v, dict):
                for x in v.values():
                    visit(x)

        for k, v in self.__dict__.items():
            if k in self._untracked_attrs:
                continue
            visit(v)
        return out

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list[Layer]:
        return self._cached(("flatten", include_self, recursive),
                            lambda: self._flatten_layers_uncached(include_self, recursive))

    def _flatten_layers_uncached(self, include_self: bool, recursive: bool) -> list[Layer]:
        out = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._walk(LayerTracking)))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._walk(LayerTracking)))
        return out

    @property
    def _layers(self) -> list[Layer]:
        return self._walk(LayerTracking)

    @property
    def path(self) -> str | None:
        """The layer's structural path (``"model/block/dense"``): the name scope it was built in;
        ``None`` before it is built, as in Keras."""
        return self.__dict__.get("_path")

    @property
    def _seed_generators(self) -> list[SeedGenerator]:
        return self._walk(SeedGenerator)

    @property
    def variables(self) -> list[Variable]:
        """Every variable: own (trainable, then non-trainable), seed states, then sub-layers'."""
        return self._cached("variables", self._variables_uncached)

    def _variables_uncached(self) -> list[Variable]:
        out, seen = [], set()

        def add(v):
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)

        for v in self._trainable_variables + self._non_trainable_variables:
            add(v)
        for sg in self._seed_generators:
            add(sg.state)
        for layer in self._layers:
            for v in layer.variables:
                add(v)
        return out

    @property
    def trainable_variables(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def weights(self) -> list[Variable]:
        """The layer's weights (variables without seed-generator states), own first."""
        return self._cached("weights", self._weights_uncached)

    def _weights_uncached(self) -> list[Variable]:
        out, seen = [], set()
        for v in self._trainable_variables + self._non_trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._layers:
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def save_own_variables(self, store) -> None:
        """Writes the layer's own variables (not its sub-layers') into ``store``, a dict, under
        ``"0"``, ``"1"``, ... (trainable first), as saving does. Override to save other state;
        ``super().save_own_variables(store)`` keeps the variables."""
        for i, v in enumerate(self._trainable_variables + self._non_trainable_variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store) -> None:
        """Assigns the layer's own variables from ``store`` (as written by
        :meth:`save_own_variables`).

        Raises:
            ValueError: when ``store`` holds a different number of values than the layer has
                variables.
        """
        own = self._trainable_variables + self._non_trainable_variables
        if len(store) != len(own):
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables ({[v.name for v in own]}), but "
                             f"received {len(store)} while loading (keys {sorted(store)})")
        for i, v in enumerate(own):
            v.assign(store[str(i)])

    # saving does what these defaults do itself, checking the whole file before assigning anything;
    # a subclass's override is called instead (dlx.saving._state._custom_hook)
    save_own_variables._dlx_loader_checks = True
    load_own_variables._dlx_loader_checks = True

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    def _tracked_variables(self) -> list[Variable]:
        """Every variable in the stable order of :attr:`variables` (for framework integrations)."""
        return self.variables

    def _named_variables(self, prefix: str = "") -> list[tuple[str, Variable]]:
        """``(attribute path, variable)`` pairs, e.g. ``("dense_1.kernel", var)``: unique, stable,
        dot-separated names by layer and variable name (for framework integrations)."""
        out, seen = [], set()

        def rec(layer, pre):
            for v in layer._trainable_variables + layer._non_trainable_variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append((pre + v.name, v))
            for sg in layer._seed_generators:
                if id(sg.state) not in seen:
                    seen.add(id(sg.state))
                    out.append((pre + sg.state.name, sg.state))
            for child in layer._layers:
                rec(child, f"{pre}{child.name}.")

        rec(self, prefix)
        return out

    def get_weights(self) -> list[np.ndarray]:
        """The weights as NumPy arrays, in :attr:`weights` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        """Assigns NumPy arrays (as from :meth:`get_weights`) to :attr:`weights`.

        Raises:
            ValueError: naming the layer, when the count or a shape differs.
        """
        mine = self.weights
        if not self.built and not mine:
            raise ValueError(f"Layer '{self.name}' has no weights yet: it is not built. Call it on an input (or "
                             "call build(input_shape)) before set_weights().")
        weights = list(weights)
        if len(weights) != len(mine):
            raise ValueError(f"Layer '{self.name}': set_weights() expected a list of {len(mine)} arrays "
                             f"(shapes {[v.shape for v in mine]}); received {len(weights)} arrays")
        for v, w in zip(mine, weights):
            shape = tuple(np.shape(w))
            if shape != v.shape:
                raise ValueError(f"Layer '{self.name}': weight {v.path!r} has shape {v.shape}; received an "
                                 f"array of shape {shape}")
        for v, w in zip(mine, weights):
            v.assign(w)

    def count_params(self) -> int:
        """The number of scalars in :attr:`weights`.

        Raises:
            ValueError: if the layer is not built.
        """
        if not self.built:
            raise ValueError(f"count_params() of layer '{self.name}': the layer is not built yet, so it has no "
                             "weights. Call it on an input or call build(input_shape) first.")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable: bool = True, autocast: bool = True,
                   regularizer=None, constraint=None, aggregation: str = "none", name: str | None = None,
                   overwrite_with_gradient: bool = False) -> Variable:
        """Creates a weight variable owned by this layer.

        Arguments:
            shape: the weight's shape (default ``()``).
            initializer: a name, an initializer or a callable ``(shape, dtype)`` (default:
                ``"glorot_uniform"`` for floats, ``"zeros"`` otherwise).
            dtype: default: the policy's variable dtype.
            trainable: whether training updates it.
            autocast: whether it is cast to the compute dtype under mixed precision.
            regularizer: penalty added to ``losses`` (a name, a regularizer or a callable).
            constraint: projection applied by optimizers after updates.
            aggregation: kept for Keras compatibility (distribution strategies).
            name: the last component of the variable's path.
            overwrite_with_gradient: kept for Keras compatibility.
        """
        from dlx import constraints, initializers, regularizers

        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = _dtypes.standardize(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if _dtypes.is_float(dtype) else "zeros"
        init = initializers.get(initializer)
        with name_scope(self.name, caller=self):
            self.__dict__.setdefault("_path", current_path())
            v = Variable(init, shape=shape, dtype=dtype, trainable=trainable, name=name or "variable",
                         regularizer=regularizers.get(regularizer),
                         constraint=constraints.get(constraint), autocast=autocast, aggregation=aggregation)
        v.overwrite_with_gradient = overwrite_with_gradient
        self._track_variable(v)
        return v
