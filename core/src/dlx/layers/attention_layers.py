"""Attention over ``[query, value(, key)]`` lists: dot-product (Luong) :class:`Attention` and
additive (Bahdanau) :class:`AdditiveAttention`."""

from __future__ import annotations

from dlx import ops
from dlx.layers.layer import Layer, shapes_to_symbolic
from dlx.random import SeedGenerator


class Attention(Layer):
    """Dot-product attention: ``softmax(scores(query, key)) @ value``.

    Arguments:
        use_scale: learn a scalar ``scale`` multiplying the scores.
        score_mode: ``"dot"`` (``query @ key^T``) or ``"concat"`` (``sum(tanh(query + key))``,
            times a learned ``concat_score_weight``).
        dropout: dropout rate on the attention distribution.
        seed: seed of that dropout.

    Call arguments: ``inputs`` (``[query, value]`` or ``[query, value, key]``), ``mask``
    (``[query_mask, value_mask]``), ``training``, ``return_attention_scores``,
    ``use_causal_mask``.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__} '{self.name}': score_mode={score_mode!r}; expected 'dot' or "
                             "'concat'")
        if not 0 <= dropout <= 1:
            raise ValueError(f"{type(self).__name__} '{self.name}': dropout={dropout!r}; expected a rate in [0, 1]")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if dropout > 0 else None
        self.supports_masking = True

    def _validate(self, inputs, mask=None):
        who = f"{type(self).__name__} '{self.name}'"
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(f"{who}: inputs must be a list [query, value] or [query, value, key]; received "
                             f"{inputs!r}")
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{who}: mask must be a list [query_mask, value_mask(, key_mask)]; received {mask!r}")

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight")

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else scores * self.scale
        s = ops.expand_dims(query, -2) + ops.expand_dims(key, -3)
        if self.scale is not None:
            s = self.scale * s
        return self.concat_score_weight * ops.sum(ops.tanh(s), axis=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._scores(q, k)
        keep = None if v_mask is None else ops.expand_dims(ops.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            t, s = ops.shape(scores)[-2], ops.shape(scores)[-1]
            causal = ops.expand_dims(ops.cast(ops.tril(ops.ones((t, s), "int32")), "bool"), 0)
            keep = causal if keep is None else ops.logical_and(keep, causal)
        if keep is not None:
            big = 65504.0 if ops.dtype(scores) == "float16" else 1e9
            scores = ops.where(keep, scores, scores - big)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = ops.random_dropout(self.seed_generator.next(), weights, self.dropout)
        out = ops.matmul(weights, v)
        if q_mask is not None:
            out = ops.where(ops.expand_dims(ops.cast(q_mask, "bool"), -1), out, ops.zeros_like(out))
        if return_attention_scores:
            return out, weights
        return out

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)) or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape[0])[:-1], input_shape[1][-1])

    def compute_output_spec(self, inputs, mask=None, training=None, return_attention_scores=False,
                            use_causal_mask=False):
        self._validate(inputs)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        out = shapes_to_symbolic((*tuple(q.shape)[:-1], v.shape[-1]), self.compute_dtype)
        if not return_attention_scores:
            return out
        return out, shapes_to_symbolic((*tuple(q.shape)[:-1], k.shape[-2]), self.compute_dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: ``scores = sum(scale * tanh(query + key), axis=-1)`` with a
    learned per-feature ``scale`` (when ``use_scale``); the rest as :class:`Attention`."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate(input_shape)
        dim = input_shape[0][-1]
        if self.use_scale and dim is None:
            raise ValueError(f"AdditiveAttention '{self.name}': the query's last dim must be known; received "
                             f"{tuple(input_shape[0])}")
        self.scale = self.add_weight(shape=(dim,), initializer="glorot_uniform", name="scale") \
            if self.use_scale else None

    def _scores(self, query, key):
        t = ops.tanh(ops.expand_dims(query, -2) + ops.expand_dims(key, -3))
        return ops.sum(t * self.scale if self.scale is not None else t, axis=-1)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["score_mode"]
        return cfg


__all__ = ["AdditiveAttention", "Attention"]
