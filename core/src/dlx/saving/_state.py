"""The walk over a model's saveable objects, giving Keras 3's weight paths.

A *saveable* is a layer (models included), an optimizer or a metric. The walk (measured on
Keras 3.15, see ``docs/saving.md``):

* the object writes its own variables at ``<path>/vars`` (layers: trainable then
  non-trainable, in creation order; optimizers and metrics: their variables in order);
* a Sequential or Functional model then visits its ``layers`` list;
* then every attribute that holds a saveable, or a list / tuple / dict of them, sorted by
  name with ``_private`` names last; a saveable attribute ``a`` is at ``<path>/a``; inside a
  container, items are named by their snake_case class name made unique (``dense``,
  ``dense_1``), nested containers ``container``, ``container_1``;
* an object reached twice is saved once, at the first path.

A class can take over its own state with ``save_own_variables(store)`` /
``load_own_variables(store)`` (``store`` is a dict from string keys to arrays), as in Keras.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from dlx.saving._h5 import Entry, WeightsSource, vars_key
from dlx.saving.errors import FileFormatError, WeightsMismatchError

# attributes of dlx's base classes that reference saveables the walk must not visit again under
# another name (Keras skips the base class attributes the same way)
_SKIP = frozenset({
    "_seq_layers", "_functional", "_layers_list", "_graph_nodes", "_inputs", "_outputs", "_inputs_struct",
    "_outputs_struct", "_inbound_nodes", "_trainable_variables", "_non_trainable_variables", "_variables",
    "_compile_loss", "_compile_metrics", "_compile_args", "_loss_tracker", "_output_loss_trackers", "_losses", "loss",
    "_build_shapes_dict", "_auto_config", "input_spec", "_input_spec", "_dtype_policy", "activity_regularizer",
    "_call_fn_cache", "train_function", "test_function", "predict_function", "_dlx_original_class",
    # torch's computed views of a layer's state (dlx-torch layers are torch.nn.Modules)
    "_modules", "_parameters", "_buffers",
})


def _classes():
    from dlx.layers.layer import Layer
    from dlx.metrics.metric import Metric
    from dlx.optimizers.optimizer import Optimizer

    return Layer, Optimizer, Metric


def is_saveable(obj) -> bool:
    return isinstance(obj, _classes())


def _snake(name: str) -> str:
    from dlx.utils.naming import to_snake_case

    return to_snake_case(name)


def own_variables(obj) -> list:
    """The variables ``obj`` itself owns, in the saved order."""
    Layer, Optimizer, _ = _classes()
    if isinstance(obj, Layer):
        return list(obj._trainable_variables) + list(obj._non_trainable_variables)
    if isinstance(obj, Optimizer):  # as Keras: every variable, a wrapper's inner ones included
        return list(obj.variables)
    return list(getattr(obj, "_variables", ()))


def _is_graph_model(obj) -> bool:
    from dlx.models.functional import Functional
    from dlx.models.sequential import Sequential

    return isinstance(obj, (Sequential, Functional))


def _base_properties() -> frozenset:
    from dlx.models.functional import Functional
    from dlx.models.model import Model
    from dlx.models.sequential import Sequential

    Layer, Optimizer, Metric = _classes()
    names = set()
    for base in (Layer, Model, Sequential, Functional, Optimizer, Metric):
        for klass in base.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, property))
    return frozenset(names)


_BASE_PROPS: list[frozenset] = []


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _attributes(obj) -> list[tuple[str, Any]]:
    if not _BASE_PROPS:
        _BASE_PROPS.append(_base_properties())
    base_props = _BASE_PROPS[0]
    names = set(vars(obj))
    for klass in type(obj).__mro__:
        for k, v in vars(klass).items():
            if isinstance(v, property) and k not in base_props:
                names.add(k)
    out = []
    for name in sorted(names, key=_name_key):
        if name.startswith("__") or name in _SKIP:
            continue
        if name in vars(obj):
            value = vars(obj)[name]
        else:
            try:
                value = getattr(obj, name)
            except Exception:  # a property that cannot be computed now holds no state to save
                continue
        out.append((name, value))
    return out


def _holds_saveable(value, depth: int = 0) -> bool:
    if is_saveable(value):
        return True
    if depth > 8:
        return False
    if isinstance(value, dict):
        return any(_holds_saveable(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_saveable(v, depth + 1) for v in value)
    return False


def walk(root) -> list[tuple[str, Any]]:
    """``(path, object)`` for every saveable reachable from ``root``, in Keras's order."""
    out: list[tuple[str, Any]] = []
    visited: set[int] = set()

    def join(a, b):
        return f"{a}/{b}" if a else b

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        children = []
        if _is_graph_model(obj):
            children.append(("layers", list(obj.layers)))
        children.extend((n, v) for n, v in _attributes(obj) if _holds_saveable(v))
        for name, value in children:
            if is_saveable(value):
                visit(value, join(path, name))
            else:
                visit_container(value, join(path, name), set())

    def visit_container(container, path, seen):
        if id(container) in seen:
            return
        seen.add(id(container))
        used: dict[str, int] = {}
        items = list(container.values()) if isinstance(container, dict) else list(container)
        for item in items:
            if is_saveable(item):
                if id(item) in visited:
                    continue
                # a class exported under another name than Keras's class keeps Keras's key
                key = getattr(type(item), "_keras_state_name", None) or _snake(type(item).__name__)
                visit(item, join(path, _unique(key, used)))
            elif isinstance(item, (list, tuple, dict)) and _holds_saveable(item):
                visit_container(item, join(path, _unique("container", used)), seen)

    visit(root, "")
    return out


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _original_class(obj):
    return getattr(type(obj), "_dlx_original_class", type(obj))


def _custom_hook(obj, hook: str):
    """``obj.save_own_variables`` / ``load_own_variables`` unless its class's hook is one the
    loader does itself, with its checks before anything is assigned: dlx marks those
    ``_dlx_loader_checks`` (a layer's default hooks; the quantized layers' load, done through
    ``_load_targets``). A subclass's own override is always called."""
    defined = getattr(type(obj), hook, None)
    if defined is None or getattr(defined, "_dlx_loader_checks", False):
        return None
    fn = getattr(obj, hook)
    return fn if callable(fn) else None


def collect(root) -> list[Entry]:
    """The state of every saveable under ``root`` as :class:`Entry` s (NumPy copies)."""
    entries = []
    for path, obj in walk(root):
        name = getattr(obj, "name", None)
        name = name if isinstance(name, str) else None
        hook = _custom_hook(obj, "save_own_variables")
        if hook is not None:
            store: dict = {}
            hook(store)
            values = {str(k): np.asarray(v) for k, v in store.items()}
        else:
            values = {str(i): np.asarray(v.numpy()) for i, v in enumerate(own_variables(obj))}
        entries.append(Entry(path, name, values))
    return entries


def _describe(obj) -> str:
    kind = type(obj).__name__
    name = getattr(obj, "name", None)
    return f"{kind} {name!r}" if isinstance(name, str) else kind


def prepare_optimizer(model, source: WeightsSource) -> None:
    """Builds the model's optimizer (its slot variables) when the file holds a built optimizer's
    state and the optimizer is not built yet, so the state can be restored."""
    opt = getattr(model, "optimizer", None)
    _, Optimizer, _ = _classes()
    if not isinstance(opt, Optimizer) or opt.built:
        return
    for path, obj in walk(model):
        if obj is opt:
            got = source.get(path)
            if got is not None and len(got[1]) > len(own_variables(opt)):
                opt.build(model.trainable_variables)
            return


def apply(root, source: WeightsSource, skip_mismatch: bool = False) -> None:
    """Loads the state in ``source`` into every saveable under ``root``.

    Everything is read and checked first; variables are assigned only when the whole file fits,
    so a failed load leaves the model unchanged.

    Raises:
        WeightsMismatchError: naming the file, the object and its path, when an object's values
            are missing or their number or shapes differ (unless ``skip_mismatch``).
    """
    Layer, Optimizer, Metric = _classes()
    if isinstance(root, Layer):
        prepare_optimizer(root, source)
    plan: list[tuple[Any, Any]] = []
    problems: list[str] = []
    for path, obj in walk(root):
        targets = getattr(obj, "_load_targets", None)  # a layer whose saved order is its own (LoRA, quantized)
        hook = _custom_hook(obj, "load_own_variables")
        got = source.get(path)
        if hook is not None:
            plan.append((hook, {} if got is None else got[1]))
            continue
        variables = targets() if callable(targets) else own_variables(obj)
        values = {} if got is None else got[1]
        where = f"{_describe(obj)} at {vars_key(path)!r}"
        if isinstance(obj, (Optimizer, Metric)) and len(values) != len(variables):
            # as Keras: an optimizer / metric whose state does not fit is left as it is
            if values:
                warnings.warn(f"{source.label}: skipping the state of {where}: the file holds {len(values)} "
                              f"variables, the object has {len(variables)}", UserWarning, stacklevel=3)
            continue
        if not variables:
            continue
        if got is None:
            msg = (f"{where} has {len(variables)} variables but the file has no {vars_key(path)!r} group (the "
                   "file was saved from a different architecture)")
        elif len(values) != len(variables):
            msg = (f"{where} expects {len(variables)} variables ({[v.name for v in variables]}), the file holds "
                   f"{len(values)}")
            hint = getattr(obj, "_load_mismatch_hint", None)  # a layer that knows why a writer's count differs
            msg += hint(len(values)) if callable(hint) else ""
        else:
            msg = None
            for v, (key, arr) in zip(variables, values.items()):
                if tuple(arr.shape) != tuple(v.shape):
                    msg = (f"{where}: variable {v.name!r} has shape {tuple(v.shape)}, the file's {key!r} has shape "
                           f"{tuple(arr.shape)}")
                    break
                if not (arr.dtype.kind in "iuf" or (arr.dtype.kind == "b" and v.dtype == "bool")):
                    msg = f"{where}: the file's {key!r} has dtype {arr.dtype}, which cannot be loaded into {v.dtype}"
                    break
        if msg is not None:
            if skip_mismatch:
                warnings.warn(f"{source.label}: skipping {msg}", UserWarning, stacklevel=3)
                continue
            problems.append(msg)
            continue
        plan.append((variables, list(values.values())))
        if callable(targets):
            plan.append((obj._after_load, None))
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise WeightsMismatchError(source.label, f"the weights do not fit the model: {problems[0]}{more}")
    for target, values in plan:
        if callable(target):
            target() if values is None else target(values)
            continue
        for v, arr in zip(target, values):
            v.assign(_cast_for(v, arr))


def _cast_for(variable, arr: np.ndarray) -> np.ndarray:
    from dlx import dtypes

    try:
        return np.asarray(arr, dtype=dtypes.to_numpy_dtype(variable.dtype))
    except (TypeError, ValueError):
        return arr


def check_source_labels(label: str, source: WeightsSource) -> None:
    """Raises when ``source`` holds no weights layout at all (a wrong kind of HDF5 file)."""
    from dlx.saving._h5 import reading

    with reading(label, "looking for a weights layout"):
        found = any(key in f for f in source.files for key in ("vars", "layers", "optimizer"))
        legacy = not found and any("model_weights" in f or "layer_names" in f.attrs for f in source.files)
    if not found:
        if legacy:
            raise FileFormatError(label, "this is a legacy Keras 2 HDF5 file (.h5), not a Keras 3 weights file; "
                                         "load it with dlx.models.load_model() or model.load_weights() on a "
                                         "path ending in '.h5'")
        raise FileFormatError(label, "no weights found: the HDF5 file has neither a 'vars' nor a 'layers' group "
                                     "(is it a dlx / Keras 3 .weights.h5 file?)")
