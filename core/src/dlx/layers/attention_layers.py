"""Attention over ``[query, value(, key)]`` lists: dot-product (Luong) :class:`Attention` and
additive (Bahdanau) :class:`AdditiveAttention`; grouped-query attention
(:class:`GroupQueryAttention`)."""

from __future__ import annotations

import math

from dlx import constraints, initializers, ops, regularizers
from dlx.layers.activation_layers import Softmax
from dlx.layers.attention import combined_attention_mask
from dlx.layers.core import EinsumDense
from dlx.layers.layer import Layer, shapes_to_symbolic
from dlx.layers.regularization import Dropout
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

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> query = np.ones((2, 4, 8), "float32")
    >>> value = np.ones((2, 6, 8), "float32")
    >>> layers.Attention()([query, value]).shape
    (2, 4, 8)
    >>> out, scores = layers.Attention()([query, value], return_attention_scores=True)
    >>> scores.shape
    (2, 4, 6)
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
            t, s = ops.tensors.shape(scores)[-2], ops.tensors.shape(scores)[-1]
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
    learned per-feature ``scale`` (when ``use_scale``); the rest as :class:`Attention`.

    Arguments:
        use_scale: learn the per-feature ``scale`` (else the ``tanh`` terms are summed as they are).
        dropout: the dropout rate on the attention distribution, in ``[0, 1]``.
        **kwargs: further :class:`Attention` arguments (``seed``) and base :class:`Layer` ones.

    Raises:
        ValueError: when ``dropout`` is outside ``[0, 1]``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> query = np.ones((2, 4, 8), "float32")
    >>> value = np.ones((2, 6, 8), "float32")
    >>> layers.AdditiveAttention()([query, value]).shape
    (2, 4, 8)
    """

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


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


class GroupQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023): ``num_query_heads`` query heads share
    ``num_key_value_heads`` key/value heads (``num_query_heads / num_key_value_heads`` each).

    Arguments:
        head_dim: size of every head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key and value heads (divides ``num_query_heads``).
        dropout: dropout rate on the attention probabilities.
        use_bias: biases in the projections.
        sliding_window: if set, a query attends only to keys less than this many positions away.
        flash_attention: ``True`` insists on the fused path (dropout and returned scores then
            raise). Whatever its value, the attention runs through ``ops.dot_product_attention``
            (the backend's fused kernel) whenever ``dropout`` is 0 and no scores are returned, as
            in Keras; otherwise with explicit scores, a masked softmax and dropout.
        kernel_initializer, bias_initializer: initializers of the projections' kernels and biases.
        kernel_regularizer, bias_regularizer: regularizers of the projections' kernels and biases.
        activity_regularizer: a regularizer of the layer's output.
        kernel_constraint, bias_constraint: constraints of the projections' kernels and biases.
        use_gate: multiply the attention output by ``sigmoid(gate(query))`` before the output
            projection.
        seed: seed of the attention dropout.

    Call arguments: as :class:`MultiHeadAttention`.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> query = np.ones((2, 5, 16), "float32")
    >>> value = np.ones((2, 7, 16), "float32")
    >>> layer = layers.GroupQueryAttention(head_dim=8, num_query_heads=4, num_key_value_heads=2)
    >>> layer(query, value).shape
    (2, 5, 16)
    """

    _keras_state_name = "grouped_query_attention"  # Keras's class is GroupedQueryAttention

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        if kwargs.get("name") is None:  # Keras's default name (its class is GroupedQueryAttention)
            from dlx.utils import naming

            kwargs["name"] = naming.auto_name("grouped_query_attention")
        # as in Keras, the activity regularizer applies to every projection and to the output
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = f"GroupQueryAttention '{self.name}'"
        self.supports_masking = True
        self.head_dim = int(head_dim)
        self.num_query_heads = int(num_query_heads)
        self.num_key_value_heads = int(num_key_value_heads)
        if self.num_key_value_heads < 1 or self.num_query_heads % self.num_key_value_heads:
            raise ValueError(f"{who}: num_query_heads={num_query_heads} must be a multiple of "
                             f"num_key_value_heads={num_key_value_heads}")
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (isinstance(sliding_window, bool) or not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(f"{who}: sliding_window={sliding_window!r}; expected None or a positive int")
        self.sliding_window = sliding_window
        if flash_attention not in (None, True, False):
            raise ValueError(f"{who}: flash_attention={flash_attention!r}; expected None, True or False")
        self._flash_attention = bool(flash_attention)
        if self._flash_attention and dropout > 0:
            raise ValueError(f"{who}: dropout={dropout} is not supported with flash_attention=True; set dropout=0")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._dropout_layer = Dropout(rate=dropout, seed=seed, name=f"{self.name}_dropout")

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        clone = getattr(self.kernel_initializer, "clone", None)
        return EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None,
                           activation=activation,
                           kernel_initializer=clone() if clone else self.kernel_initializer,
                           bias_initializer=self.bias_initializer, kernel_regularizer=self.kernel_regularizer,
                           bias_regularizer=self.bias_regularizer, activity_regularizer=self.activity_regularizer,
                           kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint, name=name,
                           dtype=self.dtype_policy)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        self._query_dense = self._dense("bqm,muh->bquh", (None, self.num_query_heads, self.head_dim), "uh", "query")
        self._query_dense.build(tuple(query_shape))
        self._key_dense = self._dense("bkm,mvh->bkvh", (None, self.num_key_value_heads, self.head_dim), "vh", "key")
        self._key_dense.build(tuple(key_shape))
        if self.use_gate:
            self._gate_dense = self._dense("bqm,muh->bquh", (None, self.num_query_heads, self.head_dim), "uh",
                                           "gate", activation="sigmoid")
            self._gate_dense.build(tuple(query_shape))
        self._value_dense = self._dense("bkm,mvh->bkvh", (None, self.num_key_value_heads, self.head_dim), "vh",
                                        "value")
        self._value_dense.build(tuple(value_shape))
        self._output_dense = self._dense("bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output")
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False, mask=None):
        if key is None:
            key = value
        if query_mask is None and mask is not None:
            query_mask = mask
        if self._flash_attention and return_attention_scores:
            raise ValueError(f"GroupQueryAttention '{self.name}': return_attention_scores=True is not supported "
                             "with flash_attention=True")
        attention_mask = combined_attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                                 use_causal_mask, self.sliding_window)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        scores = None
        if attention_mask is not None:
            attention_mask = ops.expand_dims(ops.cast(attention_mask, "bool"), 1)  # (B, 1, T, S)
        if not (self.dropout > 0 or return_attention_scores):  # as Keras: fused unless the scores are needed
            out = ops.dot_product_attention(q, k, v, mask=attention_mask, scale=self._inverse_sqrt_head_dim)
        else:
            q = q * ops.cast(self._inverse_sqrt_head_dim, ops.dtype(q))
            logits = ops.einsum("bquh,bkuh->buqk", q, k)
            scores = self._softmax(logits, mask=attention_mask)
            dropped = self._dropout_layer(scores, training=training) if self.dropout else scores
            out = ops.einsum("buqk,bkuh->bquh", dropped, v)
        if gate is not None:
            out = out * gate
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(f"GroupQueryAttention '{self.name}': the last dims of query and value must be equal; "
                             f"received {tuple(query_shape)} and {tuple(value_shape)}")
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        out = shapes_to_symbolic(self.compute_output_shape(query.shape, value.shape), self.compute_dtype)
        if not return_attention_scores:
            return out
        s = (value if key is None else key).shape[1]
        return out, shapes_to_symbolic((query.shape[0], self.num_query_heads, query.shape[1], s), self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask

    def get_config(self) -> dict:
        return {**super().get_config(), "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "sliding_window": self.sliding_window, "dropout": self.dropout,
                "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "activity_regularizer": _ser(regularizers, self.activity_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint), "seed": self.seed}


__all__ = ["AdditiveAttention", "Attention", "GroupQueryAttention"]
