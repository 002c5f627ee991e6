"""GGUF checkpoints through the ``gguf`` package: metadata, tensors dequantised by
``gguf.quants.dequantize`` (Q4_0, Q4_1, Q8_0, F16, K-quants ...), and the tokenizer the metadata
describes rebuilt with the ``tokenizers`` library."""

from __future__ import annotations

import functools
import pathlib

import numpy as np

# GGUF (llama.cpp) tensor names -> Hugging Face Llama names
_LLAMA_GLOBAL = {"token_embd.weight": "embed_tokens.weight", "output_norm.weight": "norm.weight",
                 "output.weight": "lm_head.weight"}
_LLAMA_BLOCK = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
                "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
                "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"}

# token types in tokenizer.ggml.token_type
_CONTROL, _USER_DEFINED = 3, 4


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character table (byte-level BPE alphabet)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(keep, map(chr, chars)))


# pre-tokenizer split rules by ``tokenizer.ggml.pre`` (llama.cpp's names); others use GPT-2's
_SMOLLM_PRE = "smollm"


class GGUFFile:
    """A GGUF file opened with ``gguf.GGUFReader`` (memory-mapped)."""

    def __init__(self, path):
        try:
            import gguf
        except ImportError as e:
            raise ImportError("reading .gguf checkpoints needs the gguf package: pip install gguf") from e
        self.path = pathlib.Path(path)
        try:
            self.reader = gguf.GGUFReader(str(self.path))
        except Exception as e:
            raise ValueError(f"{self.path} is not a readable GGUF file: {e}") from e

    @functools.cached_property
    def metadata(self) -> dict:
        out = {}
        for key, field in self.reader.fields.items():
            if key in ("tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type",
                       "tokenizer.ggml.scores"):
                continue  # large arrays: read on demand
            out[key] = field.contents()
        return out

    def field(self, key):
        f = self.reader.fields.get(key)
        return None if f is None else f.contents()

    @property
    def architecture(self) -> str:
        return self.metadata["general.architecture"]

    def tensor(self, name: str) -> np.ndarray:
        from gguf import quants

        for t in self.reader.tensors:
            if t.name == name:
                # a copy: unquantised tensors come back as read-only views of the memory-mapped file
                return np.array(quants.dequantize(t.data, t.tensor_type), dtype=np.float32, copy=True)
        raise KeyError(f"{self.path}: no tensor {name!r}")

    def tensor_names(self) -> list[str]:
        return [t.name for t in self.reader.tensors]

    def hf_tensor_getter(self, backbone):
        """``get(hf_name)`` for Llama: GGUF names mapped to Hugging Face ones, and the Q/K rows
        that llama.cpp's converter permuted (for adjacent-pair RoPE) put back in the
        rotate-half order."""
        by_name = {t.name: t for t in self.reader.tensors}
        hf_to_gguf = {v: k for k, v in _LLAMA_GLOBAL.items()}
        for i in range(backbone.num_layers):
            for g, h in _LLAMA_BLOCK.items():
                hf_to_gguf[f"layers.{i}.{h}.weight"] = f"blk.{i}.{g}.weight"

        def get(name):
            gname = hf_to_gguf.get(name)
            if gname is None or gname not in by_name:
                raise KeyError(f"{self.path}: no tensor for {name!r}")
            w = self.tensor(gname)
            if gname.endswith(("attn_q.weight", "attn_k.weight")):
                heads = backbone.num_query_heads if "attn_q" in gname else backbone.num_key_value_heads
                w = _unpermute_rows(w, heads)
            return w

        return get

    def tokenizer(self, cls, **kwargs):
        """The tokenizer the metadata describes, as ``cls`` (a dlx tokenizer class)."""
        from tokenizers import AddedToken, decoders, models, pre_tokenizers
        from tokenizers import Tokenizer as RustTokenizer

        kind = self.field("tokenizer.ggml.model")
        tokens = self.field("tokenizer.ggml.tokens")
        if tokens is None:
            raise ValueError(f"{self.path}: no tokenizer in the GGUF metadata")
        types = self.field("tokenizer.ggml.token_type") or [1] * len(tokens)
        if kind != "gpt2":
            raise ValueError(f"{self.path}: tokenizer.ggml.model={kind!r}; only byte-level BPE ('gpt2') GGUF "
                             "tokenizers are supported")
        merges = [tuple(m.split(" ", 1)) for m in self.field("tokenizer.ggml.merges")]
        alphabet = set(_bytes_to_unicode().values())
        vocab = {tok: i for i, tok in enumerate(tokens)}
        rust = RustTokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False))
        byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        if self.field("tokenizer.ggml.pre") == _SMOLLM_PRE:
            # SmolLM's own tokenizer.json (and llama.cpp's "smollm" rule): single digits are split
            # off first, then GPT-2's rule
            rust.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
        else:
            rust.pre_tokenizer = byte_level
        rust.decoder = decoders.ByteLevel()
        # control tokens stay whole (a token outside the byte alphabet marked control is a
        # mislabel in some files and is left out, as the reference loader does)
        control = [AddedToken(t, special=True, normalized=False) for t, ty in zip(tokens, types)
                   if ty == _CONTROL and not set(t) - alphabet]
        rust.add_special_tokens(control)
        user = [AddedToken(t, special=False, normalized=False) for t, ty in zip(tokens, types) if ty == _USER_DEFINED]
        if user:
            rust.add_tokens(user)

        def tok(key):
            i = self.field(f"tokenizer.ggml.{key}")
            return None if i is None else tokens[int(i)]

        specials = {"start_token": tok("bos_token_id"), "end_token": tok("eos_token_id"),
                    "pad_token": tok("padding_token_id"), "unk_token": tok("unknown_token_id")}
        return cls(tokenizer=rust, special_tokens=specials, chat_template=self.field("tokenizer.chat_template"),
                   add_start_token=bool(self.field("tokenizer.ggml.add_bos_token")), **kwargs)


def _unpermute_rows(w: np.ndarray, heads: int) -> np.ndarray:
    """Inverse of llama.cpp's ``permute``: rows per head from (half, 2) interleaved back to (2, half)."""
    rows, cols = w.shape
    half = rows // heads // 2
    return w.reshape(heads, half, 2, cols).swapaxes(1, 2).reshape(rows, cols)
