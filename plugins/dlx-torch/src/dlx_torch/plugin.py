"""The dlx plugin hook of dlx-torch (imports no framework)."""

from __future__ import annotations

from dlx.plugins import BackendRecord, hookimpl


@hookimpl
def dlx_backends() -> list[BackendRecord]:
    """Returns the ``torch`` backend record (the class is imported only on selection)."""
    return [BackendRecord(name="torch", target="dlx_torch.backend:TorchBackend", aliases=("pytorch",),
                          requires=("torch",), priority=10, distribution="dlx-torch",
                          layer_mixin="dlx_torch.module:TorchModuleMixin",
                          description="PyTorch eager kernels; torch.func autodiff; torch.compile")]
