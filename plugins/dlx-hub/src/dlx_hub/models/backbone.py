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
