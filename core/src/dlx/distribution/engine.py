"""The bridge to the active backend's distributed engine, and the trainer's hooks.

A backend that declares ``capabilities.distribution`` ships a ``distribution`` module next to
its backend module (``dlx_jax.distribution``). It provides, as module-level functions:

* ``list_devices(device_type)`` -> ``["cpu:0", ...]``; ``initialize(job_addresses,
  num_processes, process_id)``; ``num_processes()``; ``process_id()``;
* ``validate(distribution)``: raises if the engine cannot run this distribution (before any
  collective starts);
* ``backend_mesh(mesh)`` / ``backend_layout(layout)``: the framework's mesh and layout objects;
* ``distribute_tensor(x, layout)`` and ``distribute_variable(storage, layout)``: place a value
  (``layout`` is a :class:`~dlx.distribution.TensorLayout` with its mesh);
* ``distribute_batch(batch, distribution, training)``: one input batch (a tree of arrays) as
  the compiled step should receive it (jax: one global array split over the batch axis; torch:
  this process's rows in training, the whole batch for evaluation and prediction);
* ``constrain_like(values, storages)``: each value in the placement of the matching variable
  storage (jax: a sharding constraint inside the compiled step, a ``device_put`` outside);
* ``run_step(model, state, data, distribution)``: one ``model.train_step(state, data)`` in the
  compiled step (tf: ``strategy.run`` over the replicas' shares of ``data``);
* ``reduce_gradients(grads, batch_size, distribution)``: the gradients every replica applies,
  given this replica's rows in the batch (jax: unchanged, the compiler inserts the collectives;
  torch: the all-reduced, row-weighted mean);
* optionally ``reduce_gradients_and_metrics(grads, batch_size, before, after, aggregations,
  distribution)``: :func:`reduce_gradients`, and in the same collective the metric variables'
  values after a step in which each replica updated them on its own rows, combined over the
  replicas as each variable's ``aggregation`` says; returns ``(grads, metric_values)`` (torch;
  without it the metrics are left as the step made them: jax's see the global batch already);
* optionally ``write_once(write)``: runs a file write of values every process holds in one
  process of a multi-process job, the others waiting for it (without it every process writes).
* optionally ``PLACE_BATCHES_ON_STEP_THREAD = True``: :func:`distribute_batch` runs on the thread
  that runs the steps instead of the trainer's prefetch thread;
* optionally ``launch(num_devices)``: how to start a job of that many devices
  (:mod:`dlx.distribution.launch`; the conformance suite's distribution tier needs it).

Nothing here imports a framework.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from typing import Any

from dlx.backend import registry

_ENV = ("DLX_DISTRIBUTION_{}", "KERAS_DISTRIBUTION_{}")


class DistributionUnsupportedError(RuntimeError):
    """The active backend cannot run a distribution (its capabilities do not declare it).

    Example:

    >>> from dlx import distribution
    >>> try:  # on the NumPy backend
    ...     distribution.list_devices()
    ... except distribution.DistributionUnsupportedError:
    ...     print("no distribution on this backend")
    no distribution on this backend
    """


def _engine_module_name(backend) -> str:
    return type(backend).__module__.rpartition(".")[0] + ".distribution"


def capable_backends() -> list[str]:
    """Names of the installed backends whose plugin ships a distribution engine (found without
    importing any framework)."""
    out = []
    for rec in registry.records().values():
        if not registry.usable(rec):
            continue
        pkg = rec.target.partition(":")[0].rpartition(".")[0]
        try:
            if pkg and importlib.util.find_spec(pkg + ".distribution") is not None:
                out.append(rec.name)
        except (ImportError, ValueError):
            continue
    return sorted(set(out))


def engine_for(backend) -> Any:
    """The distribution engine module of ``backend``.

    Raises:
        DistributionUnsupportedError: naming the backends that can, when ``backend`` cannot.
    """
    caps = backend.capabilities
    if not getattr(caps, "distribution", False):
        can = capable_backends()
        raise DistributionUnsupportedError(
            f"the {backend.name} backend does not support dlx.distribution ({caps.reason('distribution')}); "
            f"backends that do: {', '.join(can) if can else 'none installed'} (select one with DLX_BACKEND)")
    return importlib.import_module(_engine_module_name(backend))


def current_engine() -> Any:
    """The active backend's distribution engine (see :func:`engine_for`)."""
    return engine_for(registry.current())


# -- public functions -------------------------------------------------------------------------------
def list_devices(device_type=None) -> list[str]:
    """The devices of this job as ``"type:index"`` strings (``"cpu:0"``, ``"gpu:1"``); every
    process's devices in a multi-process job.

    Arguments:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"`` (default: the backend's default type).

    Returns:
        A list of device strings.
    """
    if device_type is not None and str(device_type).lower() not in ("cpu", "gpu", "tpu", "cuda"):
        raise ValueError(f"list_devices: device_type={device_type!r}; expected 'cpu', 'gpu', 'tpu' or None")
    return list(current_engine().list_devices(None if device_type is None else str(device_type).lower()))


def get_device_count(device_type=None) -> int:
    """The number of devices :func:`list_devices` returns for ``device_type``.

    Arguments:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"`` (``None``: the backend's default type).

    Returns:
        The device count, an int (every process's devices in a multi-process job).

    Raises:
        ValueError: for another ``device_type``.
        DistributionUnsupportedError: when the active backend has no distribution engine.
    """
    return len(list_devices(device_type))


def initialize(job_addresses=None, num_processes=None, process_id=None) -> None:
    """Starts a multi-process job on the backend's engine (``jax.distributed.initialize``,
    ``torch.distributed.init_process_group``, ``tf.distribute`` cluster resolution).

    Unset arguments come from the environment: ``DLX_DISTRIBUTION_JOB_ADDRESSES`` (comma-separated
    ``host:port`` list, the first one is the coordinator), ``DLX_DISTRIBUTION_NUM_PROCESSES`` and
    ``DLX_DISTRIBUTION_PROCESS_ID`` (the ``KERAS_DISTRIBUTION_*`` names are read too), then the
    engine's own launcher variables (``torchrun``'s ``MASTER_ADDR`` / ``RANK`` / ``WORLD_SIZE``).

    Arguments:
        job_addresses: the processes' addresses (a comma-separated string or a list); only the
            first (the coordinator's) is used by jax and torch.
        num_processes: how many processes take part.
        process_id: this process's index, ``0 <= process_id < num_processes``.
    """
    job_addresses = job_addresses if job_addresses is not None else _env("JOB_ADDRESSES")
    num_processes = num_processes if num_processes is not None else _env("NUM_PROCESSES", int)
    process_id = process_id if process_id is not None else _env("PROCESS_ID", int)
    if isinstance(job_addresses, str):
        job_addresses = [a.strip() for a in job_addresses.split(",") if a.strip()]
    if num_processes is not None and (not isinstance(num_processes, int) or num_processes < 1):
        raise ValueError(f"initialize: num_processes={num_processes!r}; expected a positive int")
    if process_id is not None and num_processes is not None and not 0 <= process_id < num_processes:
        raise ValueError(f"initialize: process_id={process_id!r}; expected 0 <= process_id < {num_processes}")
    current_engine().initialize(job_addresses, num_processes, process_id)


def _env(suffix, kind=str):
    for pattern in _ENV:
        v = os.environ.get(pattern.format(suffix))
        if v not in (None, ""):
            try:
                return kind(v)
            except ValueError:
                raise ValueError(f"initialize: ${pattern.format(suffix)}={v!r} is not a valid {kind.__name__}") \
                    from None
    return None


def distribute_tensor(tensor, layout):
    """``tensor`` placed as ``layout`` says (a :class:`~dlx.distribution.TensorLayout` with a
    mesh, or the backend's own layout object).

    Arguments:
        tensor: the tensor to place.
        layout: where its shards go.

    Returns:
        The tensor as the backend's distribution engine placed it (a sharded array on jax).

    Raises:
        DistributionUnsupportedError: when the active backend has no distribution engine.
    """
    return current_engine().distribute_tensor(tensor, layout)


# -- trainer hooks ----------------------------------------------------------------------------------
def place_variables(model) -> None:
    """Puts the model's, its optimizer's and its metrics' variables where the active
    distribution's layouts say (no-op for those already there). An optimizer's slot variables
    (named ``<variable path>_momentum``...) are split like the variable they shadow; other optimizer
    and metric variables are replicated."""
    from dlx.distribution.strategies import distribution

    dist = distribution()
    if dist is None:  # the common case, on every predict / evaluate call: nothing else to import
        return
    from dlx.distribution.meshlib import TensorLayout

    eng = current_engine()
    eng.validate(dist)

    def replicated(v):
        return TensorLayout([None] * len(v.shape), dist.device_mesh)

    refs = {}
    for v in [*model.trainable_variables, *model.non_trainable_variables]:
        layout = dist.get_variable_layout(v)
        refs[v.path.replace("/", "_") + "_"] = (tuple(v.shape), layout)
        _place(eng, v, layout)
    opt = getattr(model, "optimizer", None)
    for v in (getattr(opt, "variables", None) or []):
        layout = next((lay for prefix, (shape, lay) in refs.items()
                       if v.name.startswith(prefix) and tuple(v.shape) == shape), None)
        _place(eng, v, layout or replicated(v))
    for m in getattr(model, "metrics", None) or []:
        for v in m.variables:
            _place(eng, v, replicated(v))


def _place(eng, var, layout) -> None:
    var._storage = eng.distribute_variable(var._storage, layout)


def constrain_state(model, state):
    """The training state ``(trainable, non_trainable, optimizer, metrics)`` returned by the
    compiled step, each value kept in its variable's layout (the compiler may otherwise choose
    another one for an output); unchanged when no distribution is active."""
    from dlx.distribution.strategies import distribution

    if distribution() is None:
        return state
    opt = getattr(model, "optimizer", None)
    groups = (model.trainable_variables, model.non_trainable_variables,
              getattr(opt, "variables", None) or [], model._metric_variables())
    return [place_like(values, variables) if len(values) == len(variables) else list(values)
            for values, variables in zip(state, groups)]


def place_like(values, variables) -> list:
    """Each of ``values`` placed as the matching variable's storage is (inside the compiled step:
    kept there), under the active distribution; unchanged without one. Fresh values handed to
    the compiled step (the metrics' reset state) so get the placement its later calls see, and
    it is not traced and compiled again for another one."""
    from dlx.distribution.strategies import distribution

    if distribution() is None:
        return list(values)
    return current_engine().constrain_like(list(values), [v._storage for v in variables])


def batch_distributor(training: bool):
    """A function ``batch -> batch`` that the data pipeline applies to every batch under the
    active distribution (``training``: batches of ``fit``'s training steps, else of evaluation and
    prediction), or ``None`` when there is none."""
    from dlx.distribution.strategies import distribution

    dist = distribution()
    if dist is None:
        return None
    eng = current_engine()

    def distribute(batch):
        return eng.distribute_batch(batch, dist, training)

    # an engine whose placement must not run beside a step (jax's CPU collectives) says so
    distribute.on_step_thread = bool(getattr(eng, "PLACE_BATCHES_ON_STEP_THREAD", False))
    return distribute


def check_stateful_step(model) -> None:
    """Raises where the active engine averages gradients inside the pure step: a stateful
    ``train_step(self, data)`` applies its own."""
    from dlx.distribution.strategies import distribution

    if distribution() is not None and getattr(current_engine(), "REDUCES_IN_STEP", False):
        raise_custom_step_unsupported(model)


def step_needs_rebuild(model) -> bool:
    """Whether ``model``'s compiled train step was traced under another distribution than the
    active one (the engine's hooks are read while tracing); records the active one."""
    from dlx.distribution.strategies import distribution

    dist = distribution()
    before = model.__dict__.get("_dlx_step_distribution")
    model.__dict__["_dlx_step_distribution"] = dist
    return before is not dist


_REDUCTIONS = [0]  # reduce_gradients calls under a distribution (checked around each traced step)


def run_train_step(model, state, data):
    """``model.train_step(state, data)``, run by the engine under the active distribution.

    Raises:
        DistributionUnsupportedError: on an engine whose replicas average their gradients
            inside the step (torch, tf), when the step never called :func:`reduce_gradients`
            (a custom ``train_step`` that applies its own gradients would silently diverge).
    """
    from dlx.distribution.strategies import distribution

    dist = distribution()
    if dist is None:
        return model.train_step(state, data)
    eng = current_engine()
    before = _REDUCTIONS[0]
    out = eng.run_step(model, state, data, dist)
    if getattr(eng, "REDUCES_IN_STEP", False) and _REDUCTIONS[0] == before:
        raise_custom_step_unsupported(model)
    return out


def raise_custom_step_unsupported(model):
    """The error for a training step the active engine cannot make data-parallel."""
    raise DistributionUnsupportedError(
        f"{type(model).__name__}.train_step does not reduce its gradients across replicas, which "
        f"the {registry.current().name} backend's data parallelism needs: call "
        "dlx.distribution.engine.reduce_gradients(grads, batch_size) before applying them (dlx's own "
        "train_step does), or use the jax backend, whose compiled step needs no change")


def reduce_gradients(grads, batch_size, metrics=None):
    """The gradients under the active distribution (all-reduced where the engine needs it);
    ``batch_size`` is the number of rows this replica's gradients were averaged over.

    With ``metrics=(before, after, variables)`` (the values of the metrics' ``variables`` at the
    start of the step and after this replica's update) it returns ``(grads, metric_values)``:
    where the engine's replicas update the metrics on their own rows only (torch), the metric
    values are combined over the replicas in the same collective as the gradients (as each
    variable's ``aggregation`` says), so every process holds, logs and returns the metrics of
    the global batch; elsewhere ``after`` as it is (jax's step sees the global batch)."""
    from dlx.distribution.strategies import distribution

    dist = distribution()
    if dist is None:
        return grads if metrics is None else (grads, list(metrics[1]))
    _REDUCTIONS[0] += 1
    eng = current_engine()
    combined = getattr(eng, "reduce_gradients_and_metrics", None)
    if metrics is None or combined is None:
        grads = eng.reduce_gradients(grads, batch_size, dist)
        return grads if metrics is None else (grads, list(metrics[1]))
    before, after, variables = metrics
    return combined(grads, batch_size, list(before), list(after),
                    [getattr(v, "aggregation", "sum") for v in variables], dist)


_WRITING = threading.local()


def coordinates_writes() -> bool:
    """Whether the active distribution's engine makes one process write for the job
    (:func:`write_once` then needs every process to call it)."""
    from dlx.distribution.strategies import distribution

    backend = registry.current()
    if distribution() is None or not getattr(backend.capabilities, "distribution", False):
        return False
    return getattr(engine_for(backend), "write_once", None) is not None


def write_once(write) -> None:
    """Runs ``write()`` -- saving values every process of the job holds (gathered by then) -- once:
    under an active distribution whose engine provides ``write_once`` (torch: process 0 writes,
    the others wait and raise too if it failed), else in this process. A ``write_once`` inside
    another one's ``write`` (a callback's backup saving the weights) just writes."""
    if getattr(_WRITING, "active", False) or not coordinates_writes():
        write()
        return

    def outer():
        _WRITING.active = True
        try:
            write()
        finally:
            _WRITING.active = False

    engine_for(registry.current()).write_once(outer)
