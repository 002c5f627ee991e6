"""GPT-2's byte-level BPE tokenizer (``encoder.json`` + ``vocab.bpe``)."""

from __future__ import annotations

import dlx
from dlx_hub.tokenizers import BytePairTokenizer

END_OF_TEXT = "<|endoftext|>"


@dlx.saving.register_serializable("dlx_hub")
class GPT2Tokenizer(BytePairTokenizer):
    """GPT-2's tokenizer: ``<|endoftext|>`` is the start, end and pad token and is never split.

    Build it from a ``tokenizer.json`` (``tokenizer=``) or from GPT-2's own files (``vocabulary=``
    and ``merges=``).

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or the path of a ``tokenizer.json``;
            ``None`` to build from ``vocabulary`` and ``merges``.
        vocabulary: a ``{token: id}`` dict or the path of ``encoder.json`` (not with ``tokenizer``).
        merges: a list of ``"a b"`` merge rules or the path of ``vocab.bpe`` (not with
            ``tokenizer``).
        special_tokens: the special tokens by attribute name (``None``: ``start_token``,
            ``end_token`` and ``pad_token`` all ``"<|endoftext|>"``); each must be in the
            vocabulary.
        **kwargs: the other :class:`~dlx_hub.tokenizers.BytePairTokenizer` and
            :class:`~dlx_hub.tokenizers.Tokenizer` arguments (``add_prefix_space``,
            ``sequence_length``, ``chat_template``, ``dtype``, ``name``).

    Raises:
        ValueError: when both ``tokenizer`` and ``vocabulary``/``merges`` are given, or neither
            ``tokenizer`` nor both of ``vocabulary`` and ``merges``.

    >>> tok = GPT2Tokenizer(vocabulary="encoder.json", merges="vocab.bpe")  # doctest: +SKIP
    >>> tok(" gazed")                                                        # doctest: +SKIP
    [50255]
    """

    def __init__(self, tokenizer=None, vocabulary=None, merges=None, special_tokens=None, **kwargs):
        unsplittable = () if tokenizer is not None else (END_OF_TEXT,)
        super().__init__(tokenizer=tokenizer, vocabulary=vocabulary, merges=merges, unsplittable_tokens=unsplittable,
                         special_tokens=special_tokens or {"start_token": END_OF_TEXT, "end_token": END_OF_TEXT,
                                                           "pad_token": END_OF_TEXT}, **kwargs)
