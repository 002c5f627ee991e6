"""Tokenizers (the ``tokenizers`` library; no TensorFlow)."""

from dlx_hub.tokenizers.tokenizer import (
    BytePairTokenizer,
    SentencePieceTokenizer,
    Tokenizer,
    WordPieceTokenizer,
    from_tokenizer_json,
)

__all__ = ["BytePairTokenizer", "SentencePieceTokenizer", "Tokenizer", "WordPieceTokenizer", "from_tokenizer_json"]
