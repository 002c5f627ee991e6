"""dlx.distribution on PyTorch: ``torch.distributed`` processes, DTensor shards.

``initialize`` (or ``torchrun``'s environment) starts the process group: gloo on CPU, NCCL on
CUDA. Each process is one device of the mesh (``"cpu:<rank>"``); a
:class:`~dlx.distribution.DeviceMesh` becomes a ``torch.distributed.device_mesh.DeviceMesh`` over
those ranks and a :class:`~dlx.distribution.TensorLayout` a list of DTensor placements (``Shard(d)``
on the mesh axes the layout names, ``Replicate()`` on the others).

:class:`~dlx.distribution.DataParallel` does what ``torch.nn.parallel.DistributedDataParallel``
does, on dlx's functional training step:

* the variables are broadcast from process 0 when they are first placed (DDP's initial sync);
* each process trains on its contiguous share of every global batch;
* the gradients are averaged across processes in one all-reduce per step (one flat bucket),
  weighted by each process's rows, so the update equals the single-process one on the whole
  batch;
* the metrics each process updated on its rows are combined in the same all-reduce (sums and
  counts added up, as each metric variable's ``aggregation`` says), so the logs, ``History``
  and the metrics' results are the global batch's, the same in every process.

:class:`~dlx.distribution.ModelParallel` shards the variables its ``LayoutMap`` names the way
FSDP2 does (``fully_shard``): each such variable is stored as a ``DTensor`` (made by
``torch.distributed.tensor.distribute_tensor`` from process 0's value) of which a process keeps
only its local shard, and so are the optimizer slots that shadow it. A training step gathers
the shards (``DTensor.full_tensor``), runs dlx's step on the whole values with this process's
rows of the batch (the rows of its coordinate on the ``batch_dim_name`` axis), averages the
gradients over that axis (the same row-weighted all-reduce), and keeps its shard of the
updated values. Reading a sharded variable outside the step (``evaluate``, ``predict``,
``get_weights``, saving) gathers it; assigning one keeps the local shard of the value.
"""

from __future__ import annotations

import atexit
import os
import re
import time
from datetime import timedelta

import numpy as np
import torch
import torch.distributed as tdist

from dlx.distribution.launch import Launch
from dlx.distribution.meshlib import TensorLayout
from dlx_torch import _replay
from dlx_torch._tensors import DEVICE, is_dtensor, to_t

#: the replicas average their gradients inside the training step (``reduce_gradients``); a step
#: that never calls it is refused (dlx.distribution.engine.run_train_step)
REDUCES_IN_STEP = True

_SYNCED = "_dlx_broadcast_from_0"  # marks a variable storage that process 0's value was broadcast into


def _ready() -> bool:
    return tdist.is_available() and tdist.is_initialized()


def _type(device_type) -> str:
    if device_type in (None, ""):
        return "gpu" if DEVICE.type == "cuda" else "cpu"
    return {"cuda": "gpu"}.get(device_type, device_type)


def list_devices(device_type=None) -> list[str]:
    """One device per process of the job (``"cpu:<rank>"`` / ``"gpu:<rank>"``); without a process
    group, this process's devices."""
    kind = _type(device_type)
    if kind == "tpu":
        raise ValueError("list_devices: torch has no TPU devices here")
    if _ready():
        return [f"{kind}:{r}" for r in range(tdist.get_world_size())]
    if kind == "gpu":
        return [f"gpu:{i}" for i in range(torch.cuda.device_count())]
    return ["cpu:0"]


def initialize(job_addresses, num_processes, process_id) -> None:
    """``torch.distributed.init_process_group`` (gloo on CPU, NCCL on CUDA). The first job address
    is the rendezvous ``host:port``; unset values come from ``torchrun``'s ``MASTER_ADDR`` /
    ``MASTER_PORT`` / ``WORLD_SIZE`` / ``RANK``."""
    if _ready():
        raise RuntimeError("initialize: torch.distributed is initialized already in this process")
    if job_addresses:
        host, _, port = job_addresses[0].rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"initialize: job address {job_addresses[0]!r}; expected 'host:port'")
        os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = host, port
    world = num_processes if num_processes is not None else int(os.environ.get("WORLD_SIZE", "0") or 0)
    rank = process_id if process_id is not None else int(os.environ.get("RANK", "-1"))
    if world < 1 or rank < 0 or "MASTER_ADDR" not in os.environ:
        raise ValueError("initialize: torch needs job_addresses (or MASTER_ADDR/MASTER_PORT), num_processes (or "
                         f"WORLD_SIZE) and process_id (or RANK); got world={world or None}, rank="
                         f"{rank if rank >= 0 else None}, MASTER_ADDR={os.environ.get('MASTER_ADDR')}")
    backend = "nccl" if DEVICE.type == "cuda" else "gloo"
    tdist.init_process_group(backend, rank=rank, world_size=world, timeout=timedelta(minutes=5))
    # torch asks for destroy_process_group before exit: a process group left to the interpreter's
    # teardown can end the process in std::terminate from a communication thread still joinable
    atexit.register(_destroy_at_exit)


def _collective(fn, t, **kwargs) -> None:
    """Runs the collective ``fn(t, **kwargs)`` and returns once gloo's worker thread has let go of
    ``t``. That thread drops its reference to the finished work just after the call returns; were
    it the last one (the caller's tensor gone), the thread would take the GIL to free the tensor's
    Python object, and after the interpreter began exiting that aborts the process
    (std::terminate through a noexcept destructor). Waiting here keeps the last release on the
    caller's side."""
    if t.device.type != "cpu":  # gloo's race: NCCL's works are released by its watchdog, later
        fn(t, **kwargs)
        return
    before = t._use_count()
    fn(t, **kwargs)
    deadline = time.monotonic() + 5.0
    while t._use_count() > before and time.monotonic() < deadline:
        time.sleep(1e-4)  # releases the GIL the worker thread may be waiting for


def _destroy_at_exit() -> None:
    if _ready():
        tdist.destroy_process_group()


def launch(num_devices) -> Launch:
    """A job of ``num_devices`` devices: one process per device, joined by :func:`initialize`."""
    return Launch(processes=num_devices)


def num_processes() -> int:
    return tdist.get_world_size() if _ready() else 1


def process_id() -> int:
    return tdist.get_rank() if _ready() else 0


# -- meshes and layouts -----------------------------------------------------------------------------
def _ranks(mesh) -> np.ndarray:
    """The process rank of each mesh device (``"cpu:3"`` -> 3), an int array of the mesh's shape."""
    def rank(d):
        m = re.fullmatch(r"(?:cpu|gpu|cuda):(\d+)", str(d).strip().lower())
        if m is None:
            raise ValueError(f"DeviceMesh: device {d!r}; torch runs one mesh device per process, named "
                             f"'cpu:<rank>' or 'gpu:<rank>' (dlx.distribution.list_devices(): {list_devices()})")
        return int(m.group(1))

    ranks = np.vectorize(rank, otypes=[np.int64])(mesh.devices)
    world = num_processes()
    if ranks.size != world or sorted(ranks.reshape(-1).tolist()) != list(range(world)):
        raise ValueError(f"DeviceMesh of shape {mesh.shape} over {list(mesh.devices.reshape(-1))}: torch runs one "
                         f"mesh device per process, and the job has {world} process(es) (start them with "
                         "initialize() or torchrun)")
    return ranks


def backend_mesh(mesh):
    """A ``torch.distributed.device_mesh.DeviceMesh`` over the processes the mesh's devices name
    (with the mesh's axis names); ``None`` in a single process without a process group."""
    ranks = _ranks(mesh)
    if not _ready():
        return None
    from torch.distributed.device_mesh import DeviceMesh

    return DeviceMesh("cuda" if DEVICE.type == "cuda" else "cpu", torch.as_tensor(ranks),
                      mesh_dim_names=mesh.axis_names)


def _placements(layout) -> tuple:
    """DTensor placements of a layout: ``Shard(d)`` on the mesh axis that splits dimension ``d``,
    ``Replicate()`` on the others."""
    from torch.distributed.tensor import Replicate, Shard

    return tuple(Shard(layout.axes.index(a)) if a in layout.axes else Replicate()
                 for a in layout.device_mesh.axis_names)


def _replicated(layout) -> bool:
    """Whether every process holds the whole value (no axis named, or only axes of size 1)."""
    mesh = layout.device_mesh
    return all(a is None or (mesh is not None and mesh.axis_size(a) == 1) for a in layout.axes)


def backend_layout(layout):
    """``(torch DeviceMesh, placements)`` of a layout (the mesh is ``None`` without a process
    group)."""
    return layout.device_mesh.backend_mesh, _placements(layout)


def validate(dist) -> None:
    """One mesh device per process (the mesh's devices name every rank once)."""
    dist.device_mesh.backend_mesh  # noqa: B018  (builds it: raises on a mesh that does not fit the job)


def _local_chunk(whole, mesh, placements):
    """This process's shard of ``whole`` (a value every process holds) as a fresh tensor: the
    Replicate -> Shard redistribution is a local slice, copied so the whole value can be freed."""
    from torch.distributed.tensor import DTensor, Replicate

    rep = DTensor.from_local(whole, mesh, [Replicate()] * mesh.ndim, run_check=False)
    return rep.redistribute(mesh, placements).to_local().clone()


def _sharded_like(whole, storage):
    """``whole`` as a DTensor with ``storage``'s mesh and placements (local slicing, no
    communication)."""
    from torch.distributed.tensor import DTensor

    local = _local_chunk(whole.detach().to(storage.dtype), storage.device_mesh, storage.placements)
    return DTensor.from_local(local, storage.device_mesh, storage.placements, run_check=False,
                              shape=storage.shape, stride=storage.stride())


def whole(t):
    """A DTensor's whole value (an all-gather; every process must call it), else ``t``."""
    return t.detach().full_tensor() if is_dtensor(t) else t


def distribute_tensor(x, layout):
    """``x`` placed as ``layout`` says: split layouts give a ``DTensor`` built by
    ``torch.distributed.tensor.distribute_tensor`` (process 0's value is scattered); replicated
    ones the tensor as process 0 has it (a broadcast)."""
    if not isinstance(layout, TensorLayout):
        raise TypeError(f"distribute_tensor: layout is {type(layout).__name__}; expected a dlx TensorLayout")
    t = to_t(x).to(DEVICE.torch)
    layout.check_shape(tuple(t.shape))
    if not _ready():
        return t
    mesh = layout.device_mesh.backend_mesh
    if _replicated(layout):
        t = whole(t).clone()
        _collective(tdist.broadcast, t, src=0)
        return t
    from torch.distributed.tensor import distribute_tensor as torch_distribute

    return torch_distribute(whole(t), mesh, _placements(layout))


def distribute_variable(storage, layout):
    """A replicated variable keeps (or gets back) a whole storage, into which process 0's value is
    broadcast the first time (as DDP does when it wraps a module); a split one becomes a
    ``DTensor`` parameter holding this process's shard (process 0's value, scattered)."""
    mesh = layout.device_mesh.backend_mesh
    if _replicated(layout) or not _ready():
        if is_dtensor(storage):  # split under an earlier distribution: whole again
            storage = torch.nn.Parameter(whole(storage), requires_grad=storage.requires_grad)
            setattr(storage, _SYNCED, True)
        if _ready() and not getattr(storage, _SYNCED, False):
            with torch.no_grad():
                _collective(tdist.broadcast, storage.data, src=0)
            setattr(storage, _SYNCED, True)
        return storage
    placements = _placements(layout)
    if is_dtensor(storage) and storage.device_mesh == mesh and tuple(storage.placements) == placements:
        return storage
    from torch.distributed.tensor import distribute_tensor as torch_distribute

    with torch.no_grad():
        sharded = torch_distribute(whole(storage.detach()), mesh, placements)
    out = torch.nn.Parameter(sharded, requires_grad=storage.requires_grad)
    setattr(out, _SYNCED, True)
    return out


def assign_sharded(storage, value):
    """Copies this process's shard of ``value`` (a whole value every process holds, or a DTensor)
    into the DTensor ``storage``; returns ``storage``."""
    v = value if isinstance(value, torch.Tensor) else to_t(value)
    if tuple(v.shape) != tuple(storage.shape):
        raise ValueError(f"assign: value of shape {tuple(v.shape)} does not match the variable's shape "
                         f"{tuple(storage.shape)}")
    with torch.no_grad():
        if is_dtensor(v):
            if v.device_mesh != storage.device_mesh or tuple(v.placements) != tuple(storage.placements):
                v = v.redistribute(storage.device_mesh, storage.placements)
            local = v.to_local()
        else:
            local = _local_chunk(v.to(storage.dtype), storage.device_mesh, storage.placements)
        storage.to_local().copy_(local)
    return storage


# -- batches and steps ------------------------------------------------------------------------------
def _replica(dist) -> tuple[int, int]:
    """``(index, count)``: this process's coordinate on the batch axis and the axis's size."""
    ranks = _ranks(dist.device_mesh)
    coord = np.argwhere(ranks == process_id())[0]
    axis = dist.device_mesh.axis_names.index(dist.batch_dim_name)
    return int(coord[axis]), ranks.shape[axis]


def _rows(n: int, dist) -> slice:
    index, count = _replica(dist)
    bounds = np.linspace(0, n, count + 1).round().astype(int) if n % count else np.arange(count + 1) * (n // count)
    return slice(int(bounds[index]), int(bounds[index + 1]))


def distribute_batch(batch, dist, training):
    """In training, the contiguous rows of every array of the global batch that this process's
    coordinate on the batch axis owns, as tensors; evaluation and prediction see the whole batch
    (every process computes the same, complete result)."""
    if not training or not dist.auto_shard_dataset:
        return _tree_map(lambda a: to_t(a).to(DEVICE.torch), batch)

    def leaf(a):
        t = to_t(a)
        if t.ndim == 0:
            return t.to(DEVICE.torch)
        return t[_rows(int(t.shape[0]), dist)].to(DEVICE.torch)

    return _tree_map(leaf, batch)


def _tree_map(fn, tree):
    from dlx import tree_util

    return tree_util.map_structure(fn, tree)


def _all_reduce_step(rows, num_grads, aggregations, replicas, first, *tensors, group=None):
    """One float64 all-reduce (over ``group``; default: every process) of a step's gradients and
    metric values. ``tensors`` are ``num_grads`` gradients, then the metric values at the start
    of the step and after this process's update (one of each per entry of ``aggregations``).
    Returns the gradients as the global batch's row-weighted mean (``rows`` each process's row
    count), then the metric values combined over the processes: ``"sum"`` variables get the
    start value plus every process's change, ``"mean"`` ones the mean of the processes' values,
    ``"only_first_replica"`` ones the first process's."""
    grads = tensors[:num_grads]
    before, after = tensors[num_grads:num_grads + len(aggregations)], tensors[num_grads + len(aggregations):]
    f64 = torch.float64
    parts = [(g.detach() * rows).reshape(-1).to(f64) for g in grads]
    parts.append(torch.tensor([float(rows)], dtype=f64, device=(grads or after)[0].device))
    for agg, b, a in zip(aggregations, before, after):
        a64 = a.detach().reshape(-1).to(f64)
        if agg == "sum":
            parts.append(a64 - b.detach().reshape(-1).to(f64))
        elif agg == "mean":
            parts.append(a64 / replicas)
        else:
            parts.append(a64 if first else torch.zeros_like(a64))
    flat = torch.cat(parts)
    _collective(tdist.all_reduce, flat, group=group)
    out, i = [], 0
    total = flat[sum(g.numel() for g in grads)]
    for g in grads:
        out.append((flat[i:i + g.numel()] / total).reshape(g.shape).to(g.dtype))
        i += g.numel()
    i += 1
    for agg, b, a in zip(aggregations, before, after):
        v = flat[i:i + a.numel()].reshape(a.shape)
        out.append((b.detach().to(f64) + v if agg == "sum" else v).to(a.dtype))
        i += a.numel()
    return out


def _splits(dist) -> bool:
    layout_map = getattr(dist, "layout_map", None)
    return _ready() and any(not _replicated(lay) for lay in (layout_map or {}).values())


def run_step(model, state, data, dist):
    """``model.train_step``; under a ModelParallel that splits variables, on the gathered whole
    values (run eagerly: the gathers are collectives the step replay does not record), with the
    new state re-split as the variables are."""
    if not _splits(dist):
        return model.train_step(state, data)
    from dlx.distribution.engine import constrain_state

    _replay.mark_unsafe("ModelParallel on torch gathers DTensor shards inside the step", whole=True)
    logs, new = model.train_step([[whole(v) for v in group] for group in state], data)
    return logs, constrain_state(model, new)


def reduce_gradients(grads, batch_size, dist):
    """The row-weighted mean of the gradients over the batch axis's processes (one all-reduce in
    float64, recorded as one step when the trainer's step is replayed)."""
    return reduce_gradients_and_metrics(grads, batch_size, [], [], [], dist)[0]


def _batch_group(dist) -> dict:
    """``{"group": ...}``: the processes of this one's batch-axis line, on a mesh of several axes
    (else ``{}``: every process)."""
    if len(dist.device_mesh.shape) > 1:
        return {"group": dist.device_mesh.backend_mesh.get_group(dist.batch_dim_name)}
    return {}


#: how a metric variable's per-replica values combine (its ``aggregation``); "none" keeps each
#: replica's own value
_METRIC_AGGREGATIONS = ("sum", "mean", "only_first_replica")


def reduce_gradients_and_metrics(grads, batch_size, before, after, aggregations, dist):
    """``(grads, metric values)``: the gradients as :func:`reduce_gradients` returns them, and
    the metric values after a step in which each process updated them on its own rows (from
    ``before`` to ``after``), combined over the batch axis's processes as each variable's
    aggregation says -- in the same all-reduce. Every process then holds the metrics of the
    global batch, which a one-process run on the whole batch would have (up to the order of
    summation); variables aggregated ``"none"`` keep their own values."""
    if not _ready() or dist.num_model_replicas == 1:
        return grads, list(after)
    leaves = list(grads)
    picked = [i for i, agg in enumerate(aggregations) if agg in _METRIC_AGGREGATIONS
              and isinstance(after[i], torch.Tensor) and isinstance(before[i], torch.Tensor)]
    if not leaves and not picked:
        return grads, list(after)
    index, count = _replica(dist)
    reduced = _replay.record_call(_all_reduce_step, int(batch_size), len(leaves),
                                  tuple(aggregations[i] for i in picked), count, index == 0, *leaves,
                                  *[before[i] for i in picked], *[after[i] for i in picked], **_batch_group(dist))
    new_grads = reduced[:len(leaves)]
    metrics = list(after)
    for i, v in zip(picked, reduced[len(leaves):]):
        metrics[i] = v
    return (type(grads)(new_grads) if isinstance(grads, (list, tuple)) else new_grads), metrics


def constrain_like(values, storages):
    """Each whole value returned for a split variable cut back to this process's shard (a DTensor
    like the storage); other values unchanged."""
    return [_sharded_like(v, s) if is_dtensor(s) and isinstance(v, torch.Tensor) and not is_dtensor(v) else v
            for v, s in zip(values, storages)]


def write_once(write) -> None:
    """Runs ``write()`` (saving values every process holds) in process 0 only; the others wait
    until it is done, and raise too when it failed (the file is then left as it was)."""
    if not _ready() or num_processes() == 1:
        write()
        return
    # every process has passed its own checks (overwrite=False, the folder...) before the file
    # appears, so they all see the same state and none waits below for a process that raised
    tdist.barrier()
    error = None
    if process_id() == 0:
        try:
            write()
        except Exception as e:  # raised below, after the others have heard of it
            error = e
    flag = torch.tensor([0 if error is None else 1], dtype=torch.int32, device=DEVICE.torch)
    _collective(tdist.broadcast, flag, src=0)  # also the barrier: the file is complete when the others return
    if error is not None:
        raise error
    if int(flag.item()):
        raise RuntimeError("saving failed in process 0 (its error is raised there); the file was left as it was")
