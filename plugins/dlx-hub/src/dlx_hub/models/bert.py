"""BERT family (BERT, MiniLM, sentence-transformers encoders)."""

from __future__ import annotations

import contextlib

import numpy as np

import dlx
from dlx import layers, ops
from dlx_hub.models import attention
from dlx_hub.models.backbone import Backbone, initializer
from dlx_hub.models.lora import LoRADense
from dlx_hub.models.preprocessor import Preprocessor
from dlx_hub.tokenizers import WordPieceTokenizer


def _dense(units, **kwargs):
    return LoRADense(units, kernel_initializer=initializer("glorot_uniform"), **kwargs)


def _embedding(input_dim, output_dim, **kwargs):
    return layers.Embedding(input_dim, output_dim, embeddings_initializer=initializer("uniform"), **kwargs)


@dlx.saving.register_serializable("dlx_hub")
class BertTokenizer(WordPieceTokenizer):
    """BERT's WordPiece tokenizer with ``[CLS]``, ``[SEP]``, ``[PAD]``, ``[MASK]``, ``[UNK]``.

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or the path of a ``tokenizer.json``.
        special_tokens: the special tokens by attribute name (``None``: ``cls_token`` ``"[CLS]"``,
            ``sep_token`` ``"[SEP]"``, ``pad_token`` ``"[PAD]"``, ``mask_token`` ``"[MASK]"``,
            ``unk_token`` ``"[UNK]"``); each must be in the vocabulary.
        **kwargs: the other :class:`~dlx_hub.tokenizers.Tokenizer` arguments (``sequence_length``,
            ``chat_template``, ``dtype``, ``name``).
    """

    DEFAULT_SPECIALS = {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "mask_token": "[MASK]",
                        "unk_token": "[UNK]"}

    def __init__(self, tokenizer=None, special_tokens=None, **kwargs):
        super().__init__(tokenizer=tokenizer, special_tokens=special_tokens or self.DEFAULT_SPECIALS, **kwargs)

    @property
    def start_token_id(self):
        return self.cls_token_id

    @property
    def end_token_id(self):
        return self.sep_token_id


class _BertLayer(layers.Layer):
    def __init__(self, num_heads, hidden_dim, intermediate_dim, epsilon, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.head_dim = num_heads, hidden_dim // num_heads
        self.query_dense = _dense(hidden_dim, name="query_dense")
        self.key_dense = _dense(hidden_dim, name="key_dense")
        self.value_dense = _dense(hidden_dim, name="value_dense")
        self.output_dense = _dense(hidden_dim, name="output_dense")
        self.attention_layer_norm = layers.LayerNormalization(epsilon=epsilon, name="attention_layer_norm")
        self.intermediate_dense = _dense(intermediate_dim, name="intermediate_dense")
        self.feedforward_output_dense = _dense(hidden_dim, name="feedforward_output_dense")
        self.feedforward_layer_norm = layers.LayerNormalization(epsilon=epsilon, name="feedforward_layer_norm")
        self.dropout_layer = layers.Dropout(dropout, name="dropout")

    def call(self, x, bias, training=False):
        h, d = self.num_heads, self.head_dim
        q = attention.split_heads(self.query_dense(x), h, d)
        k = attention.split_heads(self.key_dense(x), h, d)
        v = attention.split_heads(self.value_dense(x), h, d)
        a = self.output_dense(attention.merge_heads(attention.attend(q, k, v, bias)))
        x = self.attention_layer_norm(x + self.dropout_layer(a, training=training))
        f = self.feedforward_output_dense(ops.gelu(self.intermediate_dense(x), approximate=False))
        return self.feedforward_layer_norm(x + self.dropout_layer(f, training=training))


@dlx.saving.register_serializable("dlx_hub")
class BertBackbone(Backbone):
    """A BERT encoder: token + position + segment embeddings, post-LayerNorm transformer layers,
    and a tanh pooler over ``[CLS]``.

    Inputs: a dict with ``token_ids`` and ``padding_mask`` (``(batch, seq)``; 1 for real tokens),
    optionally ``segment_ids``. Outputs: ``{"sequence_output": (batch, seq, hidden_dim),
    "pooled_output": (batch, hidden_dim)}``. Padded positions never influence real ones.

    Arguments:
        vocabulary_size: the number of token ids.
        num_layers: the number of transformer layers.
        num_heads: the attention heads of each layer (they split ``hidden_dim``).
        hidden_dim: the width of the embeddings and of every layer's output.
        intermediate_dim: the width of each layer's feedforward (GELU) part.
        dropout: the dropout rate after the embeddings, the attention and the feedforward parts.
        max_sequence_length: the number of learned positions; longer inputs raise ``ValueError``.
        num_segments: the number of segment ids (the segment embedding's size).
        layer_norm_epsilon: the epsilon of every layer normalization.
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``hidden_dim`` is not divisible by ``num_heads``.
    """

    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, dropout=0.1,
                 max_sequence_length=512, num_segments=2, layer_norm_epsilon=1e-12, **kwargs):
        super().__init__(**kwargs)
        if hidden_dim % num_heads:
            raise ValueError(f"hidden_dim={hidden_dim} must be divisible by num_heads={num_heads}")
        self.vocabulary_size, self.num_layers, self.num_heads = int(vocabulary_size), int(num_layers), int(num_heads)
        self.hidden_dim, self.intermediate_dim = int(hidden_dim), int(intermediate_dim)
        self.dropout, self.max_sequence_length = float(dropout), int(max_sequence_length)
        self.num_segments, self.layer_norm_epsilon = int(num_segments), float(layer_norm_epsilon)
        self.token_embedding_layer = _embedding(vocabulary_size, hidden_dim, name="token_embedding")
        self.position_embedding = _embedding(max_sequence_length, hidden_dim, name="position_embedding")
        self.segment_embedding = _embedding(num_segments, hidden_dim, name="segment_embedding")
        self.embeddings_layer_norm = layers.LayerNormalization(epsilon=layer_norm_epsilon,
                                                               name="embeddings_layer_norm")
        self.embeddings_dropout = layers.Dropout(dropout, name="embeddings_dropout")
        self.transformer_layers = [
            _BertLayer(num_heads, hidden_dim, intermediate_dim, layer_norm_epsilon, dropout,
                       name=f"transformer_layer_{i}") for i in range(num_layers)]
        self.pooled_dense = _dense(hidden_dim, activation="tanh", name="pooled_dense")
        self._build_now({"token_ids": np.zeros((1, 1), "int32"), "padding_mask": np.ones((1, 1), "int32")})

    @property
    def token_embedding(self):
        return self.token_embedding_layer

    def call(self, inputs, training=False):
        if not isinstance(inputs, dict) or "token_ids" not in inputs:
            raise ValueError("BertBackbone takes a dict with 'token_ids' and 'padding_mask' (and optionally "
                             f"'segment_ids'); got {type(inputs).__name__}")
        token_ids = inputs["token_ids"]
        b, s = ops.tensors.shape(token_ids)
        if s > self.max_sequence_length:
            raise ValueError(f"sequence length {s} exceeds max_sequence_length={self.max_sequence_length}")
        mask = inputs.get("padding_mask")
        mask = np.ones((b, s), "int32") if mask is None else mask
        segments = inputs.get("segment_ids")
        segments = np.zeros((b, s), "int32") if segments is None else segments
        x = (self.token_embedding_layer(token_ids) + self.segment_embedding(segments)
             + self.position_embedding(np.arange(s, dtype="int32")[None, :]))
        x = self.embeddings_dropout(self.embeddings_layer_norm(x), training=training)
        bias = attention.padding_bias(mask)
        for layer in self.transformer_layers:
            x = layer(x, bias, training=training)
        return {"sequence_output": x, "pooled_output": self.pooled_dense(x[:, 0, :])}

    def get_config(self) -> dict:
        return {**super().get_config(), "vocabulary_size": self.vocabulary_size, "num_layers": self.num_layers,
                "num_heads": self.num_heads, "hidden_dim": self.hidden_dim, "intermediate_dim": self.intermediate_dim,
                "dropout": self.dropout, "max_sequence_length": self.max_sequence_length,
                "num_segments": self.num_segments, "layer_norm_epsilon": self.layer_norm_epsilon}

    # -- Hugging Face conversion ------------------------------------------------------------------
    @staticmethod
    def config_from_hf(cfg: dict) -> dict:
        """The constructor arguments for a Hugging Face ``config.json`` of a BERT model.

        Arguments:
            cfg: the parsed ``config.json``.

        Returns:
            A dict of keyword arguments.

        Raises:
            ValueError: for a checkpoint this backbone cannot reproduce (an activation other than
                ``"gelu"``, ...).
        """
        act = cfg.get("hidden_act", "gelu")
        if act != "gelu":
            raise ValueError(f"BertBackbone supports hidden_act='gelu' (erf); the checkpoint has {act!r}")
        if cfg.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("BertBackbone supports position_embedding_type='absolute'; the checkpoint has "
                             f"{cfg['position_embedding_type']!r}")
        return {"vocabulary_size": cfg["vocab_size"], "num_layers": cfg["num_hidden_layers"],
                "num_heads": cfg["num_attention_heads"], "hidden_dim": cfg["hidden_size"],
                "intermediate_dim": cfg["intermediate_size"], "dropout": cfg.get("hidden_dropout_prob", 0.1),
                "max_sequence_length": cfg.get("max_position_embeddings", 512),
                "num_segments": cfg.get("type_vocab_size", 2), "layer_norm_epsilon": cfg.get("layer_norm_eps", 1e-12)}

    def load_hf_weights(self, get) -> None:
        """Assigns Hugging Face BERT tensors; ``get(name)`` returns a NumPy array (names without
        the optional ``bert.`` prefix)."""
        def dense(layer, prefix):
            layer.kernel.assign(get(prefix + ".weight").T)
            layer.bias.assign(get(prefix + ".bias"))

        def norm(layer, prefix):
            layer.gamma.assign(get(prefix + ".weight"))
            layer.beta.assign(get(prefix + ".bias"))

        self.token_embedding_layer.embeddings.assign(get("embeddings.word_embeddings.weight"))
        self.position_embedding.embeddings.assign(get("embeddings.position_embeddings.weight"))
        self.segment_embedding.embeddings.assign(get("embeddings.token_type_embeddings.weight"))
        norm(self.embeddings_layer_norm, "embeddings.LayerNorm")
        for i, layer in enumerate(self.transformer_layers):
            p = f"encoder.layer.{i}."
            dense(layer.query_dense, p + "attention.self.query")
            dense(layer.key_dense, p + "attention.self.key")
            dense(layer.value_dense, p + "attention.self.value")
            dense(layer.output_dense, p + "attention.output.dense")
            norm(layer.attention_layer_norm, p + "attention.output.LayerNorm")
            dense(layer.intermediate_dense, p + "intermediate.dense")
            dense(layer.feedforward_output_dense, p + "output.dense")
            norm(layer.feedforward_layer_norm, p + "output.LayerNorm")
        # sentence-transformers checkpoints may drop the pooler; it then keeps its initial weights
        with contextlib.suppress(KeyError):
            dense(self.pooled_dense, "pooler.dense")


@dlx.saving.register_serializable("dlx_hub")
class BertTextEmbedderPreprocessor(Preprocessor):
    """Strings -> ``{"token_ids", "segment_ids", "padding_mask"}``: ``[CLS] text [SEP]``,
    truncated to ``sequence_length`` and padded to the longest sequence in the batch
    (``padding="max_length"``: to ``sequence_length``).

    Arguments:
        tokenizer: the :class:`BertTokenizer` (required).
        sequence_length: the longest packed sequence, ``[CLS]`` and ``[SEP]`` included (an int of at
            least 2, or ``None``: no limit beyond the tokenizer's own ``sequence_length``).
        padding: ``"longest"`` (pad each batch to its longest sequence) or ``"max_length"`` (always
            to ``sequence_length``).

    Raises:
        ValueError: for a missing ``tokenizer``, a ``sequence_length`` that is not an int of at least
            2 or ``None``, another ``padding``, or ``padding="max_length"`` without a
            ``sequence_length``.
    """

    tokenizer_cls = BertTokenizer

    def __init__(self, tokenizer=None, sequence_length: int | None = 512, padding: str = "longest"):
        super().__init__(tokenizer, sequence_length)
        if padding not in ("longest", "max_length"):
            raise ValueError(f"padding must be 'longest' or 'max_length'; got {padding!r}")
        if padding == "max_length" and sequence_length is None:
            raise ValueError("padding='max_length' needs a sequence_length")
        self.padding = padding

    def __call__(self, inputs):
        single = isinstance(inputs, str)
        ids = self.tokenizer.tokenize([inputs] if single else inputs, sequence_length=None)
        if self.tokenizer.sequence_length is not None:  # the tokenizer's own limit applies first
            ids = [seq[:self.tokenizer.sequence_length] for seq in ids]
        limit = None if self.sequence_length is None else self.sequence_length - 2
        packed = [[self.tokenizer.cls_token_id, *seq[:limit], self.tokenizer.sep_token_id] for seq in ids]
        width = self.sequence_length if self.padding == "max_length" else max(len(p) for p in packed)
        token_ids = np.full((len(packed), width), self.tokenizer.pad_token_id, dtype="int32")
        mask = np.zeros((len(packed), width), dtype="int32")
        for i, p in enumerate(packed):
            token_ids[i, :len(p)] = p
            mask[i, :len(p)] = 1
        return {"token_ids": token_ids, "segment_ids": np.zeros_like(token_ids), "padding_mask": mask}

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding}
