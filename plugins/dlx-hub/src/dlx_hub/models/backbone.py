"""``Backbone``: a pretrained network without a task head, loadable from presets."""

from __future__ import annotations

import contextlib
import contextvars

import dlx

_WEIGHTS_COMING = contextvars.ContextVar("dlx_hub_weights_coming", default=False)


@contextlib.contextmanager
def weights_coming():
    """Within this block backbones are built with zero-filled variables: their weights are about
    to be assigned from a checkpoint, so drawing random initial values would be wasted work."""
    token = _WEIGHTS_COMING.set(True)
    try:
        yield
    finally:
        _WEIGHTS_COMING.reset(token)


def initializer(name: str):
    """``name``, or ``"zeros"`` while a checkpoint's weights are coming."""
    return "zeros" if _WEIGHTS_COMING.get() else name


class Backbone(dlx.Model):
    """Base class of pretrained backbones (a subclassed :class:`dlx.Model`).

    Subclasses take their architecture hyper-parameters as keyword arguments, create their
    layers in ``__init__`` and build their variables at once (``_build_now``), so a backbone is
    usable -- and its weights assignable -- as soon as it is constructed.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def _build_now(self, sample) -> None:
        # one tiny forward pass creates every variable (layers build on first call)
        self(sample)
        self.built = True

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable,
                "dtype": dlx.dtype_policies.serialize(self.dtype_policy)}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        return cls(**config)

    # -- LoRA -------------------------------------------------------------------------------------
    def default_lora_layer_names(self) -> tuple[str, ...]:
        """The names of the Dense layers :meth:`enable_lora` adapts when no ``target_layer_names`` are
        given: the attention query and value projections.

        Returns:
            A tuple of layer names.
        """
        return ("query_dense", "value_dense", "query", "value")

    def enable_lora(self, rank: int, target_layer_names=None, lora_alpha: float | None = None) -> None:
        """Freezes every weight and adds trainable rank-``rank`` adapters to the Dense layers named
        in ``target_layer_names`` (default: the attention query and value projections)."""
        from dlx_hub.models.lora import LoRADense

        names = tuple(target_layer_names or self.default_lora_layer_names())
        targets = [l for l in self._flatten_layers(include_self=False) if l.name in names]
        bad = [l.name for l in targets if not isinstance(l, LoRADense)]
        if not targets or bad:
            raise ValueError(f"target_layer_names={list(names)!r}: no LoRA-capable Dense layers of that name in "
                             f"{type(self).__name__}" + (f" ({bad} are not Dense)" if bad else ""))
        for layer in self._flatten_layers(include_self=False):
            for v in layer._tracked_variables():
                v.trainable = False
        for layer in targets:
            layer.enable_lora(rank, lora_alpha=lora_alpha)
        self._lora_layers = targets

    def lora_layers(self) -> list:
        """The layers :meth:`enable_lora` gave adapters (empty before it is called).

        Returns:
            A list of layers.
        """
        return list(getattr(self, "_lora_layers", []))

    def save_lora_weights(self, filepath) -> None:
        """Writes the adapters alone (rank, ``lora_kernel_a``/``lora_kernel_b`` by layer index) to
        a ``*.lora.h5`` file."""
        import h5py
        import numpy as np

        from dlx import ops

        if not str(filepath).endswith(".lora.h5"):
            raise ValueError(f"filepath={str(filepath)!r} must end with '.lora.h5'")
        layers_ = self.lora_layers()
        if not layers_:
            raise ValueError("no LoRA adapters to save: call enable_lora() first")
        tmp = str(filepath) + ".tmp"
        with h5py.File(tmp, "w") as f:
            f.attrs["rank"] = layers_[0].lora_rank
            for i, layer in enumerate(layers_):
                g = f.create_group(str(i))
                g.attrs["name"] = layer.name
                g["lora_kernel_a"] = np.asarray(ops.convert_to_numpy(layer.lora_kernel_a))
                g["lora_kernel_b"] = np.asarray(ops.convert_to_numpy(layer.lora_kernel_b))
        import os

        os.replace(tmp, str(filepath))

    def load_lora_weights(self, filepath) -> None:
        """Loads adapters written by :meth:`save_lora_weights` (enables LoRA with the file's rank
        when it is not enabled yet)."""
        import h5py

        with h5py.File(str(filepath), "r") as f:
            rank = int(f.attrs["rank"])
            if not self.lora_layers():
                self.enable_lora(rank, target_layer_names=sorted({f[k].attrs["name"] for k in f}))
            layers_ = self.lora_layers()
            if len(f) != len(layers_) or layers_[0].lora_rank != rank:
                raise ValueError(f"{filepath}: {len(f)} adapters of rank {rank}; the model has {len(layers_)} of rank "
                                 f"{layers_[0].lora_rank}")
            for i, layer in enumerate(layers_):
                layer.lora_kernel_a.assign(f[str(i)]["lora_kernel_a"][()])
                layer.lora_kernel_b.assign(f[str(i)]["lora_kernel_b"][()])

    @property
    def token_embedding(self):
        """The token embedding layer (text backbones)."""
        raise AttributeError(f"{type(self).__name__} has no token embedding")

    # -- presets ------------------------------------------------------------------------------
    @classmethod
    def _presets(cls) -> dict:
        from dlx_hub.presetlib import presets_for

        return presets_for(cls)

    @classmethod
    def from_preset(cls, preset, load_weights: bool = True, **kwargs):
        """A backbone from ``preset``: a registered name (see ``presets``), a local preset or
        Hugging Face folder, a ``.gguf`` file, or ``"hf://org/model[@revision]"``.

        Arguments:
            preset: where to load from.
            load_weights: ``False`` builds the architecture with fresh initial weights.
            **kwargs: override config entries (``dtype=...``).

        Raises:
            ValueError: when the preset holds a model of another class than ``cls``.
        """
        from dlx_hub.presetlib import load_preset

        return load_preset(preset).load_backbone(cls, load_weights=load_weights, **kwargs)

    def save_to_preset(self, preset_dir) -> None:
        """Writes ``config.json``, ``model.weights.h5`` and ``metadata.json`` to ``preset_dir``."""
        from dlx_hub.presetlib import save_backbone

        save_backbone(self, preset_dir)


class _ClassProperty:
    def __init__(self, fn):
        self.fn = fn

    def __get__(self, obj, owner):
        return self.fn(owner)


Backbone.presets = _ClassProperty(lambda cls: cls._presets())
