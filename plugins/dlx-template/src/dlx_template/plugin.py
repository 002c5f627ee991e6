"""The plugin hook: advertises the backend without importing it."""

from __future__ import annotations

from dlx.plugins import BackendRecord, hookimpl


@hookimpl
def dlx_backends() -> list[BackendRecord]:
    """Advertises the ``template`` backend; its class is imported only when selected."""
    return [BackendRecord(
        name="template", target="dlx_template.backend:TemplateBackend", requires=("numpy",),
        priority=-5, auto_select=False, distribution="dlx-template",
        description="template backend: NumPy arrays, ten native kernels, the rest by fallback")]
