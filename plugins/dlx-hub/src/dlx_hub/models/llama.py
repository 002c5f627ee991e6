"""Llama family (Llama 2/3, SmolLM, TinyLlama ...): RMSNorm, RoPE, grouped-query attention,
SwiGLU, with a key/value cache for generation."""

from __future__ import annotations

import numpy as np

import dlx
from dlx import layers, ops
from dlx_hub.models import attention
from dlx_hub.models.backbone import Backbone, initializer
from dlx_hub.models.causal_lm import CausalLM, CausalLMPreprocessor
from dlx_hub.models.lora import LoRADense
from dlx_hub.tokenizers import BytePairTokenizer


def _dense(units, **kwargs):
    return LoRADense(units, kernel_initializer=initializer("glorot_uniform"), **kwargs)


def _embedding(input_dim, output_dim, **kwargs):
    return layers.Embedding(input_dim, output_dim, embeddings_initializer=initializer("uniform"), **kwargs)


@dlx.saving.register_serializable("dlx_hub")
class LlamaTokenizer(BytePairTokenizer):
    """The Llama-family byte-level BPE tokenizer; ``start_token`` (BOS), ``end_token`` (EOS),
    ``pad_token``; ``add_start_token`` says whether prompts begin with BOS.

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or the path of a ``tokenizer.json``
            (or ``None`` with ``vocabulary`` and ``merges`` in ``**kwargs``).
        special_tokens: the special tokens by attribute name (``start_token``, ``end_token``,
            ``pad_token``, ``unk_token``); each must be in the vocabulary. ``None``: none.
        add_start_token: whether :class:`~dlx_hub.models.LlamaCausalLMPreprocessor` puts the start
            token before each prompt.
        **kwargs: the other :class:`~dlx_hub.tokenizers.BytePairTokenizer` and
            :class:`~dlx_hub.tokenizers.Tokenizer` arguments (``vocabulary``, ``merges``,
            ``add_prefix_space``, ``sequence_length``, ``chat_template``, ``dtype``, ``name``...).
    """

    def __init__(self, tokenizer=None, special_tokens=None, add_start_token: bool = False, **kwargs):
        super().__init__(tokenizer=tokenizer, special_tokens=special_tokens, **kwargs)
        self.add_start_token = bool(add_start_token)

    def get_config(self) -> dict:
        return {**super().get_config(), "add_start_token": self.add_start_token}

    @classmethod
    def special_tokens_from_hf(cls, tokenizer_config: dict) -> dict:
        """The special tokens (``start_token``, ``end_token``, ``pad_token``, ``unk_token``) named in a
        Hugging Face ``tokenizer_config.json`` (``bos_token``, ``eos_token``, ...); absent ones are left out.

        Arguments:
            tokenizer_config: the parsed ``tokenizer_config.json``.

        Returns:
            A dict for the ``special_tokens`` argument.
        """
        def name(v):
            return v.get("content") if isinstance(v, dict) else v

        out = {"start_token": name(tokenizer_config.get("bos_token")),
               "end_token": name(tokenizer_config.get("eos_token")),
               "pad_token": name(tokenizer_config.get("pad_token")),
               "unk_token": name(tokenizer_config.get("unk_token"))}
        return {k: v for k, v in out.items() if v is not None}


class _LlamaDecoderLayer(layers.Layer):
    def __init__(self, hidden_dim, intermediate_dim, num_query_heads, num_key_value_heads, epsilon, **kwargs):
        super().__init__(**kwargs)
        self.num_query_heads, self.num_key_value_heads = num_query_heads, num_key_value_heads
        self.head_dim = hidden_dim // num_query_heads
        kv_dim = self.head_dim * num_key_value_heads
        self.self_attention_layernorm = layers.RMSNormalization(epsilon=epsilon, name="self_attention_layernorm")
        self.query_dense = _dense(hidden_dim, use_bias=False, name="query_dense")
        self.key_dense = _dense(kv_dim, use_bias=False, name="key_dense")
        self.value_dense = _dense(kv_dim, use_bias=False, name="value_dense")
        self.output_dense = _dense(hidden_dim, use_bias=False, name="output_dense")
        self.feedforward_layernorm = layers.RMSNormalization(epsilon=epsilon, name="feedforward_layernorm")
        self.feedforward_gate_dense = _dense(intermediate_dim, use_bias=False, name="feedforward_gate_dense")
        self.feedforward_intermediate_dense = _dense(intermediate_dim, use_bias=False,
                                                           name="feedforward_intermediate_dense")
        self.feedforward_output_dense = _dense(hidden_dim, use_bias=False, name="feedforward_output_dense")

    def call(self, x, cos, sin, bias, cache=None, write=None):
        """``cache``: ``(keys, values)`` of earlier positions, (batch, past, kv_heads, head_dim),
        or None; with ``write`` (a (1, length, 1, 1) boolean one-hot) ``cache`` is a fixed-size
        buffer and this call's single position goes into the marked slot. Returns ``(output,
        (keys, values))`` including this call's positions."""
        d = self.head_dim
        h = self.self_attention_layernorm(x)
        q = _rope(attention.split_heads(self.query_dense(h), self.num_query_heads, d), cos, sin)
        k = _rope(attention.split_heads(self.key_dense(h), self.num_key_value_heads, d), cos, sin)
        v = attention.split_heads(self.value_dense(h), self.num_key_value_heads, d)
        if cache is not None and write is not None:  # the buffer's shape stays: one compiled step
            k, v = ops.where(write, k, cache[0]), ops.where(write, v, cache[1])
        elif cache is not None:
            k = ops.concatenate([cache[0], k], axis=1)
            v = ops.concatenate([cache[1], v], axis=1)
        kk, vv = self._share_heads(k), self._share_heads(v)
        x = x + self.output_dense(attention.merge_heads(attention.attend(q, kk, vv, bias)))
        h = self.feedforward_layernorm(x)
        f = ops.silu(self.feedforward_gate_dense(h)) * self.feedforward_intermediate_dense(h)
        return x + self.feedforward_output_dense(f), (k, v)


    def _share_heads(self, x):
        """Grouped-query attention: each key/value head serves ``groups`` consecutive query heads
        ((batch, seq, kv_heads, d) -> (batch, seq, heads, d), as ``repeat`` on axis 2, but a
        broadcast whose shape never depends on data, so compiled and replayed steps keep it)."""
        groups = self.num_query_heads // self.num_key_value_heads
        if groups == 1:
            return x
        b, s, kv, d = ops.tensors.shape(x)
        return ops.reshape(ops.broadcast_to(ops.expand_dims(x, 3), (b, s, kv, groups, d)), (b, s, kv * groups, d))


def _rope(x, cos, sin):
    """Rotary embedding, rotate-half convention; x (batch, seq, heads, head_dim), cos/sin
    (batch, seq, 1, head_dim)."""
    half = ops.tensors.shape(x)[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return x * cos + ops.concatenate([-x2, x1], axis=-1) * sin


@dlx.saving.register_serializable("dlx_hub")
class LlamaBackbone(Backbone):
    """A Llama decoder. Inputs: ``{"token_ids", "padding_mask"}`` (``(batch, seq)``; left padding
    allowed: positions count real tokens only). Output: the final-normalised hidden states
    ``(batch, seq, hidden_dim)``. :meth:`call_with_cache` runs incremental decoding.

    Arguments:
        vocabulary_size: the number of token ids.
        num_layers: the number of decoder layers.
        num_query_heads: the attention (query) heads of each layer; they split ``hidden_dim``.
        hidden_dim: the width of the embeddings and of every layer's output.
        intermediate_dim: the width of each layer's SwiGLU feedforward part.
        num_key_value_heads: the key/value heads (grouped-query attention; each serves
            ``num_query_heads // num_key_value_heads`` query heads). ``None``: ``num_query_heads``.
        rope_max_wavelength: the base of the rotary position embedding's frequencies.
        layer_norm_epsilon: the epsilon of every RMS normalization.
        tie_word_embeddings: compute the logits with the token embedding (``True``) or with a
            separate ``lm_head`` layer (``False``).
        max_sequence_length: the context length the checkpoint was made for (read from its config);
            kept in the config, not enforced: longer inputs run, as KerasHub's ``LlamaBackbone``
            (which has no such argument) runs any length; the rotary embedding needs no table.
            Quality beyond it is the checkpoint's affair.
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``hidden_dim`` is not divisible by ``num_query_heads`` or
            ``num_query_heads`` not by ``num_key_value_heads``.
    """

    def __init__(self, vocabulary_size, num_layers, num_query_heads, hidden_dim, intermediate_dim,
                 num_key_value_heads=None, rope_max_wavelength=10000.0, layer_norm_epsilon=1e-6,
                 tie_word_embeddings=True, max_sequence_length=4096, **kwargs):
        super().__init__(**kwargs)
        num_key_value_heads = num_key_value_heads or num_query_heads
        if hidden_dim % num_query_heads or num_query_heads % num_key_value_heads:
            raise ValueError(f"hidden_dim={hidden_dim} must divide by num_query_heads={num_query_heads}, which must "
                             f"divide by num_key_value_heads={num_key_value_heads}")
        self.vocabulary_size, self.num_layers = int(vocabulary_size), int(num_layers)
        self.num_query_heads, self.num_key_value_heads = int(num_query_heads), int(num_key_value_heads)
        self.hidden_dim, self.intermediate_dim = int(hidden_dim), int(intermediate_dim)
        self.rope_max_wavelength, self.layer_norm_epsilon = float(rope_max_wavelength), float(layer_norm_epsilon)
        self.tie_word_embeddings, self.max_sequence_length = bool(tie_word_embeddings), int(max_sequence_length)
        self.head_dim = hidden_dim // num_query_heads
        self.token_embedding_layer = _embedding(vocabulary_size, hidden_dim, name="token_embedding")
        self.transformer_layers = [
            _LlamaDecoderLayer(hidden_dim, intermediate_dim, num_query_heads, num_key_value_heads, layer_norm_epsilon,
                               name=f"transformer_layer_{i}") for i in range(num_layers)]
        self.layer_norm = layers.RMSNormalization(epsilon=layer_norm_epsilon, name="sequence_output_layernorm")
        self.lm_head = None if tie_word_embeddings else _dense(vocabulary_size, use_bias=False, name="lm_head")
        self._build_now({"token_ids": np.zeros((1, 1), "int32"), "padding_mask": np.ones((1, 1), "int32")})
        if self.lm_head is not None:
            self.lm_head(np.zeros((1, 1, hidden_dim), "float32"))

    @property
    def token_embedding(self):
        return self.token_embedding_layer

    # -- rotary tables (float32, as the reference computes them) ---------------------------------
    def _cos_sin(self, positions):
        """(batch, seq) int positions (NumPy or a tensor) -> cos, sin (batch, seq, 1, head_dim)."""
        d = self.head_dim
        inv_freq = (1.0 / (self.rope_max_wavelength ** (np.arange(0, d, 2, dtype=np.int64).astype(np.float32) / d)))
        freqs = ops.multiply(ops.expand_dims(ops.cast(positions, "float32"), -1), inv_freq.astype(np.float32))
        emb = ops.expand_dims(ops.concatenate([freqs, freqs], axis=-1), 2)
        return ops.cos(emb), ops.sin(emb)

    def call_with_cache(self, token_ids, positions, key_mask, caches=None):
        """Runs new tokens against a cache.

        Arguments:
            token_ids: (batch, new) ids.
            positions: (batch, new) NumPy int positions of the new tokens.
            key_mask: (batch, past + new) NumPy 0/1: which cached + new positions are real.
            caches: a list of per-layer ``(keys, values)`` or None.

        Returns:
            ``(hidden, caches)``: final-normalised hidden states of the new tokens and the
            updated caches.
        """
        positions = np.asarray(positions)
        key_mask = np.asarray(key_mask).astype(bool)
        new = positions.shape[1]
        total = key_mask.shape[1]
        past = total - new
        causal = np.arange(total)[None, :] <= (past + np.arange(new))[:, None]   # (new, total)
        allowed = causal[None] & key_mask[:, None, :]
        bias = ops.convert_to_tensor(np.where(allowed, 0.0, attention.MASK_BIAS).astype(np.float32)[:, None])
        return self._run_layers(token_ids, positions, bias, caches)

    def decode_step(self, token_ids, positions, key_mask, caches, index):
        """One new token per row into fixed-size caches, with tensors only (so a compiled
        function can wrap it: the shapes do not change from step to step).

        Arguments:
            token_ids, positions: (batch, 1) ids and positions of the new tokens.
            key_mask: (batch, length) 0/1: the real cached positions, slot ``index`` included.
            caches: per-layer ``(keys, values)`` buffers, (batch, length, kv_heads, head_dim).
            index: the slot (an int32 scalar) the new keys and values go to.

        Returns:
            ``(hidden, caches)`` as :meth:`call_with_cache`.
        """
        length = ops.tensors.shape(key_mask)[1]
        write = ops.reshape(ops.equal(ops.arange(length, dtype="int32"), index), (1, length, 1, 1))
        return self._run_layers(token_ids, positions, attention.padding_bias(key_mask), caches, write)

    def _run_layers(self, token_ids, positions, bias, caches, write=None):
        cos, sin = self._cos_sin(positions)
        x = self.token_embedding_layer(token_ids)
        out_caches = []
        for i, layer in enumerate(self.transformer_layers):
            x, c = layer(x, cos, sin, bias, None if caches is None else caches[i], write)
            out_caches.append(c)
        return self.layer_norm(x), out_caches

    def call(self, inputs):
        if not isinstance(inputs, dict) or "token_ids" not in inputs:
            raise ValueError("LlamaBackbone takes a dict with 'token_ids' and 'padding_mask'; got "
                             f"{type(inputs).__name__}")
        token_ids = inputs["token_ids"]
        mask = inputs.get("padding_mask")
        mask = np.ones(ops.tensors.shape(token_ids), "int32") if mask is None else ops.convert_to_numpy(mask)
        positions = np.maximum(np.cumsum(mask, axis=1) - 1, 0)
        hidden, _ = self.call_with_cache(token_ids, positions, mask)
        return hidden

    def logits(self, hidden):
        """Vocabulary logits of hidden states (the tied embedding or the separate head)."""
        if self.lm_head is not None:
            return self.lm_head(hidden)
        return ops.einsum("bsd,vd->bsv", hidden, self.token_embedding_layer.embeddings)

    def get_config(self) -> dict:
        return {**super().get_config(), "vocabulary_size": self.vocabulary_size, "num_layers": self.num_layers,
                "num_query_heads": self.num_query_heads, "hidden_dim": self.hidden_dim,
                "intermediate_dim": self.intermediate_dim, "num_key_value_heads": self.num_key_value_heads,
                "rope_max_wavelength": self.rope_max_wavelength, "layer_norm_epsilon": self.layer_norm_epsilon,
                "tie_word_embeddings": self.tie_word_embeddings, "max_sequence_length": self.max_sequence_length}

    # -- conversions ------------------------------------------------------------------------------
    @staticmethod
    def config_from_hf(cfg: dict) -> dict:
        """The constructor arguments for a Hugging Face ``config.json`` of a Llama model.

        Arguments:
            cfg: the parsed ``config.json``.

        Returns:
            A dict of keyword arguments.

        Raises:
            ValueError: for an activation other than ``"silu"`` or a ``rope_scaling`` setting (not
                supported).
        """
        if cfg.get("hidden_act", "silu") != "silu":
            raise ValueError(f"LlamaBackbone supports hidden_act='silu'; the checkpoint has {cfg['hidden_act']!r}")
        if cfg.get("rope_scaling"):
            raise ValueError(f"LlamaBackbone does not support rope_scaling={cfg['rope_scaling']!r} yet")
        return {"vocabulary_size": cfg["vocab_size"], "num_layers": cfg["num_hidden_layers"],
                "num_query_heads": cfg["num_attention_heads"], "hidden_dim": cfg["hidden_size"],
                "intermediate_dim": cfg["intermediate_size"],
                "num_key_value_heads": cfg.get("num_key_value_heads") or cfg["num_attention_heads"],
                "rope_max_wavelength": cfg.get("rope_theta", 10000.0),
                "layer_norm_epsilon": cfg.get("rms_norm_eps", 1e-6),
                "tie_word_embeddings": cfg.get("tie_word_embeddings", False),
                "max_sequence_length": cfg.get("max_position_embeddings", 4096)}

    @staticmethod
    def config_from_gguf(md: dict) -> dict:
        """The constructor arguments for a GGUF file's metadata (the ``<architecture>.*`` keys); the
        word embeddings are tied when the file has no ``output.weight`` tensor.

        Arguments:
            md: the GGUF metadata.

        Returns:
            A dict of keyword arguments.
        """
        arch = md["general.architecture"]

        def g(key, default=None):
            return md.get(f"{arch}.{key}", default)

        vocab = g("vocab_size")
        return {"vocabulary_size": int(vocab), "num_layers": int(g("block_count")),
                "num_query_heads": int(g("attention.head_count")), "hidden_dim": int(g("embedding_length")),
                "intermediate_dim": int(g("feed_forward_length")),
                "num_key_value_heads": int(g("attention.head_count_kv", g("attention.head_count"))),
                "rope_max_wavelength": float(g("rope.freq_base", 10000.0)),
                "layer_norm_epsilon": float(g("attention.layer_norm_rms_epsilon", 1e-6)),
                "tie_word_embeddings": "output.weight" not in md.get("_tensor_names", ()),
                "max_sequence_length": int(g("context_length", 4096))}

    def load_hf_weights(self, get) -> None:
        """Assigns the weights of a Hugging Face Llama checkpoint (safetensors or GGUF), transposing the
        projection kernels to dlx's ``(input, output)`` layout.

        Arguments:
            get: ``get(name) -> numpy array``, the checkpoint tensor of a Hugging Face name without the
                ``model.`` prefix (``"embed_tokens.weight"``, ``"layers.0.self_attn.q_proj.weight"``, ...).
        """
        self.token_embedding_layer.embeddings.assign(get("embed_tokens.weight"))
        for i, layer in enumerate(self.transformer_layers):
            p = f"layers.{i}."
            layer.self_attention_layernorm.scale.assign(get(p + "input_layernorm.weight"))
            layer.feedforward_layernorm.scale.assign(get(p + "post_attention_layernorm.weight"))
            for dense, name in ((layer.query_dense, "self_attn.q_proj"), (layer.key_dense, "self_attn.k_proj"),
                                (layer.value_dense, "self_attn.v_proj"), (layer.output_dense, "self_attn.o_proj"),
                                (layer.feedforward_gate_dense, "mlp.gate_proj"),
                                (layer.feedforward_intermediate_dense, "mlp.up_proj"),
                                (layer.feedforward_output_dense, "mlp.down_proj")):
                dense.kernel.assign(get(p + name + ".weight").T)
        self.layer_norm.scale.assign(get("norm.weight"))
        if self.lm_head is not None:
            self.lm_head.kernel.assign(get("lm_head.weight").T)


@dlx.saving.register_serializable("dlx_hub")
class LlamaCausalLMPreprocessor(CausalLMPreprocessor):
    """The Llama causal-LM preprocessor: a :class:`CausalLMPreprocessor` whose tokenizer is a
    :class:`~dlx_hub.tokenizers.LlamaTokenizer` (strings to left-padded ``token_ids`` and
    ``padding_mask`` for generation).

    Arguments:
        tokenizer: the :class:`~dlx_hub.models.LlamaTokenizer` (required); when its
            ``add_start_token`` is set, each prompt begins with its start token.
        sequence_length: prompts longer than this keep their last ``sequence_length`` tokens (an
            int of at least 2, or ``None``: no limit).

    Raises:
        ValueError: for a missing ``tokenizer`` or a ``sequence_length`` that is not an int of at
            least 2 or ``None``.
    """
    tokenizer_cls = LlamaTokenizer


@dlx.saving.register_serializable("dlx_hub")
class LlamaCausalLM(CausalLM):
    """A :class:`CausalLM` on a :class:`LlamaBackbone` (SmolLM2, Llama ...).

    Arguments:
        backbone: the :class:`LlamaBackbone`.
        preprocessor: a :class:`LlamaCausalLMPreprocessor` for string prompts, or ``None`` (then
            ``generate`` takes preprocessed dict inputs only).
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is ``None``.
        TypeError: when ``backbone`` is not a :class:`LlamaBackbone`.
    """

    backbone_cls = LlamaBackbone
    preprocessor_cls = LlamaCausalLMPreprocessor
