"""dlx.distribution on JAX: ``jax.sharding`` and ``jax.distributed``.

A :class:`~dlx.distribution.DeviceMesh` becomes a ``jax.sharding.Mesh``, a
:class:`~dlx.distribution.TensorLayout` a ``NamedSharding`` with a ``PartitionSpec`` of its axes.
Variables (model, optimizer, metrics) are stored as arrays with their layout's sharding and each
batch as one global array split over the batch axis, so the trainer's ``jax.jit``-compiled step is
partitioned by XLA (GSPMD): the gradient of replicated variables is all-reduced, split variables
stay split, and no step code changes. Several processes join with ``jax.distributed``; each then
feeds its own rows of the global batch (``jax.make_array_from_process_local_data``).
"""

from __future__ import annotations

import os

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from dlx.distribution.launch import Launch
from dlx.distribution.meshlib import TensorLayout

_PLATFORMS = {"cuda": "gpu", "rocm": "gpu"}

#: batches are placed on the thread that runs the steps, not on the trainer's prefetch thread: a
#: placement there, concurrent with a step's collectives, deadlocks XLA's CPU all-reduce rendezvous
#: (host devices on few cores; seen on 2 cores with 2 and 4 devices)
PLACE_BATCHES_ON_STEP_THREAD = True


def _platform(device_type):
    return None if device_type is None else _PLATFORMS.get(device_type, device_type)


def list_devices(device_type=None) -> list[str]:
    """Every device of the job (all processes) as ``"platform:id"``."""
    try:
        devs = jax.devices(_platform(device_type))
    except RuntimeError as e:
        raise ValueError(f"list_devices: no {device_type!r} devices in this JAX installation ({e})") from None
    return [f"{d.platform}:{d.id}" for d in devs]


def _device(spec):
    if isinstance(spec, jax.Device):
        return spec
    platform, _, index = str(spec).partition(":")
    for d in jax.devices(_platform(platform.lower()) or None):
        if str(d.id) == index:
            return d
    raise ValueError(f"DeviceMesh: no JAX device {spec!r}; the devices are {list_devices()}")


def initialize(job_addresses, num_processes, process_id) -> None:
    """``jax.distributed.initialize``; the coordinator is the first job address (unset arguments
    are auto-detected by JAX on clusters it knows: SLURM, TPU pods...). CPU collectives across
    processes use gloo unless the user chose another implementation."""
    coordinator = job_addresses[0] if job_addresses else None
    if jax.config.jax_cpu_collectives_implementation in (None, "", "none"):
        # CPU devices of different processes talk over gloo (TCP), as torch's CPU process groups do
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=num_processes,
                               process_id=process_id)


def launch(num_devices) -> Launch:
    """A job of ``num_devices`` devices: the accelerators when there are that many, else that many
    host CPU devices in one process (``--xla_force_host_platform_device_count``)."""
    if jax.default_backend() != "cpu" and jax.device_count() >= num_devices:
        return Launch(device_type=_PLATFORMS.get(jax.default_backend(), jax.default_backend()))
    flags = [f for f in os.environ.get("XLA_FLAGS", "").split() if "host_platform_device_count" not in f]
    return Launch(env={"XLA_FLAGS": " ".join([*flags, f"--xla_force_host_platform_device_count={num_devices}"])},
                  device_type="cpu")


def num_processes() -> int:
    return jax.process_count()


def process_id() -> int:
    return jax.process_index()


def validate(dist) -> None:
    """Every mesh device must be a JAX device of this job."""
    dist.device_mesh.backend_mesh  # noqa: B018  (builds it: raises naming an unknown device)


def backend_mesh(mesh) -> Mesh:
    devices = np.vectorize(_device, otypes=[object])(mesh.devices)
    return Mesh(devices, mesh.axis_names)


def backend_layout(layout: TensorLayout) -> NamedSharding:
    return NamedSharding(layout.device_mesh.backend_mesh, PartitionSpec(*layout.axes))


def _sharding(layout):
    if isinstance(layout, TensorLayout):
        return layout.backend_layout
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    raise TypeError(f"distribute_tensor: layout is {type(layout).__name__}; expected a dlx TensorLayout or a "
                    "jax.sharding.Sharding")


def distribute_tensor(x, layout):
    """``x`` with ``layout``'s sharding: ``jax.device_put`` eagerly, a sharding constraint on a
    traced value (inside the compiled step)."""
    if isinstance(layout, TensorLayout):
        layout.check_shape(np.shape(x))
    sharding = _sharding(layout)
    if isinstance(x, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(x, sharding)
    return jax.device_put(x, sharding)


def distribute_variable(storage, layout):
    """The variable storage re-placed with ``layout``'s sharding (unchanged when it has it)."""
    sharding = _sharding(layout)
    if getattr(storage, "sharding", None) == sharding:
        return storage
    return jax.device_put(storage, sharding)


def _batch_leaf(a, dist):
    shape = np.shape(a)
    mesh = dist.device_mesh
    if not shape:
        return jax.device_put(a, NamedSharding(mesh.backend_mesh, PartitionSpec()))
    layout = dist.get_data_layout(shape)
    n = mesh.axis_size(dist.batch_dim_name)
    procs = jax.process_count()
    if procs > 1:
        # every process reads the same global batch (auto_shard_dataset) and contributes the rows
        # its devices hold; without auto-sharding its input already is its share
        local = np.asarray(a)
        if dist.auto_shard_dataset:
            rank = jax.process_index()
            local = local[rank * shape[0] // procs:(rank + 1) * shape[0] // procs]
        return jax.make_array_from_process_local_data(layout.backend_layout, local)
    if shape[0] % n:
        # a final partial batch that the batch axis does not divide: replicated (still correct,
        # just computed whole on every device)
        return jax.device_put(a, NamedSharding(mesh.backend_mesh, PartitionSpec()))
    return jax.device_put(a, layout.backend_layout)


def distribute_batch(batch, dist, training):
    """Every array of ``batch`` as one global array split over the batch axis (in training,
    evaluation and prediction alike: the results are global arrays)."""
    return jax.tree_util.tree_map(lambda a: _batch_leaf(a, dist), batch)


def constrain_like(values, storages):
    """Each value with its variable storage's sharding: a traced one constrained to it (XLA would
    otherwise pick the output shardings of the compiled step itself), a concrete one put there
    (a fresh value handed to the step has the sharding the step's outputs have, so the step is
    not compiled again for another input sharding)."""
    out = []
    for v, s in zip(values, storages):
        sharding = getattr(s, "sharding", None)
        if isinstance(sharding, NamedSharding):
            if isinstance(v, jax.core.Tracer):
                v = jax.lax.with_sharding_constraint(v, sharding)
            elif getattr(v, "sharding", None) != sharding:
                v = jax.device_put(v, sharding)
        out.append(v)
    return out


def run_step(model, state, data, dist):
    """``model.train_step`` as it is (one program for all devices / one replica per process)."""
    return model.train_step(state, data)


def reduce_gradients(grads, batch_size, dist):
    """Unchanged: the compiled step's gradients are already the global ones (XLA inserts the
    all-reduce for replicated variables)."""
    return grads
