"""Makes every dlx layer built on the torch backend a ``torch.nn.Module``.

dlx layers keep their own attribute tracking (sub-layers and variables live in ``__dict__``);
torch's view of them -- ``_parameters``, ``_buffers`` and ``_modules`` -- is *computed* from that
tracking on every access, so the two can never disagree. Variables on this backend are stored as
``torch.nn.Parameter`` s (see :meth:`TorchBackend.create_variable`), so ``module.parameters()``
hands torch optimizers the very tensors dlx reads, and ``state_dict`` / ``load_state_dict``
copy in place.
"""

from __future__ import annotations

from collections import OrderedDict

import torch


def _key(name: str, taken: set) -> str:
    base = str(name).replace(".", "_") or "variable"
    key, i = base, 1
    while key in taken:
        key = f"{base}_{i}"
        i += 1
    taken.add(key)
    return key


class TorchModuleMixin(torch.nn.Module):
    """Mixed into dlx layer classes on the torch backend (after the dlx class in the MRO)."""

    @staticmethod
    def dlx_initialize(obj) -> None:
        """Sets up torch's per-module bookkeeping on a freshly created layer."""
        torch.nn.Module.__init__(obj)

    def _own_storages(self):
        for v in (*self.__dict__.get("_trainable_variables", ()), *self.__dict__.get("_non_trainable_variables", ())):
            if getattr(v, "_deferred", None) is not None:
                # built before any op selected the backend: torch's view (``parameters()`` for a
                # torch optimizer) needs the real tensors, so they are created now, on torch
                v.materialize("torch")
            s = getattr(v, "_storage", None)
            if isinstance(s, torch.Tensor):
                yield v.name, s

    @property
    def _parameters(self):
        taken: set = set()
        return OrderedDict((_key(n, taken), s) for n, s in self._own_storages()
                           if isinstance(s, torch.nn.Parameter))

    @_parameters.setter
    def _parameters(self, value):  # torch.nn.Module.__init__ assigns an empty dict: the view is computed
        pass

    @property
    def _buffers(self):
        taken = set(self._parameters)
        return OrderedDict((_key(n, taken), s) for n, s in self._own_storages()
                           if not isinstance(s, torch.nn.Parameter))

    @_buffers.setter
    def _buffers(self, value):
        pass

    @property
    def _modules(self):
        if "_trainable_variables" not in self.__dict__:
            return OrderedDict()
        # structural names (snake_case class name, de-duplicated per parent, as in Keras's weight
        # files), not the globally unique layer names: two instances of one architecture then
        # have the same state_dict keys
        from dlx.utils.naming import to_snake_case

        taken: set = set()
        return OrderedDict((_key(to_snake_case(type(layer).__name__), taken), layer) for layer in self._layers
                           if isinstance(layer, torch.nn.Module))

    @_modules.setter
    def _modules(self, value):
        pass

    def forward(self, *args, **kwargs):
        """Runs the layer (``layer(*args, **kwargs)``)."""
        return self.__call__(*args, **kwargs)
