"""Preset discovery through the dlx_presets hook, the Hugging Face folder converters
(safetensors; BERT and Llama families) and error messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

import dlx
import dlx_hub
from dlx.plugins import PresetRecord, hookimpl
from dlx.plugins.manager import plugin_manager

TINY_BERT = {"vocabulary_size": 40, "num_layers": 2, "num_heads": 2, "hidden_dim": 8, "intermediate_dim": 16,
             "max_sequence_length": 16, "dropout": 0.0}
TINY_LLAMA = {"vocabulary_size": 40, "num_layers": 2, "num_query_heads": 4, "num_key_value_heads": 2, "hidden_dim": 16,
              "intermediate_dim": 24, "rope_max_wavelength": 10000.0, "layer_norm_epsilon": 1e-5,
              "tie_word_embeddings": False}
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "##s", "a", "dog"]


def wordpiece_json() -> str:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    tok = Tokenizer(models.WordPiece({t: i for i, t in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    return tok.to_str()


def bert_hf_folder(path, backbone):
    from safetensors.numpy import save_file

    w = {"embeddings.word_embeddings.weight": backbone.token_embedding.embeddings,
         "embeddings.position_embeddings.weight": backbone.position_embedding.embeddings,
         "embeddings.token_type_embeddings.weight": backbone.segment_embedding.embeddings,
         "embeddings.LayerNorm.weight": backbone.embeddings_layer_norm.gamma,
         "embeddings.LayerNorm.bias": backbone.embeddings_layer_norm.beta}
    for i, l in enumerate(backbone.transformer_layers):
        p = f"encoder.layer.{i}."
        for name, d in (("attention.self.query", l.query_dense), ("attention.self.key", l.key_dense),
                        ("attention.self.value", l.value_dense), ("attention.output.dense", l.output_dense),
                        ("intermediate.dense", l.intermediate_dense), ("output.dense", l.feedforward_output_dense)):
            w[p + name + ".weight"] = np.asarray(d.kernel).T
            w[p + name + ".bias"] = d.bias
        for name, n in (("attention.output.LayerNorm", l.attention_layer_norm), ("output.LayerNorm", l.feedforward_layer_norm)):
            w[p + name + ".weight"], w[p + name + ".bias"] = n.gamma, n.beta
    w["pooler.dense.weight"] = np.asarray(backbone.pooled_dense.kernel).T
    w["pooler.dense.bias"] = backbone.pooled_dense.bias
    path.mkdir()
    save_file({"bert." + k: np.ascontiguousarray(dlx.ops.convert_to_numpy(v)) for k, v in w.items()},
              str(path / "model.safetensors"))
    (path / "config.json").write_text(json.dumps({
        "model_type": "bert", "vocab_size": 40, "num_hidden_layers": 2, "num_attention_heads": 2, "hidden_size": 8,
        "intermediate_size": 16, "max_position_embeddings": 16, "type_vocab_size": 2, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.0}))
    (path / "tokenizer.json").write_text(wordpiece_json())


@pytest.fixture
def tiny_bert():
    with dlx.backend.use("numpy"):
        yield dlx_hub.models.BertBackbone(**TINY_BERT)


def test_builtin_presets_are_published_through_the_hook():
    records = dlx_hub.presetlib.registered_presets()
    assert records["all_minilm_l6_v2_en"].family == "bert"
    assert records["smollm2_135m_instruct_q4_1"].location.endswith(".gguf")
    assert all(r.distribution == "dlx-hub" for r in records.values())


def test_third_party_preset_through_the_hook(tiny_bert, tmp_path):
    tiny_bert.save_to_preset(tmp_path / "tiny")

    class ThirdParty:
        @hookimpl
        def dlx_presets(self):
            return [PresetRecord(name="tiny_bert_test", location=str(tmp_path / "tiny"), family="bert",
                                 distribution="third-party")]

    pm = plugin_manager()
    plugin = ThirdParty()
    pm.register(plugin, name="third-party-test")
    try:
        assert "tiny_bert_test" in dlx_hub.models.BertBackbone.presets
        assert "tiny_bert_test" not in dlx_hub.models.LlamaBackbone.presets
        with dlx.backend.use("numpy"):
            again = dlx_hub.models.Backbone.from_preset("tiny_bert_test")
        assert type(again) is dlx_hub.models.BertBackbone
        for a, b in zip(tiny_bert.get_weights(), again.get_weights()):
            assert np.array_equal(a, b)
        meta = json.loads((tmp_path / "tiny" / "metadata.json").read_text())
        assert meta["parameter_count"] == tiny_bert.count_params() and meta["family"] == "bert"

        class Duplicate:
            @hookimpl
            def dlx_presets(self):
                return [PresetRecord(name="tiny_bert_test", location="elsewhere")]

        dup = Duplicate()
        pm.register(dup, name="duplicate-test")
        try:
            with pytest.raises(RuntimeError, match="two plugins publish a preset named 'tiny_bert_test'"):
                dlx_hub.presetlib.registered_presets()
        finally:
            pm.unregister(dup)
    finally:
        pm.unregister(plugin)


def test_hf_bert_folder_converts_on_the_fly(tiny_bert, tmp_path):
    bert_hf_folder(tmp_path / "hf", tiny_bert)
    x = {"token_ids": np.array([[2, 5, 6, 7, 3, 0]], "int32"), "padding_mask": np.array([[1, 1, 1, 1, 1, 0]], "int32")}
    with dlx.backend.use("numpy"):
        conv = dlx_hub.models.BertBackbone.from_preset(str(tmp_path / "hf"))
        ref = tiny_bert(x)
        out = conv(x)
    for k in ("sequence_output", "pooled_output"):
        # same weights; a transposed (non-contiguous) kernel may change BLAS summation order only
        np.testing.assert_allclose(dlx.ops.convert_to_numpy(out[k]), dlx.ops.convert_to_numpy(ref[k]), atol=1e-6)
    tok = dlx_hub.models.BertTokenizer.from_preset(str(tmp_path / "hf"))
    assert tok("The cats sat") == [5, 6, 10, 7]
    assert tok.detokenize([5, 6, 10, 7]) == "the cats sat"
    assert (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id, tok.vocabulary_size()) == (2, 3, 0, 13)
    batch = tok(["the cat", "a dog sat on the mat"], sequence_length=4)
    assert batch.tolist() == [[5, 6, 0, 0], [11, 12, 7, 8]]
    assert tok(["the cat", "a dog"]) == [[5, 6], [11, 12]]


def test_hf_llama_folder_converts_on_the_fly(tmp_path):
    from safetensors.numpy import save_file

    with dlx.backend.use("numpy"):
        src = dlx_hub.models.LlamaBackbone(**TINY_LLAMA)
        w = {"model.embed_tokens.weight": src.token_embedding.embeddings, "model.norm.weight": src.layer_norm.scale,
             "lm_head.weight": np.asarray(src.lm_head.kernel).T}
        for i, l in enumerate(src.transformer_layers):
            p = f"model.layers.{i}."
            w[p + "input_layernorm.weight"] = l.self_attention_layernorm.scale
            w[p + "post_attention_layernorm.weight"] = l.feedforward_layernorm.scale
            for name, d in (("self_attn.q_proj", l.query_dense), ("self_attn.k_proj", l.key_dense),
                            ("self_attn.v_proj", l.value_dense), ("self_attn.o_proj", l.output_dense),
                            ("mlp.gate_proj", l.feedforward_gate_dense), ("mlp.up_proj", l.feedforward_intermediate_dense),
                            ("mlp.down_proj", l.feedforward_output_dense)):
                w[p + name + ".weight"] = np.asarray(d.kernel).T
        (tmp_path / "hf").mkdir()
        save_file({k: np.ascontiguousarray(dlx.ops.convert_to_numpy(v)) for k, v in w.items()},
                  str(tmp_path / "hf" / "model.safetensors"))
        (tmp_path / "hf" / "config.json").write_text(json.dumps({
            "model_type": "llama", "vocab_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "hidden_size": 16, "intermediate_size": 24, "rope_theta": 10000.0,
            "rms_norm_eps": 1e-5, "tie_word_embeddings": False, "hidden_act": "silu"}))
        conv = dlx_hub.models.LlamaBackbone.from_preset(str(tmp_path / "hf"))
        x = {"token_ids": np.array([[0, 5, 6, 7], [1, 2, 3, 4]], "int32"),
             "padding_mask": np.array([[0, 1, 1, 1], [1, 1, 1, 1]], "int32")}
        a = dlx.ops.convert_to_numpy(src.logits(src(x)))
        b = dlx.ops.convert_to_numpy(conv.logits(conv(x)))
    assert a.shape == (2, 4, 40)
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-5)


def test_clear_errors(tmp_path):
    with pytest.raises(ValueError, match=r"preset='no_such_preset' is neither a registered preset.*Registered presets:"):
        dlx_hub.models.Backbone.from_preset("no_such_preset")
    with pytest.raises(ValueError, match="kaggle:// scheme is not supported"):
        dlx_hub.models.Backbone.from_preset("kaggle://keras/bert/keras/bert_base_en")
    with pytest.raises(ValueError, match=r"holds no config\.json"):
        dlx_hub.models.Backbone.from_preset(str(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "t5"}))
    with pytest.raises(ValueError, match="model_type='t5' is not supported"):
        dlx_hub.models.Backbone.from_preset(str(tmp_path))
    with pytest.raises(ValueError, match="expected 'hf://org/model'"):
        dlx_hub.models.Backbone.from_preset("hf://just-a-name")
    with pytest.raises(FileNotFoundError, match="package 'not_a_module_xyz' is not installed"):
        dlx_hub.presetlib.resolve("package://not_a_module_xyz/weights")


def test_entry_module_and_import_stay_light():
    # the entry-point module (loaded with every dlx plugin) and `import dlx_hub` pull in no
    # framework and none of the checkpoint libraries
    import subprocess
    import sys

    code = ("import sys, dlx_hub, dlx_hub.plugin; dlx_hub.plugin.dlx_presets(); "
            "heavy = {'torch', 'jax', 'tensorflow', 'openvino', 'tokenizers', 'gguf', 'safetensors', "
            "'huggingface_hub'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
