"""Backbones, tasks, preprocessors and tokenizers of the model families dlx-hub ships."""

from dlx_hub.models.backbone import Backbone
from dlx_hub.models.bert import BertBackbone, BertTextEmbedderPreprocessor, BertTokenizer
from dlx_hub.models.causal_lm import CausalLM
from dlx_hub.models.efficientnet_lite import (
    EfficientNetLiteBackbone,
    EfficientNetLiteImageClassifier,
    ImageClassifier,
    ImageClassifierPreprocessor,
)
from dlx_hub.models.gpt2 import GPT2Tokenizer
from dlx_hub.models.llama import LlamaBackbone, LlamaCausalLM, LlamaCausalLMPreprocessor, LlamaTokenizer
from dlx_hub.models.preprocessor import Preprocessor
from dlx_hub.models.task import Task
from dlx_hub.models.text_classifier import BertTextClassifier, TextClassifier
from dlx_hub.models.text_embedder import BertTextEmbedder, TextEmbedder

# family name -> (backbone class, tokenizer class)
FAMILIES = {
    "bert": (BertBackbone, BertTokenizer),
    "llama": (LlamaBackbone, LlamaTokenizer),
    "efficientnet_lite": (EfficientNetLiteBackbone, None),
}


def family_backbone(family: str):
    return FAMILIES.get(family, (None, None))[0]


def family_tokenizer(family: str):
    return FAMILIES.get(family, (None, None))[1]


def family_of(backbone_cls) -> str:
    for name, (bb, _) in FAMILIES.items():
        if issubclass(backbone_cls, bb):
            return name
    return ""


__all__ = [
    "Backbone",
    "BertBackbone",
    "BertTextClassifier",
    "BertTextEmbedder",
    "BertTextEmbedderPreprocessor",
    "BertTokenizer",
    "CausalLM",
    "EfficientNetLiteBackbone",
    "EfficientNetLiteImageClassifier",
    "GPT2Tokenizer",
    "ImageClassifier",
    "ImageClassifierPreprocessor",
    "LlamaBackbone",
    "LlamaCausalLM",
    "LlamaCausalLMPreprocessor",
    "LlamaTokenizer",
    "Preprocessor",
    "Task",
    "TextClassifier",
    "TextEmbedder",
]
