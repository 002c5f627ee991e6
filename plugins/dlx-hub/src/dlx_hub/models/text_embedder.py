"""``TextEmbedder``: sentence embeddings (masked mean pooling, optional L2 normalisation)."""

from __future__ import annotations

import numpy as np

import dlx
from dlx import ops
from dlx_hub.models.bert import BertBackbone, BertTextEmbedderPreprocessor
from dlx_hub.models.task import Task


@dlx.saving.register_serializable("dlx_hub")
class TextEmbedder(Task):
    """Embeds text: backbone ``sequence_output`` -> mean over real tokens (the padding mask
    excludes padding) -> L2-normalised (``normalize=True``), as sentence-transformers does.

    ``embedder(inputs)`` takes preprocessed inputs; ``embedder.predict(texts)`` and
    ``embedder.embed(texts)`` take strings and return a NumPy ``(n, hidden_dim)`` array (through
    the compiled prediction function, as ``predict_on_batch``).

    Arguments:
        backbone: the encoder.
        preprocessor: turns strings into backbone inputs.
        pooling: ``"mean"`` (masked), ``"cls"`` or ``"max"`` (masked).
        normalize: L2-normalise the pooled vector.
    """

    def __init__(self, backbone=None, preprocessor=None, pooling: str = "mean", normalize: bool = True, **kwargs):
        super().__init__(backbone=backbone, preprocessor=preprocessor, **kwargs)
        if pooling not in ("mean", "cls", "max"):
            raise ValueError(f"pooling must be 'mean', 'cls' or 'max'; got {pooling!r}")
        self.pooling, self.normalize = pooling, bool(normalize)

    def call(self, inputs, training=False):
        x = self.backbone(inputs, training=training)["sequence_output"]
        mask = inputs.get("padding_mask")
        if mask is None:
            mask = ops.ones(ops.tensors.shape(x)[:2], "float32")
        m = ops.expand_dims(ops.cast(mask, x.dtype if hasattr(x, "dtype") else "float32"), -1)
        if self.pooling == "mean":
            pooled = ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1e-9)
        elif self.pooling == "max":
            pooled = ops.max(ops.where(m > 0, x, -1e9), axis=1)
        else:
            pooled = x[:, 0, :]
        if self.normalize:
            norm = ops.sqrt(ops.sum(pooled * pooled, axis=-1, keepdims=True))
            pooled = pooled / ops.maximum(norm, 1e-12)
        return pooled

    def embed(self, texts, batch_size: int = 32) -> np.ndarray:
        """Embeddings of ``texts`` (a string or a list of strings) as a float32 NumPy array."""
        if self.preprocessor is None:
            raise ValueError("this TextEmbedder has no preprocessor; pass preprocessed inputs to the model instead")
        single = isinstance(texts, str)
        texts = [texts] if single else list(texts)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
        out = []
        for start in range(0, len(texts), batch_size):
            # the compiled prediction function: jitted on jax/tf, replayed without autograd on torch
            out.append(self.predict_on_batch(self.preprocessor(texts[start:start + batch_size])))
        res = np.concatenate(out, axis=0) if out else np.zeros((0, self.backbone.hidden_dim), "float32")
        return res[0] if single else res

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        if isinstance(x, str) or (isinstance(x, (list, tuple)) and x and isinstance(x[0], str)):
            if steps is not None or callbacks:
                raise ValueError("predict() on raw strings takes no steps/callbacks; preprocess the inputs to use them")
            return self.embed(x, batch_size=batch_size or 32)
        return super().predict(x, batch_size=batch_size, verbose=verbose, steps=steps, callbacks=callbacks)

    def get_config(self) -> dict:
        return {**super().get_config(), "pooling": self.pooling, "normalize": self.normalize}


@dlx.saving.register_serializable("dlx_hub")
class BertTextEmbedder(TextEmbedder):
    """A :class:`TextEmbedder` on a :class:`BertBackbone` (all-MiniLM-L6-v2 and kin).

    Arguments:
        backbone: the :class:`BertBackbone` (its ``sequence_output`` is pooled).
        preprocessor: a :class:`BertTextEmbedderPreprocessor` for string inputs (``embed``,
            ``predict`` on strings), or ``None``.
        pooling: ``"mean"`` (over real tokens), ``"cls"`` (the first token) or ``"max"`` (over real
            tokens).
        normalize: L2-normalise the pooled vector.
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is missing or for another ``pooling``.
        TypeError: when ``backbone`` is not a :class:`BertBackbone`.
    """

    backbone_cls = BertBackbone
    preprocessor_cls = BertTextEmbedderPreprocessor
