"""``Model.get_state_tree`` / ``set_state_tree``: a model's variables as nested dicts keyed by
their paths (``{"trainable_variables": {"dense": {"kernel": ...}}, ...}``), as Keras 3 has them."""

from __future__ import annotations

import numpy as np

_FORMATS = ("backend_tensor", "numpy_array", "python_list")


def variables_by_group(model) -> dict:
    """``{group: [(path, variable), ...]}``; a metric's variables sit under the name the metric
    was created with, as Keras names them (``"mean_absolute_error/total"`` for ``"mae"``)."""
    groups = {"trainable_variables": [(v.path, v) for v in model.trainable_variables],
              "non_trainable_variables": [(v.path, v) for v in model.non_trainable_variables]}
    if getattr(model, "optimizer", None) is not None:
        groups["optimizer_variables"] = [(v.path, v) for v in model.optimizer.variables]
    # a metric's variable paths carry the metric's name at creation (Metric.add_variable)
    groups["metrics_variables"] = [(v.path if "/" in v.path else f"{m.name}/{v.path}", v)
                                   for m in getattr(model, "metrics", []) for v in m.variables]
    return groups


def _nested(variables, value_format, group) -> dict:
    out: dict = {}
    for path, v in variables:
        *parents, leaf = path.split("/")
        node = out
        for p in parents:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ValueError(f"get_state_tree: {group} path {path!r} runs through another variable's path")
        if leaf in node:
            raise ValueError(f"get_state_tree: two {group} share the path {path!r}")
        if value_format == "backend_tensor":
            node[leaf] = v.value
        elif value_format == "numpy_array":
            node[leaf] = np.asarray(v.numpy())
        else:
            node[leaf] = np.asarray(v.numpy()).tolist()
    return out


def get_state_tree(model, value_format="backend_tensor") -> dict:
    if value_format not in _FORMATS:
        raise ValueError(f"get_state_tree: value_format={value_format!r}; expected one of {_FORMATS}")
    return {group: _nested(vs, value_format, group) for group, vs in variables_by_group(model).items()}


def flatten_paths(tree, prefix=""):
    """``(path, leaf)`` pairs of a nested dict, paths joined with ``/``."""
    for k, v in tree.items():
        path = f"{prefix}/{k}" if prefix else k
        if isinstance(v, dict):
            yield from flatten_paths(v, path)
        else:
            yield path, v


def set_state_tree(model, state_tree) -> None:
    if not isinstance(state_tree, dict):
        raise ValueError(f"set_state_tree: state_tree must be a dict as get_state_tree returns; got "
                         f"{type(state_tree).__name__}")
    groups = variables_by_group(model)
    for group, sub in state_tree.items():
        if group not in groups:
            raise ValueError(f"set_state_tree: unknown group {group!r}; expected some of {sorted(groups)}")
        by_path = dict(groups[group])
        for path, value in flatten_paths(sub):
            var = by_path.get(path)
            if var is None:
                raise ValueError(f"set_state_tree: the model has no {group} at path {path!r}")
            if tuple(np.shape(value)) != tuple(var.shape):
                raise ValueError(f"set_state_tree: {group} {path!r} has shape {tuple(var.shape)}; the value's is "
                                 f"{tuple(np.shape(value))}")
            var.assign(value if not isinstance(value, list) else np.asarray(value, dtype=var.dtype))
