"""dlx.distribution on PyTorch: data parallelism across processes over ``torch.distributed``.

``initialize`` (or ``torchrun``'s environment) starts the process group: gloo on CPU, NCCL on
CUDA. Under :class:`~dlx.distribution.DataParallel` each process is one replica and one device of
the mesh; it does what ``torch.nn.parallel.DistributedDataParallel`` does, on dlx's functional
training step:

* the variables are broadcast from process 0 when they are first placed (DDP's initial sync);
* each process trains on its contiguous share of every global batch;
* the gradients are averaged across processes in one all-reduce per step (one flat bucket),
  weighted by each process's rows, so the update equals the single-process one on the whole
  batch.

Splitting variables (``ModelParallel`` with layouts that shard a variable) is not offered: it
raises :class:`~dlx.distribution.DistributionUnsupportedError`, naming jax as the backend that
does it.
"""

from __future__ import annotations

import os
from datetime import timedelta

import numpy as np
import torch
import torch.distributed as tdist

from dlx.distribution.engine import DistributionUnsupportedError
from dlx.distribution.launch import Launch
from dlx.distribution.meshlib import TensorLayout
from dlx_torch import _replay
from dlx_torch._tensors import DEVICE, to_t

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


def launch(num_devices) -> Launch:
    """A job of ``num_devices`` devices: one process per device, joined by :func:`initialize`."""
    return Launch(processes=num_devices)


def num_processes() -> int:
    return tdist.get_world_size() if _ready() else 1


def process_id() -> int:
    return tdist.get_rank() if _ready() else 0


def _unsupported(what: str):
    return DistributionUnsupportedError(
        f"the torch backend runs dlx.distribution as data parallelism across processes; {what} is not "
        "supported on torch (the jax backend shards variables over a device mesh)")


def validate(dist) -> None:
    """Data parallelism only, one mesh device per process."""
    layout_map = getattr(dist, "layout_map", None)
    split = [k for k, lay in (layout_map or {}).items() if not _replicated(lay)]
    if split:
        raise _unsupported(f"ModelParallel's split layouts (for {split})")
    backend_mesh(dist.device_mesh)
    if dist.num_model_replicas != num_processes():
        raise ValueError(f"{type(dist).__name__}: the batch axis has {dist.num_model_replicas} devices, but the "
                         f"torch job has {num_processes()} process(es)")


def backend_mesh(mesh):
    """The process group's view of the mesh: ``torch.distributed``'s default group (one
    process per mesh device)."""
    if int(np.prod(mesh.shape)) != num_processes():
        raise ValueError(f"DeviceMesh of shape {mesh.shape}: torch runs one mesh device per process, and the job "
                         f"has {num_processes()} process(es) (start them with initialize() or torchrun)")
    return tdist.group.WORLD if _ready() else None


def _replicated(layout) -> bool:
    return isinstance(layout, TensorLayout) and all(a is None for a in layout.axes)


def backend_layout(layout):
    if not _replicated(layout):
        raise _unsupported(f"the split layout {layout.axes}")
    return None


def distribute_tensor(x, layout):
    """A replicated layout: ``x`` as process 0 has it (a broadcast); a split one raises."""
    if not _replicated(layout):
        raise _unsupported(f"distribute_tensor with the split layout {getattr(layout, 'axes', layout)}")
    t = to_t(x).to(DEVICE.torch)
    if _ready():
        t = t.clone()
        tdist.broadcast(t, src=0)
    return t


def distribute_variable(storage, layout):
    """A replicated variable keeps its storage; the first time, process 0's value is broadcast
    into it (as DDP does when it wraps a module)."""
    if not _replicated(layout):
        raise _unsupported(f"ModelParallel's layout {layout.axes} for a variable")
    backend_mesh(layout.device_mesh)
    if _ready() and not getattr(storage, _SYNCED, False):
        with torch.no_grad():
            tdist.broadcast(storage.data, src=0)
        setattr(storage, _SYNCED, True)
    return storage


def _rows(n: int, dist) -> slice:
    world, rank = num_processes(), process_id()
    if dist.num_model_replicas != world:
        raise ValueError(f"{type(dist).__name__}: the batch axis has {dist.num_model_replicas} devices, but the "
                         f"torch job has {world} process(es)")
    bounds = np.linspace(0, n, world + 1).round().astype(int) if n % world else np.arange(world + 1) * (n // world)
    return slice(int(bounds[rank]), int(bounds[rank + 1]))


def distribute_batch(batch, dist, training):
    """In training, this process's contiguous rows of every array of the global batch, as
    tensors; evaluation and prediction see the whole batch (every process computes the same,
    complete result)."""
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


def _all_reduce_mean(rows, *grads):
    """One all-reduce of ``[rows * g for g in grads] + [rows]``; returns the grads divided by the
    total row count (the global batch's mean gradient)."""
    flat = torch.cat([(g.detach() * rows).reshape(-1).to(torch.float64) for g in grads]
                     + [torch.tensor([float(rows)], dtype=torch.float64, device=grads[0].device)])
    tdist.all_reduce(flat)
    total = flat[-1]
    out, i = [], 0
    for g in grads:
        n = g.numel()
        out.append((flat[i:i + n] / total).reshape(g.shape).to(g.dtype))
        i += n
    return out


def run_step(model, state, data, dist):
    """``model.train_step`` as it is (one program for all devices / one replica per process)."""
    return model.train_step(state, data)


def reduce_gradients(grads, batch_size, dist):
    """The row-weighted mean of every process's gradients (one all-reduce in float64, recorded as
    one step when the trainer's step is replayed)."""
    if not _ready() or num_processes() == 1:
        return grads
    leaves = list(grads)
    if not leaves:
        return grads
    reduced = _replay.record_call(_all_reduce_mean, int(batch_size), *leaves)
    return type(grads)(reduced) if isinstance(grads, (list, tuple)) else reduced


def constrain_like(values, storages):
    """Unchanged: every process keeps whole (replicated) values."""
    return values
