"""The dlx plugin hook of the JAX backend. Imports no framework (JAX loads lazily via ``target``)."""

from __future__ import annotations

from dlx.plugins import BackendRecord, hookimpl


@hookimpl
def dlx_backends() -> list[BackendRecord]:
    """Advertises the ``jax`` backend.

    Returns:
        One :class:`~dlx.plugins.BackendRecord`; its ``target`` is imported only on selection.
    """
    return [BackendRecord(
        name="jax", target="dlx_jax.backend:JaxBackend", requires=("jax", "jaxlib"), priority=30,
        description="JAX / XLA backend (jax.jit, jax autodiff, native Threefry random bits)",
        distribution="dlx-jax")]
