"""Tokenizers (the ``tokenizers`` library; no TensorFlow)."""

from dlx_hub.tokenizers.tokenizer import (
    BytePairTokenizer,
    SentencePieceTokenizer,
    Tokenizer,
    WordPieceTokenizer,
    from_tokenizer_json,
)

__all__ = ["BertTokenizer", "BytePairTokenizer", "GPT2Tokenizer", "LlamaTokenizer", "SentencePieceTokenizer",
           "Tokenizer", "WordPieceTokenizer", "from_tokenizer_json"]

# model-specific tokenizers live with their models (KerasHub also lists them here)
_MODEL_TOKENIZERS = {"BertTokenizer", "GPT2Tokenizer", "LlamaTokenizer"}


def __getattr__(name):
    if name in _MODEL_TOKENIZERS:
        from dlx_hub import models

        return getattr(models, name)
    raise AttributeError(f"module 'dlx_hub.tokenizers' has no attribute {name!r}")


def __dir__():  # the model tokenizers too (dir(), completion, the API reference's inspection)
    return sorted({*globals(), *_MODEL_TOKENIZERS})
