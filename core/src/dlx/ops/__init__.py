"""``dlx.ops``: every registered op as a public function, plus tensor utilities.

>>> import numpy as np, dlx
>>> with dlx.backend.use("numpy"):
...     dlx.ops.add(np.float32(1.5), 2.0)
np.float32(3.5)

Op functions are generated from the registry (:mod:`dlx.ops.spec`); each has the exact
signature of its spec and dispatches to the active backend with one dict lookup. Symbolic
tensors (:class:`SymbolicTensor`) flow through every op with no backend.
"""

from __future__ import annotations

from dlx.ops import defs as _defs  # noqa: F401  (registers the ops)
from dlx.ops import op_functions as _op_functions
from dlx.ops import symbolic as _symbolic
from dlx.ops.dispatch import make_public as _make_public
from dlx.ops.op_functions import *  # noqa: F403  (the generated public op functions)
from dlx.ops.spec import REGISTRY, SPEC_VERSION, Case, OpSpec, get_spec, op  # noqa: F401  (re-exported)
from dlx.ops.symbolic import SymbolicTensor  # noqa: F401  (re-exported)
from dlx.ops.tensors import convert_to_numpy, convert_to_tensor, dtype, is_tensor, ndim, shape, size  # noqa: F401
from dlx.ops.transforms import jvp  # noqa: F401  (re-exported)

for _name in _op_functions.__all__:
    getattr(_op_functions, _name).spec = REGISTRY[_name]


def __getattr__(name):
    # ops registered after op_functions was generated (a third party's, a test's) are compiled
    # on first use, their source registered with linecache
    spec = REGISTRY.get(name)
    if spec is None:
        raise AttributeError(f"module 'dlx.ops' has no attribute {name!r}")
    fn = globals()[name] = _make_public(spec)
    return fn


def __dir__():
    return sorted(set(globals()) | set(REGISTRY))


_symbolic._install_operators()

__all__ = sorted([*REGISTRY, "REGISTRY", "SPEC_VERSION", "Case", "OpSpec", "SymbolicTensor", "convert_to_numpy",
                  "convert_to_tensor", "dtype", "get_spec", "is_tensor", "jvp", "ndim", "op", "shape", "size"])
