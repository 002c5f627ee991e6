"""dlx.distribution on TensorFlow: ``DataParallel`` as ``tf.distribute.MirroredStrategy``.

A 1-d :class:`~dlx.distribution.DeviceMesh` becomes a ``MirroredStrategy`` over its devices
(GPUs, or logical CPUs made with ``tf.config.set_logical_device_configuration`` before TF starts).
Inside the trainer's compiled step each global batch is cut into one contiguous share per replica,
``strategy.run`` runs the step on every replica, the gradients are all-reduced by the replica
context (a row-weighted mean, so the update equals the single-device one on the whole batch), and
the metrics' accumulators add up the replicas' contributions. Variables stay ordinary
``tf.Variable``\\ s: dlx's step takes their values as inputs, which the strategy mirrors.

Not offered, with a :class:`~dlx.distribution.DistributionUnsupportedError`: splitting variables
(``ModelParallel`` layouts: TF's DTensor is deprecated; the jax backend does it) and several
processes (``initialize``; the jax and torch backends do it).
"""

from __future__ import annotations

import tensorflow as tf

from dlx import tree_util
from dlx.distribution.engine import DistributionUnsupportedError
from dlx.distribution.launch import Launch
from dlx.distribution.meshlib import TensorLayout

#: the replicas average their gradients inside the training step (``reduce_gradients``); a step
#: that never calls it is refused (dlx.distribution.engine.run_train_step)
REDUCES_IN_STEP = True

_KINDS = {"cpu": "CPU", "gpu": "GPU", "cuda": "GPU", "tpu": "TPU"}


def _unsupported(what: str, who: str = "jax"):
    return DistributionUnsupportedError(f"the tf backend runs dlx.distribution as DataParallel with "
                                        f"tf.distribute.MirroredStrategy in one process; {what} is not supported on tf "
                                        f"(the {who} backend does it)")


def list_devices(device_type=None) -> list[str]:
    """TF's logical devices of one type (default: GPU when there is one, else CPU)."""
    if device_type is None:
        device_type = "gpu" if tf.config.list_logical_devices("GPU") else "cpu"
    kind = _KINDS[device_type]
    return [f"{device_type if device_type != 'cuda' else 'gpu'}:{i}"
            for i, _ in enumerate(tf.config.list_logical_devices(kind))]


def initialize(job_addresses, num_processes, process_id) -> None:
    raise _unsupported("a multi-process job (initialize)", "jax and torch")


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
    return 1


def process_id() -> int:
    return 0


def _replicated(layout) -> bool:
    return isinstance(layout, TensorLayout) and all(a is None for a in layout.axes)


def validate(dist) -> None:
    """A 1-d mesh (or a ModelParallel whose layouts split nothing, batch over its only axis)."""
    layout_map = getattr(dist, "layout_map", None)
    split = [k for k, lay in (layout_map or {}).items() if not _replicated(lay)]
    if split:
        raise _unsupported(f"ModelParallel's split layouts (for {split})")
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
    """A ``MirroredStrategy`` over the mesh's devices."""
    return tf.distribute.MirroredStrategy(devices=[_tf_device(d) for d in mesh.devices.reshape(-1)])


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
    """Replicated variables keep their storage (the step mirrors their values)."""
    if not _replicated(layout):
        raise _unsupported(f"ModelParallel's layout {layout.axes} for a variable")
    return storage


def distribute_batch(batch, dist, training):
    """Unchanged: the compiled step cuts each batch into the replicas' shares (:func:`run_step`)."""
    return batch


def _shares(t, replicas):
    n = tf.shape(t)[0]
    bounds = [(n * i) // replicas for i in range(replicas + 1)]
    return [t[bounds[i]:bounds[i + 1]] for i in range(replicas)]


def run_step(model, state, data, dist):
    """``model.train_step`` on every replica (``strategy.run``) over its share of ``data``;
    returns replica 0's state (all replicas apply the same all-reduced update) with the metric
    accumulators summed over the replicas, and the logs computed from them."""
    strategy = dist.device_mesh.backend_mesh
    replicas = strategy.num_replicas_in_sync
    if replicas == 1:
        return model.train_step(state, data)
    leaves, treedef = tree_util.flatten(data)
    cut = [_shares(tf.convert_to_tensor(leaf), replicas) if leaf is not None else [None] * replicas
           for leaf in leaves]
    per_replica = [tree_util.unflatten(treedef, [c[i] for c in cut]) for i in range(replicas)]
    values = strategy.experimental_distribute_values_from_function(
        lambda ctx: per_replica[ctx.replica_id_in_sync_group])
    old_metrics = list(state[3])
    def replica_step(state, data):
        with dist.scope():  # replicas run on the strategy's threads: the scope is per thread
            return model.train_step(state, data)

    _, new_state = strategy.run(replica_step, args=(state, values))
    local = strategy.experimental_local_results
    tv, ntv, ov, mv = (list(g) for g in new_state)
    first = [[local(v)[0] for v in group] for group in (tv, ntv, ov)]
    metrics = [old + tf.add_n([r - old for r in local(v)]) for old, v in zip(old_metrics, mv)]
    return model._logs_from(metrics), [*first, metrics]


def reduce_gradients(grads, batch_size, dist):
    """Inside ``strategy.run``: the row-weighted mean of the replicas' gradients (one all-reduce)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return grads
    leaves = list(grads)
    rows = tf.reshape(tf.cast(batch_size, tf.float32), [1])
    flat = tf.concat([tf.reshape(tf.cast(g, tf.float32), [-1]) * rows for g in leaves] + [rows], axis=0)
    flat = ctx.all_reduce(tf.distribute.ReduceOp.SUM, flat)  # one bucket, as DDP does
    total, out, i = flat[-1], [], 0
    for g in leaves:
        n = int(tf.size(g)) if tf.executing_eagerly() else g.shape.num_elements()
        out.append(tf.cast(tf.reshape(flat[i:i + n] / total, tf.shape(g)), g.dtype))
        i += n
    return type(grads)(out) if isinstance(grads, (list, tuple)) else out


def constrain_like(values, storages):
    return values
