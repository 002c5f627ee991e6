"""Orbax checkpoints in the layout Keras 3's ``OrbaxCheckpoint`` callback writes, and their loading.

A checkpoint directory holds one folder per saved step (``<dir>/0``, ``<dir>/1``...; Orbax's
``training.Checkpointer`` manages them). Each step holds the *checkpointables*:

- ``pytree``: the model's state tree (:meth:`Model.get_state_tree`): ``trainable_variables``,
  ``non_trainable_variables`` and, unless weights only, ``optimizer_variables`` and
  ``metrics_variables``, nested by variable path;
- ``model_config``: ``{"config": <the model's config as a JSON string>}`` (as in ``config.json``
  of a ``.keras`` file), unless weights only;
- ``assets``: the files of layers with ``save_assets`` (vocabularies), as nested dicts of
  ``uint8`` arrays keyed by path component, when there are any.

``orbax-checkpoint`` is optional (``pip install orbax-checkpoint``, or the ``dlx[orbax]``
extra) and imported only here, when a checkpoint is written or read.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings

import numpy as np

from dlx.models.state_tree import flatten_paths
from dlx.saving.errors import FileFormatError, WeightsMismatchError

STEP_MARKER = "_CHECKPOINT_METADATA"  # the file Orbax writes into every committed step folder
_WEIGHT_GROUPS = ("trainable_variables", "non_trainable_variables")
_STATE_GROUPS = (*_WEIGHT_GROUPS, "optimizer_variables", "metrics_variables")


def orbax_v1():
    """``orbax.checkpoint.v1``, with an install hint when the package is missing."""
    try:
        import orbax.checkpoint as ocp
    except ImportError as e:
        raise ImportError("Orbax checkpoints need the 'orbax-checkpoint' package, which is not installed: "
                          "pip install orbax-checkpoint (or install dlx with the [orbax] extra)") from e
    return ocp.v1


# ------------------------------------------------------------------------------------------- writing
def _state_tree(model) -> dict:
    """The state tree to save: jax arrays as they are on jax (Orbax writes them natively, and they
    never change in place); elsewhere NumPy copies, so that a background save never sees values
    a later training step writes into the same buffers."""
    from dlx import backend

    if backend.backend() == "jax":
        return model.get_state_tree("backend_tensor")
    return _map_leaves(model.get_state_tree("numpy_array"), np.array)


def _map_leaves(tree, fn):
    if isinstance(tree, dict):
        return {k: _map_leaves(v, fn) for k, v in tree.items()}
    return fn(tree)


def _assets_tree(model) -> dict | None:
    """``{component: {... file name: uint8 array}}`` of every ``save_assets`` file, or None."""
    from dlx.saving import saving_lib

    files = saving_lib._collect_assets(model)
    if not files:
        return None
    tree: dict = {}
    for name, data in files.items():
        *parents, leaf = name.split("/")[1:]  # drop the leading "assets"
        node = tree
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = np.frombuffer(data, dtype=np.uint8).copy()
    return tree


def checkpointables(model, weights_only: bool = False) -> dict:
    """What one step of a checkpoint holds for ``model`` (see the module docstring)."""
    from dlx.saving import saving_lib

    tree = _state_tree(model)
    if weights_only:
        return {"pytree": {g: tree[g] for g in _WEIGHT_GROUPS}}
    config = json.dumps(saving_lib.model_config(model), default=saving_lib._json_default)
    out = {"pytree": tree, "model_config": {"config": config}}
    assets = _assets_tree(model)
    if assets is not None:
        out["assets"] = assets
    return out


# ------------------------------------------------------------------------------------------- reading
def _is_step(path: str) -> bool:
    return os.path.isfile(os.path.join(path, STEP_MARKER))


def _steps(root: str) -> list[int]:
    return sorted(int(n) for n in os.listdir(root) if n.isdigit() and _is_step(os.path.join(root, n)))


def is_checkpoint(path: str) -> bool:
    """Whether ``path`` is an Orbax checkpoint directory (the root, with step folders) or one
    step's folder. Needs no Orbax."""
    if not os.path.isdir(path):
        return False
    return _is_step(path) or bool(_steps(path))


def step_path(path: str) -> str:
    """The folder of the step to read: ``path`` itself when it is a step, else its latest step
    (an absolute path: Orbax reads no other)."""
    path = os.path.abspath(path)
    if _is_step(path):
        return path
    steps = _steps(path)
    if not steps:
        raise FileFormatError(path, "the folder holds no committed Orbax checkpoint step")
    return os.path.join(path, str(steps[-1]))


def _available(step: str) -> set[str]:
    """The names of the checkpointables saved in the step folder ``step``."""
    available = set(orbax_v1().checkpointables_metadata(step).metadata)
    if "pytree" not in available:
        raise FileFormatError(step, f"the Orbax checkpoint has no 'pytree' (it holds {sorted(available)})")
    return available


def _numpy_target(metadata):
    """A tree like the saved ``pytree`` whose array leaves are (zero-stride) NumPy arrays of the
    saved shapes and dtypes: Orbax then restores every array as NumPy, whatever saved it (jax
    arrays carry a device sharding, which another backend or machine need not have)."""
    if isinstance(metadata, dict):
        return {k: _numpy_target(v) for k, v in metadata.items()}
    if hasattr(metadata, "shape") and hasattr(metadata, "dtype"):
        return np.broadcast_to(np.zeros((), metadata.dtype), tuple(metadata.shape))
    return metadata  # a Python scalar (Keras saves 0-d values as such on torch / tf)


def _load(step: str, names) -> dict:
    v1 = orbax_v1()
    request = {n: None for n in names}
    if "pytree" in request:
        request["pytree"] = _numpy_target(v1.metadata(step, checkpointable_name="pytree").metadata)
    with v1.Context():
        return v1.load_checkpointables(step, request)


def _strip_head(paths) -> dict[str, str]:
    """``{path without its first component: path}`` when every path has the same first component
    (a Sequential model's name), else ``{path: path}``."""
    heads = {p.split("/", 1)[0] for p in paths}
    if len(heads) != 1 or not all("/" in p for p in paths):
        return {p: p for p in paths}
    return {p.split("/", 1)[1]: p for p in paths}


def _align(saved, have) -> dict[str, str] | None:
    """``{model path: checkpoint path}`` pairing every variable, or None when they do not pair.
    Paths pair when equal, or equal once a first component shared by every path of one side is
    dropped: a Sequential model rebuilt from its config names its variables ``dense/kernel``, the
    model that was trained ``sequential/dense/kernel`` (in Keras as in dlx)."""
    saved, have = list(saved), list(have)
    for s_map in ({p: p for p in saved}, _strip_head(saved)):
        for h_map in ({p: p for p in have}, _strip_head(have)):
            if set(s_map) == set(h_map) and len(s_map) == len(saved) and len(h_map) == len(have):
                return {h_map[k]: s_map[k] for k in h_map}
    return None


def _slot_renames(pairs: dict[str, str]) -> list[tuple[str, str]]:
    """``(checkpoint prefix, model prefix)`` of optimizer slot names, longest first: a slot is
    named after its variable's path with ``_`` for ``/`` (``sequential_dense_kernel_momentum``)."""
    renames = [(saved.replace("/", "_") + "_", mine.replace("/", "_") + "_") for mine, saved in pairs.items()]
    return sorted(renames, key=lambda r: -len(r[0]))


def _rename_slot(path: str, renames) -> str:
    head, _, rest = path.rpartition("/")
    for old, new in renames:
        if rest.startswith(old):
            return f"{head}/{new}{rest[len(old):]}" if head else new + rest[len(old):]
    return path


def _check_shapes(label, group, plan) -> None:
    for var, value, path in plan:
        if tuple(np.shape(value)) != tuple(var.shape):
            raise WeightsMismatchError(label, f"{group} {path!r} has shape {tuple(np.shape(value))} in the "
                                              f"checkpoint; the model's {var.path!r} has {tuple(var.shape)}")


def restore_state(model, state: dict, label: str) -> None:
    """Assigns a loaded state tree to ``model``: the weights strictly (variables that do not pair
    or a wrong shape raise, and nothing is assigned); the optimizer state (building the
    optimizer first when needed) and each metric's state only when they match, as ``.keras``
    loading does."""
    from dlx.models.state_tree import variables_by_group

    unknown = sorted(set(state) - set(_STATE_GROUPS))
    if unknown:
        raise FileFormatError(label, f"the state tree has unknown groups {unknown}; expected some of "
                                     f"{list(_STATE_GROUPS)}")
    state = _map_leaves(state, np.asarray)
    groups = variables_by_group(model)
    plan, renames = [], []
    for group in _WEIGHT_GROUPS:
        saved, have = dict(flatten_paths(state.get(group, {}))), dict(groups[group])
        if group not in state and group == "non_trainable_variables":
            continue
        pairs = _align(saved, have)
        if pairs is None:
            raise WeightsMismatchError(label, f"the checkpoint's {group} do not fit model '{model.name}': the "
                                              f"checkpoint holds {sorted(saved)}, the model {sorted(have)}")
        group_plan = [(have[mine], saved[theirs], theirs) for mine, theirs in pairs.items()]
        _check_shapes(label, group, group_plan)
        plan += group_plan
        if group == "trainable_variables":
            renames = _slot_renames(pairs)
    opt = getattr(model, "optimizer", None)
    if opt is not None and state.get("optimizer_variables"):
        saved = {_rename_slot(p, renames): v for p, v in flatten_paths(state["optimizer_variables"])}
        if not opt.built and len(saved) > len(opt.variables):
            opt.build(model.trainable_variables)
        have = {v.path: v for v in opt.variables}
        pairs = _align(saved, have)
        group_plan = [] if pairs is None else [(have[mine], saved[theirs], theirs) for mine, theirs in pairs.items()]
        if pairs is None or any(tuple(np.shape(v)) != tuple(var.shape) for var, v, _ in group_plan):
            warnings.warn(f"{label}: the optimizer state is not restored: the checkpoint's optimizer variables "
                          f"{sorted(saved)} do not match the optimizer's {sorted(have)}", UserWarning, stacklevel=3)
        plan += group_plan if pairs is not None else []
    # metrics not built yet (a fresh model) have no variables to restore
    metrics = dict(groups["metrics_variables"])
    for path, value in flatten_paths(state.get("metrics_variables", {})):
        if path in metrics and tuple(np.shape(value)) == tuple(metrics[path].shape):
            plan.append((metrics[path], value, path))
    for var, value, _ in plan:
        var.assign(value)


def _load_assets(model, assets: dict, label: str) -> None:
    from dlx.saving import saving_lib

    with tempfile.TemporaryDirectory() as d:
        for path, data in flatten_paths(assets):
            parts = path.split("/")
            if any(p in ("", ".", "..") or os.sep in p for p in parts):
                raise FileFormatError(label, f"unsafe asset name {path!r}")
            target = os.path.join(d, saving_lib.ASSETS_DIRNAME, *parts)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(np.asarray(data, dtype=np.uint8).tobytes())
        saving_lib._load_assets(model, saving_lib._Archive(d))


def load_model(path: str, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """The model of the latest step of the checkpoint at ``path`` (or of the step folder
    ``path``): rebuilt from ``model_config``, with its state and assets restored."""
    from dlx.saving import saving_lib

    step = step_path(path)
    available = _available(step)
    if "model_config" not in available:
        raise FileFormatError(step, "the Orbax checkpoint has no model configuration (it was saved with "
                                    "save_weights_only=True): build the model and use model.load_weights(path)")
    loaded = _load(step, sorted(available & {"pytree", "model_config", "assets"}))
    try:
        config = json.loads(loaded["model_config"]["config"])
    except (KeyError, TypeError, ValueError) as e:
        raise FileFormatError(step, f"the model_config checkpointable is not {{'config': <JSON>}}: {e}") from e
    model = saving_lib._rebuild(config, step, custom_objects, safe_mode)
    cc = config.get("compile_config") if isinstance(config, dict) else None
    if compile and cc:
        saving_lib.compile_from_config(model, cc, step, custom_objects)
    restore_state(model, loaded["pytree"], step)
    if loaded.get("assets"):
        _load_assets(model, loaded["assets"], step)
    return model


def load_weights(model, path: str) -> None:
    """Restores ``model``'s state from the latest step of the checkpoint at ``path`` (or from the
    step folder ``path``)."""
    step = step_path(path)
    _available(step)
    restore_state(model, _load(step, ("pytree",))["pytree"], step)
