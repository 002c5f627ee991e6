"""``dlx.distribution``: data and model parallelism on the frameworks' own distributed engines
(Keras 3's ``keras.distribution`` API).

* jax: ``jax.sharding.NamedSharding`` over a ``Mesh`` for variables, optimizer state and batches
  (the compiled step is partitioned by XLA); ``jax.distributed`` for several processes.
* torch: one process per mesh device over ``torch.distributed`` (gloo on CPU, NCCL on GPU):
  ``DataParallel`` trains each process on its share of every batch and all-reduces the
  gradients; ``ModelParallel`` stores the variables its ``LayoutMap`` splits as DTensor shards
  (FSDP-style: whole values are gathered for each step).
* tf: ``tf.distribute`` where it applies (see the plugin's ``distribution`` module).
* numpy / openvino: no engine; using a distribution raises an error naming the backends that can.

>>> import dlx
>>> mesh = dlx.distribution.DeviceMesh((1,), ["batch"], devices=["cpu:0"])
>>> dlx.distribution.TensorLayout(["batch", None], mesh).axes
('batch', None)
"""

from __future__ import annotations

from dlx.distribution.engine import (
    DistributionUnsupportedError,
    distribute_tensor,
    get_device_count,
    initialize,
    list_devices,
)
from dlx.distribution.meshlib import DeviceMesh, LayoutMap, TensorLayout
from dlx.distribution.strategies import DataParallel, Distribution, ModelParallel, distribution, set_distribution

__all__ = ["DataParallel", "DeviceMesh", "Distribution", "DistributionUnsupportedError", "LayoutMap",
           "ModelParallel", "TensorLayout", "distribute_tensor", "distribution", "get_device_count", "initialize",
           "list_devices", "set_distribution"]
