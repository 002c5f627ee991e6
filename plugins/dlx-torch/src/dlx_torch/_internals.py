"""Every private PyTorch API the plugin uses, in one place.

Each one is used only on the torch versions it was written and tested for (:data:`WRITTEN_FOR`);
on any other version, or when the environment sets ``DLX_TORCH_PRIVATE_API=0``, the plugin takes
the public-API fallback next to it. The fallbacks give the same results; where torch has no
public equivalent they take the path that is correct in every context (the slower one):
``tests/test_internals.py`` runs the plugin both ways.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any

import torch

#: (major, minor) torch versions whose private APIs below were read and tested
WRITTEN_FOR = ((2, 13),)


def _version() -> tuple[int, int]:
    major, minor = torch.__version__.split("+")[0].split(".")[:2]
    return int(major), int(minor)


#: whether the private APIs are used (the version is one of :data:`WRITTEN_FOR` and the user did
#: not opt out)
PRIVATE = _version() in WRITTEN_FOR and os.environ.get("DLX_TORCH_PRIVATE_API", "1") != "0"

_C: Any = torch._C if PRIVATE else None

# ------------------------------------------------------------------------------ functorch level
if PRIVATE:
    _level = _C._functorch.maybe_current_level

    def in_functorch_transform() -> bool:
        """Whether a ``torch.func`` transform (grad, vmap, ...) is active in this thread
        (``torch._C._functorch.maybe_current_level``)."""
        return _level() is not None
else:
    def in_functorch_transform() -> bool:
        """Public fallback: torch has no public query, so assume a transform may be active:
        callers then take the path that is also correct inside one (``torch.func`` autodiff,
        eager calls instead of replays)."""
        return True

# ------------------------------------------------------------------------------ function modes
if PRIVATE:
    #: number of torch function modes on this thread's stack (``_len_torch_function_stack``)
    function_mode_count: Callable[[], int] = _C._len_torch_function_stack
    #: the ``i``-th torch function mode (``_get_function_stack_at``)
    function_mode_at: Callable[[int], Any] = _C._get_function_stack_at
else:
    def function_mode_count() -> int:
        """Public fallback: one pseudo-mode, the default device (what ``torch.set_default_device``
        and ``with torch.device(...)``, the function modes dlx code meets, change)."""
        return 1

    def function_mode_at(i: int) -> Any:
        return torch.get_default_device()


# ------------------------------------------------------------------------------ dispatch guards
def no_functorch_dispatch() -> contextlib.AbstractContextManager:
    """A context that skips the functorch layer for ops that never carry gradients
    (``torch._C._DisableFuncTorch``); public fallback: nothing (the ops then go through the
    transform, a little slower)."""
    if PRIVATE and not torch.compiler.is_compiling():
        return _C._DisableFuncTorch()
    return contextlib.nullcontext()


#: sets grad mode now (``torch._C._set_grad_enabled``; public: ``torch.set_grad_enabled`` as a call)
set_grad_enabled: Callable[[bool], Any] = _C._set_grad_enabled if PRIVATE else torch.set_grad_enabled

# ------------------------------------------------------------------------------ fused recurrences
#: the whole-sequence LSTM / GRU kernels behind ``nn.LSTM`` / ``nn.GRU`` (``torch.lstm``,
#: ``torch.gru``: in the torch namespace but undocumented); public fallback: ``None`` (the RNN
#: layers then run their generic loop)
fused_lstm: Callable | None = torch.lstm if PRIVATE else None
fused_gru: Callable | None = torch.gru if PRIVATE else None

__all__ = [
    "PRIVATE",
    "WRITTEN_FOR",
    "function_mode_at",
    "function_mode_count",
    "fused_gru",
    "fused_lstm",
    "in_functorch_transform",
    "no_functorch_dispatch",
    "set_grad_enabled",
]
