"""Multi-head attention."""

from __future__ import annotations

import math
import string

import numpy as np

from dlx import constraints, initializers, ops, regularizers
from dlx.layers.core import EinsumDense
from dlx.layers.layer import Layer, shapes_to_symbolic
from dlx.layers.regularization import Dropout

_CHARS = string.ascii_lowercase


def _build_proj_equation(free_dims, bound_dims, output_dims):
    inp, kern, out, bias = "", "", "", ""
    off = 0
    for i in range(free_dims):
        c = _CHARS[i + off]
        inp += c
        out += c
    off += free_dims
    for i in range(bound_dims):
        c = _CHARS[i + off]
        inp += c
        kern += c
    off += bound_dims
    for i in range(output_dims):
        c = _CHARS[i + off]
        kern += c
        out += c
        bias += c
    return f"{inp},{kern}->{out}", bias, len(out)


def _build_attention_equation(rank, attn_axes):
    target = _CHARS[:rank]
    batch_dims = tuple(np.delete(range(rank), (*attn_axes, rank - 1)))
    off = rank
    source = ""
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _CHARS[off]
            off += 1
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


def combined_attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask,
                            sliding_window=None):
    """The ``(batch, T, S)`` boolean mask of an attention call: the given ``attention_mask`` and
    the masks implied by the query/value/key masks, causality and a sliding window (``None``
    when nothing masks). Shared by ``MultiHeadAttention`` and ``GroupQueryAttention``."""
    auto = None
    if query_mask is not None:
        auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
    for m in (value_mask, key_mask):
        if m is not None:
            m = ops.expand_dims(ops.cast(m, "bool"), -2)
            auto = m if auto is None else ops.logical_and(auto, m)
    t, s = ops.tensors.shape(query)[1], ops.tensors.shape(value)[1]
    if use_causal_mask:
        causal = ops.expand_dims(ops.cast(ops.tril(ops.ones((t, s), "int32")), "bool"), 0)
        auto = causal if auto is None else ops.logical_and(auto, causal)
    if sliding_window is not None:
        rows = ops.reshape(ops.arange(t, dtype="int32"), (1, t, 1))
        cols = ops.reshape(ops.arange(s, dtype="int32"), (1, 1, s))
        window = ops.less(ops.abs(rows - cols), sliding_window)
        auto = window if auto is None else ops.logical_and(auto, window)
    if auto is not None:
        attention_mask = auto if attention_mask is None else ops.logical_and(ops.cast(attention_mask, "bool"), auto)
    return attention_mask


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al.), with Keras's weights and semantics.

    Arguments:
        num_heads: number of heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default ``key_dim``).
        dropout: dropout rate on the attention probabilities.
        use_bias: biases in the projections.
        output_shape: the output's last dims (default: the query's last dim).
        attention_axes: axes attention runs over (default: all but batch, heads and features).
        kernel_initializer, bias_initializer: initializers of the projections' kernels and biases.
        kernel_regularizer, bias_regularizer: regularizers of the projections' kernels and biases.
        activity_regularizer: a regularizer of the layer's output.
        kernel_constraint, bias_constraint: constraints of the projections' kernels and biases.
        seed: seed of the attention dropout.
        sliding_window: if set, a query attends only to keys less than this many positions away.
        flash_attention: ``True`` insists on the fused path (dropout and returned scores then
            raise). Whatever its value, rank-3 inputs are attended with ``ops.dot_product_attention``
            (the backend's fused kernel) whenever ``dropout`` is 0 and no scores are returned, as
            in Keras; otherwise with explicit scores, a masked softmax and dropout.
        use_gate: multiply the attention output by ``sigmoid(gate(query))`` before the output
            projection.

    Call arguments: ``query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
    attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False``.
    ``attention_mask`` is boolean ``(B, T, S)`` (``True`` = attend).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> query = np.ones((2, 5, 16), "float32")
    >>> value = np.ones((2, 7, 16), "float32")
    >>> mha = layers.MultiHeadAttention(num_heads=4, key_dim=8)
    >>> mha(query, value).shape
    (2, 5, 16)
    >>> out, scores = mha(query, value, return_attention_scores=True)
    >>> scores.shape
    (2, 4, 5, 7)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = f"MultiHeadAttention '{self.name}'"
        if sliding_window is not None and (isinstance(sliding_window, bool) or not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(f"{who}: sliding_window={sliding_window!r}; expected None or a positive int")
        if flash_attention not in (None, True, False):
            raise ValueError(f"{who}: flash_attention={flash_attention!r}; expected None, True or False")
        if flash_attention and dropout > 0:
            raise ValueError(f"{who}: dropout={dropout} is not supported with flash_attention=True; set dropout=0")
        self.sliding_window = sliding_window
        self._flash_attention = bool(flash_attention)
        self.use_gate = bool(use_gate)
        self.supports_masking = True
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = use_bias
        if output_shape is not None and isinstance(output_shape, int):
            output_shape = (output_shape,)
        self._output_shape = None if output_shape is None else tuple(output_shape)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self.key_dim))
        self._dropout_layer = Dropout(rate=self.dropout, seed=seed, name=f"{self.name}_dropout")

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None,
                           activation=activation,
                           kernel_initializer=self.kernel_initializer.clone()
                           if hasattr(self.kernel_initializer, "clone") else self.kernel_initializer,
                           bias_initializer=self.bias_initializer, kernel_regularizer=self.kernel_regularizer,
                           bias_regularizer=self.bias_regularizer, kernel_constraint=self.kernel_constraint,
                           bias_constraint=self.bias_constraint, name=name, dtype=self.dtype_policy)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        query_rank, value_rank, key_rank = len(query_shape), len(value_shape), len(key_shape)
        if query_shape[-1] is None or value_shape[-1] is None or key_shape[-1] is None:
            raise ValueError(f"MultiHeadAttention '{self.name}': the last dims of query/value/key must be known; "
                             f"received {tuple(query_shape)}, {tuple(value_shape)}, {tuple(key_shape)}")
        eq, bias, out_rank = _build_proj_equation(query_rank - 1, 1, 2)
        self._query_dense = self._dense(eq, (*([None] * (out_rank - 3)), self.num_heads, self.key_dim), bias,
                                        "query")
        self._query_dense.build(tuple(query_shape))
        eq, bias, out_rank = _build_proj_equation(key_rank - 1, 1, 2)
        self._key_dense = self._dense(eq, (*([None] * (out_rank - 3)), self.num_heads, self.key_dim), bias, "key")
        self._key_dense.build(tuple(key_shape))
        if self.use_gate:
            eq, bias, out_rank = _build_proj_equation(query_rank - 1, 1, 2)
            self._gate_dense = self._dense(eq, (*([None] * (out_rank - 3)), self.num_heads, self.value_dim), bias,
                                           "gate", activation="sigmoid")
            self._gate_dense.build(tuple(query_shape))
        eq, bias, out_rank = _build_proj_equation(value_rank - 1, 1, 2)
        self._value_dense = self._dense(eq, (*([None] * (out_rank - 3)), self.num_heads, self.value_dim), bias,
                                        "value")
        self._value_dense.build(tuple(value_shape))
        rank = query_rank + 1
        attn_axes = self._attention_axes if self._attention_axes is not None else tuple(range(1, rank - 2))
        self._attn_axes = tuple(a % rank for a in attn_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = _build_attention_equation(
            rank, self._attn_axes)
        self._norm_axes = tuple(range(scores_rank - len(self._attn_axes), scores_rank))
        out_dims = self._output_shape or (query_shape[-1],)
        eq, bias, out_rank = _build_proj_equation(query_rank - 1, 2, len(out_dims))
        self._output_dense = self._dense(eq, (*([None] * (query_rank - 2)), *out_dims), bias, "attention_output")
        self._output_dense.build((*tuple(query_shape)[:-1], self.num_heads, self.value_dim))

    # the projections under their public Keras names (Keras's weight files use these paths)
    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    def _masked_softmax(self, scores, mask):
        if mask is not None:
            big = -1e9 if ops.dtype(scores) != "float16" else -3e4
            expand = len(ops.tensors.shape(scores)) - len(ops.tensors.shape(mask))
            axis = -len(self._attn_axes) * 2 - 1
            for _ in range(expand):
                mask = ops.expand_dims(mask, axis)
            scores = ops.where(ops.cast(mask, "bool"), scores, ops.full_like(scores, big))
        if len(self._norm_axes) == 1:
            return ops.softmax(scores, axis=self._norm_axes[0])
        return ops.exp(scores - ops.logsumexp(scores, axis=self._norm_axes, keepdims=True))

    def _compute_attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask,
                                use_causal_mask):
        return combined_attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                       use_causal_mask, self.sliding_window)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False, mask=None):
        if key is None:
            key = value
        if query_mask is None and mask is not None:
            query_mask = mask
        if self._flash_attention and return_attention_scores:
            raise ValueError(f"MultiHeadAttention '{self.name}': return_attention_scores=True is not supported "
                             "with flash_attention=True")
        attention_mask = self._compute_attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                                      use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        # as Keras: the backend's fused attention whenever nothing needs the scores themselves (no
        # dropout on them, none returned) and the heads are rank-4 (one attention axis)
        if not (self.dropout > 0 or return_attention_scores) and len(ops.tensors.shape(q)) == 4:
            mask = None if attention_mask is None else ops.expand_dims(ops.cast(attention_mask, "bool"), 1)
            out = ops.dot_product_attention(q, k, v, mask=mask, scale=self._inverse_sqrt_key_dim)
            scores = None
        else:
            q = q * ops.cast(self._inverse_sqrt_key_dim, ops.dtype(q))
            scores = ops.einsum(self._dot_product_equation, k, q)
            scores = self._masked_softmax(scores, attention_mask)
            dropped = self._dropout_layer(scores, training=training) if self.dropout else scores
            out = ops.einsum(self._combine_equation, dropped, v)
        if gate is not None:
            out = out * gate
        out = self._output_dense(out)
        if return_attention_scores:
            return out, scores
        return out

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        out_dims = self._output_shape or (query_shape[-1],)
        return (*tuple(query_shape)[:-1], *out_dims)

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        out = shapes_to_symbolic(self.compute_output_shape(query.shape, value.shape), self.compute_dtype)
        if not return_attention_scores:
            return out
        b, t, s = query.shape[0], query.shape[1], value.shape[1]
        if len(query.shape) != 3:
            raise ValueError(f"MultiHeadAttention '{self.name}': symbolic return_attention_scores is supported for "
                             "rank-3 inputs")
        return out, shapes_to_symbolic((b, self.num_heads, t, s), self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask

    def get_config(self) -> dict:
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "output_shape": self._output_shape,
                "attention_axes": self._attention_axes, "sliding_window": self.sliding_window,
                "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint), "seed": self.seed}


__all__ = ["MultiHeadAttention"]
