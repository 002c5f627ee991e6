"""A torch backend whose data-parallel all-reduce drops a shard: the conformance suite's
distribution tier must fail it (``test_distribution_tier.py``)."""

from dlx.plugins import BackendRecord, hookimpl


@hookimpl
def dlx_backends():
    return [BackendRecord(name="brokendist", target="broken_dist.backend:BrokenDistBackend", requires=("torch",),
                          priority=-10, auto_select=False, layer_mixin="dlx_torch.module:TorchModuleMixin")]
