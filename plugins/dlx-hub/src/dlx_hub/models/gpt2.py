"""GPT-2's byte-level BPE tokenizer (``encoder.json`` + ``vocab.bpe``)."""

from __future__ import annotations

import dlx
from dlx_hub.tokenizers import BytePairTokenizer

END_OF_TEXT = "<|endoftext|>"


@dlx.saving.register_serializable("dlx_hub")
class GPT2Tokenizer(BytePairTokenizer):
    """GPT-2's tokenizer: ``<|endoftext|>`` is the start, end and pad token and is never split.

    >>> tok = GPT2Tokenizer(vocabulary="encoder.json", merges="vocab.bpe")  # doctest: +SKIP
    >>> tok(" gazed")                                                        # doctest: +SKIP
    [50255]
    """

    def __init__(self, tokenizer=None, vocabulary=None, merges=None, special_tokens=None, **kwargs):
        unsplittable = () if tokenizer is not None else (END_OF_TEXT,)
        super().__init__(tokenizer=tokenizer, vocabulary=vocabulary, merges=merges, unsplittable_tokens=unsplittable,
                         special_tokens=special_tokens or {"start_token": END_OF_TEXT, "end_token": END_OF_TEXT,
                                                           "pad_token": END_OF_TEXT}, **kwargs)
