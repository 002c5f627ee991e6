"""dlx_torch's engine, except that the last process's gradients never reach the all-reduce (the
global mean then misses one shard of every batch)."""

from dlx_torch import distribution as _torch
from dlx_torch.distribution import *  # noqa: F403  (every other hook, unchanged)
from dlx_torch.distribution import REDUCES_IN_STEP  # noqa: F401

_reduce = _torch._all_reduce_step


def _dropping_all_reduce_step(rows, num_grads, aggregations, replicas, first, *tensors, **kwargs):
    if _torch.tdist.get_rank() == _torch.tdist.get_world_size() - 1:
        tensors = (*[_torch.torch.zeros_like(g) for g in tensors[:num_grads]], *tensors[num_grads:])
    return _reduce(rows, num_grads, aggregations, replicas, first, *tensors, **kwargs)


_torch._all_reduce_step = _dropping_all_reduce_step
