"""dlx-hub: pretrained models for dlx, in KerasHub's shape.

>>> import dlx_hub as keras_hub                                   # doctest: +SKIP
>>> embedder = keras_hub.models.TextEmbedder.from_preset("all_minilm_l6_v2_en")  # doctest: +SKIP
>>> embedder.predict(["This is an example sentence"]).shape        # doctest: +SKIP
(1, 384)

Submodules load on first use: ``models``, ``tokenizers``, ``samplers``, ``presetlib``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {"models", "tokenizers", "samplers", "presetlib", "gguf_format"}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"dlx_hub.{name}")
    raise AttributeError(f"module 'dlx_hub' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBMODULES])


def presets() -> dict:
    """Every usable registered preset (from any plugin's ``dlx_presets`` hook), by name.

    Returns:
        A dict of preset name to :class:`dlx.plugins.PresetRecord` (only presets whose required
        modules are installed).
    """
    from dlx_hub.presetlib import presets_for

    return presets_for(None)
