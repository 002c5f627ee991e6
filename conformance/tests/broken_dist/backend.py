from dlx_torch.backend import TorchBackend


class BrokenDistBackend(TorchBackend):
    """The torch backend; its distribution engine is :mod:`broken_dist.distribution`."""

    name = "brokendist"
    xfail_file = None
