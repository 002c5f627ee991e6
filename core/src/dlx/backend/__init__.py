"""Backends: the contract, discovery and selection.

>>> import dlx
>>> with dlx.backend.use("numpy") as b:
...     b.name
'numpy'
"""

from dlx.backend.contract import Backend, BackendError, Capabilities, build_op_table
from dlx.backend.registry import current, get, records, use


def name() -> str:
    """The name of the backend ops dispatch to in this thread."""
    return current().name


__all__ = ["Backend", "BackendError", "Capabilities", "build_op_table", "current", "get", "name",
           "records", "use"]
