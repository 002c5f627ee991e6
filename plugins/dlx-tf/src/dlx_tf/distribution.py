"""dlx.distribution on TensorFlow: ``DataParallel`` as ``tf.distribute.MirroredStrategy`` in one
process, ``tf.distribute.MultiWorkerMirroredStrategy`` across processes.

A 1-d :class:`~dlx.distribution.DeviceMesh` becomes a ``MirroredStrategy`` over its devices
(GPUs, or logical CPUs made with ``tf.config.set_logical_device_configuration`` before TF starts).
After :func:`initialize` (which writes ``TF_CONFIG`` from its arguments, or uses the one in the
environment) the job's one strategy is a ``MultiWorkerMirroredStrategy`` whose replicas are every
process's devices, all-reducing over gRPC collectives; the variables are broadcast from process 0
when first placed. Inside the trainer's compiled step each global batch is cut into one contiguous
share per replica, ``strategy.run`` runs the step on every replica, the gradients are all-reduced
by the replica context (a row-weighted mean, so the update equals the single-device one on the
whole batch), and the metrics' accumulators add up all replicas' contributions (one all-reduce).
Variables stay ordinary ``tf.Variable``\\ s: dlx's step takes their values as inputs, which the
strategy mirrors.

Not offered, with a :class:`~dlx.distribution.DistributionUnsupportedError`: splitting variables
(``ModelParallel`` layouts: TF's only engine for that, ``tf.experimental.dtensor``, is
deprecated and not used here; the jax and torch backends do it).
"""

from __future__ import annotations

import contextlib
import json
import os

import tensorflow as tf

from dlx import tree_util
from dlx.distribution.engine import DistributionUnsupportedError
from dlx.distribution.launch import Launch
from dlx.distribution.meshlib import TensorLayout

#: the replicas average their gradients inside the training step (``reduce_gradients``); a step
#: that never calls it is refused (dlx.distribution.engine.run_train_step)
REDUCES_IN_STEP = True

_KINDS = {"cpu": "CPU", "gpu": "GPU", "cuda": "GPU", "tpu": "TPU"}
_JOB: list = [None]  # the MultiWorkerMirroredStrategy of initialize(): (strategy, processes, this process)
_SYNCED = "_dlx_broadcast_from_0"  # marks a variable that process 0's value was broadcast into


def _unsupported(what: str, who: str = "jax and torch backends do"):
    return DistributionUnsupportedError(f"the tf backend runs dlx.distribution as DataParallel with "
                                        f"tf.distribute (MirroredStrategy, MultiWorkerMirroredStrategy); {what} is "
                                        f"not supported on tf (the {who} it)")


def _job_kind() -> str:
    strategy = _JOB[0][0]
    return "gpu" if "GPU" in strategy.extended.worker_devices[0].upper() else "cpu"


def list_devices(device_type=None) -> list[str]:
    """TF's logical devices of one type (default: GPU when there is one, else CPU); in a
    multi-process job, every replica of the job (``"cpu:<replica>"``, process 0's first)."""
    if _JOB[0] is not None:
        kind = _job_kind()
        if device_type not in (None, kind, "cuda" if kind == "gpu" else kind):
            raise ValueError(f"list_devices: device_type={device_type!r}, but the multi-process tf job runs on "
                             f"{kind} devices")
        return [f"{kind}:{i}" for i in range(_JOB[0][0].num_replicas_in_sync)]
    if device_type is None:
        device_type = "gpu" if tf.config.list_logical_devices("GPU") else "cpu"
    kind = _KINDS[device_type]
    return [f"{device_type if device_type != 'cuda' else 'gpu'}:{i}"
            for i, _ in enumerate(tf.config.list_logical_devices(kind))]


def initialize(job_addresses, num_processes, process_id) -> None:
    """Joins a multi-process job as a ``tf.distribute.MultiWorkerMirroredStrategy`` worker.

    With arguments, the cluster is the one a ``TF_CONFIG`` of ``"worker"`` tasks describes: TF's
    workers need every process's ``host:port`` (``job_addresses`` lists one per process, in
    process order), ``num_processes`` and ``process_id``. Without any, the ``TF_CONFIG`` in the
    environment is used (``"worker"`` tasks, optionally a ``"chief"``, which is process 0).
    Call it before TensorFlow runs any op: TF sets up its collectives when its runtime starts.
    """
    if _JOB[0] is not None:
        raise RuntimeError("initialize: this process already joined a tf multi-process job")
    if job_addresses is None and num_processes is None and process_id is None:
        raw = os.environ.get("TF_CONFIG")
        if not raw:
            raise ValueError("initialize: tf needs job_addresses (every process's 'host:port'), num_processes and "
                             "process_id, or a TF_CONFIG environment variable; none is set")
        config = json.loads(raw)
    else:
        if num_processes is None or process_id is None:
            raise ValueError(f"initialize: tf needs num_processes and process_id with job_addresses; got "
                             f"num_processes={num_processes!r}, process_id={process_id!r}")
        addresses = list(job_addresses or [])
        if len(addresses) != num_processes:
            raise ValueError(f"initialize: job_addresses has {len(addresses)} address(es) for num_processes="
                             f"{num_processes}; tf's workers need every process's 'host:port', in process order")
        for addr in addresses:
            host, _, port = addr.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"initialize: job address {addr!r}; expected 'host:port'")
        config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": process_id}}
    cluster, task = config.get("cluster", {}), config.get("task", {})
    if not cluster or set(cluster) - {"chief", "worker"} or task.get("type") not in cluster:
        raise ValueError(f"initialize: TF_CONFIG={config}; expected a cluster of 'chief' / 'worker' jobs and a task "
                         "of one of them (parameter servers and evaluators take no part in DataParallel)")
    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
        tf.train.ClusterSpec(cluster), task_type=task["type"], task_id=int(task.get("index", 0)), rpc_layer="grpc")
    try:
        strategy = tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
    except RuntimeError as e:
        raise RuntimeError(f"initialize: TensorFlow's runtime already started in this process ({e}); call "
                           "dlx.distribution.initialize before any TensorFlow op runs") from None
    chiefs = len(cluster.get("chief", []))
    rank = resolver.task_id + (chiefs if task["type"] == "worker" else 0)
    _JOB[0] = (strategy, chiefs + len(cluster.get("worker", [])), rank)


def launch(num_devices) -> Launch:
    """A job of ``num_devices`` devices in one process: the GPUs when there are that many, else
    that many logical CPUs (:func:`split_cpu`, before TF starts its runtime)."""
    if len(tf.config.list_physical_devices("GPU")) >= num_devices:
        return Launch(device_type="gpu")
    return Launch(setup="dlx_tf.distribution:split_cpu", device_type="cpu")


def split_cpu(num_devices) -> None:
    """Splits the first physical CPU into ``num_devices`` logical devices (before TF's runtime
    starts)."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * num_devices)


def num_processes() -> int:
    return 1 if _JOB[0] is None else _JOB[0][1]


def process_id() -> int:
    return 0 if _JOB[0] is None else _JOB[0][2]


def _replicated(layout) -> bool:
    return isinstance(layout, TensorLayout) and all(a is None for a in layout.axes)


def validate(dist) -> None:
    """A 1-d mesh (or a ModelParallel whose layouts split nothing, batch over its only axis)."""
    layout_map = getattr(dist, "layout_map", None)
    split = [k for k, lay in (layout_map or {}).items() if not _replicated(lay)]
    if split:
        raise _unsupported(f"ModelParallel's split layouts (for {split}; dlx's tf engine replicates every "
                           "variable and does not use TF's deprecated tf.experimental.dtensor)")
    if len(dist.device_mesh.shape) != 1:
        raise _unsupported(f"a {len(dist.device_mesh.shape)}-d device mesh")
    dist.device_mesh.backend_mesh  # noqa: B018  (builds the strategy: raises naming an unknown device)


def _tf_device(spec) -> str:
    kind, _, index = str(spec).partition(":")
    if kind.lower() not in _KINDS or not index.isdigit():
        raise ValueError(f"DeviceMesh: device {spec!r}; expected 'cpu:N' or 'gpu:N'")
    name = f"/device:{_KINDS[kind.lower()]}:{index}"
    if not any(d.name.endswith(name) for d in tf.config.list_logical_devices()):
        raise ValueError(f"DeviceMesh: TF has no device {spec!r}; its devices are {list_devices()}")
    return name


def backend_mesh(mesh) -> tf.distribute.MirroredStrategy:
    """A ``MirroredStrategy`` over the mesh's devices; in a multi-process job, the job's
    ``MultiWorkerMirroredStrategy`` (the mesh must hold all of its replicas)."""
    devices = [str(d) for d in mesh.devices.reshape(-1)]
    if _JOB[0] is not None:
        if devices != list_devices():
            raise ValueError(f"DeviceMesh: devices {devices}; a multi-process tf job runs on all of its replicas, "
                             f"{list_devices()}")
        return _JOB[0][0]
    return tf.distribute.MirroredStrategy(devices=[_tf_device(d) for d in devices])


def backend_layout(layout):
    if not _replicated(layout):
        raise _unsupported(f"the split layout {layout.axes}")
    return None


def distribute_tensor(x, layout):
    """Replicated: ``x`` itself (the strategy mirrors step inputs); split over the batch axis:
    a per-replica value holding each replica's contiguous rows."""
    if not isinstance(layout, TensorLayout):
        raise TypeError(f"distribute_tensor: layout is {type(layout).__name__}; expected a dlx TensorLayout")
    if _replicated(layout):
        return tf.convert_to_tensor(x)
    if any(a is not None for a in layout.axes[1:]):
        raise _unsupported(f"the split layout {layout.axes} (only the first dimension can be split)")
    strategy = layout.device_mesh.backend_mesh
    shares = _shares(tf.convert_to_tensor(x), strategy.num_replicas_in_sync)
    return strategy.experimental_distribute_values_from_function(lambda ctx: shares[ctx.replica_id_in_sync_group])


def distribute_variable(storage, layout):
    """Replicated variables keep their storage (the step mirrors their values); in a
    multi-process job, process 0's value is broadcast into it the first time."""
    if not _replicated(layout):
        raise _unsupported(f"ModelParallel's layout {layout.axes} for a variable")
    if _JOB[0] is not None and not getattr(storage, _SYNCED, False):
        storage.assign(_from_process_0(layout.device_mesh.backend_mesh, storage))
        setattr(storage, _SYNCED, True)
    return storage


def _from_process_0(strategy, value):
    """``value`` as process 0 has it: a sum over the replicas where only process 0's first
    replica contributes."""
    value = tf.convert_to_tensor(value)
    per_replica = strategy.experimental_distribute_values_from_function(
        lambda ctx: value if ctx.replica_id_in_sync_group == 0 else tf.zeros_like(value))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)


def distribute_batch(batch, dist, training):
    """Unchanged: the compiled step cuts each batch into the replicas' shares (:func:`run_step`)."""
    return batch


def _shares(t, replicas):
    n = tf.shape(t)[0]
    bounds = [(n * i) // replicas for i in range(replicas + 1)]
    return [t[bounds[i]:bounds[i + 1]] for i in range(replicas)]


def _local_shares(strategy, dist):
    """``(shares, first)``: how many shares each batch is cut into, and the global replica index
    of this process's first share (every process reads the global batch when
    ``auto_shard_dataset``; otherwise its input is already its own part)."""
    replicas, local = strategy.num_replicas_in_sync, len(strategy.extended.worker_devices)
    if num_processes() > 1 and not dist.auto_shard_dataset:
        return local, process_id() * local
    return replicas, 0


def _replica_device(strategy):
    """The device to open for a replica's ops: ``MirroredStrategy`` sets one per replica thread
    itself; a single local replica (a ``MultiWorkerMirroredStrategy`` worker) needs it, or its
    collectives have no destination."""
    devices = strategy.extended.worker_devices
    return tf.device(devices[0]) if len(devices) == 1 else contextlib.nullcontext()


def run_step(model, state, data, dist):
    """``model.train_step`` on every replica (``strategy.run``) over its share of ``data``;
    returns this process's first replica's state (all replicas apply the same all-reduced
    update) with the metric accumulators advanced by the sum of every replica's contribution
    (one all-reduce), and the logs computed from them."""
    strategy = dist.device_mesh.backend_mesh
    if strategy.num_replicas_in_sync == 1:
        return model.train_step(state, data)
    count, first = _local_shares(strategy, dist)
    leaves, treedef = tree_util.flatten(data)
    cut = [_shares(tf.convert_to_tensor(leaf), count) if leaf is not None else [None] * count for leaf in leaves]
    per_replica = [tree_util.unflatten(treedef, [c[i] for c in cut]) for i in range(count)]
    values = strategy.experimental_distribute_values_from_function(
        lambda ctx: per_replica[ctx.replica_id_in_sync_group - first])

    def replica_step(state, data):
        with dist.scope(), _replica_device(strategy):  # replicas may run on the strategy's threads: scope per thread
            logs, (tv, ntv, ov, mv) = model.train_step(state, data)
            old = list(state[3])
            if old:
                added = _summed(tf.distribute.get_replica_context(),
                                [new - before for new, before in zip(mv, old)], tf.float64)
                mv = [before + tf.cast(a, before.dtype) for before, a in zip(old, added)]
            return logs, (tv, ntv, ov, mv)

    _, new_state = strategy.run(replica_step, args=(state, values))
    local = strategy.experimental_local_results
    tv, ntv, ov, mv = ([local(v)[0] for v in group] for group in new_state)
    return model._logs_from(mv), [tv, ntv, ov, mv]


def _summed(ctx, tensors, dtype):
    """The sums over the replicas of ``tensors``, as one flat all-reduce in ``dtype`` (one
    collective of one shape: eager replicas would launch a list's collectives in any order)."""
    flat = tf.concat([tf.reshape(tf.cast(t, dtype), [-1]) for t in tensors], axis=0)
    flat = ctx.all_reduce(tf.distribute.ReduceOp.SUM, flat)
    out, i = [], 0
    for t in tensors:
        n = int(tf.size(t)) if tf.executing_eagerly() else t.shape.num_elements()
        out.append(tf.reshape(flat[i:i + n], tf.shape(t)))
        i += n
    return out


def reduce_gradients(grads, batch_size, dist):
    """Inside ``strategy.run``: the row-weighted mean of the replicas' gradients (one all-reduce,
    as DDP's bucket)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return grads
    leaves = list(grads)
    rows = tf.reshape(tf.cast(batch_size, tf.float32), [1])
    *sums, total = _summed(ctx, [tf.cast(g, tf.float32) * rows[0] for g in leaves] + [rows], tf.float32)
    out = [tf.cast(g / total[0], leaf.dtype) for g, leaf in zip(sums, leaves)]
    return type(grads)(out) if isinstance(grads, (list, tuple)) else out


def constrain_like(values, storages):
    return values
